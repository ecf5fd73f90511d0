/**
 * Logs: JSON lines in which every HTTP request and WebSocket operation has a requestId (the
 * caller's sane x-request-id, echoed back, else a new one), and the lines of a run name its
 * agent, task and run; no line holds a token.
 */
import { Writable } from 'node:stream';
import { decodeGlobalID } from '@pothos/plugin-relay';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../server/auth/new-token.js';
import { createLogger } from '../../server/logger.js';
import { withLogContext } from '../../server/observability/log-context.js';
import { waitForTaskEnd } from '../support/fixtures.js';
import { CREATE_AGENT, CREATE_SESSION, CREATE_TASK } from '../support/operations.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

type Line = Record<string, unknown> & { msg?: string };

/** A logger as the server makes it (createLogger), writing into memory. */
function capturingLogger(level = 'debug') {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split('\n').filter((line) => line.length > 0));
      done();
    },
  });
  return { log: createLogger(level, sink), raw, lines: (): Line[] => raw.map((line) => JSON.parse(line) as Line) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the log context (unit)', () => {
  it('adds the current ids to every line, and writes none twice beside a child logger\'s own', () => {
    const logs = capturingLogger('info');
    logs.log.info('outside');
    withLogContext({ requestId: 'r-1' }, () => {
      logs.log.info('in a request');
      withLogContext({ agentId: 'a-1', taskId: 't-1' }, () => logs.log.child({ agentId: 'a-1' }).info({ taskId: 't-2' }, 'nested'));
    });
    const [outside, inRequest, nested] = logs.lines();
    expect(outside).not.toHaveProperty('requestId');
    expect(inRequest).toMatchObject({ requestId: 'r-1', msg: 'in a request' });
    // The call's own taskId wins over the context's.
    expect(nested).toMatchObject({ requestId: 'r-1', agentId: 'a-1', taskId: 't-2' });
    expect(logs.raw[2]!.match(/"agentId"/g)).toHaveLength(1);
    expect(logs.raw[2]!.match(/"taskId"/g)).toHaveLength(1);
  });

  it('censors an Authorization header or connectionParams should a line ever include one', () => {
    const logs = capturingLogger('info');
    logs.log.info({ headers: { authorization: 'Bearer acp_secret-1' }, connectionParams: { authorization: 'Bearer acp_secret-2' } }, 'careless');
    expect(logs.raw[0]).not.toContain('acp_secret');
    expect(logs.lines()[0]).toMatchObject({ headers: { authorization: '***' }, connectionParams: '***' });
  });
});

