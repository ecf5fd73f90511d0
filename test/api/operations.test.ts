/**
 * Operations on live agents through the GraphQL API, with the fake CLI: cancelTask (interrupt
 * and escalation), sendMessage (busy, idle, refused), restartAgent, idle close with session
 * resume, status and incident subscriptions, and the process capacity limit.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { TASK, TERMINATE_AGENT } from '../support/operations.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const CANCEL_TASK = /* GraphQL */ `
  mutation CancelTask($id: ID!, $reason: String) {
    cancelTask(id: $id, reason: $reason) {
      __typename
      ... on CancelTaskSuccess { task { id status error { type message } agent { id status } } }
      ... on Error { code message }
    }
  }
`;

const SEND_MESSAGE = /* GraphQL */ `
  mutation SendMessage($agentId: ID!, $content: String!) {
    sendMessage(agentId: $agentId, content: $content) {
      __typename
      ... on SendMessageSuccess {
        task { id title status }
        communication { id messageType content fromAgent { id } toAgent { id } task { id } }
      }
      ... on Error { code message }
      ... on InvalidInputError { field }
      ... on ConflictError { field }
      ... on NotFoundError { field entity }
    }
  }
`;

const RESTART_AGENT = /* GraphQL */ `
  mutation RestartAgent($id: ID!) {
    restartAgent(id: $id) {
      __typename
      ... on RestartAgentSuccess { agent { id status pid restartCount lastError terminatedAt } }
      ... on Error { code message }
      ... on ConflictError { field }
      ... on CapacityReachedError { limit }
    }
  }
`;

const AGENT_STATE = /* GraphQL */ `
  query AgentState($id: ID!) {
    agent(id: $id) {
      __typename
      ... on Agent {
        id status pid restartCount cliSessionId lastError terminatedAt updatedAt
        statusHistory(first: 1000) { seq from to reason }
      }
    }
  }
`;

const AGENT_STATUS_UPDATED = /* GraphQL */ `
  subscription AgentStatusUpdated($agentId: ID) {
    agentStatusUpdated(agentId: $agentId) { seq from to reason agent { id } }
  }
`;

const INCIDENT_REPORTED = /* GraphQL */ `
  subscription IncidentReported {
    incidentReported { id type severity message recoveryAction agent { id } }
  }
`;

const INCIDENTS = /* GraphQL */ `
  query Incidents($agentId: ID) {
    incidents(filter: { agentId: $agentId }) { edges { node { id type severity message agent { id } } } }
  }
`;

