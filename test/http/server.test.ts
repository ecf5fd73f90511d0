import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { AGENT } from '../support/operations.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createDurableTestDatabase } from '../support/test-database.js';

/** A database that outlives one server: a PGlite folder, or a Postgres database in CI. */
describe('HTTP surface', () => {
  const started: TestApp[] = [];
  afterAll(async () => {
    for (const t of started) await t.stop().catch(() => {});
  });

  it('answers health and readiness probes and serves GraphiQL', async () => {
    const t = await startTestApp();
    started.push(t);
    const base = `http://127.0.0.1:${t.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true, accepting: true } });
    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);
    const query = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sessions { edges { node { id } } } }' }),
    });
    expect(await query.json()).toEqual({ data: { sessions: { edges: [] } } });
  });

  it('keeps data across a restart; an interrupted task resumes the agent session on the next server', async () => {
    const database = await createDurableTestDatabase();
    // The same node id: the second server is the same node, back after a restart.
    const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-workspace-'));
    const env = { agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { NODE_ID: `durable-${Date.now()}`, WORKSPACE_ROOT: workspace } };
    const first = await startTestApp({ database, ...env });
    const sessionId = await createSession(first, 'durable');
    const agent = await createAgent(first, sessionId, { name: 'long-runner' });
    const task = await createTask(first, { sessionId, title: 'SLEEP 3000', agentId: agent.id, maxAttempts: 2 });
    expect(task.status).toBe('RUNNING');
    await first.stop({ keepDatabase: true });
    // Graceful shutdown ended the agent's process tree.
    expect(() => process.kill(agent.pid, 0)).toThrow();

    const second = await startTestApp({ database, ...env });
    started.push(second);
    const { session } = await second.ok(`query($id: ID!) { session(id: $id) { ... on Session { id name } } }`, { id: sessionId });
    expect(session).toEqual({ id: sessionId, name: 'durable' });
    // The task went back to the queue with the reason, and runs again on the same agent.
    const ended = await waitForTaskEnd(second, task.id);
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.attempts).toBe(2);
    const requeued = ended.events.find((e: any) => e.kind === 'STATUS' && e.payload.to === 'QUEUED' && e.payload.from === 'RUNNING');
    expect(requeued.payload.reason).toMatch(/^server_shutdown/);
    const starts = ended.events.filter((e: any) => e.kind === 'AGENT_STARTED');
    // Both attempts ran in the agent's one CLI session: the second process resumed it.
    expect(starts.map((e: any) => e.payload.sessionId)).toEqual([agent.cliSessionId, agent.cliSessionId]);
    const { agent: stored } = await second.ok(AGENT, { id: agent.id });
    expect(stored.status).toBe('IDLE');
    // Nothing is left RUNNING without a live run.
    const running = await second.ok(`{ tasks(filter: { status: RUNNING }) { edges { node { id } } } }`);
    expect(running.tasks.edges).toEqual([]);
  });
});
