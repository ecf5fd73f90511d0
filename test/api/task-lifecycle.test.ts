import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { TASK, TASK_EVENTS } from '../support/operations.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';

describe('a task on a real agent process (fake CLI)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' } });
  });
  afterAll(() => t?.stop());

  it('runs session -> agent -> task to SUCCEEDED, stores the transcript in order and streams it live', async () => {
    const sessionId = await createSession(t);
    // Created before any agent exists, so a subscriber can attach before anything runs.
    const task = await createTask(t, { sessionId, title: 'USE_TOOL please', description: 'Print a greeting.' });
    expect(task.status).toBe('QUEUED');
    const live = collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // An idle agent of the session claims the queued task.
    const agent = await createAgent(t, sessionId);
    expect(agent.pid).toBeGreaterThan(0);
    const liveEvents = await live.done;
    const ended = await waitForTaskEnd(t, task.id);
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.result).toContain('hello-from-tool');
    expect(ended.error).toBeNull();
    expect(ended.costUsd).toBeGreaterThan(0);
    expect(ended.usage.inputTokens).toBeGreaterThan(0);
    expect(ended.attempts).toBe(1);

    const stored = ended.events;
    // Gap-free from 1.
    expect(stored.map((e: any) => e.seq)).toEqual(stored.map((_: unknown, i: number) => i + 1));
    const kinds = stored.map((e: any) => e.kind);
    expect(kinds.indexOf('AGENT_STARTED')).toBeGreaterThan(-1);
    const order = ['AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'RESULT'].map((k) => kinds.indexOf(k));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(kinds.at(-1)).toBe('STATUS');
    expect(stored.at(-1).payload).toMatchObject({ from: 'RUNNING', to: 'SUCCEEDED' });
    const toolCall = stored.find((e: any) => e.kind === 'TOOL_CALL');
    expect(toolCall.payload).toMatchObject({ name: 'Bash', input: { command: 'echo hello-from-tool' } });
    const toolResult = stored.find((e: any) => e.kind === 'TOOL_RESULT');
    expect(JSON.stringify(toolResult.payload.content)).toContain('hello-from-tool');
    // While the turn streamed, each model call's tokens gave a live estimate before the result.
    const usage = stored.filter((e: any) => e.kind === 'USAGE');
    expect(usage.map((e: any) => e.payload.modelCalls)).toEqual([1, 2]);
    expect(usage.at(-1).payload.tokens.outputTokens).toBeGreaterThan(0);
    expect(usage.at(-1).payload.estimatedCostUsd).toBeGreaterThan(0);
    expect(kinds.indexOf('RESULT')).toBeGreaterThan(kinds.lastIndexOf('USAGE'));
    const result = stored.find((e: any) => e.kind === 'RESULT');
    expect(result.payload.outcome ?? result.payload).toMatchObject({ ok: true });

    // The live subscriber saw exactly the stored transcript, then the stream completed.
    expect(liveEvents.map((v: any) => v.taskEvents.seq)).toEqual(stored.map((e: any) => e.seq));
    expect(liveEvents.map((v: any) => v.taskEvents.kind)).toEqual(kinds);

    // A late subscriber replays the same events in the same order.
    const late = await collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: 0 }).done;
    expect(late.map((v: any) => v.taskEvents)).toEqual(liveEvents.map((v: any) => v.taskEvents));
    // ...and from a cursor, only what came after it.
    const tail = await collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: 3 }).done;
    expect(tail.map((v: any) => v.taskEvents.seq)).toEqual(stored.slice(3).map((e: any) => e.seq));

    // The instruction and the answer are recorded as communications.
    const comms = await t.ok(
      `query($taskId: ID!) { communications(filter: { taskId: $taskId }) { edges { node {
        messageType content fromAgent { id } toAgent { id } } } } }`,
      { taskId: task.id },
    );
    expect(comms.communications.edges.map((e: any) => e.node)).toEqual([
      { messageType: 'TASK_ASSIGNMENT', content: 'USE_TOOL please\n\nPrint a greeting.', fromAgent: null, toAgent: { id: agent.id } },
      { messageType: 'TASK_RESULT', content: ended.result, fromAgent: { id: agent.id }, toAgent: null },
    ]);

    const { agent: after } = await t.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status totalCostUsd } } }`, { id: agent.id });
    expect(after.status).toBe('IDLE');
    expect(after.totalCostUsd).toBeCloseTo(ended.costUsd, 10);
    // Spend rolls up to the session; each run also leaves performance metrics.
    const { session } = await t.ok(`query($id: ID!) { session(id: $id) { ... on Session { costUsd } } }`, { id: sessionId });
    expect(session.costUsd).toBeCloseTo(ended.costUsd, 10);
    const metrics = await t.app.database.db
      .selectFrom('performanceMetrics')
      .select(['name', 'value'])
      .where('agentId', '=', Buffer.from(agent.id, 'base64').toString().split(':')[1]!)
      .execute();
    expect(metrics.map((m) => m.name).sort()).toEqual(['run.cost', 'run.duration', 'run.input_tokens', 'run.output_tokens']);
  });

  it('runs queued tasks one after another on the same process, with per-turn cost', async () => {
    const sessionId = await createSession(t, 'queue');
    const agent = await createAgent(t, sessionId, { name: 'serial' });
    const first = await createTask(t, { sessionId, title: 'first question', agentId: agent.id });
    const second = await createTask(t, { sessionId, title: 'second question', agentId: agent.id });
    const [a, b] = [await waitForTaskEnd(t, first.id), await waitForTaskEnd(t, second.id)];
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(a.result).toContain('first question');
    expect(b.result).toContain('second question');
    // The CLI reports running totals per process; each task gets only its own turn's share.
    expect(b.costUsd).toBeGreaterThan(0);
    expect(b.costUsd).toBeCloseTo(a.costUsd, 6);
  });

  it('fails a task with a typed reason when the CLI is not logged in', async () => {
    const noKey = await startTestApp({ agentEnvironment: {} });
    try {
      const sessionId = await createSession(noKey);
      const agent = await createAgent(noKey, sessionId);
      const task = await createTask(noKey, { sessionId, title: 'hello', agentId: agent.id });
      const ended = await waitForTaskEnd(noKey, task.id);
      expect(ended.status).toBe('FAILED');
      expect(ended.error.type).toBe('AUTHENTICATION_FAILED');
      expect(ended.error.message).toMatch(/Not logged in/);
      // It says how to fix it, since retrying cannot help.
      expect(ended.error.message).toContain('ANTHROPIC_API_KEY');
      const { agent: after } = await noKey.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status lastError } } }`, { id: agent.id });
      expect(after).toMatchObject({ status: 'IDLE', lastError: expect.stringMatching(/Not logged in/) });
    } finally {
      await noKey.stop();
    }
  });

  it('fails a task with API_ERROR and MAX_TURNS reasons', async () => {
    const sessionId = await createSession(t, 'failures');
    const agent = await createAgent(t, sessionId, { name: 'failing', maxTurns: 2 });
    const apiError = await createTask(t, { sessionId, title: 'FAIL_API now', agentId: agent.id });
    const maxTurns = await createTask(t, { sessionId, title: 'MAX_TURNS loop', agentId: agent.id });
    const [a, b] = [await waitForTaskEnd(t, apiError.id), await waitForTaskEnd(t, maxTurns.id)];
    expect(a.status).toBe('FAILED');
    expect(a.error.type).toBe('API_ERROR');
    const retries = a.events.filter((e: any) => e.kind === 'RETRY').length;
    expect(a.error.message).toContain(`(after ${retries} API retries)`);
    expect(a.events.some((e: any) => e.kind === 'RETRY')).toBe(true);
    expect(b.status).toBe('FAILED');
    expect(b.error.type).toBe('MAX_TURNS');
  });

  it('fails the running task when the process crashes; the agent goes ERROR, restarts and the incident says so', async () => {
    const sessionId = await createSession(t, 'crash');
    const agent = await createAgent(t, sessionId, { name: 'crasher' });
    const task = await createTask(t, { sessionId, title: 'CRASH now', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id);
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('AGENT_EXITED');
    expect(ended.error.message).toContain('simulated crash');
    const query = `query($id: ID!) {
      agent(id: $id) { ... on Agent { status pid lastError statusHistory { from to reason } } }
      incidents(filter: { agentId: $id }) { edges { node { type severity recoveryAction recoveryResult task { id } } } } }`;
    const settled = await waitFor(async () => {
      const data = await t.ok(query, { id: agent.id });
      return data.agent.status === 'IDLE' && data.incidents.edges[0]?.node.recoveryResult ? data : undefined;
    }, 10_000, 'the crashed agent to restart');
    expect(settled.agent.statusHistory.map((e: any) => `${e.from}->${e.to}`).slice(-4)).toEqual([
      'IDLE->BUSY', 'BUSY->ERROR', 'ERROR->RESTARTING', 'RESTARTING->IDLE',
    ]);
    expect(settled.agent.statusHistory.find((e: any) => e.to === 'ERROR').reason).toContain('exited with code 3');
    expect(settled.agent.pid).not.toBe(agent.pid);
    expect(settled.incidents.edges.map((e: any) => e.node)).toEqual([{
      type: 'AGENT_CRASH',
      severity: 'HIGH',
      recoveryAction: expect.stringMatching(/^restart in \d+ ms/),
      recoveryResult: 'restarted; the session resumed',
      task: { id: task.id },
    }]);
  });

  it('terminates an agent mid-task: the process tree ends and the task fails with the reason', async () => {
    const sessionId = await createSession(t, 'terminate');
    const agent = await createAgent(t, sessionId, { name: 'sleeper' });
    const task = await createTask(t, { sessionId, title: 'SLEEP 20000', agentId: agent.id });
    expect(task.status).toBe('RUNNING');
    const data = await t.ok(`mutation($id: ID!) { terminateAgent(id: $id) { __typename ... on TerminateAgentSuccess { agent { status pid } } } }`, { id: agent.id });
    expect(data.terminateAgent.agent).toEqual({ status: 'TERMINATED', pid: null });
    expect(() => process.kill(agent.pid, 0)).toThrow();
    const { task: after } = await t.ok(TASK, { id: task.id });
    expect(after.status).toBe('FAILED');
    expect(after.error.type).toBe('AGENT_TERMINATED');
  });

  it('ends a turn that runs past its time limit with TIMEOUT; an interrupt is enough, so the process stays', async () => {
    const sessionId = await createSession(t, 'timeout');
    const agent = await createAgent(t, sessionId, { name: 'slowpoke' });
    const task = await createTask(t, { sessionId, title: 'SLEEP 30000', agentId: agent.id, timeoutSeconds: 1 });
    const ended = await waitForTaskEnd(t, task.id, 15_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error).toEqual({ type: 'TIMEOUT', message: 'the turn ran past its 1 s limit' });
    const { agent: after } = await t.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status pid } } }`, { id: agent.id });
    expect(after).toEqual({ status: 'IDLE', pid: agent.pid });
    expect(() => process.kill(agent.pid, 0)).not.toThrow();
  });

  it('a hung turn that ignores the interrupt and SIGINT is ended by SIGTERM, with the reason', async () => {
    const sessionId = await createSession(t, 'hang');
    const agent = await createAgent(t, sessionId, { name: 'hung', resourceLimits: { silenceTimeoutSeconds: 1 } });
    const task = await createTask(t, { sessionId, title: 'HANG now', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id, 15_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('SILENCE_TIMEOUT');
    expect(ended.error.message).toContain('stopped at SIGTERM');
    expect(() => process.kill(agent.pid, 0)).toThrow();
    const { agent: after } = await t.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status pid } } }`, { id: agent.id });
    // Stopped on purpose, not crashed: the agent resumes its session on the next turn.
    expect(after).toEqual({ status: 'IDLE', pid: null });
    const next = await createTask(t, { sessionId, title: 'are you back?', agentId: agent.id });
    const answered = await waitForTaskEnd(t, next.id);
    expect(answered.status).toBe('SUCCEEDED');
  });


  it('a turn that only SIGINT ends is cancelled at that step; the exit that follows is not a crash', async () => {
    const sessionId = await createSession(t, 'sigint');
    const agent = await createAgent(t, sessionId, { name: 'stubborn' });
    const task = await createTask(t, { sessionId, title: 'NO_INTERRUPT SLEEP 30000', agentId: agent.id });
    const cancelled = await t.ok(`mutation($id: ID!) { cancelTask(id: $id, reason: "enough") { __typename ... on CancelTaskSuccess { task { status error { type message } } } } }`, { id: task.id });
    expect(cancelled.cancelTask.task).toEqual({ status: 'CANCELLED', error: { type: 'CANCELLED', message: 'enough' } });
    const settled = await waitFor(async () => {
      const data = await t.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status pid statusHistory { to reason } } } incidents(filter: { agentId: $id }) { edges { node { type } } } }`, { id: agent.id });
      return data.agent.pid === null ? data : undefined;
    }, 10_000, 'the process to exit after SIGINT');
    expect(settled.agent.status).toBe('IDLE');
    expect(settled.agent.statusHistory.map((e: any) => e.to)).not.toContain('ERROR');
    expect(settled.incidents.edges).toEqual([]);
    const next = await createTask(t, { sessionId, title: 'still there?', agentId: agent.id });
    expect((await waitForTaskEnd(t, next.id)).status).toBe('SUCCEEDED');
  });
});