describe('request and run ids in the server\'s log', () => {
  const logs = capturingLogger();
  let t: TestApp;
  const post = async (body: { query: string; variables?: Record<string, unknown> }, headers: Record<string, string> = {}) => {
    const response = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { response, json: (await response.json()) as any };
  };
  const requestLines = (requestId: string) => logs.lines().filter((line) => line.requestId === requestId);

  beforeAll(async () => {
    t = await startTestApp({ log: logs.log, agentEnvironment: { ANTHROPIC_API_KEY: 'k' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('an HTTP request keeps a sane x-request-id, echoes it, and every line it causes carries it', async () => {
    const session = await post({ query: CREATE_SESSION, variables: { input: { name: 'logged' } } }, { 'x-request-id': 'trace-0001.a:b' });
    expect(session.response.headers.get('x-request-id')).toBe('trace-0001.a:b');
    const sessionId = session.json.data.createSession.session.id;

    const agent = await post({ query: CREATE_AGENT, variables: { input: { sessionId, name: 'logged-1', role: 'WORKER' } } }, { 'x-request-id': 'create-agent-1' });
    const agentId = decodeGlobalID(agent.json.data.createAgent.agent.id).id;
    await waitFor(async () => (requestLines('create-agent-1').some((line) => line.msg === 'request') ? true : undefined), 5_000, 'the request line');
    const lines = requestLines('create-agent-1');
    // The request's own line, and the agent start it caused.
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
    expect(lines.find((line) => line.msg === 'agent process started')).toMatchObject({ agentId });
  });

  it('replaces an x-request-id that is not sane, and never logs it', async () => {
    const forged = 'x"} {"level":60,"msg":"forged';
    for (const header of [forged, 'a'.repeat(129), '']) {
      const { response } = await post({ query: '{ sessions { edges { node { id } } } }' }, { 'x-request-id': header });
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(UUID);
      await waitFor(async () => (requestLines(id).some((line) => line.msg === 'request') ? true : undefined), 5_000, 'the request line');
    }
    expect(logs.raw.some((line) => line.includes('forged'))).toBe(false);
    // Probes are requests too (at debug), and get an id of their own.
    const probe = await fetch(`http://127.0.0.1:${t.port}/healthz`);
    expect(probe.headers.get('x-request-id')).toMatch(UUID);
  });

  it('the lines of a run name its agent, task and run; the agent\'s own lines do not keep the request that started it', async () => {
    const session = await post({ query: CREATE_SESSION, variables: { input: { name: 'runs' } } });
    const sessionId = session.json.data.createSession.session.id;
    const agent = await post({ query: CREATE_AGENT, variables: { input: { sessionId, name: 'runner', role: 'WORKER' } } }, { 'x-request-id': 'start-runner' });
    const agentId = decodeGlobalID(agent.json.data.createAgent.agent.id).id;
    const created = await post({ query: CREATE_TASK, variables: { input: { sessionId, title: 'MALFORMED answer', agentId: agent.json.data.createAgent.agent.id } } }, { 'x-request-id': 'create-task-1' });
    const task = await waitForTaskEnd(t, created.json.data.createTask.task.id);
    expect(task.status).toBe('SUCCEEDED');
    const taskId = decodeGlobalID(task.id).id;
    const runId = task.events.find((event: any) => event.runId)!.runId as string;

    await waitFor(async () => (logs.lines().some((line) => line.msg === 'run ended' && line.runId === runId) ? true : undefined), 5_000, 'the run\'s last line');
    const runLines = logs.lines().filter((line) => line.runId === runId);
    const started = runLines.find((line) => line.msg === 'run started');
    const ended = runLines.find((line) => line.msg === 'run ended');
    // The run began in the request that queued its task; it ended on its own.
    expect(started).toMatchObject({ agentId, taskId, runId, requestId: 'create-task-1' });
    expect(ended).toMatchObject({ agentId, taskId, runId, outcome: 'succeeded' });
    expect(ended!.durationMs).toBeGreaterThan(0);
    expect(ended!.costUsd).toBe(task.costUsd);
    expect(ended).not.toHaveProperty('requestId');

    // What the process wrote is read in the agent's own context: its agent, not the request that spawned it.
    const malformed = logs.lines().find((line) => line.msg?.startsWith('agent wrote a line that is not valid stream-json') && line.agentId === agentId);
    expect(malformed).toBeDefined();
    expect(malformed).not.toHaveProperty('requestId');
    // Every line about this agent after its start names it once, with no other request's id.
    const later = logs.lines().filter((line) => line.agentId === agentId && line.requestId !== undefined);
    expect(new Set(later.map((line) => line.requestId))).toEqual(new Set(['start-runner', 'create-task-1']));
  });

  it('a WebSocket connection gets an id at the upgrade (echoed), and each operation a requestId of its own', async () => {
    const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws', { headers: { 'x-request-id': 'ws-connection-1' } });
    const upgradeId = new Promise<string | undefined>((resolve, reject) => {
      socket.once('upgrade', (response) => resolve(response.headers['x-request-id'] as string | undefined));
      socket.once('error', reject);
    });
    const opened = new Promise((resolve) => socket.once('open', resolve));
    expect(await upgradeId).toBe('ws-connection-1');
    await opened;
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await waitFor(async () => (messages.some((m) => m.type === 'connection_ack') ? true : undefined), 5_000, 'ack');
    for (const id of ['1', '2']) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'query Sessions { sessions { edges { node { id } } } }', operationName: 'Sessions' } }));
    await waitFor(async () => (messages.filter((m) => m.type === 'complete').length === 2 ? true : undefined), 5_000, 'both operations');
    socket.close();
    const operations = logs.lines().filter((line) => line.msg === 'graphql-ws operation' && line.connectionId === 'ws-connection-1');
    expect(operations).toHaveLength(2);
    expect(operations.map((line) => line.operationName)).toEqual(['Sessions', 'Sessions']);
    for (const line of operations) expect(line.requestId).toMatch(UUID);
    expect(operations[0]!.requestId).not.toBe(operations[1]!.requestId);
  });

  it('holds no token, Authorization header or query string', async () => {
    const { secret } = await createApiToken(t.app.database.db, { name: 'log-test', role: 'viewer' });
    const query = encodeURIComponent('{ sessions { edges { node { id } } } }');
    const response = await waitFor(async () => {
      const attempt = await fetch(`${t.url}?query=${query}&token=${secret}`, {
        headers: { authorization: `Bearer ${secret}`, 'x-graphql-yoga-csrf': '1', 'x-request-id': 'with-token' },
      });
      return attempt.status === 200 ? attempt : undefined;
    }, 10_000, 'the token to be accepted');
    expect(response.headers.get('x-request-id')).toBe('with-token');
    await waitFor(async () => (requestLines('with-token').some((line) => line.msg === 'request') ? true : undefined), 5_000, 'the request line');
    expect(requestLines('with-token').find((line) => line.msg === 'request')).toMatchObject({ method: 'GET', path: '/graphql' });
    expect(logs.raw.filter((line) => line.includes(secret))).toEqual([]);
    expect(logs.raw.filter((line) => line.includes('query='))).toEqual([]);
  });
});
