/**
 * npm run backup / npm run restore as a user runs them (separate processes, the server's
 * configuration), on the embedded PGlite and, with TEST_DATABASE_URL, on PostgreSQL: a backup of
 * real data restores to the same rows in every table, across engines too; a database that holds
 * rows is refused unless --force, one another client uses always; a damaged file changes nothing;
 * the embedded database is not backed up while a server has it open, PostgreSQL is, from one
 * snapshot; a backup from before the latest migrations restores, then migrates.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { createMigrator, migrateToLatest } from '../../server/db/migrator.js';
import { newId } from '../../server/ids.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import type { TestDatabase } from '../support/test-database.js';
import {
  createDatabase,
  ENCRYPTION_KEY,
  FILLED_TABLES,
  fillWithData,
  openTestDatabase,
  readContents,
  runScript,
  totalRows,
  type DatabaseContents,
} from './ops-support.js';

type Engine = 'pglite' | 'postgres';
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);
const ENGINES: Engine[] = withPostgres ? ['pglite', 'postgres'] : ['pglite'];

describe.each(ENGINES)('backup and restore on %s', (engine) => {
  const otherEngine: Engine = engine === 'pglite' ? 'postgres' : 'pglite';
  const databases: TestDatabase[] = [];
  let scratch: string;
  let source: TestDatabase;
  let target: TestDatabase;
  let app: TestApp | undefined;
  let sourceContents: DatabaseContents;
  let backupFile: string;

  const database = async (kind: Engine = engine) => {
    const created = await createDatabase(kind);
    databases.push(created);
    return created;
  };

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-ops-cwd-'));
    source = await database();
    target = await database();
    app = await startTestApp({ database: source, environment: { ENCRYPTION_KEY }, agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' } });
    await fillWithData(app);
  });

  afterAll(async () => {
    await app?.stop({ keepDatabase: true });
    for (const created of databases) await created.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  const stopServer = async () => {
    await app?.stop({ keepDatabase: true });
    app = undefined;
  };

  it.runIf(engine === 'pglite')('refuses to back up the embedded database while the server has it open', async () => {
    const result = await runScript('backup', ['--out', 'live.jsonl.gz'], source, scratch);
    expect(result.code, result.stderr).toBe(2);
    // Linux names the process (from /proc); elsewhere the marker file alone makes it refuse.
    expect(result.stderr).toMatch(process.platform === 'linux' ? /is open in process \d+ .*Stop the server first/ : /Stop the server first/);
    await expect(fs.readdir(scratch)).resolves.toEqual([]);
  });

  it.runIf(engine === 'postgres')('backs up PostgreSQL while the server runs, to a file that restores whole', async () => {
    const result = await runScript('backup', ['--out', 'live.jsonl.gz'], source, scratch);
    expect(result.code, result.stderr).toBe(0);
    const copy = await database();
    const restored = await runScript('restore', ['live.jsonl.gz'], copy, scratch);
    expect(restored.code, restored.stderr).toBe(0);
    const contents = await readContents(copy);
    for (const table of FILLED_TABLES) expect(contents.tables[table]?.length, table).toBeGreaterThan(0);
    expect(contents.migrations).toEqual(Object.keys(migrations));
  });

  it('backs up to backups/ and restores the same rows, in every table, into an empty database', async () => {
    await stopServer();
    sourceContents = await readContents(source);
    for (const table of FILLED_TABLES) expect(sourceContents.tables[table]?.length, `${table} has rows`).toBeGreaterThan(0);
    expect(sourceContents.tables.task_events!.some((row) => row.includes(',null,"2026-01-02 03:04:05.123456+00")'))).toBe(true);

    const backup = await runScript('backup', [], source, scratch);
    expect(backup.code, backup.stderr).toBe(0);
    const [name, ...others] = await fs.readdir(path.join(scratch, 'backups'));
    expect(others).toEqual([]);
    expect(name).toMatch(/^agent-control-plane-\d{4}-\d\d-\d\dT\d{6}Z\.jsonl\.gz$/);
    backupFile = path.join(scratch, 'backups', name!);
    expect(backup.stdout).toContain(`Backed up ${totalRows(sourceContents)} rows of ${Object.keys(sourceContents.tables).length} tables`);

    const restore = await runScript('restore', [path.join('backups', name!)], target, scratch);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`Restored ${totalRows(sourceContents)} rows`);
    expect(await readContents(target)).toEqual(sourceContents);

    // The server starts on it as it is: nothing left to migrate.
    const handle = await openTestDatabase(target);
    try {
      expect((await migrateToLatest(handle.db)).results).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('refuses to restore into a database that holds rows, and replaces them with --force', async () => {
    const refused = await runScript('restore', [backupFile], target, scratch);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/not empty .*--force/);

    const handle = await openTestDatabase(target);
    try {
      await sql`insert into sessions (id, name, working_directory, status) values (${newId()}, 'made after the backup', '/w', 'ACTIVE')`.execute(handle.db);
    } finally {
      await handle.close();
    }
    expect(await readContents(target)).not.toEqual(sourceContents);

    const forced = await runScript('restore', [backupFile, '--force'], target, scratch);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Replaced what was there \(rows in .*sessions/);
    expect(await readContents(target)).toEqual(sourceContents);
  });

  it.runIf(engine === 'postgres')('refuses to restore while another client uses the database', async () => {
    const client = await openTestDatabase(target);
    try {
      await sql`select 1`.execute(client.db);
      const result = await runScript('restore', [backupFile, '--force'], target, scratch);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/1 other connection\(s\) use this database \(pid \d+.*Stop every server that uses it/);
    } finally {
      await client.close();
    }
    expect(await readContents(target)).toEqual(sourceContents);
  });

  it('a truncated or damaged file is refused and changes nothing, even with --force', async () => {
    const bytes = await fs.readFile(backupFile);
    const truncated = path.join(scratch, 'truncated.jsonl.gz');
    await fs.writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const damaged = path.join(scratch, 'damaged.jsonl.gz');
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length * 0.7)]! ^= 0xff;
    await fs.writeFile(damaged, flipped);

    for (const file of [truncated, damaged]) {
      const result = await runScript('restore', [file, '--force'], target, scratch);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('is damaged or truncated');
      expect(await readContents(target)).toEqual(sourceContents);
    }

    const empty = await database();
    const result = await runScript('restore', [truncated], empty, scratch);
    expect(result.code, result.stderr).toBe(2);
    expect(await readContents(empty)).toEqual({ migrations: [], tables: {} });
  });

  it.runIf(withPostgres)(`a backup of ${engine} restores the same rows into ${otherEngine}`, async () => {
    const other = await database(otherEngine);
    const result = await runScript('restore', [backupFile], other, scratch);
    expect(result.code, result.stderr).toBe(0);
    expect(await readContents(other)).toEqual(sourceContents);
  });
});

describe('a backup made before the latest migrations', () => {
  const databases: TestDatabase[] = [];
  let scratch: string;

  afterAll(async () => {
    for (const created of databases) await created.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it('restores into its own schema, then migrates to the latest, so the server starts on it', async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-ops-cwd-'));
    const [source, target] = [await createDatabase('pglite'), await createDatabase('pglite')];
    databases.push(source, target);
    const names = Object.keys(migrations);
    const handle = await openTestDatabase(source);
    try {
      expect((await createMigrator(handle.db).migrateTo(names.at(-2)!)).error).toBeUndefined();
      await sql`insert into sessions (id, name, working_directory, status) values (${newId()}, 'from before', '/w', 'ACTIVE')`.execute(handle.db);
    } finally {
      await handle.close();
    }
    const before = await readContents(source);
    expect(before.migrations).toEqual(names.slice(0, -1));

    const backup = await runScript('backup', ['--out', 'older.jsonl.gz'], source, scratch);
    expect(backup.code, backup.stderr).toBe(0);
    const restore = await runScript('restore', ['older.jsonl.gz'], target, scratch);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`Then applied the newer migrations ${names.at(-1)}.`);
    const after = await readContents(target);
    expect(after.migrations).toEqual(names);
    expect(after.tables.sessions).toEqual(before.tables.sessions);
  });
});
