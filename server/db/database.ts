import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect, type Dialect, type LogEvent } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { drainingOnDestroy } from './draining-dialect.js';
import type { DB } from './types.js';

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; 'memory://' keeps everything in memory (tests). */
  dataDir: string;
  statementTimeoutMs: number;
  logger: Logger;
  /** Called for every SQL statement (tests count statements to prove batching). */
  onQuery?: (event: LogEvent) => void;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** True while the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** How the connection pool is used now (for /metrics). */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/**
 * Connections of this node's pool. PGlite is one connection inside this process, used in turn
 * (the driver queues statements itself): it reports 1 of 1, with no idle or waiting count.
 */
export interface PoolStats {
  max: number;
  /** Open connections. */
  total: number;
  /** Open connections no statement is using; undefined for PGlite. */
  idle?: number;
  /** Callers waiting for a connection (all are busy, or one is being opened); undefined for PGlite. */
  waiting?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const { dialect, kind, closeDriver, poolStats } = options.url
    ? postgresDialect(options)
    : await pgliteDialect(options.dataDir);
  const db = new Kysely<DB>({
    dialect,
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      options.onQuery?.(event);
      if (event.level === 'error') {
        options.logger.error({ err: event.error, sql: event.query.sql }, 'query failed');
      }
    },
  });
  return {
    db,
    kind,
    async ping() {
      try {
        await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
        return true;
      } catch {
        return false;
      }
    },
    poolStats,
    async close() {
      await db.destroy();
      await closeDriver();
    },
  };
}

const POSTGRES_POOL_SIZE = 10;

function postgresDialect(options: DatabaseOptions) {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: POSTGRES_POOL_SIZE,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
  });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on('error', (err) => options.logger.error({ err }, 'postgres pool client error'));
  return {
    dialect: drainingOnDestroy(new PostgresDialect({ pool: preparingPool(pool) })),
    kind: 'postgres' as const,
    // Kysely's destroy() ends the pool.
    closeDriver: async () => {},
    poolStats: (): PoolStats => ({ max: POSTGRES_POOL_SIZE, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** A statement whose text starts with this comment is prepared once per connection, its plan kept. */
const PREPARED_MARK = /^\/\* prepared: ([\w-]+) \*\//;

/**
 * The pool as Kysely sees it, with named prepared statements for the hot statements that ask
 * for one (the claim): Postgres parses and plans them once per connection instead of per call.
 */
function preparingPool(pool: pg.Pool) {
  return {
    async connect() {
      const client = await pool.connect();
      // A connection the server ends while it is checked out (between a transaction's statements)
      // emits 'error' with nobody listening, which would crash the process; its next statement
      // fails instead, and the pool drops it on release.
      const ignoreBrokenConnection = () => {};
      client.on('error', ignoreBrokenConnection);
      return {
        query(text: string, values: unknown[]) {
          const name = PREPARED_MARK.exec(text)?.[1];
          return name ? client.query({ name, text, values }) : client.query(text, values);
        },
        release: (error?: Error | boolean) => {
          client.off('error', ignoreBrokenConnection);
          client.release(error);
        },
      };
    },
    end: () => pool.end(),
  } as unknown as pg.Pool;
}

async function pgliteDialect(dataDir: string) {
  const inMemory = dataDir === 'memory://';
  if (!inMemory) await fs.mkdir(dataDir, { recursive: true });
  const pglite = inMemory ? await PGlite.create() : await PGlite.create(dataDir);
  return {
    dialect: drainingOnDestroy(new PGliteDialect(pglite) as Dialect),
    kind: 'pglite' as const,
    closeDriver: async () => {
      if (!pglite.closed) await pglite.close();
    },
    poolStats: (): PoolStats => ({ max: 1, total: pglite.closed ? 0 : 1 }),
  };
}
