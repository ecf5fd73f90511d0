/**
 * /metrics: Prometheus's text format on the API port, with the product's metric families, values
 * that follow real activity (agents of the fake CLI running a task, a WebSocket and an SSE
 * subscription), a bearer token once tokens exist; and the metrics query's time window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../server/auth/new-token.js';
import { insertMetrics } from '../../server/db/repositories/metric.repository.js';
import { newId } from '../../server/ids.js';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { TASK_EVENTS } from '../support/operations.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';

interface Exposition {
  /** Family name -> its TYPE. */
  types: Map<string, string>;
  helps: Set<string>;
  /** `name{label="value",...}` (labels sorted) -> value. */
  samples: Map<string, number>;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format strictly: every line is a HELP, a TYPE or a sample of a declared family. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const [name, ...help] = line.slice(7).split(' ');
      expect(help.join(' ').length, `HELP of ${name}`).toBeGreaterThan(0);
      helps.add(name!);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(type);
      types.set(name!, type!);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const [, name, labelText = '', raw] = match;
    const family = [name!, name!.replace(/_(bucket|sum|count)$/, '')].find((candidate) => types.has(candidate));
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    const labels = [...labelText.matchAll(LABEL)].map(([, key, value]) => `${key}="${value}"`).sort();
    // Prometheus reads floats as Go's ParseFloat does: NaN in any case, ±Inf.
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : /^nan$/i.test(raw!) ? NaN : Number(raw);
    expect(Number.isNaN(value) && !/^nan$/i.test(raw!), `value of ${line}`).toBe(false);
    samples.set(`${name}{${labels.join(',')}}`, value);
  }
  for (const family of types.keys()) expect(helps.has(family), `HELP of ${family}`).toBe(true);
  return { types, helps, samples };
}

/** A sample's value; labels given as an object, matched exactly. */
function sample(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const key = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  return exposition.samples.get(`${name}{${key}}`);
}

const SUBSCRIPTION_SSE = JSON.stringify({ query: 'subscription { systemStatus { activeAgents } }' });

