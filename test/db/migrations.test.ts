import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { openDatabase, type Database, type DatabaseHandle } from '../../server/db/database.js';
import { createMigrator, migrateDown, migrateToLatest } from '../../server/db/migrator.js';
import { createLogger } from '../../server/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The tables of DESIGN §2. */
const TABLES = [
  'sessions',
  'agents',
  'tasks',
  'task_dependencies',
  'runs',
  'task_events',
  'agent_communications',
  'performance_metrics',
  'incidents',
];

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

async function tableNames(db: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  return rows.map((row) => row.name);
}

async function appliedMigrations(db: Database): Promise<string[]> {
  const all = await createMigrator(db).getMigrations();
  return all.filter((migration) => migration.executedAt !== undefined).map((migration) => migration.name);
}

describe('migrations', () => {
  let testDatabase: TestDatabase;
  let handle: DatabaseHandle;
  let db: Database;

  beforeAll(async () => {
    // A fresh Postgres database when TEST_DATABASE_URL is set, else an in-memory PGlite.
    testDatabase = await createTestDatabase();
    handle = await openDatabase({
      url: testDatabase.url,
      dataDir: testDatabase.dataDir,
      statementTimeoutMs: 30_000,
      logger: createLogger('silent'),
    });
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
    await testDatabase?.drop();
  });

  it('migrateToLatest creates every table of the data model on an empty database', async () => {
    expect(await appliedMigrations(db)).toEqual([]);
    const result = await migrateToLatest(db);
    expect(result.results?.map((r) => r.status)).toEqual(Object.keys(migrations).map(() => 'Success'));
    const tables = await tableNames(db);
    for (const table of TABLES) expect(tables, `table ${table}`).toContain(table);
    expect(await appliedMigrations(db)).toEqual(Object.keys(migrations));
    // Running it again is a no-op.
    expect((await migrateToLatest(db)).results).toEqual([]);
  });

  describe('constraints', () => {
    const ids = { session: randomUUID(), agentA: randomUUID(), agentB: randomUUID(), task: randomUUID(), otherTask: randomUUID() };

    beforeAll(async () => {
      await db.insertInto('sessions').values({ id: ids.session, name: 's', workingDirectory: '/w', status: 'ACTIVE', config: '{}' }).execute();
      for (const [id, name] of [[ids.agentA, 'a'], [ids.agentB, 'b']] as const) {
        await db
          .insertInto('agents')
          .values({ id, sessionId: ids.session, name, role: 'WORKER', runtime: 'claude-code', status: 'IDLE', config: '{}', cliSessionId: randomUUID(), model: null, nodeId: null })
          .execute();
      }
      for (const id of [ids.task, ids.otherTask]) {
        await db
          .insertInto('tasks')
          .values({ id, sessionId: ids.session, title: 't', description: '', status: 'QUEUED', priority: 0, maxAttempts: 3 })
          .execute();
      }
    });

    const run = (taskId: string, agentId: string, attempt: number, state: 'RUNNING' | 'SUCCEEDED' | 'INTERRUPTED') =>
      db.insertInto('runs').values({ id: randomUUID(), taskId, agentId, attempt, state, usage: '{}' }).execute();

    it('at most one RUNNING run per task (partial unique index); finished runs do not count', async () => {
      await run(ids.task, ids.agentA, 1, 'RUNNING');
      // A second agent, so that only the per-task index can object.
      await expect(run(ids.task, ids.agentB, 2, 'RUNNING')).rejects.toThrow(/runs_one_running_per_task/);
      // A RUNNING run beside a finished one is fine.
      await run(ids.task, ids.agentB, 2, 'SUCCEEDED');
      await run(ids.task, ids.agentB, 3, 'INTERRUPTED');
      // Once the live run has ended, the next attempt may start.
      await db.updateTable('runs').set({ state: 'INTERRUPTED' }).where('taskId', '=', ids.task).where('state', '=', 'RUNNING').execute();
      await run(ids.task, ids.agentB, 4, 'RUNNING');
      const states = await db.selectFrom('runs').select('state').where('taskId', '=', ids.task).orderBy('attempt').execute();
      expect(states.map((r) => r.state)).toEqual(['INTERRUPTED', 'SUCCEEDED', 'INTERRUPTED', 'RUNNING']);
    });

    it('at most one RUNNING run per agent', async () => {
      // agentB is running a run of ids.task (above).
      await expect(run(ids.otherTask, ids.agentB, 1, 'RUNNING')).rejects.toThrow(/runs_running_by_agent/);
      await run(ids.otherTask, ids.agentA, 1, 'RUNNING');
    });

    it('(task_id, seq) is unique in task_events; the same seq on another task is fine', async () => {
      const event = (taskId: string, seq: number) =>
        db.insertInto('taskEvents').values({ id: randomUUID(), taskId, runId: null, seq, kind: 'STATUS', payload: '{}' }).execute();
      await event(ids.task, 1);
      await expect(event(ids.task, 1)).rejects.toThrow(/task_events_task_seq_key/);
      await event(ids.task, 2);
      await event(ids.otherTask, 1);
      const count = await db.selectFrom('taskEvents').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(3);
    });

    it('agent names are unique within a session', async () => {
      await expect(
        db
          .insertInto('agents')
          .values({ id: randomUUID(), sessionId: ids.session, name: 'a', role: 'MANAGER', runtime: 'claude-code', status: 'IDLE', config: '{}', cliSessionId: randomUUID(), model: null, nodeId: null })
          .execute(),
      ).rejects.toThrow(/agents_session_name_key/);
    });
  });

  it('migrateDown until nothing is applied removes every table; migrateToLatest brings them back', async () => {
    const total = Object.keys(migrations).length;
    for (let step = 0; step < total; step++) {
      const result = await migrateDown(db);
      expect(result.results?.[0]?.direction).toBe('Down');
      expect(result.results?.[0]?.status).toBe('Success');
    }
    expect(await appliedMigrations(db)).toEqual([]);
    // Nothing left to undo.
    expect((await migrateDown(db)).results ?? []).toEqual([]);
    const afterDown = await tableNames(db);
    for (const table of TABLES) expect(afterDown, `table ${table}`).not.toContain(table);

    await migrateToLatest(db);
    const afterUp = await tableNames(db);
    for (const table of TABLES) expect(afterUp, `table ${table}`).toContain(table);
    expect(await appliedMigrations(db)).toEqual(Object.keys(migrations));
    // The indexes came back with the tables, still partial and unique.
    const { rows } = await sql<{ definition: string }>`
      select indexdef as definition from pg_indexes
      where schemaname = current_schema() and indexname = 'runs_one_running_per_task'`.execute(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.definition).toMatch(/UNIQUE INDEX .* WHERE .*state.*RUNNING/i);
  });
});

describe('migrations/index.ts', () => {
  it('lists every migration file, by its name, in order', async () => {
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.ts') && file !== 'index.ts');
    expect(files.length).toBeGreaterThan(0);
    const names = files.map((file) => file.replace(/\.ts$/, '')).sort();
    expect(Object.keys(migrations)).toEqual(names);
  });

  it('names are ISO timestamps (so they sort in the order they apply) and unique', () => {
    const names = Object.keys(migrations);
    for (const name of names) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}_[a-z0-9_]+$/);
    expect(names).toEqual([...names].sort());
    const stamps = names.map((name) => name.slice(0, 19));
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  it('each name maps to its own file, which has up and down', async () => {
    for (const [name, migration] of Object.entries(migrations)) {
      const module = (await import(new URL(`${name}.ts`, MIGRATIONS_DIR).href)) as Record<string, unknown>;
      expect(migration.up, name).toBe(module.up);
      expect(migration.down, name).toBe(module.down);
      expect(typeof migration.up).toBe('function');
      expect(typeof migration.down).toBe('function');
    }
  });
});