async function agentState(t: TestApp, id: string): Promise<any> {
  const { agent } = await t.ok(AGENT_STATE, { id });
  expect(agent.__typename).toBe('Agent');
  return agent;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the task's transcript shows the CLI started its turn (the session exists from then on). */
async function waitForTurnStart(t: TestApp, taskId: string): Promise<any> {
  return waitFor(async () => {
    const { task } = await t.ok(TASK, { id: taskId });
    return task.events.find((e: any) => e.kind === 'AGENT_STARTED');
  }, 10_000, `task ${taskId} to start its turn`);
}

/** The argv the fake CLI logged, one entry per process started for this CLI session, in start order. */
async function processesOfSession(argvFile: string, cliSessionId: string): Promise<{ argv: string[]; pid: number }[]> {
  const text = await fs.readFile(argvFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { argv: string[]; pid: number })
    .filter((entry) => entry.argv.includes(`--session-id=${cliSessionId}`) || entry.argv.includes(`--resume=${cliSessionId}`));
}

/**
 * Resolves once the server holds `count` more listeners on a bus topic than `before`: a
 * graphql-ws subscription has no acknowledgement, and a sleep is not enough on a busy machine.
 */
async function waitForListeners(t: TestApp, key: string, before: number, count = 1): Promise<void> {
  await waitFor(async () => (listenerCount(t, key) >= before + count ? true : undefined), 10_000, `a listener on ${key}`);
}
function listenerCount(t: TestApp, key: string): number {
  return (t.app.bus as unknown as { listeners: Map<string, Set<unknown>> }).listeners.get(key)?.size ?? 0;
}

const unknownAgentId = () => Buffer.from(`Agent:${randomUUID()}`).toString('base64');

describe('operations on live agents (fake CLI)', () => {
  let t: TestApp;
  let scratch: string;
  let argvFile: string;

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-ops-'));
    argvFile = path.join(scratch, 'argv.jsonl');
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'test-key', FAKE_CLAUDE_ARGV_FILE: argvFile } });
  });
  afterAll(async () => {
    await t?.stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  describe('cancelTask', () => {
    it('cancels a running turn by interrupt alone: the process and its pid stay, and the next task runs on it', async () => {
      const sessionId = await createSession(t, 'cancel-sleep');
      const agent = await createAgent(t, sessionId, { name: 'sleeper' });
      const task = await createTask(t, { sessionId, title: 'SLEEP 30000', agentId: agent.id });
      expect(task.status).toBe('RUNNING');
      await waitForTurnStart(t, task.id);

      const data = await t.ok(CANCEL_TASK, { id: task.id, reason: 'no longer needed' });
      expect(data.cancelTask).toMatchObject({
        __typename: 'CancelTaskSuccess',
        task: { id: task.id, status: 'CANCELLED', error: { type: 'CANCELLED', message: 'no longer needed' } },
      });

      const { task: after } = await t.ok(TASK, { id: task.id });
      expect(after.status).toBe('CANCELLED');
      expect(after.error).toEqual({ type: 'CANCELLED', message: 'no longer needed' });
      // The run ended: the CLI's interrupted result, then the final status change.
      const kinds = after.events.map((e: any) => e.kind);
      expect(kinds.at(-2)).toBe('RESULT');
      expect(after.events.at(-2).payload).toMatchObject({ ok: false });
      expect(after.events.at(-1)).toMatchObject({ kind: 'STATUS', payload: { from: 'RUNNING', to: 'CANCELLED' } });

      const state = await agentState(t, agent.id);
      expect(state).toMatchObject({ status: 'IDLE', pid: agent.pid });
      expect(alive(agent.pid)).toBe(true);

      const next = await createTask(t, { sessionId, title: 'still there?', agentId: agent.id });
      const answered = await waitForTaskEnd(t, next.id);
      expect(answered.status).toBe('SUCCEEDED');
      expect(answered.result).toBe('Hello! You said: still there?');
      expect((await agentState(t, agent.id)).pid).toBe(agent.pid);
      // One process served both tasks.
      expect(await processesOfSession(argvFile, agent.cliSessionId)).toHaveLength(1);
    });

    it('escalates past an ignored interrupt and SIGINT; the reason names the step; the next process resumes the session', async () => {
      const sessionId = await createSession(t, 'cancel-hang');
      const agent = await createAgent(t, sessionId, { name: 'hung' });
      const task = await createTask(t, { sessionId, title: 'HANG now', agentId: agent.id });
      await waitForTurnStart(t, task.id);

      const data = await t.ok(CANCEL_TASK, { id: task.id, reason: 'stuck' });
      expect(data.cancelTask.__typename).toBe('CancelTaskSuccess');
      expect(data.cancelTask.task.status).toBe('CANCELLED');
      expect(data.cancelTask.task.error.type).toBe('CANCELLED');
      expect(data.cancelTask.task.error.message).toBe('stuck (stopped at SIGTERM)');

      const { task: after } = await t.ok(TASK, { id: task.id });
      expect(after.events.at(-1)).toMatchObject({ kind: 'STATUS', payload: { from: 'RUNNING', to: 'CANCELLED' } });
      expect(alive(agent.pid)).toBe(false);
      const state = await agentState(t, agent.id);
      expect(state).toMatchObject({ status: 'IDLE', pid: null, lastError: null });

      const next = await createTask(t, { sessionId, title: 'are you back?', agentId: agent.id });
      const answered = await waitForTaskEnd(t, next.id);
      expect(answered.status).toBe('SUCCEEDED');
      expect(answered.result).toBe('Hello! You said: are you back?');
      const restarted = await agentState(t, agent.id);
      expect(restarted.pid).toBeGreaterThan(0);
      expect(restarted.pid).not.toBe(agent.pid);
      // The cancelled turn had started the CLI session, so the new process resumes it.
      const processes = await processesOfSession(argvFile, agent.cliSessionId);
      expect(processes).toHaveLength(2);
      expect(processes[0]!.argv).toContain(`--session-id=${agent.cliSessionId}`);
      expect(processes[1]!.argv).toContain(`--resume=${agent.cliSessionId}`);
      expect(processes[1]!.argv.some((arg) => arg.startsWith('--session-id'))).toBe(false);
      const agentStarted = answered.events.find((e: any) => e.kind === 'AGENT_STARTED');
      expect(agentStarted.payload.sessionId).toBe(agent.cliSessionId);
    });
  });

  describe('sendMessage', () => {
    it('joins a busy agent’s running session: the task ends after the extra turn, with its answer', async () => {
      const sessionId = await createSession(t, 'message-busy');
      const agent = await createAgent(t, sessionId, { name: 'busy' });
      const task = await createTask(t, { sessionId, title: 'SLEEP 3000', agentId: agent.id });
      expect(task.status).toBe('RUNNING');

      const data = await t.ok(SEND_MESSAGE, { agentId: agent.id, content: 'one more thing' });
      expect(data.sendMessage).toMatchObject({
        __typename: 'SendMessageSuccess',
        task: { id: task.id, status: 'RUNNING' },
        communication: { messageType: 'MESSAGE', content: 'one more thing', fromAgent: null, toAgent: { id: agent.id }, task: { id: task.id } },
      });

      const comms = await t.ok(
        `query($agentId: ID!) { communications(filter: { agentId: $agentId, messageType: MESSAGE }) { edges { node {
          id content fromAgent { id } toAgent { id } task { id } } } } }`,
        { agentId: agent.id },
      );
      expect(comms.communications.edges.map((e: any) => e.node)).toEqual([
        { id: data.sendMessage.communication.id, content: 'one more thing', fromAgent: null, toAgent: { id: agent.id }, task: { id: task.id } },
      ]);

      const ended = await waitForTaskEnd(t, task.id);
      expect(ended.status).toBe('SUCCEEDED');
      expect(ended.result).toBe('Hello! You said: one more thing');
      const results = ended.events.filter((e: any) => e.kind === 'RESULT');
      expect(results).toHaveLength(2);
      expect(results[0].payload).toMatchObject({ ok: true, intermediate: true, text: 'Hello! You said: SLEEP 3000' });
      expect(results[1].payload).toMatchObject({ ok: true, text: 'Hello! You said: one more thing' });
      expect(results[1].payload.intermediate).toBeUndefined();
      expect(ended.events.at(-1)).toMatchObject({ kind: 'STATUS', payload: { from: 'RUNNING', to: 'SUCCEEDED' } });
      expect(ended.events.indexOf(results[1])).toBe(ended.events.length - 2);
      expect((await agentState(t, agent.id)).status).toBe('IDLE');
    });

    it('gives an idle agent the message as a new task', async () => {
      const sessionId = await createSession(t, 'message-idle');
      const agent = await createAgent(t, sessionId, { name: 'idle' });
      const data = await t.ok(SEND_MESSAGE, { agentId: agent.id, content: 'what is 2 + 2?' });
      expect(data.sendMessage.__typename).toBe('SendMessageSuccess');
      const { task, communication } = data.sendMessage;
      expect(task.title).toBe('Message: what is 2 + 2?');
      expect(communication).toMatchObject({ messageType: 'MESSAGE', content: 'what is 2 + 2?', fromAgent: null, toAgent: { id: agent.id }, task: { id: task.id } });
      const ended = await waitForTaskEnd(t, task.id);
      expect(ended.status).toBe('SUCCEEDED');
      expect(ended.agent.id).toBe(agent.id);
      expect(ended.result).toMatch(/^Hello! You said: .*what is 2 \+ 2\?$/s);
    });

    it('refuses a terminated agent, empty content and an unknown agent', async () => {
      const sessionId = await createSession(t, 'message-refused');
      const agent = await createAgent(t, sessionId, { name: 'gone' });

      const empty = await t.ok(SEND_MESSAGE, { agentId: agent.id, content: '   ' });
      expect(empty.sendMessage).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'content' });

      const unknown = await t.ok(SEND_MESSAGE, { agentId: unknownAgentId(), content: 'hello?' });
      expect(unknown.sendMessage).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'agentId', entity: 'Agent' });

      const terminated = await t.ok(TERMINATE_AGENT, { id: agent.id });
      expect(terminated.terminateAgent.agent.status).toBe('TERMINATED');
      const refused = await t.ok(SEND_MESSAGE, { agentId: agent.id, content: 'hello?' });
      expect(refused.sendMessage).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'agentId' });
      expect(refused.sendMessage.message).toContain('TERMINATED');

      // Nothing was recorded or started for any of them.
      const comms = await t.ok(`query($agentId: ID!) { communications(filter: { agentId: $agentId }) { edges { node { id } } } }`, { agentId: agent.id });
      expect(comms.communications.edges).toEqual([]);
      const tasks = await t.ok(`query($agentId: ID!) { tasks(filter: { agentId: $agentId }) { edges { node { id } } } }`, { agentId: agent.id });
      expect(tasks.tasks.edges).toEqual([]);
    });
  });

  describe('restartAgent', () => {
    it('restarts an idle agent on a new process that resumes its CLI session', async () => {
      const sessionId = await createSession(t, 'restart-idle');
      const agent = await createAgent(t, sessionId, { name: 'restarter' });
      const first = await createTask(t, { sessionId, title: 'remember me', agentId: agent.id });
      expect((await waitForTaskEnd(t, first.id)).status).toBe('SUCCEEDED');
      const before = await agentState(t, agent.id);
      expect(before).toMatchObject({ status: 'IDLE', pid: agent.pid, restartCount: 0 });

      const data = await t.ok(RESTART_AGENT, { id: agent.id });
      expect(data.restartAgent.__typename).toBe('RestartAgentSuccess');
      const restarted = data.restartAgent.agent;
      expect(restarted).toMatchObject({ status: 'IDLE', restartCount: 1, lastError: null });
      expect(restarted.pid).toBeGreaterThan(0);
      expect(restarted.pid).not.toBe(agent.pid);
      expect(alive(agent.pid)).toBe(false);
      expect(alive(restarted.pid)).toBe(true);

      const after = await agentState(t, agent.id);
      const added = after.statusHistory.slice(before.statusHistory.length);
      expect(added).toEqual([
        { seq: before.statusHistory.length + 1, from: 'IDLE', to: 'RESTARTING', reason: 'restarted by request' },
        { seq: before.statusHistory.length + 2, from: 'RESTARTING', to: 'IDLE', reason: 'restarted' },
      ]);

      // The new process logs its argv as it starts, which may be just after the mutation returned.
      const processes = await waitFor(async () => {
        const found = await processesOfSession(argvFile, agent.cliSessionId);
        return found.length >= 2 ? found : undefined;
      }, 5_000, 'the restarted process to log its argv');
      expect(processes).toHaveLength(2);
      expect(processes[1]!.argv).toContain(`--resume=${agent.cliSessionId}`);

      const next = await createTask(t, { sessionId, title: 'after restart', agentId: agent.id });
      const answered = await waitForTaskEnd(t, next.id);
      expect(answered.status).toBe('SUCCEEDED');
      expect(answered.events.find((e: any) => e.kind === 'AGENT_STARTED').payload.sessionId).toBe(agent.cliSessionId);
      expect((await agentState(t, agent.id)).pid).toBe(restarted.pid);
    });

    it('brings a terminated agent back IDLE on a new process', async () => {
      const sessionId = await createSession(t, 'restart-terminated');
      const agent = await createAgent(t, sessionId, { name: 'lazarus' });
      const terminated = await t.ok(TERMINATE_AGENT, { id: agent.id });
      expect(terminated.terminateAgent.agent).toMatchObject({ status: 'TERMINATED', pid: null });
      expect((await agentState(t, agent.id)).terminatedAt).not.toBeNull();

      const data = await t.ok(RESTART_AGENT, { id: agent.id });
      expect(data.restartAgent).toMatchObject({
        __typename: 'RestartAgentSuccess',
        agent: { status: 'IDLE', restartCount: 1, terminatedAt: null },
      });
      const pid = data.restartAgent.agent.pid;
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid)).toBe(true);
      const history = (await agentState(t, agent.id)).statusHistory.map((e: any) => `${e.from}->${e.to}`);
      expect(history.slice(-4)).toEqual(['IDLE->TERMINATING', 'TERMINATING->TERMINATED', 'TERMINATED->RESTARTING', 'RESTARTING->IDLE']);

      const task = await createTask(t, { sessionId, title: 'alive again', agentId: agent.id });
      expect((await waitForTaskEnd(t, task.id)).status).toBe('SUCCEEDED');
    });

    it('is a ConflictError while the agent is RESTARTING; the restart in progress completes alone', async () => {
      const sessionId = await createSession(t, 'restart-twice');
      const agent = await createAgent(t, sessionId, { name: 'twice' });
      // A hung turn makes the old process take the ladder (about 1 s) to stop.
      const task = await createTask(t, { sessionId, title: 'HANG now', agentId: agent.id });
      await waitForTurnStart(t, task.id);

      const first = t.ok(RESTART_AGENT, { id: agent.id });
      await waitFor(async () => ((await agentState(t, agent.id)).status === 'RESTARTING' ? true : undefined), 5_000, 'RESTARTING');
      const second = await t.ok(RESTART_AGENT, { id: agent.id });
      expect(second.restartAgent).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'id' });
      expect(second.restartAgent.message).toContain('RESTARTING');

      const done = (await first).restartAgent;
      expect(done).toMatchObject({ __typename: 'RestartAgentSuccess', agent: { status: 'IDLE', restartCount: 1, lastError: null } });
      expect(done.agent.pid).not.toBe(agent.pid);
      expect(alive(agent.pid)).toBe(false);
      expect(alive(done.agent.pid)).toBe(true);
      // Settled once: no second launch, no crash, no incident.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await agentState(t, agent.id);
      expect(after).toMatchObject({ status: 'IDLE', pid: done.agent.pid, restartCount: 1, lastError: null });
      expect(after.statusHistory.map((e: any) => [e.from, e.to, e.reason])).toEqual([
        ['STARTING', 'IDLE', 'process started'],
        ['IDLE', 'BUSY', 'running task "HANG now"'],
        ['BUSY', 'RESTARTING', 'restarted by request'],
        ['RESTARTING', 'IDLE', 'restarted'],
      ]);
      expect((await t.ok(INCIDENTS, { agentId: agent.id })).incidents.edges).toEqual([]);
      const { task: stopped } = await t.ok(TASK, { id: task.id });
      expect(stopped.status).toBe('FAILED');
      expect(stopped.error).toEqual({ type: 'INTERRUPTED', message: 'restarted by request (stopped at SIGTERM)' });
    });

    it('refuses restartAgent for an unknown agent', async () => {
      const data = await t.ok(RESTART_AGENT, { id: unknownAgentId() });
      expect(data.restartAgent).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    });
  });

  describe('subscriptions', () => {
    it('agentStatusUpdated delivers one agent’s transitions of a task in order, with reasons', async () => {
      const sessionId = await createSession(t, 'status-stream');
      const agent = await createAgent(t, sessionId, { name: 'watched' });
      const other = await createAgent(t, sessionId, { name: 'unwatched' });
      const listeners = listenerCount(t, 'agentStatus:all');
      const live = collect(t.wsClient(), AGENT_STATUS_UPDATED, { agentId: agent.id });
      await waitForListeners(t, 'agentStatus:all', listeners);

      const task = await createTask(t, { sessionId, title: 'watch me', agentId: agent.id });
      const noise = await createTask(t, { sessionId, title: 'not me', agentId: other.id });
      expect((await waitForTaskEnd(t, task.id)).status).toBe('SUCCEEDED');
      expect((await waitForTaskEnd(t, noise.id)).status).toBe('SUCCEEDED');
      await waitFor(async () => (live.values.length >= 2 ? true : undefined), 5_000, 'two status events');
      // Give a stray event (another agent's, or a duplicate) the time to show up.
      await new Promise((resolve) => setTimeout(resolve, 200));
      live.unsubscribe();

      const events = live.values.map((v: any) => v.agentStatusUpdated);
      const history = (await agentState(t, agent.id)).statusHistory;
      expect(events).toEqual([
        { seq: history.at(-2).seq, from: 'IDLE', to: 'BUSY', reason: 'running task "watch me"', agent: { id: agent.id } },
        { seq: history.at(-1).seq, from: 'BUSY', to: 'IDLE', reason: 'finished task "watch me"', agent: { id: agent.id } },
      ]);
    });

    it('incidentReported delivers an AGENT_CRASH incident, which the incidents query lists for the agent', async () => {
      const sessionId = await createSession(t, 'incident-stream');
      const agent = await createAgent(t, sessionId, { name: 'crashy' });
      const listeners = listenerCount(t, 'incident:all');
      const live = collect(t.wsClient(), INCIDENT_REPORTED, {});
      await waitForListeners(t, 'incident:all', listeners);

      const task = await createTask(t, { sessionId, title: 'CRASH now', agentId: agent.id });
      const ended = await waitForTaskEnd(t, task.id);
      expect(ended.status).toBe('FAILED');
      expect(ended.error.type).toBe('AGENT_EXITED');

      const incident = await waitFor(
        async () => live.values.map((v: any) => v.incidentReported).find((i: any) => i.agent?.id === agent.id),
        5_000,
        'the crash incident',
      );
      live.unsubscribe();
      expect(incident).toMatchObject({ type: 'AGENT_CRASH', severity: 'HIGH', agent: { id: agent.id } });
      expect(incident.message).toContain('simulated crash');
      expect(incident.recoveryAction).toMatch(/^restart in \d+ ms/);

      const listed = await t.ok(INCIDENTS, { agentId: agent.id });
      expect(listed.incidents.edges.map((e: any) => e.node)).toEqual([
        { id: incident.id, type: 'AGENT_CRASH', severity: 'HIGH', message: incident.message, agent: { id: agent.id } },
      ]);
      // The filter is applied: another agent's incidents are not listed.
      const elsewhere = await t.ok(INCIDENTS, { agentId: unknownAgentId() });
      expect(elsewhere.incidents.edges).toEqual([]);

      // The crash policy then restarts the agent (after its 100 ms backoff): let it settle.
      await waitFor(async () => ((await agentState(t, agent.id)).status === 'IDLE' ? true : undefined), 10_000, 'the agent to restart');
    });
  });
});

