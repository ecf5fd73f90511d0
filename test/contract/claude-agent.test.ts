/**
 * The whole path with the real, pinned `claude` binary: GraphQL -> supervisor -> claude ->
 * loopback Messages API mock -> stream-json -> stored, numbered transcript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { CREATE_AGENT, TASK_EVENTS } from '../support/operations.js';
import { startRealClaudeTestApp, type RealClaudeTestApp } from '../support/real-claude-app.js';
import { collect, startTestApp } from '../support/test-app.js';

describe('the real claude binary through the API', () => {
  let t: RealClaudeTestApp;

  beforeAll(async () => {
    t = await startRealClaudeTestApp();
  });
  afterAll(() => t?.stop());

  it('runs a task with one tool call to SUCCEEDED and streams the transcript', async () => {
    const sessionId = await createSession(t, 'contract');
    const agent = await createAgent(t, sessionId, { name: 'claude-worker', allowedTools: ['Bash'] });
    expect(agent.status).toBe('IDLE');

    const task = await createTask(t, { sessionId, title: 'USE_TOOL please' });
    const live = collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await t.ok(`mutation($taskId: ID!, $agentId: ID!) { assignTask(taskId: $taskId, agentId: $agentId) { __typename } }`, {
      taskId: task.id,
      agentId: agent.id,
    });

    const ended = await waitForTaskEnd(t, task.id, 60_000);
    const liveEvents = (await live.done).map((v: any) => v.taskEvents);
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.result).toContain('hello-from-tool');
    expect(ended.costUsd).toBeGreaterThan(0);
    expect(ended.usage.cacheReadTokens).toBeGreaterThan(0);

    const kinds = ended.events.map((e: any) => e.kind);
    const started = ended.events.find((e: any) => e.kind === 'AGENT_STARTED');
    // The CLI session id was chosen and stored before spawn, and the CLI used it.
    expect(started.payload.sessionId).toBe(agent.cliSessionId);
    const call = ended.events.find((e: any) => e.kind === 'TOOL_CALL');
    expect(call.payload).toMatchObject({ name: 'Bash', input: { command: 'echo hello-from-tool' } });
    const result = ended.events.find((e: any) => e.kind === 'TOOL_RESULT');
    expect(result.payload.isError).toBe(false);
    expect(JSON.stringify(result.payload.content)).toContain('hello-from-tool');
    const order = ['AGENT_STARTED', 'TOOL_CALL', 'TOOL_RESULT', 'RESULT'].map((k) => kinds.indexOf(k));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(liveEvents.map((e: any) => [e.seq, e.kind])).toEqual(ended.events.map((e: any) => [e.seq, e.kind]));

    // The prompt reached the model as a stream-json user message, never on argv.
    const prompts = t.api.requests.map((r) => JSON.stringify(r.body));
    expect(prompts.some((body) => body.includes('USE_TOOL please'))).toBe(true);
    expect(t.api.requests.every((r) => r.headers['x-claude-code-session-id'] === agent.cliSessionId)).toBe(true);
  });

  it('reports an API failure as a typed task error', async () => {
    const sessionId = await createSession(t, 'contract-errors');
    const agent = await createAgent(t, sessionId, { name: 'claude-failing' });
    const task = await createTask(t, { sessionId, title: 'FAIL_500 please', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id, 60_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('API_ERROR');
    expect(ended.events.some((e: any) => e.kind === 'RETRY')).toBe(true);
  });

  it('fails a task with AUTHENTICATION_FAILED when the CLI is not logged in', async () => {
    // No key, no login, an empty HOME: the real CLI answers "Not logged in" without any network.
    const loggedOut = await startTestApp({ cliPath: null, agentEnvironment: {} });
    try {
      const sessionId = await createSession(loggedOut, 'logged-out');
      const agent = await createAgent(loggedOut, sessionId, { name: 'no-key' });
      const task = await createTask(loggedOut, { sessionId, title: 'hello', agentId: agent.id });
      const ended = await waitForTaskEnd(loggedOut, task.id, 60_000);
      expect(ended.status).toBe('FAILED');
      expect(ended.error.type).toBe('AUTHENTICATION_FAILED');
      expect(ended.error.message).toMatch(/Not logged in/);
    } finally {
      await loggedOut.stop();
    }
  });

  it('refuses to create an agent when the binary is missing, saying how to fix it, and writes nothing', async () => {
    const missing = await startTestApp({ cliPath: '/nonexistent/claude' });
    try {
      const sessionId = await createSession(missing, 'missing-binary');
      const data = await missing.ok(CREATE_AGENT, { input: { sessionId, name: 'ghost', role: 'WORKER' } });
      expect(data.createAgent).toMatchObject({
        __typename: 'AgentRuntimeUnavailableError',
        code: 'AGENT_RUNTIME_UNAVAILABLE',
        binaryPath: '/nonexistent/claude',
      });
      expect(data.createAgent.message).toMatch(/CLAUDE_CLI_PATH/);
      const agents = await missing.ok(`{ agents { edges { node { id } } } }`);
      expect(agents.agents.edges).toEqual([]);
    } finally {
      await missing.stop();
    }
  });
});
