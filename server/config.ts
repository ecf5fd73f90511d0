import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Environment variables the server reads; every default is the embedded, single-node one. */
const environmentSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(6011),
  NODE_ID: z.string().min(1).max(100).default(os.hostname()),
  CLAUDE_CLI_PATH: z.string().min(1).optional(),
  CLAUDE_MAX_AGENTS: z.coerce.number().int().min(1).max(1000).default(10),
  CLAUDE_AGENT_TIMEOUT: z.coerce.number().int().min(1).max(86_400).default(300),
  WORKSPACE_ROOT: z.string().min(1).default('./workspace'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(5_000),
});

export type Environment = z.input<typeof environmentSchema>;

/** What each variable accepts, said in the error so the fix is obvious. */
const ACCEPTED: Record<keyof typeof environmentSchema.shape, string> = {
  DATABASE_URL: 'a postgres:// or postgresql:// URL, or unset for the embedded PGlite',
  DATA_DIR: 'a folder for the embedded database (default ./data)',
  REDIS_URL: 'a redis:// or rediss:// URL, or unset for in-memory pubsub',
  HOST: 'an interface to bind (default 127.0.0.1)',
  API_PORT: 'a port number from 0 to 65535 (default 4005)',
  DASHBOARD_PORT: 'a port number from 0 to 65535 (default 6011)',
  NODE_ID: 'a name for this server node (default: the host name)',
  CLAUDE_CLI_PATH: 'the path of a claude executable, or unset for the pinned dependency',
  CLAUDE_MAX_AGENTS: 'an integer from 1 to 1000 (default 10)',
  CLAUDE_AGENT_TIMEOUT: 'seconds, an integer from 1 to 86400 (default 300)',
  WORKSPACE_ROOT: 'the folder agents may work in (default ./workspace)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent (default info)',
  DATABASE_STATEMENT_TIMEOUT_MS: 'milliseconds, from 100 to 600000 (default 30000)',
  SHUTDOWN_GRACE_MS: 'milliseconds, from 0 to 120000 (default 5000)',
};

export interface Config {
  database: { url?: string; dataDir: string; statementTimeoutMs: number };
  redisUrl?: string;
  host: string;
  apiPort: number;
  dashboardPort: number;
  nodeId: string;
  claude: { cliPath?: string; maxAgents: number; turnTimeoutSeconds: number };
  workspaceRoot: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  shutdownGraceMs: number;
  /** Variables passed on to agent processes (the rest of the server's environment stays private). */
  agentEnvironment: Record<string, string>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables an agent CLI needs to find its credentials, its provider and the network; nothing else leaks. */
const AGENT_ENVIRONMENT_PREFIXES = ['ANTHROPIC_', 'CLAUDE_CODE_', 'AWS_', 'GOOGLE_', 'VERTEX_', 'CLOUD_ML_'];
const AGENT_ENVIRONMENT_NAMES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ',
  'CLAUDE_CONFIG_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'API_TIMEOUT_MS', 'DISABLE_TELEMETRY', 'DISABLE_AUTOUPDATER',
  'DISABLE_ERROR_REPORTING', 'BASH_DEFAULT_TIMEOUT_MS', 'BASH_MAX_TIMEOUT_MS', 'BASH_MAX_OUTPUT_LENGTH',
];

export function agentEnvironmentFrom(environment: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) continue;
    if (AGENT_ENVIRONMENT_NAMES.includes(name) || AGENT_ENVIRONMENT_PREFIXES.some((p) => name.startsWith(p))) {
      picked[name] = value;
    }
  }
  return picked;
}

/** Parses the environment; a bad value throws a ConfigError naming the variable and what it accepts. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((key) => [key, emptyToUndefined(environment[key])]),
  );
  const parsed = environmentSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof typeof ACCEPTED;
      return `  ${name}=${JSON.stringify(environment[name])}: ${issue.message}; expected ${ACCEPTED[name]}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable and its default.`);
  }
  const env = parsed.data;
  return {
    database: {
      url: env.DATABASE_URL,
      // memory:// keeps PGlite in memory (tests, throwaway demos); anything else is a folder.
      dataDir: env.DATA_DIR === 'memory://' ? env.DATA_DIR : path.resolve(env.DATA_DIR),
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    redisUrl: env.REDIS_URL,
    host: env.HOST,
    apiPort: env.API_PORT,
    dashboardPort: env.DASHBOARD_PORT,
    nodeId: env.NODE_ID,
    claude: {
      cliPath: env.CLAUDE_CLI_PATH,
      maxAgents: env.CLAUDE_MAX_AGENTS,
      turnTimeoutSeconds: env.CLAUDE_AGENT_TIMEOUT,
    },
    workspaceRoot: path.resolve(env.WORKSPACE_ROOT),
    logLevel: env.LOG_LEVEL,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    agentEnvironment: agentEnvironmentFrom(environment),
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