describe('idle close (CLAUDE_IDLE_TIMEOUT=1)', () => {
  let t: TestApp;
  let scratch: string;
  let argvFile: string;

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-ops-idle-'));
    argvFile = path.join(scratch, 'argv.jsonl');
    t = await startTestApp({
      environment: { CLAUDE_IDLE_TIMEOUT: '1' },
      agentEnvironment: { ANTHROPIC_API_KEY: 'test-key', FAKE_CLAUDE_ARGV_FILE: argvFile },
    });
  });
  afterAll(async () => {
    await t?.stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it('closes the process about 1 s after its task; the next task starts a new process that resumes the session', async () => {
    const sessionId = await createSession(t, 'idle');
    const agent = await createAgent(t, sessionId, { name: 'dozer' });
    const task = await createTask(t, { sessionId, title: 'first', agentId: agent.id });
    expect((await waitForTaskEnd(t, task.id)).status).toBe('SUCCEEDED');
    const { pid } = agent;
    expect(pid).toBeGreaterThan(0);

    const closed = await waitFor(async () => {
      const state = await agentState(t, agent.id);
      return state.pid === null ? state : undefined;
    }, 10_000, 'the idle process to close');
    expect(alive(pid)).toBe(false);
    // Server-side times: the task's end, and the agent's last change (its pid cleared on exit).
    const { task: finished } = await t.ok(`query($id: ID!) { task(id: $id) { ... on Task { finishedAt } } }`, { id: task.id });
    const idleFor = Date.parse(closed.updatedAt) - Date.parse(finished.finishedAt);
    expect(idleFor).toBeGreaterThanOrEqual(1_000);
    expect(idleFor).toBeLessThan(3_000);
    expect(closed.status).toBe('IDLE');
    expect(closed.lastError).toBeNull();
    expect(alive(pid)).toBe(false);
    // Closing an idle process is not a crash.
    const incidents = await t.ok(INCIDENTS, { agentId: agent.id });
    expect(incidents.incidents.edges).toEqual([]);

    const next = await createTask(t, { sessionId, title: 'second', agentId: agent.id });
    const answered = await waitForTaskEnd(t, next.id);
    expect(answered.status).toBe('SUCCEEDED');
    const started = answered.events.find((e: any) => e.kind === 'AGENT_STARTED');
    expect(started.payload.sessionId).toBe(agent.cliSessionId);
    const processes = await processesOfSession(argvFile, agent.cliSessionId);
    expect(processes.length).toBeGreaterThanOrEqual(2);
    expect(processes[0]!.argv).toContain(`--session-id=${agent.cliSessionId}`);
    expect(processes.at(-1)!.argv).toContain(`--resume=${agent.cliSessionId}`);
  });
});

