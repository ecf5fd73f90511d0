/**
 * startWorkflow end to end with the fake agent: the manager plans (scripted with ```fake-plan
 * blocks), workers are created on demand and run the subtasks in parallel where the DAG allows,
 * every instruction and result is a communication, and the manager's final answer is the root's
 * result. Also: a malformed plan is corrected once and fails the second time; cancelling the
 * root cancels its subtasks; a restart of the server in the middle loses nothing.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, waitForTaskEnd } from '../support/fixtures.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { createDurableTestDatabase } from '../support/test-database.js';

const START = `mutation($input: StartWorkflowInput!) { startWorkflow(input: $input) {
  __typename ... on StartWorkflowSuccess { task { id status workflow { phase manager { id role } } } }
  ... on Error { code message } ... on InvalidInputError { field } } }`;

const WORKFLOW = `query($id: ID!) { task(id: $id) { ... on Task { id status result progress error { type message }
  workflow { phase rejectedPlans planErrors plan maxWorkers manager { id name role } }
  subtasks { id title status attempts result agent { id name role } startedAt finishedAt dependsOn { id } } } } }`;

const COMMUNICATIONS = `query($s: ID!) { communications(filter: { sessionId: $s }, first: 100) { edges { node {
  id messageType content fromAgent { id role } toAgent { id role } task { id title } } } } }`;

const PLAN_ABC = JSON.stringify({
  plan: {
    summary: 'Two parts in parallel, then one that builds on the first.',
    subtasks: [
      { key: 'a', title: 'Part A', instructions: 'SLEEP 900 Write part A.', role: 'WORKER', dependsOn: [] },
      { key: 'b', title: 'Part B', instructions: 'SLEEP 900 Write part B.', role: 'WORKER', dependsOn: [] },
      { key: 'c', title: 'Part C', instructions: 'Build on part A.', role: 'WORKER', dependsOn: ['a'] },
    ],
  },
});
const PLAN_ONE = JSON.stringify({ plan: { summary: 'one step', subtasks: [{ key: 'only', title: 'The only part', instructions: 'Do it.', dependsOn: [] }] } });
const BAD_PLAN = '{"plan": {"subtasks": [{"key": "x", "title": "", "dependsOn": ["nope"]}]}}';

/** The database id inside a global (Relay) id. */
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (const item of items) (groups[key(item)] ??= []).push(item);
  return groups;
}

const scripted = (...answers: string[]) => answers.map((a) => '```fake-plan\n' + a + '\n```').join('\n\n');

