/**
 * Subscriptions over both transports (graphql-ws and server-sent events through Yoga), and the
 * systemStatus and metrics views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { TASK_EVENTS } from '../support/operations.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const SYSTEM_STATUS = `{ at nodeId activeAgents agents { status count } tasks { pending queued running }
  node { loadAverage1m cpus rssMb heapUsedMb freeMemoryMb totalMemoryMb uptimeSeconds agentProcesses maxAgentProcesses } }`;

/**
 * A GraphQL subscription over server-sent events: `opened` once the server has answered (the
 * subscription is registered), `done` with every `next` payload until `complete` or `until`.
 */
function sse(url: string, query: string, variables: Record<string, unknown>, until?: (data: any) => boolean) {
  const controller = new AbortController();
  const opened = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const done = opened.then(async (response) => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const values: any[] = [];
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body!.getReader();
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) return values;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (\w+)/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (event === 'complete') return values;
          if (event === 'next' && data) {
            const payload = JSON.parse(data);
            if (payload.errors) throw new Error(JSON.stringify(payload.errors));
            values.push(payload.data);
            if (until?.(payload.data)) return values;
          }
        }
      }
    } finally {
      controller.abort();
    }
  });
  return { opened, done };
}

describe('live streams', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { SYSTEM_STATUS_INTERVAL_MS: '500' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('taskEvents over server-sent events: the whole transcript in order, ending with the terminal status', async () => {
    const sessionId = await createSession(t, 'sse');
    const agent = await createAgent(t, sessionId, { name: 'sse-worker' });
    const task = await createTask(t, { sessionId, title: 'USE_TOOL over SSE', agentId: agent.id });
    const events = (await sse(t.url, TASK_EVENTS, { taskId: task.id, afterSeq: 0 }).done).map((d) => d.taskEvents);
    expect(events.map((e: any) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
    expect(events.map((e: any) => e.kind)).toContain('TOOL_CALL');
    expect(events.at(-1)).toMatchObject({ kind: 'STATUS', payload: { to: 'SUCCEEDED' } });
    const stored = await waitForTaskEnd(t, task.id);
    expect(events.map((e: any) => e.seq)).toEqual(stored.events.map((e: any) => e.seq));
  });

  it('taskUpdated and agentCommunication over server-sent events, filtered by task', async () => {
    const sessionId = await createSession(t, 'sse-updates');
    // Only a manager may run it, and there is none yet: it waits until the streams are open.
    const task = await createTask(t, { sessionId, title: 'SLEEP 400 watched', requiredRole: 'MANAGER' });
    const updates = sse(t.url, `subscription($id: ID!) { taskUpdated(taskId: $id) { id status } }`, { id: task.id }, (d) => d.taskUpdated.status === 'SUCCEEDED');
    const messages = sse(t.url, `subscription($id: ID!) { agentCommunication(taskId: $id) { messageType task { id } } }`, { id: task.id }, (d) => d.agentCommunication.messageType === 'TASK_RESULT');
    await Promise.all([updates.opened, messages.opened]);
    await createAgent(t, sessionId, { name: 'sse-manager', role: 'MANAGER' });
    expect((await updates.done).map((d) => d.taskUpdated.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect((await messages.done).map((d) => d.agentCommunication.messageType)).toEqual(['TASK_ASSIGNMENT', 'TASK_RESULT']);
    for (const d of await messages.done) expect(d.agentCommunication.task.id).toBe(task.id);
  });

  it('agentStatusUpdated and incidentReported over server-sent events', async () => {
    const sessionId = await createSession(t, 'sse-agents');
    const statuses = sse(t.url, `subscription($s: ID!) { agentStatusUpdated(sessionId: $s) { to agent { name } } }`, { s: sessionId }, (d) => d.agentStatusUpdated.to === 'ERROR');
    const incidents = sse(t.url, `subscription { incidentReported { type agent { name } } }`, {}, (d) => d.incidentReported.agent?.name === 'sse-crasher');
    await Promise.all([statuses.opened, incidents.opened]);
    const agent = await createAgent(t, sessionId, { name: 'sse-crasher' });
    await createTask(t, { sessionId, title: 'CRASH now', agentId: agent.id });
    expect((await statuses.done).map((d) => d.agentStatusUpdated.to)).toEqual(['IDLE', 'BUSY', 'ERROR']);
    expect((await incidents.done).at(-1).incidentReported).toEqual({ type: 'AGENT_CRASH', agent: { name: 'sse-crasher' } });
  });

  it('nested objects in each event are read fresh for that event, not as the subscription first saw them', async () => {
    const sessionId = await createSession(t, 'fresh-nested');
    let seen = 0;
    const statuses = sse(t.url, `subscription($s: ID!) { agentStatusUpdated(sessionId: $s) { to agent { status } } }`, { s: sessionId }, () => ++seen === 3);
    await statuses.opened;
    const agent = await createAgent(t, sessionId, { name: 'fresh-nested' });
    // Each status lasts long enough for its event to be read before the next change.
    await waitFor(async () => (seen >= 1 ? true : undefined));
    await createTask(t, { sessionId, title: 'SLEEP 500 say hello', agentId: agent.id });
    const transitions = (await statuses.done).map((d) => d.agentStatusUpdated);
    expect(transitions.map((e) => e.to)).toEqual(['IDLE', 'BUSY', 'IDLE']);
    // Each event's agent is the agent as it was when that event was sent.
    for (const event of transitions) expect(event.agent.status).toBe(event.to);
  });

  it('systemStatus: the query, and the subscription over both transports on change and on the interval', async () => {
    const before = (await t.ok(`query ${SYSTEM_STATUS.replace(/^\{/, '{ systemStatus {')} }`)).systemStatus;
    expect(before.node.cpus).toBeGreaterThan(0);
    expect(before.node.rssMb).toBeGreaterThan(10);
    expect(before.agents.map((a: any) => a.status)).toEqual(expect.arrayContaining(['IDLE', 'BUSY', 'TERMINATED']));

    const ws = collect(t.wsClient(), `subscription ${SYSTEM_STATUS.replace(/^\{/, '{ systemStatus {')} }`, {});
    await waitFor(async () => (ws.values.length >= 1 ? true : undefined));
    const sessionId = await createSession(t, 'status');
    await createAgent(t, sessionId, { name: 'status-worker' });
    await createTask(t, { sessionId, title: 'waits for a manager', requiredRole: 'MANAGER' });
    const changed = await waitFor(async () => ws.values.find((v: any) => v.systemStatus.activeAgents === before.activeAgents + 1 && v.systemStatus.tasks.queued === before.tasks.queued + 1));
    expect(changed.systemStatus.node.agentProcesses).toBeGreaterThanOrEqual(1);
    // Without changes, updates still come every interval (500 ms here).
    const count = ws.values.length;
    await waitFor(async () => (ws.values.length >= count + 2 ? true : undefined), 5_000);
    ws.unsubscribe();

    const overSse = await sse(t.url, `subscription ${SYSTEM_STATUS.replace(/^\{/, '{ systemStatus {')} }`, {}, () => true).done;
    expect(overSse[0].systemStatus.activeAgents).toBe(before.activeAgents + 1);
  });

  it('agentCommunication with a cursor: the stored messages after it, then live ones, none twice', async () => {
    const sessionId = await createSession(t, 'communication-cursor');
    const agent = await createAgent(t, sessionId, { name: 'talker' });
    const first = await createTask(t, { sessionId, title: 'first words', agentId: agent.id });
    await waitForTaskEnd(t, first.id);
    const { communications } = await t.ok(`query($s: ID!) { communications(filter: { sessionId: $s }) { edges { node { id messageType } } } }`, { s: sessionId });
    const stored = communications.edges.map((e: any) => e.node);
    expect(stored.map((m: any) => m.messageType)).toEqual(['TASK_ASSIGNMENT', 'TASK_RESULT']);

    const stream = collect(t.wsClient(), `subscription($s: ID!, $after: ID) { agentCommunication(sessionId: $s, after: $after) { id messageType task { title } } }`, { s: sessionId, after: stored[0].id });
    await waitFor(async () => (stream.values.length >= 1 ? true : undefined));
    const second = await createTask(t, { sessionId, title: 'second words', agentId: agent.id });
    await waitForTaskEnd(t, second.id);
    await waitFor(async () => (stream.values.length >= 3 ? true : undefined));
    stream.unsubscribe();
    const got = stream.values.map((v: any) => `${v.agentCommunication.messageType} ${v.agentCommunication.task.title}`);
    expect(got).toEqual(['TASK_RESULT first words', 'TASK_ASSIGNMENT second words', 'TASK_RESULT second words']);
    expect(stream.values[0].agentCommunication.id).toBe(stored[1].id);
  });

  it('taskEvents from a pruned cursor: OUTDATED_CURSOR first, then the oldest kept, down to the terminal event', async () => {
    const sessionId = await createSession(t, 'pruned');
    const agent = await createAgent(t, sessionId, { name: 'pruned-worker' });
    const task = await createTask(t, { sessionId, title: 'USE_TOOL then pruned', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id);
    const last = ended.events.at(-1);
    // What TRANSCRIPT_RETENTION_DAYS does hourly, for everything ended until now.
    expect(await t.app.services.taskEvents.prune(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(last.seq - 1);
    const kept = (await t.ok(`query($id: ID!) { task(id: $id) { ... on Task { events { seq } } } }`, { id: task.id })).task.events;
    expect(kept).toEqual([{ seq: last.seq }]);
    const events = (await collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: 0 }).done).map((v: any) => v.taskEvents);
    expect(events.map((e: any) => [e.seq, e.kind])).toEqual([[last.seq - 1, 'OUTDATED_CURSOR'], [last.seq, 'STATUS']]);
    expect(events[0].payload).toMatchObject({ afterSeq: 0, oldestKeptSeq: last.seq });
    expect(events[1].payload.to).toBe('SUCCEEDED');
    // A cursor at or past what is kept is not outdated.
    const fresh = (await collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: last.seq - 1 }).done).map((v: any) => v.taskEvents.kind);
    expect(fresh).toEqual(['STATUS']);
  });

  it('metrics: the duration, cost and tokens of each run, filtered by task', async () => {
    const sessionId = await createSession(t, 'metrics');
    const agent = await createAgent(t, sessionId, { name: 'measured' });
    const task = await createTask(t, { sessionId, title: 'measure me', agentId: agent.id });
    await waitForTaskEnd(t, task.id);
    const { metrics } = await t.ok(`query($id: ID!) { metrics(filter: { taskId: $id }) { edges { node { name value unit task { id } agent { id } } } } }`, { id: task.id });
    const byName = Object.fromEntries(metrics.edges.map((e: any) => [e.node.name, e.node]));
    expect(Object.keys(byName).sort()).toEqual(['run.cost', 'run.duration', 'run.input_tokens', 'run.output_tokens']);
    expect(byName['run.duration']).toMatchObject({ unit: 'ms', task: { id: task.id }, agent: { id: agent.id } });
    expect(byName['run.cost'].value).toBeGreaterThan(0);
  });
});