describe('capacity (CLAUDE_MAX_AGENTS=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ environment: { CLAUDE_MAX_AGENTS: '2' }, agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' } });
  });
  afterAll(() => t?.stop());

  const CREATE = /* GraphQL */ `
    mutation($input: CreateAgentInput!) {
      createAgent(input: $input) {
        __typename
        ... on CreateAgentSuccess { agent { id pid } }
        ... on Error { code message }
        ... on CapacityReachedError { limit }
      }
    }
  `;
  const AGENT_NAMES = `query($sessionId: ID!) { agents(filter: { sessionId: $sessionId }) { edges { node { name } } } }`;

  it('refuses a third agent while two processes are live, and writes nothing', async () => {
    const sessionId = await createSession(t, 'capacity');
    const first = await createAgent(t, sessionId, { name: 'one' });
    await createAgent(t, sessionId, { name: 'two' });

    const refused = await t.ok(CREATE, { input: { sessionId, name: 'three', role: 'WORKER' } });
    expect(refused.createAgent).toMatchObject({ __typename: 'CapacityReachedError', code: 'CAPACITY_REACHED', limit: 2 });
    expect(refused.createAgent.message).toContain('CLAUDE_MAX_AGENTS');
    const names = await t.ok(AGENT_NAMES, { sessionId });
    expect(names.agents.edges.map((e: any) => e.node.name)).toEqual(['one', 'two']);
    const all = await t.ok(`{ agents { edges { node { id } } } }`);
    expect(all.agents.edges).toHaveLength(2);

    // The limit counts live processes: with one terminated there is room again.
    await t.ok(TERMINATE_AGENT, { id: first.id });
    const accepted = await t.ok(CREATE, { input: { sessionId, name: 'three', role: 'WORKER' } });
    expect(accepted.createAgent.__typename).toBe('CreateAgentSuccess');
  });
});
