/**
 * The retry policy (backoff for failures another attempt may cure, none for the rest) and
 * subtree budgets, with the fake agent.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { CREATE_TASK } from '../support/operations.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const STATE = `query($id: ID!) { task(id: $id) { ... on Task { status attempts retryAt costUsd error { type message }
  events(first: 1000) { kind payload createdAt } } } }`;

const transitions = (task: any) =>
  task.events.filter((e: any) => e.kind === 'STATUS').map((e: any) => `${e.payload.from}->${e.payload.to}`);

describe('retries and budgets', () => {
  let t: TestApp;
  let gate: string;

  beforeAll(async () => {
    gate = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'acp-gate-')), 'open');
    t = await startTestApp({
      agentEnvironment: { ANTHROPIC_API_KEY: 'k', FAKE_CLAUDE_GATE: gate },
      environment: { CLAUDE_MAX_AGENTS: '20', TASK_RETRY_BACKOFF_MS: '600', SCHEDULER_INTERVAL_MS: '200' },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fs.rm(path.dirname(gate), { recursive: true, force: true });
  });

  const state = async (id: string) => (await t.ok(STATE, { id })).task;

  it('retries an API 5xx failure after a backoff, keeping the failed attempt, and then succeeds', async () => {
    const sessionId = await createSession(t, 'retry');
    await createAgent(t, sessionId, { name: 'retrier' });
    const task = await createTask(t, { sessionId, title: 'GATED flaky step', maxAttempts: 3 });
    const backingOff = await waitFor(async () => {
      const now = await state(task.id);
      return now.status === 'QUEUED' && now.attempts === 1 ? now : undefined;
    });
    expect(backingOff.error.type).toBe('API_ERROR');
    expect(backingOff.retryAt).not.toBeNull();
    const requeued = backingOff.events.filter((e: any) => e.kind === 'STATUS').at(-1);
    expect(requeued.payload.reason).toMatch(/^API Error: 500 .* retrying in 0\.\d s \(2 attempt\(s\) left\)$/);
    await fs.writeFile(gate, '');

    const done = await waitForTaskEnd(t, task.id);
    expect(done.status).toBe('SUCCEEDED');
    const final = await state(task.id);
    expect(final.attempts).toBe(2);
    expect(final.retryAt).toBeNull();
    expect(transitions(final)).toEqual(['null->QUEUED', 'QUEUED->RUNNING', 'RUNNING->QUEUED', 'QUEUED->RUNNING', 'RUNNING->SUCCEEDED']);
    const restarted = final.events.filter((e: any) => e.kind === 'STATUS' && e.payload.to === 'RUNNING').at(-1);
    // Not started before the backoff (600 ms less up to 20% jitter) had passed.
    expect(Date.parse(restarted.createdAt) - Date.parse(requeued.createdAt)).toBeGreaterThanOrEqual(470);
    expect(final.events.filter((e: any) => e.kind === 'RESULT').map((e: any) => e.payload.ok)).toEqual([false, true]);
    await fs.rm(gate);
  });

  it('fails a rejected request (API 400) once, with its reason, although attempts remain', async () => {
    const sessionId = await createSession(t, 'no-retry');
    await createAgent(t, sessionId, { name: 'rejected' });
    const task = await createTask(t, { sessionId, title: 'FAIL_400 oversized step', maxAttempts: 3 });
    const done = await waitForTaskEnd(t, task.id);
    expect(done.status).toBe('FAILED');
    const final = await state(task.id);
    expect(final.attempts).toBe(1);
    expect(final.error).toEqual({ type: 'INVALID_REQUEST', message: expect.stringMatching(/^API Error: 400 .*prompt is too long/) });
    expect(transitions(final)).toEqual(['null->QUEUED', 'QUEUED->RUNNING', 'RUNNING->FAILED']);
  });

  it('a spent subtree budget stops the running subtask, fails the waiting one and refuses new ones', async () => {
    const sessionId = await createSession(t, 'budget');
    // Only workers here, so the parent itself waits; its budget is below one turn's cost.
    const parent = await createTask(t, { sessionId, title: 'budgeted job', requiredRole: 'MANAGER', maxBudgetUsd: 0.005 });
    const long = await createTask(t, { sessionId, title: 'SLEEP 30000 long part', parentTaskId: parent.id, priority: 5 });
    const quick = await createTask(t, { sessionId, title: 'SLEEP 300 quick part', parentTaskId: parent.id, priority: 4 });
    const later = await createTask(t, { sessionId, title: 'later part', parentTaskId: parent.id, priority: 1 });
    await createAgent(t, sessionId, { name: 'spender-1' });
    await createAgent(t, sessionId, { name: 'spender-2' });

    const spent = await waitForTaskEnd(t, quick.id);
    expect(spent.status).toBe('SUCCEEDED');
    expect((await state(quick.id)).costUsd).toBeGreaterThan(0.005);
    for (const id of [long.id, later.id, parent.id]) {
      const ended = await waitForTaskEnd(t, id);
      expect(ended.status).toBe('FAILED');
      expect(ended.error.type).toBe('BUDGET_EXCEEDED');
      expect(ended.error.message).toMatch(/^the budget of task "budgeted job" is spent: \$0\.0\d+ of \$0\.0050/);
    }
    // The long part was running: its run was stopped, not left behind.
    expect(transitions(await state(long.id))).toEqual(['null->QUEUED', 'QUEUED->RUNNING', 'RUNNING->FAILED']);
    // The later part never started.
    expect(transitions(await state(later.id))).not.toContain('QUEUED->RUNNING');
    const refused = await t.ok(CREATE_TASK, { input: { sessionId, title: 'one more', parentTaskId: parent.id } });
    expect(refused.createTask).toMatchObject({ __typename: 'ConflictError', field: 'parentTaskId', message: expect.stringMatching(/budget .* is spent/) });
  });
});
