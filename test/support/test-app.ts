import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import type { LogEvent } from 'kysely';
import WebSocket from 'ws';
import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createLogger, type Logger } from '../../server/logger.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const FAKE_CLAUDE = fileURLToPath(new URL('./fake-claude.mjs', import.meta.url));
export const REAL_CLAUDE = fileURLToPath(new URL('../../node_modules/@anthropic-ai/claude-code/bin/claude.exe', import.meta.url));

export interface TestAppOptions {
  /** The agent CLI; defaults to the fake one. Pass null to use the pinned dependency. */
  cliPath?: string | null;
  /** Environment for agent processes, on top of PATH and a private HOME. */
  agentEnvironment?: Record<string, string>;
  /** Reuse a database (e.g. to restart on the same data). */
  database?: TestDatabase;
  /** Extra server environment variables. */
  environment?: Record<string, string>;
  onQuery?: (event: LogEvent) => void;
  /** The server's logger (e.g. one that keeps what is logged); default: pino at TEST_LOG_LEVEL, else silent. */
  log?: Logger;
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface TestApp {
  app: App;
  port: number;
  url: string;
  wsUrl: string;
  database: TestDatabase;
  workspaceRoot: string;
  home: string;
  /** Runs an operation through yoga.fetch (the real schema and plugins, no socket). */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** gql that fails the test on any GraphQL error. */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  wsClient(): Client;
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** A real server on 127.0.0.1:0 with its own database, workspace and HOME for agents. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-test-'));
  const workspaceRoot = path.join(scratch, 'workspace');
  const home = path.join(scratch, 'home');
  await fs.mkdir(home, { recursive: true });

  const config = loadConfig({
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    API_PORT: '0',
    HOST: '127.0.0.1',
    WORKSPACE_ROOT: workspaceRoot,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_GRACE_MS: '2000',
    // Short timers keep fault tests fast; each test can override them.
    CLAUDE_STOP_GRACE_MS: '500',
    WATCHDOG_INTERVAL_MS: '100',
    CLAUDE_RESTART_BACKOFF_MS: '100',
    NODE_ID: `test-${path.basename(scratch)}`,
    ...(options.cliPath === null ? {} : { CLAUDE_CLI_PATH: options.cliPath ?? FAKE_CLAUDE }),
    ...options.environment,
  });
  config.agentEnvironment = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...options.agentEnvironment };

  const app = await createApp({ config, log: options.log ?? createLogger(config.logLevel), onQuery: options.onQuery });
  const port = await app.listen();
  const url = `http://127.0.0.1:${port}/graphql`;
  const clients: Client[] = [];

  const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const response = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };

  return {
    app,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    database,
    workspaceRoot,
    home,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>) {
      const result = await gql<T>(query, variables);
      if (result.errors?.length || !result.data) {
        throw new Error(`GraphQL errors for\n${query}\n${JSON.stringify(result.errors, null, 2)}`);
      }
      return result.data;
    },
    wsClient() {
      const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      clients.push(client);
      return client;
    },
    async stop({ keepDatabase = false } = {}) {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      if (!keepDatabase) await database.drop();
      await fs.rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Collects every value of a subscription until it completes (or errors). */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown>) {
  const values: T[] = [];
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<T[]>((resolve, reject) => {
    resolveDone = () => resolve(values);
    rejectDone = reject;
  });
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) rejectDone(new Error(JSON.stringify(value.errors)));
        else values.push(value.data as T);
      },
      error: (error) => rejectDone(error),
      complete: () => resolveDone(),
    },
  );
  return { values, done, unsubscribe };
}

/** Polls until the check returns a value (not undefined), or fails after the timeout. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