describe('/metrics', () => {
  let t: TestApp;
  let base: string;
  const scrape = async (authorization?: string) => {
    const response = await fetch(`${base}/metrics`, { headers: authorization ? { authorization } : {} });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' } });
    base = `http://127.0.0.1:${t.port}`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('serves every family in the text format, open in local mode', async () => {
    const metrics = await scrape();
    const families: [string, string][] = [
      ['acp_node_info', 'gauge'],
      ['acp_agents', 'gauge'],
      ['acp_tasks', 'gauge'],
      ['acp_run_duration_seconds', 'histogram'],
      ['acp_run_cost_usd_total', 'counter'],
      ['acp_run_tokens_total', 'counter'],
      ['acp_task_events_stored_total', 'counter'],
      ['acp_events_published_total', 'counter'],
      ['acp_websocket_connections', 'gauge'],
      ['acp_graphql_subscriptions', 'gauge'],
      ['acp_websocket_slow_consumers_cut_off_total', 'counter'],
      ['acp_db_pool_max_connections', 'gauge'],
      ['acp_db_pool_connections', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
      ['process_resident_memory_bytes', 'gauge'],
    ];
    for (const [name, type] of families) expect(metrics.types.get(name), name).toBe(type);
    // Every status is there from the start, at 0 when nothing is in it.
    expect(sample(metrics, 'acp_agents', { status: 'FAILED' })).toBe(0);
    expect(sample(metrics, 'acp_tasks', { status: 'SUCCEEDED' })).toBe(0);
    expect(sample(metrics, 'acp_graphql_subscriptions', { transport: 'websocket' })).toBe(0);
    expect(sample(metrics, 'acp_graphql_subscriptions', { transport: 'sse' })).toBe(0);
    const database = t.app.database.kind;
    expect(sample(metrics, 'acp_node_info', { node_id: t.app.config.nodeId, database })).toBe(1);
    if (database === 'postgres') {
      expect(sample(metrics, 'acp_db_pool_max_connections')).toBe(10);
      expect(sample(metrics, 'acp_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(sample(metrics, 'acp_db_pool_idle_connections')).toBeLessThanOrEqual(sample(metrics, 'acp_db_pool_connections')!);
      // The scrape's own statements may wait for a connection being opened.
      expect(sample(metrics, 'acp_db_pool_waiting_clients')).toBeGreaterThanOrEqual(0);
    } else {
      // PGlite: one connection in the process, with no idle or waiting count.
      expect(sample(metrics, 'acp_db_pool_max_connections')).toBe(1);
      expect(sample(metrics, 'acp_db_pool_connections')).toBe(1);
      expect(sample(metrics, 'acp_db_pool_idle_connections')).toBeUndefined();
    }
    expect(sample(metrics, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('follows real activity: agents and tasks by status, a run\'s duration, cost and tokens, events, subscribers', async () => {
    const before = await scrape();
    const sessionId = await createSession(t, 'metered');
    const agent = await createAgent(t, sessionId, { name: 'metered-1' });
    await createAgent(t, sessionId, { name: 'metered-2' });
    const idle = await scrape();
    expect(sample(idle, 'acp_agents', { status: 'IDLE' })).toBe(2);

    const task = await createTask(t, { sessionId, title: 'SLEEP 1500', agentId: agent.id });
    const client = t.wsClient();
    const stream = collect(client, TASK_EVENTS, { taskId: task.id, afterSeq: 0 });
    const running = await waitFor(async () => {
      const metrics = await scrape();
      return sample(metrics, 'acp_graphql_subscriptions', { transport: 'websocket' }) === 1 ? metrics : undefined;
    }, 10_000, 'the WebSocket subscription to count');
    expect(sample(running, 'acp_tasks', { status: 'RUNNING' })).toBe(1);
    expect(sample(running, 'acp_agents', { status: 'BUSY' })).toBe(1);
    expect(sample(running, 'acp_agents', { status: 'IDLE' })).toBe(1);
    expect(sample(running, 'acp_websocket_connections')).toBe(1);

    const ended = await waitForTaskEnd(t, task.id);
    expect(ended.status).toBe('SUCCEEDED');
    await stream.done;
    // The subscription completed with its task; its socket stays open until the client goes.
    await waitFor(async () => {
      const metrics = await scrape();
      return sample(metrics, 'acp_graphql_subscriptions', { transport: 'websocket' }) === 0 ? metrics : undefined;
    }, 10_000, 'the ended subscription to leave the count');

    // A second run whose lines come close together: stored in batches of several events of one kind.
    const flood = await waitForTaskEnd(t, (await createTask(t, { sessionId, title: 'FLOOD 40', agentId: agent.id })).id);
    expect(flood.status).toBe('SUCCEEDED');
    const runs = [ended, flood];
    const after = await scrape();
    expect(sample(after, 'acp_tasks', { status: 'SUCCEEDED' })).toBe(2);
    expect(sample(after, 'acp_tasks', { status: 'RUNNING' })).toBe(0);
    expect(sample(after, 'acp_agents', { status: 'IDLE' })).toBe(2);

    const delta = (name: string, labels: Record<string, string> = {}) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    const total = (of: (task: any) => number) => runs.reduce((sum, task) => sum + of(task), 0);
    expect(delta('acp_run_duration_seconds_count', { outcome: 'succeeded' })).toBe(2);
    expect(delta('acp_run_duration_seconds_sum', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(1.5);
    // The flood took well under a second, the sleep more than one.
    expect(delta('acp_run_duration_seconds_bucket', { outcome: 'succeeded', le: '1' })).toBe(1);
    expect(delta('acp_run_duration_seconds_bucket', { outcome: 'succeeded', le: '+Inf' })).toBe(2);
    for (const task of runs) expect(task.costUsd).toBeGreaterThan(0);
    expect(delta('acp_run_cost_usd_total')).toBeCloseTo(total((task) => task.costUsd), 9);
    expect(delta('acp_run_tokens_total', { direction: 'input' })).toBe(total((task) => task.usage.inputTokens));
    expect(delta('acp_run_tokens_total', { direction: 'output' })).toBe(total((task) => task.usage.outputTokens));
    expect(flood.usage.outputTokens).toBeGreaterThan(0);

    // Every event of both tasks was stored by this node, once, counted by kind.
    const kinds = new Map<string, number>();
    for (const event of runs.flatMap((task) => task.events as { kind: string }[])) kinds.set(event.kind, (kinds.get(event.kind) ?? 0) + 1);
    expect(kinds.get('MESSAGE')).toBeGreaterThanOrEqual(40);
    for (const [kind, count] of kinds) expect(delta('acp_task_events_stored_total', { kind }), kind).toBe(count);
    expect(delta('acp_events_published_total', { topic: 'taskEvent' })).toBeGreaterThanOrEqual(total((task) => task.events.length));
    expect(delta('acp_events_published_total', { topic: 'agentStatus' })).toBeGreaterThanOrEqual(4);

    await client.dispose();
    await waitFor(async () => (sample(await scrape(), 'acp_websocket_connections') === 0 ? true : undefined), 10_000, 'the socket to close');
  });

  it('counts a subscription over server-sent events while it is open', async () => {
    const aborter = new AbortController();
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: SUBSCRIPTION_SSE,
      signal: aborter.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    // The first status has arrived: the subscription is running.
    let text = '';
    while (!text.includes('activeAgents')) text += new TextDecoder().decode((await reader.read()).value);
    expect(sample(await scrape(), 'acp_graphql_subscriptions', { transport: 'sse' })).toBe(1);
    aborter.abort();
    await reader.cancel().catch(() => {});
    await waitFor(async () => (sample(await scrape(), 'acp_graphql_subscriptions', { transport: 'sse' }) === 0 ? true : undefined), 10_000, 'the SSE subscription to end');
  });

  it('the metrics query serves a time window: from recordedAfter (inclusive) to recordedBefore (exclusive)', async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
    const name = 'window.test';
    await insertMetrics(t.app.database.db, [120, 60, 30, 10].map((minutesAgo) => ({ id: newId(), name, value: minutesAgo, unit: 'ms', agentId: null, taskId: null, recordedAt: at(minutesAgo) })));
    const window = async (filter: Record<string, unknown>) => {
      const { metrics } = await t.ok(`query($filter: MetricFilter) { metrics(filter: $filter, first: 100) { edges { node { value recordedAt } } } }`, {
        filter: { name, ...filter },
      });
      return metrics.edges.map((edge: any) => edge.node.value);
    };
    expect(await window({})).toEqual([120, 60, 30, 10]);
    expect(await window({ recordedAfter: at(60).toISOString(), recordedBefore: at(10).toISOString() })).toEqual([60, 30]);
    expect(await window({ recordedAfter: at(30).toISOString() })).toEqual([30, 10]);
    expect(await window({ recordedBefore: at(60).toISOString() })).toEqual([120]);
    // Adjacent windows share nothing and miss nothing.
    const halves = [...(await window({ recordedBefore: at(45).toISOString() })), ...(await window({ recordedAfter: at(45).toISOString() }))];
    expect(halves).toEqual([120, 60, 30, 10]);
    const bad = await t.gql(`{ metrics(filter: { recordedAfter: "yesterday" }) { edges { node { id } } } }`);
    expect(bad.errors?.[0]?.message).toMatch(/DateTime/);
  });

  it('once a token exists: 401 without a valid bearer token, 200 with one of any role', async () => {
    const { secret } = await createApiToken(t.app.database.db, { name: 'prometheus', role: 'viewer' });
    // Local mode ends within the authenticator's cache time.
    const refused = await waitFor(async () => {
      const response = await fetch(`${base}/metrics`);
      return response.status === 401 ? response : undefined;
    }, 10_000, 'local mode to end');
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.text()).not.toContain('acp_');
    const invalid = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer acp_not-a-real-token' } });
    expect(invalid.status).toBe(401);
    const metrics = await scrape(`Bearer ${secret}`);
    expect(sample(metrics, 'acp_tasks', { status: 'SUCCEEDED' })).toBe(2);
    expect((await fetch(`${base}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } })).status).toBe(405);
    // The figures span every session: a token limited to some sessions may not read them.
    const [session] = await t.app.database.db.selectFrom('sessions').select('id').execute();
    const limited = await createApiToken(t.app.database.db, { name: 'one-session', role: 'operator', sessionIds: [session!.id] });
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${limited.secret}` } })).status).toBe(403);
  });
});
