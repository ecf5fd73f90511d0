/**
 * The server as `npm start` runs it: `node --import tsx server/main.ts` in a child process, with
 * the fake CLI for its agents, and what such a process can leave behind once it is gone.
 */
import { execa, type Result, type ResultPromise } from 'execa';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import readline from 'node:readline';
import { readProcessTable } from '../../server/supervisor/process-table.js';
import { FAKE_CLAUDE } from './test-app.js';
import type { TestDatabase } from './test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What `npm start` runs, from ROOT. */
const SERVER_ARGS = ['--import', 'tsx', 'server/main.ts'];
/** Lines of output kept for failure reports. */
const KEPT_LINES = 200;

export interface ServerProcessOptions {
  /** HOME and the workspace root live in this folder (shared by restarts and by nodes of one test). */
  scratch: string;
  database: TestDatabase;
  /** Variables added to, or replacing, the defaults (AGENT_ISOLATION, NODE_ID, ...). */
  environment?: Record<string, string>;
  /** Names the process in error messages. */
  name?: string;
}

export interface ServerProcess {
  child: ResultPromise;
  url: string;
  /** The last lines the process wrote (stdout and stderr), for failure reports. */
  output: string[];
  /** Runs an operation over HTTP; throws on any GraphQL error. */
  gql(query: string, variables?: Record<string, unknown>): Promise<any>;
  /** Sends the signal unless the process has already exited, and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<Result>;
}

function serverEnvironment({ scratch, database, environment }: ServerProcessOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    API_PORT: '0',
    DASHBOARD_PORT: '0',
    WORKSPACE_ROOT: path.join(scratch, 'workspace'),
    CLAUDE_CLI_PATH: FAKE_CLAUDE,
    ANTHROPIC_API_KEY: 'test-key',
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: '2000',
    ...environment,
  };
}

/** Runs the server to its exit with its output buffered: for start-up failures. */
export function runServerToExit(options: ServerProcessOptions): ResultPromise<{ reject: false }> {
  return execa('node', SERVER_ARGS, { cwd: ROOT, env: serverEnvironment(options), extendEnv: false, reject: false });
}

/** Starts the server and resolves once it logs the URL it listens on. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const name = options.name ?? 'server';
  const child = execa('node', SERVER_ARGS, {
    cwd: ROOT,
    env: serverEnvironment(options),
    extendEnv: false,
    reject: false,
    buffer: false,
  });
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > KEPT_LINES) output.shift();
  };
  // Both pipes are read to the end, so a chatty server never blocks on a full pipe.
  readline.createInterface({ input: child.stderr! }).on('line', keep);
  const lines = readline.createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not report its URL:\n${output.join('\n')}`)), 30_000);
    lines.on('line', (line) => {
      keep(line);
      const match = /http:\/\/[\d.]+:\d+\/graphql/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void child.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening:\n${output.join('\n')}`));
    });
  });
  return {
    child,
    url,
    output,
    async gql(query, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown };
      if (body.errors) throw new Error(`${name}: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return child;
    },
  };
}

/** Live processes tagged (AGENT_RUN_TAG) with one of these raw agent ids; pid + start time name one process. */
/**
 * A new life of the server on `port` (0 = any), retrying briefly while the previous life's port is
 * still taken (a killed process's socket can linger for a moment).
 */
export async function restartServerProcessOn(port: number, options: ServerProcessOptions): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerProcess({ ...options, environment: { ...options.environment, API_PORT: String(port) } });
    } catch (error) {
      if (port === 0 || attempt >= 20 || !/EADDRINUSE/.test(String(error))) throw error;
      await delay(250);
    }
  }
}

export function agentProcesses(agentTags: ReadonlySet<string>) {
  return readProcessTable()
    .tagged((tag) => agentTags.has(tag))
    .map((entry) => ({ pid: entry.pid, startTime: entry.startTime, tag: entry.tag, comm: entry.comm }));
}

/** Safety net after a test that asserts there are none: SIGKILLs what agentProcesses finds. */
export function killAgentProcesses(agentTags: ReadonlySet<string>): void {
  for (const { pid } of agentProcesses(agentTags)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}
