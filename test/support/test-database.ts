import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The database a test app uses: a fresh Postgres database per app when TEST_DATABASE_URL is
 * set (CI), else an in-memory PGlite. Either way every test file starts empty.
 */
export interface TestDatabase {
  url?: string;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return { dataDir: 'memory://', drop: async () => {} };
  return { ...(await createFreshPostgresDatabase(adminUrl, 'test')), dataDir: 'memory://' };
}

/** A database that outlives its app, for restart tests: a fresh Postgres database, or PGlite in a folder. */
export async function createDurableTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DATABASE_URL) return createTestDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-data-'));
  return { dataDir, drop: () => fs.rm(dataDir, { recursive: true, force: true }) };
}

/** A new database named <prefix>_<uuid> on the server adminUrl connects to; drop() removes it. */
export async function createFreshPostgresDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