describe('startWorkflow: a manager plans, workers do the parts, the manager answers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      agentEnvironment: { ANTHROPIC_API_KEY: 'k' },
      environment: { CLAUDE_MAX_AGENTS: '30', SCHEDULER_INTERVAL_MS: '200' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function workflow(id: string) {
    return (await t.ok(WORKFLOW, { id })).task;
  }

  it('runs a three-part plan: parallel parts overlap, the dependency order holds, every message is stored in order', async () => {
    const sessionId = await createSession(t, 'workflow-abc');
    const ws = t.wsClient();
    const communications = collect(ws, `subscription($s: ID!) { agentCommunication(sessionId: $s) { id messageType } }`, { s: sessionId });
    const started = await t.ok(START, { input: { sessionId, title: 'Write the report', description: `Write a report in three parts.\n\n${scripted(PLAN_ABC)}`, maxWorkers: 2 } });
    expect(started.startWorkflow).toMatchObject({ __typename: 'StartWorkflowSuccess', task: { workflow: { phase: 'PLANNING', manager: { role: 'MANAGER' } } } });
    const rootId = started.startWorkflow.task.id;
    const updates = collect(ws, `subscription($id: ID!) { taskUpdated(taskId: $id) { status progress workflow { phase } } }`, { id: rootId });

    const root = await waitForTaskEnd(t, rootId, 60_000);
    expect(root.status).toBe('SUCCEEDED');
    const done = await workflow(rootId);
    expect(done.progress).toBe(1);
    expect(done.workflow).toMatchObject({ phase: 'DONE', rejectedPlans: 0, planErrors: [], maxWorkers: 2 });
    expect(done.workflow.plan.subtasks.map((s: any) => s.key)).toEqual(['a', 'b', 'c']);
    // The final answer is the manager's synthesis turn, which was given every part's result.
    expect(done.result).toMatch(/Every subtask of "Write the report" has ended/);
    expect(done.result).toMatch(/Part A — SUCCEEDED[\s\S]*Part B — SUCCEEDED[\s\S]*Part C — SUCCEEDED/);

    const [a, b, c] = ['Part A', 'Part B', 'Part C'].map((title) => done.subtasks.find((s: any) => s.title === title));
    for (const part of [a, b, c]) expect(part).toMatchObject({ status: 'SUCCEEDED', attempts: 1, agent: { role: 'WORKER' } });
    // Workers were created on demand: two, as many as allowed.
    expect(new Set(done.subtasks.map((s: any) => s.agent.id)).size).toBe(2);
    const overlap = Math.min(Date.parse(a.finishedAt), Date.parse(b.finishedAt)) - Math.max(Date.parse(a.startedAt), Date.parse(b.startedAt));
    expect(overlap).toBeGreaterThan(300);
    expect(c.dependsOn).toEqual([{ id: a.id }]);
    expect(Date.parse(c.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.finishedAt));
    // The worker of part C was given part A's result.
    expect(c.result).toMatch(/Results of the subtasks this one depends on[\s\S]*### Part A/);

    const { communications: stored } = await t.ok(COMMUNICATIONS, { s: sessionId });
    const rows = stored.edges.map((e: any) => e.node);
    const manager = done.workflow.manager.id;
    const line = (r: any) => `${r.messageType} ${r.fromAgent?.role ?? 'system'}->${r.toAgent?.role ?? 'system'} ${r.task.title}`;
    expect(rows.slice(0, 2).map(line)).toEqual(['TASK_ASSIGNMENT system->MANAGER Write the report', 'PLAN MANAGER->system Write the report']);
    expect(rows.slice(-2).map(line)).toEqual(['TASK_ASSIGNMENT system->MANAGER Write the report', 'TASK_RESULT MANAGER->system Write the report']);
    const middle = rows.slice(2, -2);
    expect(middle).toHaveLength(6);
    for (const part of [a, b, c]) {
      const mine = middle.filter((r: any) => r.task.id === part.id);
      expect(mine.map(line)).toEqual([`TASK_ASSIGNMENT MANAGER->WORKER ${part.title}`, `TASK_RESULT WORKER->MANAGER ${part.title}`]);
      expect(mine[0].fromAgent.id).toBe(manager);
      expect(mine[1].toAgent.id).toBe(manager);
    }
    const index = (task: any, type: string) => middle.findIndex((r: any) => r.task.id === task.id && r.messageType === type);
    expect(index(c, 'TASK_ASSIGNMENT')).toBeGreaterThan(index(a, 'TASK_RESULT'));
    expect(rows[0].content).toMatch(/## How to answer[\s\S]*"plan"/);

    // The same messages were published live on agentCommunication, and taskUpdated carried progress.
    await waitFor(async () => (communications.values.length >= rows.length ? true : undefined));
    expect(communications.values.map((v: any) => v.agentCommunication.id).sort()).toEqual(rows.map((r: any) => r.id).sort());
    await waitFor(async () => (updates.values.at(-1)?.taskUpdated.status === 'SUCCEEDED' ? true : undefined));
    const progress = updates.values.map((v: any) => v.taskUpdated.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(progress).toEqual(expect.arrayContaining([0.25, 0.5, 0.75, 1]));
    // The update that ends the root carries its closed workflow, not the phase before.
    expect(updates.values.at(-1).taskUpdated.workflow).toEqual({ phase: 'DONE' });
    expect(updates.values.filter((v: any) => v.taskUpdated.status === 'PENDING').every((v: any) => v.taskUpdated.workflow.phase !== 'DONE')).toBe(true);
    communications.unsubscribe();
    updates.unsubscribe();
  });

  it('sends a malformed plan back once with the errors, and uses the corrected one', async () => {
    const sessionId = await createSession(t, 'workflow-corrected');
    const started = await t.ok(START, { input: { sessionId, description: `Do one thing.\n\n${scripted(BAD_PLAN, PLAN_ONE)}` } });
    const rootId = started.startWorkflow.task.id;
    const root = await waitForTaskEnd(t, rootId, 60_000);
    expect(root.status).toBe('SUCCEEDED');
    const done = await workflow(rootId);
    expect(done.workflow.rejectedPlans).toBe(1);
    expect(done.subtasks.map((s: any) => [s.title, s.status])).toEqual([['The only part', 'SUCCEEDED']]);
    const reasons = root.events.filter((e: any) => e.kind === 'STATUS').map((e: any) => e.payload.reason);
    expect(reasons).toContainEqual(expect.stringMatching(/^the plan was invalid; the manager is asked to correct it: .*title: must not be empty/));
    const { communications: stored } = await t.ok(COMMUNICATIONS, { s: sessionId });
    const correction = stored.edges.map((e: any) => e.node).filter((r: any) => r.messageType === 'TASK_ASSIGNMENT' && r.toAgent.role === 'MANAGER')[1];
    expect(correction.content).toMatch(/^Your plan could not be used:\n\n- plan\.subtasks\.0\.title: must not be empty\n- plan\.subtasks\.0\.instructions: /);
  });

  it('fails the workflow with INVALID_PLAN when the second plan is malformed too', async () => {
    const sessionId = await createSession(t, 'workflow-invalid');
    const started = await t.ok(START, { input: { sessionId, description: `Do one thing.\n\n${scripted(BAD_PLAN, 'not json at all')}` } });
    const root = await waitForTaskEnd(t, started.startWorkflow.task.id, 60_000);
    expect(root.status).toBe('FAILED');
    expect(root.error.type).toBe('INVALID_PLAN');
    expect(root.error.message).toMatch(/^the manager's plan was invalid twice: the JSON block does not parse/);
    const done = await workflow(root.id);
    expect(done.subtasks).toEqual([]);
    expect(done.workflow).toMatchObject({ phase: 'DONE', rejectedPlans: 2 });
  });

  it('cancelling the root cancels the running and waiting subtasks', async () => {
    const sessionId = await createSession(t, 'workflow-cancel');
    const plan = JSON.stringify({ plan: { summary: 's', subtasks: [
      { key: 'long', title: 'Long part', instructions: 'SLEEP 30000 take a while', dependsOn: [] },
      { key: 'after', title: 'After part', instructions: 'then this', dependsOn: ['long'] },
    ] } });
    const started = await t.ok(START, { input: { sessionId, description: `Two parts.\n\n${scripted(plan)}`, maxWorkers: 1 } });
    const rootId = started.startWorkflow.task.id;
    await waitFor(async () => ((await workflow(rootId)).subtasks.find((s: any) => s.title === 'Long part')?.status === 'RUNNING' ? true : undefined), 30_000);
    await t.ok(`mutation($id: ID!) { cancelTask(id: $id, reason: "not needed") { __typename } }`, { id: rootId });
    const done = await workflow(rootId);
    expect(done.status).toBe('CANCELLED');
    for (const subtask of done.subtasks) expect(subtask.status).toBe('CANCELLED');
    expect(done.workflow.phase).toBe('DONE');
  });

  it('survives a restart of the server in the middle: no subtask is lost or runs twice at once', async () => {
    // The same node, database and workspace: the second server is the first one, back.
    const database = await createDurableTestDatabase();
    const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-workspace-'));
    const environment = { CLAUDE_MAX_AGENTS: '10', SCHEDULER_INTERVAL_MS: '200', NODE_ID: `restart-${Date.now()}`, WORKSPACE_ROOT: workspace };
    const first = await startTestApp({ database, agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment });
    const sessionId = await createSession(first, 'workflow-restart');
    const plan = JSON.stringify({ plan: { summary: 's', subtasks: [
      { key: 'x', title: 'Part X', instructions: 'SLEEP 2500 part x', dependsOn: [] },
      { key: 'y', title: 'Part Y', instructions: 'SLEEP 2500 part y', dependsOn: [] },
      { key: 'z', title: 'Part Z', instructions: 'after x and y', dependsOn: ['x', 'y'] },
    ] } });
    const started = await first.ok(START, { input: { sessionId, title: 'Restartable', description: `Three parts.\n\n${scripted(plan)}`, maxWorkers: 2 } });
    const rootId = started.startWorkflow.task.id;
    await waitFor(async () => {
      const { task } = await first.ok(WORKFLOW, { id: rootId });
      return task.subtasks.filter((s: any) => s.status === 'RUNNING').length === 2 ? true : undefined;
    }, 30_000);
    await first.stop({ keepDatabase: true });

    const second = await startTestApp({ database, agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment });
    try {
      const root = await waitForTaskEnd(second, rootId, 60_000);
      expect(root.status).toBe('SUCCEEDED');
      const { task } = await second.ok(WORKFLOW, { id: rootId });
      expect(task.subtasks.map((s: any) => [s.title, s.status])).toEqual([['Part X', 'SUCCEEDED'], ['Part Y', 'SUCCEEDED'], ['Part Z', 'SUCCEEDED']]);
      expect(task.result).toMatch(/Part X — SUCCEEDED[\s\S]*Part Y — SUCCEEDED[\s\S]*Part Z — SUCCEEDED/);
      const runs = await second.app.database.db.selectFrom('runs').selectAll().where('taskId', 'in', [rootId, ...task.subtasks.map((s: any) => s.id)].map(rawId)).orderBy('startedAt').execute();
      for (const taskRuns of Object.values(groupBy(runs, (run) => run.taskId))) {
        for (let i = 1; i < taskRuns.length; i++) expect(taskRuns[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(taskRuns[i - 1]!.finishedAt!.getTime());
        expect(taskRuns.filter((r) => r.state === 'RUNNING')).toEqual([]);
      }
      // The two parts cut short by the restart were interrupted with a reason, then run again.
      const interrupted = runs.filter((r) => r.state === 'INTERRUPTED');
      expect(interrupted.length).toBeGreaterThanOrEqual(2);
      for (const run of interrupted) expect(run.reason).toBeTruthy();
    } finally {
      await second.stop();
      await fs.rm(workspace, { recursive: true, force: true });
    }
  });

  it('on a node with room for one process, creates the worker once the idle manager has made room', async () => {
    const small = await startTestApp({
      agentEnvironment: { ANTHROPIC_API_KEY: 'k' },
      environment: { CLAUDE_MAX_AGENTS: '1', CLAUDE_IDLE_TIMEOUT: '1', SCHEDULER_INTERVAL_MS: '200' },
    });
    try {
      const sessionId = await createSession(small, 'workflow-one-slot');
      const started = await small.ok(START, { input: { sessionId, title: 'Tight', description: `One part.\n\n${scripted(PLAN_ONE)}` } });
      const root = await waitForTaskEnd(small, started.startWorkflow.task.id, 60_000);
      expect(root.status).toBe('SUCCEEDED');
      const { task } = await small.ok(WORKFLOW, { id: root.id });
      expect(task.subtasks).toMatchObject([{ title: 'The only part', status: 'SUCCEEDED', agent: { role: 'WORKER' } }]);
    } finally {
      await small.stop();
    }
  });

  it('refuses a workflow for an unknown session, a worker as manager, and an empty description', async () => {
    const sessionId = await createSession(t, 'workflow-bad');
    const missing = Buffer.from('Session:00000000-0000-7000-8000-000000000000').toString('base64');
    expect((await t.ok(START, { input: { sessionId: missing, description: 'x' } })).startWorkflow).toMatchObject({ __typename: 'NotFoundError' });
    expect((await t.ok(START, { input: { sessionId, description: '   ' } })).startWorkflow).toMatchObject({ __typename: 'InvalidInputError', field: 'description' });
    const worker = await t.ok(`mutation($s: ID!) { createAgent(input: { sessionId: $s, name: "w", role: WORKER }) { ... on CreateAgentSuccess { agent { id } } } }`, { s: sessionId });
    const asManager = await t.ok(START, { input: { sessionId, description: 'x', managerAgentId: worker.createAgent.agent.id } });
    expect(asManager.startWorkflow).toMatchObject({ __typename: 'InvalidInputError', field: 'managerAgentId' });
    const { tasks } = await t.ok(`query($s: ID!) { tasks(filter: { sessionId: $s }) { edges { node { id } } } }`, { s: sessionId });
    expect(tasks.edges).toEqual([]);
  });
});
