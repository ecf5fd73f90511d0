/**
 * The SDK against a real server (in this process, over real HTTP and WebSocket) with the fake
 * agent CLI: typed queries and mutations, expected failures as typed Result errors, GraphQL and
 * transport failures as thrown SdkErrors, subscriptions as async iterators that end by themselves
 * or on `break`, and the token on both transports.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  createClient,
  GraphQLRequestError,
  OperationFailedError,
  TransportError,
  unwrap,
  type Client,
  type EventStream,
} from '../../client/sdk/src/index.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { missingId } from './global-ids.js';
import { TrackedWebSocket } from './tracked-web-socket.js';

/** Reads a stream until `done` says it has what it needs, or it ends; then closes it. */
async function readUntil<T>(stream: EventStream<T>, done: (events: T[]) => boolean, timeoutMs = 20_000): Promise<T[]> {
  const events: T[] = [];
  const timer = setTimeout(() => void stream.return(), timeoutMs);
  try {
    for await (const event of stream) {
      events.push(event);
      if (done(events)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return events;
}

describe('the SDK against a real server', () => {
  let t: TestApp;
  let client: Client;
  let sessionId: string;
  let workerId: string;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { SCHEDULER_INTERVAL_MS: '200' } });
    client = createClient({ url: t.url, webSocketImpl: TrackedWebSocket });
    const session = unwrap(await client.createSession({ name: 'sdk' }));
    sessionId = session.id;
    const worker = unwrap(await client.createAgent({ sessionId, name: 'worker-1', role: 'WORKER' }));
    workerId = worker.id;
  });

  afterAll(async () => {
    await client?.dispose();
    await t?.stop();
  });

  it('runs a task through typed mutations and queries; its event stream ends after the terminal event', async () => {
    const created = await client.createTask({ sessionId, agentId: workerId, title: 'say hello' });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const task = created.data;
    expect(task).toMatchObject({ __typename: 'Task', title: 'say hello', agent: { id: workerId }, session: { id: sessionId } });

    const events = [];
    for await (const event of client.taskEvents({ taskId: task.id })) events.push(event);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const last = events.at(-1)!;
    expect(last.kind).toBe('STATUS');
    expect(last.payload).toMatchObject({ to: 'SUCCEEDED' });

    const transcript = unwrap(await client.taskTranscript(task.id, { first: 1000 }));
    expect(transcript).toEqual(events);
    // Resuming after a seq replays only what follows it.
    const rest = [];
    for await (const event of client.taskEvents({ taskId: task.id, afterSeq: events.length - 2 })) rest.push(event);
    expect(rest).toEqual(events.slice(-2));

    const done = unwrap(await client.task(task.id));
    expect(done).toMatchObject({ status: 'SUCCEEDED', result: expect.stringContaining('say hello'), lastEventSeq: last.seq, error: null });
    expect(done.usage.outputTokens).toBeGreaterThan(0);
  });

  it('lists with filters and Relay paging, and finds any object by node(id)', async () => {
    for (const title of ['page one', 'page two']) unwrap(await client.createTask({ sessionId, title, requiredRole: 'WORKER' }));
    const first = await client.tasks({ filter: { sessionId }, first: 2 });
    expect(first.nodes).toHaveLength(2);
    expect(first.edges.map((edge) => edge.node)).toEqual(first.nodes);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await client.tasks({ filter: { sessionId }, first: 10, after: first.pageInfo.endCursor! });
    const ids = [...first.nodes, ...second.nodes].map((task) => task.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(3);

    expect((await client.sessions()).nodes.map((session) => session.id)).toContain(sessionId);
    expect(unwrap(await client.session(sessionId))).toMatchObject({ __typename: 'Session', name: 'sdk', status: 'ACTIVE' });
    const agents = await client.agents({ filter: { sessionId, role: 'WORKER' } });
    expect(agents.nodes.map((agent) => agent.id)).toEqual([workerId]);
    expect(unwrap(await client.agent(workerId))).toMatchObject({ name: 'worker-1', role: 'WORKER', runtime: expect.any(String) });
    const communications = await client.communications({ filter: { sessionId, messageType: 'TASK_ASSIGNMENT' } });
    expect(communications.nodes.length).toBeGreaterThan(0);
    expect(communications.nodes[0]).toMatchObject({ __typename: 'Communication', toAgent: { id: workerId } });
    const metrics = await client.metrics({ filter: { agentId: workerId } });
    expect(metrics.nodes.map((metric) => metric.name)).toContain('run.duration');
    expect((await client.incidents({ first: 5 })).pageInfo).toBeDefined();
    const status = await client.systemStatus();
    expect(status.agents.map((entry) => entry.status)).toContain('IDLE');
    expect(status.node.maxAgentProcesses).toBeGreaterThan(0);

    expect(await client.node(sessionId)).toMatchObject({ __typename: 'Session', id: sessionId, name: 'sdk' });
    expect(await client.node(workerId)).toMatchObject({ __typename: 'Agent', id: workerId, role: 'WORKER' });
    expect(await client.node(ids[0]!)).toMatchObject({ __typename: 'Task', id: ids[0] });
    const communication = await client.node(communications.nodes[0]!.id);
    expect(communication?.__typename === 'Communication' && communication.messageType).toBe('TASK_ASSIGNMENT');
    expect(await client.node(missingId('Task'))).toBeNull();
    await expect(client.node('garbage')).rejects.toMatchObject({ kind: 'GRAPHQL', message: expect.stringContaining('INVALID_INPUT') });
  });

  it('returns expected failures as typed errors', async () => {
    const missingTask = missingId('Task');
    expect(await client.task(missingTask)).toEqual({
      ok: false,
      error: { kind: 'NOT_FOUND', entity: 'Task', field: 'id', id: expect.any(String), message: expect.any(String) },
    });
    const malformed = await client.task('not-an-id');
    expect(malformed).toMatchObject({ ok: false, error: { kind: 'INVALID_INPUT', field: 'id' } });

    const emptyName = await client.createSession({ name: '  ' });
    expect(emptyName).toMatchObject({ ok: false, error: { kind: 'INVALID_INPUT', field: 'name' } });
    const taken = await client.createAgent({ sessionId, name: 'worker-1', role: 'WORKER' });
    expect(taken).toMatchObject({ ok: false, error: { kind: 'CONFLICT', field: 'name' } });
    const noSession = await client.createAgent({ sessionId: missingId('Session'), name: 'x', role: 'WORKER' });
    expect(noSession).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND', entity: 'Session' } });
    expect(await client.retryTask(missingTask)).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND', field: 'id' } });
    expect(await client.assignTask({ taskId: missingTask, agentId: workerId })).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND' } });
    expect(await client.sendMessage({ agentId: missingId('Agent'), content: 'hi' })).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND' } });
    expect(await client.terminateAgent('nope')).toMatchObject({ ok: false, error: { kind: 'INVALID_INPUT' } });
    expect(await client.restartAgent(missingId('Agent'))).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND' } });
    expect(await client.startWorkflow({ sessionId: missingId('Session'), description: 'x' })).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND' } });

    // The union narrows on kind: only createAgent-capable kinds, each with its own fields.
    if (!taken.ok && taken.error.kind === 'CONFLICT') expect(taken.error.field).toBe('name');
    const thrown = await client.createSession({ name: '' }).then(unwrap).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(OperationFailedError);
    expect((thrown as OperationFailedError).error.kind).toBe('INVALID_INPUT');
  });

  it('throws GraphQL and transport failures as typed SdkErrors', async () => {
    const tooMany = await client.tasks({ first: 100_000 }).catch((error: unknown) => error);
    expect(tooMany).toBeInstanceOf(GraphQLRequestError);
    expect(tooMany).toMatchObject({ kind: 'GRAPHQL', code: 'INVALID_INPUT' });

    const unknownTask = client.taskEvents({ taskId: missingId('Task') });
    const failure = await unknownTask.next().catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'GRAPHQL', code: 'NOT_FOUND' });
    expect(await unknownTask.next()).toEqual({ done: true, value: undefined });

    const nowhere = createClient({ url: 'http://127.0.0.1:9/graphql', requestTimeoutMs: 2_000 });
    const unreachable = await nowhere.systemStatus().catch((error: unknown) => error);
    expect(unreachable).toBeInstanceOf(TransportError);
    expect((unreachable as TransportError).message).toMatch(/SystemStatus: no response/);

    const notGraphQL = createClient({ url: t.url.replace('/graphql', '/healthz') });
    expect(await notGraphQL.systemStatus().catch((error: unknown) => error)).toMatchObject({ kind: 'TRANSPORT' });
  });

  it('follows agents, tasks, messages, incidents and the system status live', async () => {
    // The worker idle with nothing queued, so that the message starts a task of its own.
    await waitFor(async () => {
      const open = await client.tasks({ filter: { sessionId, agentId: workerId }, first: 100 });
      const busy = open.nodes.some((task) => ['QUEUED', 'RUNNING'].includes(task.status));
      return !busy && unwrap(await client.agent(workerId)).status === 'IDLE' ? true : undefined;
    });
    const statuses = client.agentStatusUpdated({ agentId: workerId });
    const updates = client.taskUpdated({ sessionId });
    const system = client.systemStatusUpdates();
    const incidents = client.incidentReported();
    const firstStatus = (await system.next()).value;
    expect(firstStatus.tasks).toMatchObject({ queued: expect.any(Number) });
    await system.return();

    const sent = unwrap(await client.sendMessage({ agentId: workerId, content: 'SLEEP 300 hello there' }));
    expect(sent.communication).toMatchObject({ messageType: 'MESSAGE', content: 'SLEEP 300 hello there', toAgent: { id: workerId }, fromAgent: null });
    const seen = await readUntil(updates, (events) => events.some((task) => task.id === sent.task.id && task.status === 'SUCCEEDED'));
    expect(seen.filter((task) => task.id === sent.task.id).map((task) => task.status)).toContain('RUNNING');
    const transitions = await readUntil(statuses, (events) => events.some((event) => event.to === 'IDLE'));
    expect(transitions.map((event) => [event.from, event.to])).toEqual(expect.arrayContaining([['IDLE', 'BUSY'], ['BUSY', 'IDLE']]));
    expect(transitions.every((event) => event.agent.id === workerId)).toBe(true);

    // What was said about the task, replayed from the first message on.
    const [first, ...later] = (await client.communications({ filter: { taskId: sent.task.id } })).nodes;
    const replayed = await readUntil(client.agentCommunication({ taskId: sent.task.id, after: first!.id }), (events) => events.length === later.length);
    expect(replayed.map((message) => message.id)).toEqual(later.map((message) => message.id));

    const crasher = unwrap(await client.createAgent({ sessionId, name: 'crasher', role: 'WORKER' }));
    unwrap(await client.createTask({ sessionId, agentId: crasher.id, title: 'CRASH now' }));
    const incident = (await readUntil(incidents, (events) => events.some((event) => event.agent?.id === crasher.id))).at(-1);
    expect(incident).toMatchObject({ __typename: 'Incident', type: 'AGENT_CRASH', agent: { id: crasher.id } });
    expect(unwrap(await client.terminateAgent(crasher.id))).toMatchObject({ id: crasher.id });
  });

  it('assigns, cancels, retries, terminates and restarts through typed mutations', async () => {
    const slow = unwrap(await client.createTask({ sessionId, agentId: workerId, title: 'SLEEP 20000 slow work' }));
    await waitFor(async () => (unwrap(await client.task(slow.id)).status === 'RUNNING' ? true : undefined));
    const follower = unwrap(await client.createTask({ sessionId, title: 'after the slow one', dependsOn: [slow.id] }));
    expect(follower).toMatchObject({ status: 'PENDING', dependsOn: [{ id: slow.id }] });
    expect(unwrap(await client.assignTask({ taskId: follower.id, agentId: workerId })).agent?.id).toBe(workerId);

    expect(unwrap(await client.cancelTask(slow.id, 'no longer needed')).id).toBe(slow.id);
    await waitFor(async () => (unwrap(await client.task(slow.id)).status === 'CANCELLED' ? true : undefined));
    expect(await client.cancelTask(slow.id)).toMatchObject({ ok: false, error: { kind: 'CONFLICT', field: 'id' } });
    expect(unwrap(await client.task(follower.id))).toMatchObject({ status: 'FAILED', error: { type: 'DEPENDENCY_FAILED' } });
    expect(unwrap(await client.retryTask(slow.id)).status).toMatch(/QUEUED|RUNNING/);
    expect(unwrap(await client.task(follower.id)).status).toBe('PENDING');
    unwrap(await client.cancelTask(slow.id));

    const helper = unwrap(await client.createAgent({ sessionId, name: 'helper', role: 'WORKER' }));
    expect(unwrap(await client.terminateAgent(helper.id)).id).toBe(helper.id);
    await waitFor(async () => (unwrap(await client.agent(helper.id)).status === 'TERMINATED' ? true : undefined));
    expect(unwrap(await client.restartAgent(helper.id)).id).toBe(helper.id);
  });

  it('starts a workflow and returns its root task', async () => {
    const root = unwrap(await client.startWorkflow({ sessionId, description: 'Plan nothing in particular', title: 'a workflow' }));
    expect(root).toMatchObject({ title: 'a workflow', workflow: { phase: 'PLANNING', manager: { id: expect.any(String) } } });
    unwrap(await client.cancelTask(root.id));
  });

  it('closes the socket on break and on dispose, and sends the token on both transports', async () => {
    const own = createClient({ url: t.url, webSocketImpl: TrackedWebSocket });
    const before = TrackedWebSocket.sockets.length;
    for await (const status of own.systemStatusUpdates()) {
      expect(status.nodeId).toBeTruthy();
      break;
    }
    const opened = TrackedWebSocket.sockets.slice(before);
    expect(opened).toHaveLength(1);
    await waitFor(async () => (opened[0]!.readyState === TrackedWebSocket.CLOSED ? true : undefined), 5_000, 'the socket to close');

    const streams = [own.systemStatusUpdates(), own.incidentReported()];
    await streams[0]!.next();
    await own.dispose();
    expect(await streams[1]!.next()).toEqual({ done: true, value: undefined });
    await waitFor(async () => (TrackedWebSocket.sockets.slice(before).every((socket) => socket.readyState === TrackedWebSocket.CLOSED) ? true : undefined), 5_000);

    // The token: a header over HTTP, connectionParams over the WebSocket. A real one (the server
    // refuses an unknown token), made last: from here on the server wants one.
    const { createApiToken } = await t.ok(`mutation { createApiToken(input: { name: "sdk", role: VIEWER }) { ... on CreateApiTokenSuccess { created { secret } } } }`);
    const secret: string = createApiToken.created.secret;
    const headers: Headers[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      headers.push(new Headers(init?.headers));
      return fetch(input, init);
    };
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const init = new Promise<unknown>((resolve) => wss.on('connection', (socket) => socket.once('message', (data) => resolve(JSON.parse(String(data))))));
    const authorised = createClient({
      url: t.url,
      wsUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`,
      token: secret,
      fetch: recordingFetch,
      webSocketImpl: TrackedWebSocket,
    });
    await authorised.systemStatus();
    expect(headers[0]?.get('authorization')).toBe(`Bearer ${secret}`);
    const stream = authorised.systemStatusUpdates();
    expect(await init).toEqual({ type: 'connection_init', payload: { authorization: `Bearer ${secret}` } });
    await stream.return();
    await authorised.dispose();
    wss.close();
  });
});
