/**
 * Faults with the real, pinned `claude` binary (through the API, against the loopback Messages
 * API mock): a cancelled turn, a SIGTERM from outside mid-turn with crash recovery that resumes
 * the same CLI session, and the CLI's own --max-turns and --max-budget-usd stops.
 * (Not logged in is covered in claude-agent.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { startMockMessagesApi, type MockMessagesApi, type RecordedRequest } from '../support/mock-messages-api.js';
import { AGENT_STATE, TERMINATE_AGENT } from '../support/operations.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const CANCEL_TASK = /* GraphQL */ `
  mutation CancelTask($id: ID!, $reason: String) {
    cancelTask(id: $id, reason: $reason) {
      __typename
      ... on CancelTaskSuccess { task { id status } }
      ... on Error { code message }
    }
  }
`;

const CRASH_INCIDENTS = /* GraphQL */ `
  query CrashIncidents($agentId: ID!) {
    incidents(filter: { agentId: $agentId, type: AGENT_CRASH }) {
      edges { node { type severity message recoveryAction agent { id } } }
    }
  }
`;

describe('the real claude binary under faults', () => {
  let api: MockMessagesApi;
  let t: TestApp;
  const agentsToStop: string[] = [];

  beforeAll(async () => {
    api = await startMockMessagesApi();
    t = await startTestApp({
      cliPath: null,
      agentEnvironment: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test-key', CLAUDE_CODE_MAX_RETRIES: '1' },
      environment: {
        CLAUDE_RESTART_BACKOFF_MS: '200',
        // The interrupt gets 3 s before SIGINT: a cancel that keeps the process proves the interrupt did it.
        CLAUDE_STOP_GRACE_MS: '3000',
      },
    });
  });
  afterAll(async () => {
    for (const id of agentsToStop) await t?.gql(TERMINATE_AGENT, { id }).catch(() => {});
    await t?.stop();
    await api?.close();
  });

  async function newAgent(name: string, input: Record<string, unknown> = {}): Promise<{ sessionId: string; agent: any }> {
    const sessionId = await createSession(t, name);
    const agent = await createAgent(t, sessionId, { name, ...input });
    agentsToStop.push(agent.id);
    expect(agent.status).toBe('IDLE');
    return { sessionId, agent };
  }

  async function agentState(id: string): Promise<any> {
    const { agent } = await t.ok(AGENT_STATE, { id });
    expect(agent.__typename).toBe('Agent');
    return agent;
  }

  const bodyText = (request: RecordedRequest): string => JSON.stringify(request.body);
  /** Model calls of a turn (streamed), not helper calls such as titles or token counts. */
  const turnCalls = (requests: RecordedRequest[]): RecordedRequest[] =>
    requests.filter((r) => r.path.startsWith('/v1/messages?') || r.path === '/v1/messages').filter((r) => (r.body as { stream?: unknown }).stream === true);

  async function waitForModelCall(marker: string): Promise<void> {
    await waitFor(async () => (turnCalls(api.requests).some((r) => bodyText(r).includes(marker)) ? true : undefined), 30_000, `a model call carrying ${marker}`);
  }

  function processAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  function commandLine(pid: number): string[] {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  }

  it('cancelTask on a SLOW turn: the interrupt ends the turn (CANCELLED), the same process answers the next task', async () => {
    const { sessionId, agent } = await newAgent('claude-cancel');
    const marker = `cancel-${Date.now()}`;
    const slow = await createTask(t, { sessionId, title: `SLOW ${marker}`, agentId: agent.id });
    await waitForModelCall(marker);
    await sleep(500);
    const busy = await agentState(agent.id);
    expect(busy.status).toBe('BUSY');
    expect(busy.pid).toBeGreaterThan(1);

    const cancelAt = Date.now();
    const cancelled = await t.ok(CANCEL_TASK, { id: slow.id, reason: 'changed my mind' });
    const cancelMs = Date.now() - cancelAt;
    expect(cancelled.cancelTask.__typename).toBe('CancelTaskSuccess');
    // Well inside the 3 s the interrupt step gets, and the ~4.5 s the stream had left.
    expect(cancelMs).toBeLessThan(2_500);

    const ended = await waitForTaskEnd(t, slow.id, 30_000);
    expect(ended.status).toBe('CANCELLED');
    expect(ended.error).toEqual({ type: 'CANCELLED', message: 'changed my mind' });
    expect(ended.result).toBeNull();
    // The CLI itself ended the turn: its aborted result is in the transcript (a signal would leave none).
    const results = ended.events.filter((e: any) => e.kind === 'RESULT');
    expect(results).toHaveLength(1);
    expect(results[0].payload).toMatchObject({ ok: false, errorType: 'INTERRUPTED' });
    // The slow reply (about 140 characters over 5 s) never completed.
    const texts = ended.events.filter((e: any) => e.kind === 'MESSAGE' && e.payload.role === 'assistant').map((e: any) => e.payload.text as string);
    expect(texts.every((text: string) => !text.includes('interrupt it midway through the stream'))).toBe(true);

    // Same process, not restarted, and it is idle.
    const after = await agentState(agent.id);
    expect(after).toMatchObject({ status: 'IDLE', pid: busy.pid, restartCount: 0, lastError: null });
    expect(processAlive(busy.pid)).toBe(true);
    const incidents = await t.ok(CRASH_INCIDENTS, { agentId: agent.id });
    expect(incidents.incidents.edges).toEqual([]);

    // The same process answers the next task, in the same conversation.
    const calls = api.requests.length;
    const next = await createTask(t, { sessionId, title: 'after the cancel', agentId: agent.id });
    const done = await waitForTaskEnd(t, next.id, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toBe('Hello! You said: after the cancel');
    expect(done.events.find((e: any) => e.kind === 'AGENT_STARTED').payload.sessionId).toBe(agent.cliSessionId);
    expect((await agentState(agent.id)).pid).toBe(busy.pid);
    const nextCalls = turnCalls(api.requests.slice(calls));
    expect(nextCalls.length).toBeGreaterThan(0);
    for (const call of nextCalls) {
      expect(call.headers['x-claude-code-session-id']).toBe(agent.cliSessionId);
      expect(bodyText(call)).toContain(marker);
      expect(bodyText(call)).toContain('[Request interrupted by user]');
    }
  });

  it('SIGTERM to the process group mid-turn: AGENT_EXITED with exit 143, an AGENT_CRASH incident, a restart that resumes the same session', async () => {
    const { sessionId, agent } = await newAgent('claude-sigterm');
    // A finished turn first, so the session has a conversation to carry over.
    const word = `papaya-${Date.now()}`;
    const first = await createTask(t, { sessionId, title: `remember ${word}`, agentId: agent.id });
    expect((await waitForTaskEnd(t, first.id, 60_000)).status).toBe('SUCCEEDED');

    const marker = `sigterm-${Date.now()}`;
    const slow = await createTask(t, { sessionId, title: `SLOW ${marker}`, agentId: agent.id });
    await waitForModelCall(marker);
    await sleep(300);
    const busy = await agentState(agent.id);
    expect(busy.status).toBe('BUSY');
    const oldPid: number = busy.pid;
    process.kill(-oldPid, 'SIGTERM');

    const failed = await waitForTaskEnd(t, slow.id, 30_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.error.type).toBe('AGENT_EXITED');
    expect(failed.error.message).toMatch(/exited with code 143\b/);
    // No result from the CLI: it was killed, not interrupted.
    expect(failed.events.some((e: any) => e.kind === 'RESULT')).toBe(false);

    const incidents = await waitFor(async () => {
      const data = await t.ok(CRASH_INCIDENTS, { agentId: agent.id });
      return data.incidents.edges.length > 0 ? data.incidents.edges.map((e: any) => e.node) : undefined;
    }, 10_000, 'the AGENT_CRASH incident');
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ type: 'AGENT_CRASH', severity: 'HIGH', agent: { id: agent.id } });
    expect(incidents[0].message).toMatch(/exited with code 143\b/);
    expect(incidents[0].recoveryAction).toMatch(/^restart in \d+ ms/);

    // Restarted after the backoff, with a new process that resumes the CLI session.
    const restarted = await waitFor(async () => {
      const state = await agentState(agent.id);
      return state.status === 'IDLE' && state.pid && state.pid !== oldPid ? state : undefined;
    }, 20_000, 'the agent to come back IDLE with a new process');
    expect(restarted.restartCount).toBe(1);
    expect(restarted.cliSessionId).toBe(agent.cliSessionId);
    expect(restarted.statusHistory.map((h: any) => h.to).slice(-4)).toEqual(['BUSY', 'ERROR', 'RESTARTING', 'IDLE']);
    expect(processAlive(oldPid)).toBe(false);
    expect(commandLine(restarted.pid)).toContain(`--resume=${agent.cliSessionId}`);

    const calls = api.requests.length;
    const next = await createTask(t, { sessionId, title: 'what did I ask you to remember?', agentId: agent.id });
    const done = await waitForTaskEnd(t, next.id, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toBe('Hello! You said: what did I ask you to remember?');
    expect(done.events.find((e: any) => e.kind === 'AGENT_STARTED').payload.sessionId).toBe(agent.cliSessionId);
    const nextCalls = turnCalls(api.requests.slice(calls));
    expect(nextCalls.length).toBeGreaterThan(0);
    for (const call of nextCalls) {
      expect(call.headers['x-claude-code-session-id']).toBe(agent.cliSessionId);
      // The earlier conversation, both sides of it, came back with the resumed session.
      expect(bodyText(call)).toContain(`remember ${word}`);
      expect(bodyText(call)).toContain(`Hello! You said: remember ${word}`);
      // So did the prompt of the turn that was killed.
      expect(bodyText(call)).toContain(marker);
    }
  });

  it('SIGTERM during the very first turn: the restarted process resumes that session instead of failing to reuse its id', async () => {
    const { sessionId, agent } = await newAgent('claude-first-turn');
    const marker = `first-${Date.now()}`;
    const slow = await createTask(t, { sessionId, title: `SLOW ${marker}`, agentId: agent.id });
    await waitForModelCall(marker);
    await sleep(300);
    const oldPid: number = (await agentState(agent.id)).pid;
    process.kill(-oldPid, 'SIGTERM');
    expect((await waitForTaskEnd(t, slow.id, 30_000)).error.type).toBe('AGENT_EXITED');

    const restarted = await waitFor(async () => {
      const state = await agentState(agent.id);
      return state.status === 'IDLE' && state.pid && state.pid !== oldPid ? state : undefined;
    }, 20_000, 'the agent to come back IDLE with a new process');
    // The CLI had already written the session's transcript: --session-id=<same id> would be refused.
    expect(commandLine(restarted.pid)).toContain(`--resume=${agent.cliSessionId}`);

    const calls = api.requests.length;
    const next = await createTask(t, { sessionId, title: 'are you back?', agentId: agent.id });
    const done = await waitForTaskEnd(t, next.id, 60_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toBe('Hello! You said: are you back?');
    const nextCalls = turnCalls(api.requests.slice(calls));
    expect(nextCalls.length).toBeGreaterThan(0);
    for (const call of nextCalls) {
      expect(call.headers['x-claude-code-session-id']).toBe(agent.cliSessionId);
      expect(bodyText(call)).toContain(marker);
    }
    // One crash only: the restart did not crash again.
    const incidents = await t.ok(CRASH_INCIDENTS, { agentId: agent.id });
    expect(incidents.incidents.edges).toHaveLength(1);
    expect((await agentState(agent.id)).restartCount).toBe(1);
  });

  it('--max-turns: maxTurns 2 with a model that always calls a tool ends FAILED with MAX_TURNS', async () => {
    const { sessionId, agent } = await newAgent('claude-max-turns', { maxTurns: 2, allowedTools: ['Bash'] });
    const task = await createTask(t, { sessionId, title: 'ALWAYS_TOOL until stopped', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id, 60_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('MAX_TURNS');
    // The tool really ran (allowed), and the CLI stopped the loop, not the server.
    const calls = ended.events.filter((e: any) => e.kind === 'TOOL_CALL');
    const results = ended.events.filter((e: any) => e.kind === 'TOOL_RESULT');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(results.some((e: any) => e.payload.isError === false && JSON.stringify(e.payload.content).includes('hello-from-tool'))).toBe(true);
    const result = ended.events.find((e: any) => e.kind === 'RESULT');
    expect(result.payload).toMatchObject({ ok: false, errorType: 'MAX_TURNS' });
    // A limit stop is not a crash.
    const state = await agentState(agent.id);
    expect(state.status).toBe('IDLE');
    expect(state.restartCount).toBe(0);
    expect((await t.ok(CRASH_INCIDENTS, { agentId: agent.id })).incidents.edges).toEqual([]);
  });

  it('--max-budget-usd: maxBudgetUsd 0.01 with a model that always calls a tool ends FAILED with MAX_BUDGET', async () => {
    const { sessionId, agent } = await newAgent('claude-budget', { maxBudgetUsd: 0.01, allowedTools: ['Bash'] });
    const task = await createTask(t, { sessionId, title: 'ALWAYS_TOOL and spend', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id, 60_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('MAX_BUDGET');
    const result = ended.events.find((e: any) => e.kind === 'RESULT');
    expect(result.payload).toMatchObject({ ok: false, errorType: 'MAX_BUDGET' });
    // The CLI stopped once the spend passed the budget: over it, but only by the last call.
    expect(ended.costUsd).toBeGreaterThanOrEqual(0.01);
    expect(ended.costUsd).toBeLessThan(0.05);
    const state = await agentState(agent.id);
    expect(state.status).toBe('IDLE');
    expect(state.restartCount).toBe(0);
    expect((await t.ok(CRASH_INCIDENTS, { agentId: agent.id })).incidents.edges).toEqual([]);
  });
});
