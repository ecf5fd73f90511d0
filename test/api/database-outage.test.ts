/**
 * The database goes away for ten seconds while an agent streams: the server stays up, reports
 * not ready, keeps the events in memory, and writes them (in order, none lost) once it is back.
 * PostgreSQL only: the outage is this test's own database refusing connections.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const adminUrl = process.env.TEST_DATABASE_URL;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(!adminUrl)('a database outage while agents run', () => {
  let t: TestApp;
  let name: string;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { DATABASE_STATEMENT_TIMEOUT_MS: '2000' } });
    name = new URL(t.database.url!).pathname.slice(1);
  });
  afterAll(async () => {
    await admin((c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)).catch(() => {});
    await t?.stop();
  });

  const ready = async () => (await fetch(t.url.replace(/\/graphql$/, '/readyz'))).status === 200;

  it('keeps the transcript in memory, is not ready meanwhile, and loses nothing', { timeout: 90_000 }, async () => {
    const sessionId = await createSession(t, 'outage');
    const agent = await createAgent(t, sessionId, { name: 'through-the-outage' });
    const task = await createTask(t, { sessionId, title: 'STREAM 20 14 through an outage', agentId: agent.id });
    await waitFor(async () => {
      const { task: now } = await t.ok(`query($id: ID!) { task(id: $id) { ... on Task { lastEventSeq } } }`, { id: task.id });
      return now.lastEventSeq >= 10 ? true : undefined;
    });

    // The outage: no new connections, and the open ones cut.
    await admin(async (c) => {
      await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    });
    await waitFor(async () => ((await ready()) ? undefined : true), 10_000);
    // Ten seconds without a database, the agent streaming all along.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(await ready()).toBe(false);
    await admin((c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));

    const done = await waitForTaskEnd(t, task.id, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    await waitFor(async () => ((await ready()) ? true : undefined), 20_000);
    const seqs = done.events.map((e: any) => e.seq);
    expect(seqs).toEqual(seqs.map((_: unknown, i: number) => i + 1));
    // Every streamed line is in the transcript (or counted by a gap marker).
    const lines = done.events.filter((e: any) => e.kind === 'MESSAGE').length;
    const gaps = done.events.filter((e: any) => e.kind === 'GAP').reduce((n: number, e: any) => n + e.payload.dropped, 0);
    expect(lines + gaps).toBeGreaterThanOrEqual(280);
  });
});
