/**
 * The database and the whole app a benchmark runs on: a fresh PostgreSQL database for the run
 * (dropped after), or PGlite in the run's temporary folder, and createApp with the fake CLI.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LogEvent } from 'kysely';
import { createApp, type App } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { createFreshPostgresDatabase } from '../test/support/test-database.js';
import { FAKE_CLAUDE } from './support.js';

export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  url?: string;
  dataDir: string;
  describe: string;
  drop(): Promise<void>;
}

/** host:port/database of a URL, without credentials, for reports. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

export async function createBenchDatabase(adminUrl: string | undefined, root: string, prefix: string): Promise<BenchDatabase> {
  const dataDir = path.join(root, 'pglite');
  if (!adminUrl) return { kind: 'pglite', dataDir, describe: `PGlite in ${dataDir}`, drop: async () => {} };
  const { url, drop } = await createFreshPostgresDatabase(adminUrl, prefix);
  return { kind: 'postgres', url, dataDir, describe: `PostgreSQL, fresh database ${describeUrl(url)}`, drop };
}

/** The app with the fake CLI (any API key works) and short stop timers; `environment` adds to it. */
export async function startBenchApp(
  database: BenchDatabase,
  root: string,
  environment: Record<string, string>,
  onQuery?: (event: LogEvent) => void,
): Promise<App> {
  const home = path.join(root, 'home');
  await mkdir(home, { recursive: true });
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    HOST: '127.0.0.1',
    API_PORT: '0',
    WORKSPACE_ROOT: path.join(root, 'workspace'),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    CLAUDE_CLI_PATH: FAKE_CLAUDE,
    CLAUDE_STOP_GRACE_MS: '500',
    SHUTDOWN_GRACE_MS: '2000',
    NODE_ID: `bench-${path.basename(root)}`,
    ...environment,
  });
  config.agentEnvironment = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANTHROPIC_API_KEY: 'test-key' };
  return createApp({ config, log: createLogger(config.logLevel), onQuery });
}
