import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/database.js';
import { insertApiToken } from '../../server/db/repositories/api-token.repository.js';
import { newId } from '../../server/ids.js';
import { createLogger } from '../../server/logger.js';
import { hashToken, generateToken } from '../../server/auth/token-secret.js';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { createFreshPostgresDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor, type TestApp } from '../support/test-app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs scripts/<name>.ts as `npm run <name>` runs it (tsx, a process of its own), with the database
 * settings of `database` and `cwd` as the directory the user stands in.
 */
export function runScript(name: 'backup' | 'restore', args: string[], database: Pick<TestDatabase, 'url' | 'dataDir'>, cwd: string): Promise<ScriptResult> {
  // npm sets INIT_CWD to where the user ran it; relative paths given to the scripts start there.
  const env = { ...process.env, INIT_CWD: cwd, DATA_DIR: database.dataDir, DATABASE_URL: database.url ?? '', LOG_LEVEL: 'silent' };
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'scripts', `${name}.ts`), ...args], { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A database for one side of a backup: a PGlite folder, or a fresh PostgreSQL database. */
export async function createDatabase(engine: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (engine === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    return { ...(await createFreshPostgresDatabase(adminUrl, 'ops')), dataDir: 'memory://' };
  }
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-ops-'));
  return { dataDir: path.join(scratch, 'data'), drop: () => fs.rm(scratch, { recursive: true, force: true }) };
}

export async function openTestDatabase(database: Pick<TestDatabase, 'url' | 'dataDir'>): Promise<DatabaseHandle> {
  return openDatabase({ url: database.url, dataDir: database.dataDir, statementTimeoutMs: 30_000, logger: createLogger('silent') });
}

export interface DatabaseContents {
  migrations: string[];
  /** Every row of every table as PostgreSQL prints the row (NULL, '', 'null'::jsonb all differ), sorted. */
  tables: Record<string, string[]>;
}

/**
 * What a database holds, read independently of the backup code: each table from
 * information_schema, each row in its record text form, in UTC so engines compare alike.
 */
export async function readContents(database: Pick<TestDatabase, 'url' | 'dataDir'>): Promise<DatabaseContents> {
  const handle = await openTestDatabase(database);
  try {
    return await handle.db.connection().execute(async (connection) => {
      const db = connection.withoutPlugins();
      await sql`set timezone = 'UTC'`.execute(db);
      await sql`set datestyle = 'ISO, YMD'`.execute(db);
      const { rows: tables } = await sql<{ name: string }>`
        select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely%'`.execute(db);
      const contents: DatabaseContents = { migrations: [], tables: {} };
      for (const { name } of tables) {
        const { rows } = await sql<{ row: string }>`select r::text as "row" from ${sql.id(name)} as r`.execute(db);
        contents.tables[name] = rows.map((row) => row.row).sort();
      }
      const exists = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db);
      if (exists.rows[0]?.found) {
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
        contents.migrations = rows.map((row) => row.name);
      }
      return contents;
    });
  } finally {
    await handle.close();
  }
}

export function totalRows(contents: DatabaseContents): number {
  return Object.values(contents.tables).reduce((sum, rows) => sum + rows.length, 0);
}

export const ENCRYPTION_KEY = randomBytes(32).toString('hex');

const SEND_MESSAGE = /* GraphQL */ `
  mutation SendMessage($agentId: ID!, $content: String!) {
    sendMessage(agentId: $agentId, content: $content) {
      __typename
      ... on SendMessageSuccess { task { id } }
    }
  }
`;

const SET_SECRET = /* GraphQL */ `
  mutation SetSessionSecret($input: SetSessionSecretInput!) {
    setSessionSecret(input: $input) { __typename }
  }
`;

/**
 * Fills every kind of data through the running app (a session, an agent, tasks that succeed and
 * fail, a person's message, a secret, the audit log and metrics they leave), then values the text
 * forms must carry exactly: a JSON null payload, microseconds, a bigint past 2^53, NaN, text[]
 * with quotes and commas, unicode and control characters. Ends with an API token, which ends local mode.
 */
export async function fillWithData(t: TestApp): Promise<void> {
  const sessionId = await createSession(t, 'backed up');
  const agent = await createAgent(t, sessionId, { name: 'worker-b' });
  const answered = await createTask(t, { sessionId, agentId: agent.id, title: 'USE_TOOL then answer' });
  expect((await waitForTaskEnd(t, answered.id)).status).toBe('SUCCEEDED');
  const failed = await createTask(t, { sessionId, agentId: agent.id, title: 'FAIL_400 please', maxAttempts: 1 });
  expect((await waitForTaskEnd(t, failed.id)).status).toBe('FAILED');
  const message = await t.ok(SEND_MESSAGE, { agentId: agent.id, content: 'a word from a person: "quoted", émoji 🚀' });
  await waitForTaskEnd(t, message.sendMessage.task.id);
  const secret = await t.ok(SET_SECRET, { input: { sessionId, name: 'GITHUB_TOKEN', value: 'ghp_backup_test' } });
  expect(secret.setSessionSecret.__typename).toBe('SetSessionSecretSuccess');

  const db = t.app.database.db.withoutPlugins();
  await waitFor(async () => ((await sql<{ n: number }>`select count(*)::int as n from performance_metrics`.execute(db)).rows[0]!.n >= 8 ? true : undefined));
  const task = (await sql<{ id: string; last: number }>`select id, last_event_seq as last from tasks order by created_at limit 1`.execute(db)).rows[0]!;
  await sql`
    insert into task_events (id, task_id, seq, kind, payload, created_at)
    values (${newId()}, ${task.id}, ${task.last + 1}, 'TEXT', 'null'::jsonb, '2026-01-02 03:04:05.123456+00')`.execute(db);
  await sql`update tasks set last_event_seq = ${task.last + 1}, input_tokens = 9007199254740993,
    description = ${'line one\nline two\ttab \u2028 "quoted" \\ backslash, ünïcödé'} where id = ${task.id}`.execute(db);
  await sql`insert into performance_metrics (id, name, value, unit, recorded_at)
    values (${newId()}, 'probe.nan', 'NaN', 'x', now()), (${newId()}, 'probe.tiny', 1e-300, 'x', '1999-12-31 23:59:59.999999+00')`.execute(db);
  await sql`insert into audit_log (id, actor, role, operation_name, fields, outcome, error_codes, duration_ms)
    values (${newId()}, 'local', 'admin', null, array['a,b', 'c"d', '', null], 'OK', array[]::text[], 1)`.execute(db);
  await insertApiToken(t.app.database.db, { id: newId(), name: 'backup test', role: 'viewer', tokenHash: hashToken(generateToken()) });
}

/** Tables the data above must fill, so that equal contents prove something. */
export const FILLED_TABLES = [
  'sessions', 'agents', 'tasks', 'runs', 'task_events', 'agent_events', 'agent_communications',
  'performance_metrics', 'session_secrets', 'audit_log', 'api_tokens',
];
