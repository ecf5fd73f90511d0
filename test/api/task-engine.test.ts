import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { CREATE_TASK } from '../support/operations.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const STATUS = `query($id: ID!) { task(id: $id) { ... on Task { status agent { id } error { type message } dependsOn { id }
  startedAt finishedAt events(first: 1000) { kind payload } } } }`;
const RETRY = `mutation($id: ID!) { retryTask(id: $id) { __typename ... on RetryTaskSuccess { task { status } } ... on Error { code message } ... on ConflictError { field } } }`;

describe('the task engine: dependencies, claiming by role, retries', () => {
  let t: TestApp;
  let gate: string;

  beforeAll(async () => {
    gate = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'acp-gate-')), 'open');
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k', FAKE_CLAUDE_GATE: gate }, environment: { CLAUDE_MAX_AGENTS: '50' } });
  });
  afterAll(async () => {
    await t?.stop();
    await fs.rm(path.dirname(gate), { recursive: true, force: true });
  });

  async function status(id: string) {
    return (await t.ok(STATUS, { id })).task;
  }

  it('keeps a task PENDING until what it depends on has succeeded, then runs it', async () => {
    const sessionId = await createSession(t, 'chain');
    const first = await createTask(t, { sessionId, title: 'SLEEP 500 first' });
    const second = await createTask(t, { sessionId, title: 'second', dependsOn: [first.id] });
    expect(second.status).toBe('PENDING');
    await createAgent(t, sessionId, { name: 'chain-worker' });
    const [a, b] = [await waitForTaskEnd(t, first.id), await waitForTaskEnd(t, second.id)];
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const late = await status(second.id);
    expect(late.dependsOn).toEqual([{ id: first.id }]);
    expect(new Date(late.startedAt).getTime()).toBeGreaterThanOrEqual(new Date((await status(first.id)).finishedAt).getTime());
    expect(late.events.filter((e: any) => e.kind === 'STATUS').map((e: any) => `${e.payload.from}->${e.payload.to}`)).toEqual([
      'null->PENDING', 'PENDING->QUEUED', 'QUEUED->RUNNING', 'RUNNING->SUCCEEDED',
    ]);
  });

  it('fails the dependents of a failed task with a reason naming it; retryTask brings them back', async () => {
    const sessionId = await createSession(t, 'failing');
    await createAgent(t, sessionId, { name: 'gated-worker' });
    const root = await createTask(t, { sessionId, title: 'GATED build' });
    const child = await createTask(t, { sessionId, title: 'test', dependsOn: [root.id] });
    const grandchild = await createTask(t, { sessionId, title: 'ship', dependsOn: [child.id] });
    expect((await waitForTaskEnd(t, root.id)).error.type).toBe('API_ERROR');
    const failedChild = await waitForTaskEnd(t, child.id);
    expect(failedChild.status).toBe('FAILED');
    expect(failedChild.error.type).toBe('DEPENDENCY_FAILED');
    expect(failedChild.error.message).toMatch(/^its dependency "GATED build" failed: API Error: 500/);
    const failedGrandchild = await waitForTaskEnd(t, grandchild.id);
    expect(failedGrandchild.error).toMatchObject({ type: 'DEPENDENCY_FAILED', message: expect.stringMatching(/^its dependency "test" failed/) });

    // A task that depends on a failed one is refused at creation, naming the field.
    const refused = await t.ok(CREATE_TASK, { input: { sessionId, title: 'late', dependsOn: [root.id] } });
    expect(refused.createTask).toMatchObject({ __typename: 'InvalidInputError', field: 'dependsOn' });

    await fs.writeFile(gate, '');
    const retried = await t.ok(RETRY, { id: root.id });
    // Queued again; an idle agent may already have claimed it by the time the answer is read.
    expect(retried.retryTask).toEqual({ __typename: 'RetryTaskSuccess', task: { status: expect.stringMatching(/^(QUEUED|RUNNING)$/) } });
    for (const id of [root.id, child.id, grandchild.id]) expect((await waitForTaskEnd(t, id)).status).toBe('SUCCEEDED');
    const history = await status(root.id);
    // The transcript keeps the failed attempt before the retried one.
    expect(history.events.filter((e: any) => e.kind === 'RESULT').map((e: any) => e.payload.ok)).toEqual([false, true]);
    const again = await t.ok(RETRY, { id: root.id });
    expect(again.retryTask).toMatchObject({ __typename: 'ConflictError', field: 'id' });
  });

  it('hands an unassigned task to an idle agent of its session with the required role, best priority first', async () => {
    const sessionId = await createSession(t, 'roles');
    const manager = await createAgent(t, sessionId, { name: 'the-manager', role: 'MANAGER' });
    const low = await createTask(t, { sessionId, title: 'SLEEP 300 low', requiredRole: 'WORKER', priority: 1 });
    const high = await createTask(t, { sessionId, title: 'SLEEP 300 high', requiredRole: 'WORKER', priority: 5 });
    // The manager may not take worker tasks: both wait.
    expect((await status(low.id)).status).toBe('QUEUED');
    const worker = await createAgent(t, sessionId, { name: 'the-worker' });
    const [l, h] = [await waitForTaskEnd(t, low.id), await waitForTaskEnd(t, high.id)];
    expect(l.agent.id).toBe(worker.id);
    expect(h.agent.id).toBe(worker.id);
    const [lowRun, highRun] = [await status(low.id), await status(high.id)];
    expect(new Date(highRun.startedAt).getTime()).toBeLessThan(new Date(lowRun.startedAt).getTime());
    const forManager = await createTask(t, { sessionId, title: 'plan it', requiredRole: 'MANAGER' });
    expect((await waitForTaskEnd(t, forManager.id)).agent.id).toBe(manager.id);
  });

  it('runs independent tasks on idle agents at the same time', async () => {
    const sessionId = await createSession(t, 'parallel');
    await createAgent(t, sessionId, { name: 'p1' });
    await createAgent(t, sessionId, { name: 'p2' });
    const a = await createTask(t, { sessionId, title: 'SLEEP 1500 a' });
    const b = await createTask(t, { sessionId, title: 'SLEEP 1500 b' });
    await waitForTaskEnd(t, a.id);
    await waitForTaskEnd(t, b.id);
    const [ra, rb] = [await status(a.id), await status(b.id)];
    expect(ra.agent.id).not.toBe(rb.agent.id);
    const overlap = Math.min(Date.parse(ra.finishedAt), Date.parse(rb.finishedAt)) - Math.max(Date.parse(ra.startedAt), Date.parse(rb.startedAt));
    expect(overlap).toBeGreaterThan(500);
  });

  it('an assigned PENDING task runs on its agent once its dependency succeeds', async () => {
    const sessionId = await createSession(t, 'pinned');
    const blocker = await createTask(t, { sessionId, title: 'SLEEP 300 blocker', requiredRole: 'MANAGER' });
    const pinned = await createTask(t, { sessionId, title: 'pinned', dependsOn: [blocker.id] });
    const chosen = await createAgent(t, sessionId, { name: 'chosen' });
    const assigned = await t.ok(`mutation($t: ID!, $a: ID!) { assignTask(taskId: $t, agentId: $a) { ... on AssignTaskSuccess { task { status agent { id } } } } }`, { t: pinned.id, a: chosen.id });
    expect(assigned.assignTask.task).toEqual({ status: 'PENDING', agent: { id: chosen.id } });
    await createAgent(t, sessionId, { name: 'boss', role: 'MANAGER' });
    const done = await waitForTaskEnd(t, pinned.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.agent.id).toBe(chosen.id);
  });

  it('refuses dependencies that are unknown, of another session, or not tasks', async () => {
    const sessionId = await createSession(t, 'deps-bad');
    const other = await createSession(t, 'deps-other');
    const elsewhere = await createTask(t, { sessionId: other, title: 'elsewhere', requiredRole: 'MANAGER' });
    const missing = Buffer.from('Task:00000000-0000-7000-8000-000000000000').toString('base64');
    const cases: [unknown[], string, string][] = [
      [[missing], 'NotFoundError', 'dependsOn'],
      [[elsewhere.id], 'InvalidInputError', 'dependsOn'],
      [[sessionId], 'InvalidInputError', 'dependsOn'],
    ];
    for (const [dependsOn, typename, field] of cases) {
      const result = await t.ok(CREATE_TASK, { input: { sessionId, title: 'x', dependsOn } });
      expect(result.createTask).toMatchObject({ __typename: typename, field });
    }
    const { tasks } = await t.ok(`query($s: ID!) { tasks(filter: { sessionId: $s }) { edges { node { id } } } }`, { s: sessionId });
    expect(tasks.edges).toEqual([]);
  });

  it('waits for the last of several dependencies', async () => {
    const sessionId = await createSession(t, 'fan-in');
    await createAgent(t, sessionId, { name: 'f1' });
    await createAgent(t, sessionId, { name: 'f2' });
    const quick = await createTask(t, { sessionId, title: 'quick' });
    const slow = await createTask(t, { sessionId, title: 'SLEEP 1200 slow' });
    const join = await createTask(t, { sessionId, title: 'join', dependsOn: [quick.id, slow.id] });
    await waitFor(async () => ((await status(quick.id)).status === 'SUCCEEDED' ? true : undefined));
    expect((await status(join.id)).status).toBe('PENDING');
    const done = await waitForTaskEnd(t, join.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(Date.parse((await status(join.id)).startedAt)).toBeGreaterThanOrEqual(Date.parse((await status(slow.id)).finishedAt));
  });

  it('cancelling a parent cancels its subtree: waiting subtasks at once, running ones by the ladder', async () => {
    const sessionId = await createSession(t, 'subtree');
    // For a manager, and only a worker here: the parent waits in the queue.
    const parent = await createTask(t, { sessionId, title: 'the whole job', requiredRole: 'MANAGER' });
    const running = await createTask(t, { sessionId, title: 'SLEEP 30000 part one', parentTaskId: parent.id });
    const waiting = await createTask(t, { sessionId, title: 'part two', parentTaskId: parent.id, requiredRole: 'MANAGER' });
    const nested = await createTask(t, { sessionId, title: 'part two, detail', parentTaskId: waiting.id, requiredRole: 'MANAGER' });
    const worker = await createAgent(t, sessionId, { name: 'subtree-worker' });
    await waitFor(async () => ((await status(running.id)).status === 'RUNNING' ? true : undefined));

    const cancelled = await t.ok(`mutation($id: ID!) { cancelTask(id: $id, reason: "changed my mind") { ... on CancelTaskSuccess { task { status } } } }`, { id: parent.id });
    expect(cancelled.cancelTask.task.status).toBe('CANCELLED');
    for (const id of [running.id, waiting.id, nested.id]) {
      const task = await status(id);
      expect(task.status).toBe('CANCELLED');
      expect(task.error.type).toBe('CANCELLED');
      expect(task.error.message).toMatch(/^its parent task "(the whole job|part two)" was cancelled/);
    }
    // The running subtask was ended by an interrupt: its agent is idle again on the same process.
    const { agent } = await t.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status pid } } }`, { id: worker.id });
    expect(agent).toEqual({ status: 'IDLE', pid: worker.pid });
  });
});
