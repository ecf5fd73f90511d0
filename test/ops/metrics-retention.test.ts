/**
 * METRICS_RETENTION_DAYS: the server prunes performance_metrics older than that at start (and
 * hourly), in batches, and keeps newer ones; 0 keeps everything.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { createLogger } from '../../server/logger.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { createDurableTestDatabase, type TestDatabase } from '../support/test-database.js';

const DAY_MS = 86_400_000;
const OLD_ROWS = 25_000;

/** Rows by name: many well past 30 days, and one on each side of the 30-day line. */
async function seedMetrics(database: TestDatabase): Promise<void> {
  const handle = await openDatabase({ url: database.url, dataDir: database.dataDir, statementTimeoutMs: 30_000, logger: createLogger('silent') });
  try {
    await migrateToLatest(handle.db);
    const ago = (ms: number) => new Date(Date.now() - ms);
    await sql`
      insert into performance_metrics (id, name, value, unit, recorded_at)
      select gen_random_uuid(), 'old.bulk', n, 'ms', ${ago(40 * DAY_MS)}::timestamptz from generate_series(1, ${OLD_ROWS}) as n`.execute(handle.db);
    await sql`
      insert into performance_metrics (id, name, value, unit, recorded_at) values
        (gen_random_uuid(), 'old.edge', 1, 'ms', ${ago(30 * DAY_MS + 60_000)}),
        (gen_random_uuid(), 'ancient', 1, 'ms', ${ago(3650 * DAY_MS)}),
        (gen_random_uuid(), 'kept.edge', 1, 'ms', ${ago(30 * DAY_MS - 3_600_000)}),
        (gen_random_uuid(), 'kept.new', 1, 'ms', now())`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

async function countsByName(t: TestApp): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string; count: number }>`
    select name, count(*)::int as count from performance_metrics group by name`.execute(t.app.database.db);
  return Object.fromEntries(rows.map((row) => [row.name, row.count]));
}

describe('METRICS_RETENTION_DAYS', () => {
  it('defaults to 30 days; 0 is allowed, a negative number is not', () => {
    expect(loadConfig({}).metricsRetentionDays).toBe(30);
    expect(loadConfig({ METRICS_RETENTION_DAYS: '0' }).metricsRetentionDays).toBe(0);
    expect(() => loadConfig({ METRICS_RETENTION_DAYS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_RETENTION_DAYS: '-1' })).toThrow(/METRICS_RETENTION_DAYS="-1"/);
  });

  describe('at 30 days', () => {
    let database: TestDatabase;
    let t: TestApp;

    beforeAll(async () => {
      database = await createDurableTestDatabase();
      await seedMetrics(database);
      t = await startTestApp({ database, environment: { METRICS_RETENTION_DAYS: '30' } });
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('the server prunes what is older at start, in batches, and keeps what is newer', async () => {
      const counts = await waitFor(async () => {
        const now = await countsByName(t);
        return ['old.bulk', 'old.edge', 'ancient'].some((name) => name in now) ? undefined : now;
      }, 30_000, 'the old metrics to be pruned');
      expect(counts).toEqual({ 'kept.edge': 1, 'kept.new': 1 });
      expect(await t.app.services.metrics.pruneExpired()).toBe(0);
      // A month on, the rest is past the line too.
      expect(await t.app.services.metrics.pruneExpired(new Date(Date.now() + 31 * DAY_MS))).toBe(2);
      expect(await countsByName(t)).toEqual({});
    });
  });

  describe('at 0', () => {
    let database: TestDatabase;
    let t: TestApp;

    beforeAll(async () => {
      database = await createDurableTestDatabase();
      await seedMetrics(database);
      t = await startTestApp({ database, environment: { METRICS_RETENTION_DAYS: '0' } });
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('keeps everything', async () => {
      expect(await t.app.services.metrics.pruneExpired()).toBe(0);
      expect(await countsByName(t)).toEqual({ 'old.bulk': OLD_ROWS, 'old.edge': 1, ancient: 1, 'kept.edge': 1, 'kept.new': 1 });
    });
  });
});
