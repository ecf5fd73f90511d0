import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { decodeEncryptionKey } from './security/encryption-key.js';

/** Decoded at start, so that a bad key stops the server at once instead of failing the first secret. */
const encryptionKey = z.string().transform((text, ctx) => {
  const key = decodeEncryptionKey(text);
  if (!key) ctx.addIssue({ code: 'custom', message: 'is not 32 bytes written as 64 hex characters or base64' });
  return key ?? z.NEVER;
});

/** Environment variables the server reads; every default is the embedded, single-node one. */
const environmentSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(6011),
  SERVE_DASHBOARD: z.enum(['true', 'false']).default('true'),
  NODE_ID: z.string().min(1).max(100).default(os.hostname()),
  CLAUDE_CLI_PATH: z.string().min(1).optional(),
  CLAUDE_MAX_AGENTS: z.coerce.number().int().min(1).max(1000).default(10),
  CLAUDE_AGENT_TIMEOUT: z.coerce.number().int().min(1).max(86_400).default(300),
  CLAUDE_SILENCE_TIMEOUT: z.coerce.number().int().min(0).max(86_400).default(600),
  CLAUDE_IDLE_TIMEOUT: z.coerce.number().int().min(0).max(86_400).default(600),
  CLAUDE_MAX_MEMORY_MB: z.coerce.number().int().min(64).max(1_048_576).default(4096),
  CLAUDE_MAX_OUTPUT_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(50 * 1024 * 1024),
  CLAUDE_MAX_LINE_BYTES: z.coerce.number().int().min(1024).max(268_435_456).default(8 * 1024 * 1024),
  CLAUDE_STOP_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(2_000),
  CLAUDE_RESTART_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  CLAUDE_RESTART_BACKOFF_MAX_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  CLAUDE_CRASH_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  CLAUDE_CRASH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  CLAUDE_ALLOWED_MODELS: z.string().min(1).default('sonnet,opus,haiku,fable,opusplan,claude-*'),
  AGENT_ISOLATION: z.enum(['auto', 'none']).default('auto'),
  WATCHDOG_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  TASK_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
  TASK_RETRY_BACKOFF_MAX_MS: z.coerce.number().int().min(0).max(86_400_000).default(120_000),
  SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  WORKFLOW_MAX_WORKERS: z.coerce.number().int().min(1).max(100).default(4),
  SYSTEM_STATUS_INTERVAL_MS: z.coerce.number().int().min(250).max(3_600_000).default(5_000),
  SUBSCRIBER_MAX_QUEUED_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  SUBSCRIBER_STALL_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  METRICS_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  TRANSCRIPT_BUFFER_EVENTS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(104_857_600).default(1024 * 1024),
  WORKSPACE_ROOT: z.string().min(1).default('./workspace'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(5_000),
  CORS_ORIGINS: z.string().default('').transform(parseOrigins),
  RATE_LIMIT_MUTATIONS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  ENCRYPTION_KEY: encryptionKey.optional(),
  ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
});

export type Environment = z.input<typeof environmentSchema>;

/** Every variable the server reads (documented in .env.example and the README). */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape);

/** What each variable accepts, said in the error so the fix is obvious. */
const ACCEPTED: Record<keyof typeof environmentSchema.shape, string> = {
  DATABASE_URL: 'a postgres:// or postgresql:// URL, or unset for the embedded PGlite',
  DATA_DIR: 'a folder for the embedded database (default ./data)',
  REDIS_URL: 'a redis:// or rediss:// URL, or unset for in-memory pubsub',
  HOST: 'an interface to bind (default 127.0.0.1)',
  API_PORT: 'a port number from 0 to 65535 (default 4005)',
  DASHBOARD_PORT: 'a port number from 0 to 65535 (default 6011)',
  SERVE_DASHBOARD: 'true or false (default true; npm run dev sets false: Vite serves it)',
  NODE_ID: 'a name for this server node (default: the host name)',
  CLAUDE_CLI_PATH: 'the path of a claude executable, or unset for the pinned dependency',
  CLAUDE_MAX_AGENTS: 'an integer from 1 to 1000 (default 10)',
  CLAUDE_AGENT_TIMEOUT: 'seconds, an integer from 1 to 86400 (default 300)',
  CLAUDE_SILENCE_TIMEOUT: 'seconds without output while no tool runs, 0 to 86400; 0 turns it off (default 600)',
  CLAUDE_IDLE_TIMEOUT: 'seconds an idle agent process is kept, 0 to 86400; 0 closes it at once (default 600)',
  CLAUDE_MAX_MEMORY_MB: 'megabytes of RSS per agent process tree, 64 to 1048576 (default 4096)',
  CLAUDE_MAX_OUTPUT_BYTES: 'transcript bytes stored per run, 1024 to 1073741824 (default 52428800)',
  CLAUDE_MAX_LINE_BYTES: 'longest stdout line read from an agent, 1024 to 268435456 (default 8388608)',
  CLAUDE_STOP_GRACE_MS: 'milliseconds between the steps interrupt, SIGINT, SIGTERM, SIGKILL, 0 to 120000 (default 2000)',
  CLAUDE_RESTART_BACKOFF_MS: 'first delay before restarting a crashed agent, doubling each time, in ms (default 1000)',
  CLAUDE_RESTART_BACKOFF_MAX_MS: 'longest restart delay in ms (default 300000)',
  CLAUDE_CRASH_LIMIT: 'crashes within the window after which an agent stays FAILED, 1 to 1000 (default 5)',
  CLAUDE_CRASH_WINDOW_SECONDS: 'the crash-counting window in seconds (default 600)',
  CLAUDE_ALLOWED_MODELS: 'comma-separated model names or aliases agents may use; a trailing * matches a prefix (default sonnet,opus,haiku,fable,opusplan,claude-*)',
  AGENT_ISOLATION: 'auto (agents in their own PID namespace with a parent-death signal, where the kernel allows it) or none',
  WATCHDOG_INTERVAL_MS: 'how often limits are checked, 50 to 60000 ms (default 1000)',
  TASK_RETRY_BACKOFF_MS: 'delay before the second attempt of a task after a retryable failure, doubling each attempt, in ms (default 2000)',
  TASK_RETRY_BACKOFF_MAX_MS: 'longest delay between attempts of a task in ms (default 120000)',
  SCHEDULER_INTERVAL_MS: 'how often idle agents look for queued work they were not woken for, 50 to 60000 ms (default 1000)',
  WORKFLOW_MAX_WORKERS: 'workers a workflow may create when none is idle, 1 to 100 (default 4)',
  SYSTEM_STATUS_INTERVAL_MS: 'how often the systemStatus subscription sends an update without a change, 250 to 3600000 ms (default 5000)',
  SUBSCRIBER_MAX_QUEUED_EVENTS: 'events held for one subscription whose client is behind; past it the subscription ends with CONSUMER_TOO_SLOW, 100 to 1000000 (default 10000)',
  SUBSCRIBER_STALL_MS: 'a WebSocket whose client has not taken a message for this long is closed with CONSUMER_TOO_SLOW, 500 to 600000 ms (default 10000)',
  TRANSCRIPT_RETENTION_DAYS: 'days the transcript of an ended task is kept (its last event always is); 0 keeps everything (default 0)',
  METRICS_RETENTION_DAYS: 'days performance_metrics rows are kept (totals on tasks, agents and sessions stay); 0 keeps everything (default 30)',
  TRANSCRIPT_BUFFER_EVENTS: 'agent events held per task while the database cannot be written; past it the oldest are dropped and a GAP event counts them, 100 to 10000000 (default 100000)',
  WS_MAX_PAYLOAD_BYTES: 'largest message a WebSocket client may send, 1024 to 104857600 bytes (default 1048576)',
  WORKSPACE_ROOT: 'the folder agents may work in (default ./workspace)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent (default info)',
  DATABASE_STATEMENT_TIMEOUT_MS: 'milliseconds, from 100 to 600000 (default 30000)',
  SHUTDOWN_GRACE_MS: 'milliseconds, from 0 to 120000 (default 5000)',
  CORS_ORIGINS: 'comma-separated origins of other sites whose pages may call the API, such as https://ops.example.com (scheme, host and port only), or unset: only the server\'s own pages',
  RATE_LIMIT_MUTATIONS_PER_MINUTE: 'mutations one token (in local mode, one address) may run per minute, 0 to 1000000; 0 turns the limit off (default 600)',
  ENCRYPTION_KEY: '32 random bytes as 64 hex characters or base64 (e.g. openssl rand -hex 32), or unset: session secrets are then refused',
  ENCRYPTION_KEY_PREVIOUS: 'while replacing ENCRYPTION_KEY: the old key, which still opens secrets sealed under it until npm run secrets -- rotate has re-sealed them; unset otherwise',
};

/** Variables whose value a configuration error must not repeat. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['ENCRYPTION_KEY', 'ENCRYPTION_KEY_PREVIOUS']);

export interface Config {
  database: { url?: string; dataDir: string; statementTimeoutMs: number };
  redisUrl?: string;
  host: string;
  apiPort: number;
  dashboardPort: number;
  /** Whether this process serves the dashboard on dashboardPort. */
  serveDashboard: boolean;
  nodeId: string;
  claude: {
    cliPath?: string;
    maxAgents: number;
    /** Defaults of each agent's resourceLimits. */
    limits: { turnTimeoutSeconds: number; silenceTimeoutSeconds: number; maxMemoryMb: number; maxOutputBytes: number };
    idleTimeoutSeconds: number;
    maxLineBytes: number;
    stopGraceMs: number;
    restart: { backoffMs: number; maxBackoffMs: number; crashLimit: number; crashWindowMs: number };
    allowedModels: string[];
    isolation: 'auto' | 'none';
    watchdogIntervalMs: number;
  };
  tasks: {
    retry: { backoffMs: number; maxBackoffMs: number };
    schedulerIntervalMs: number;
    workflowMaxWorkers: number;
  };
  systemStatusIntervalMs: number;
  /** Agent events held in memory while the database cannot be written. */
  transcriptBufferEvents: number;
  /** Days an ended task's transcript is kept; 0 keeps it forever. */
  transcriptRetentionDays: number;
  /** Days performance_metrics rows are kept; 0 keeps them forever. */
  metricsRetentionDays: number;
  websocket: { maxQueuedEvents: number; stallMs: number; maxPayloadBytes: number };
  workspaceRoot: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  shutdownGraceMs: number;
  /** Origins (besides the server's own) whose pages may call the API from a browser. */
  corsOrigins: string[];
  /** Mutations per minute per caller; 0 = no limit. */
  rateLimit: { mutationsPerMinute: number };
  /** Variables passed on to agent processes (the rest of the server's environment stays private). */
  agentEnvironment: Record<string, string>;
  /** Seals session secrets (AES-256-GCM); unset: setting a session secret is refused. */
  encryptionKey?: Buffer;
  /** The key secrets were sealed under before encryptionKey: still opens them, until `npm run secrets -- rotate`. */
  previousEncryptionKey?: Buffer;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables an agent CLI needs to find its credentials, its provider and the network; nothing else leaks. */
const AGENT_ENVIRONMENT_PREFIXES = ['ANTHROPIC_', 'CLAUDE_CODE_', 'AWS_', 'GOOGLE_', 'VERTEX_', 'CLOUD_ML_'];
export const AGENT_ENVIRONMENT_NAMES = [
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
      const shown = SECRET_VARIABLES.has(name) ? '(value not shown)' : JSON.stringify(environment[name]);
      return `  ${name}=${shown}: ${issue.message}; expected ${ACCEPTED[name]}`;
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
    serveDashboard: env.SERVE_DASHBOARD === 'true',
    nodeId: env.NODE_ID,
    claude: {
      cliPath: env.CLAUDE_CLI_PATH,
      maxAgents: env.CLAUDE_MAX_AGENTS,
      limits: {
        turnTimeoutSeconds: env.CLAUDE_AGENT_TIMEOUT,
        silenceTimeoutSeconds: env.CLAUDE_SILENCE_TIMEOUT,
        maxMemoryMb: env.CLAUDE_MAX_MEMORY_MB,
        maxOutputBytes: env.CLAUDE_MAX_OUTPUT_BYTES,
      },
      idleTimeoutSeconds: env.CLAUDE_IDLE_TIMEOUT,
      maxLineBytes: env.CLAUDE_MAX_LINE_BYTES,
      stopGraceMs: env.CLAUDE_STOP_GRACE_MS,
      restart: {
        backoffMs: env.CLAUDE_RESTART_BACKOFF_MS,
        maxBackoffMs: env.CLAUDE_RESTART_BACKOFF_MAX_MS,
        crashLimit: env.CLAUDE_CRASH_LIMIT,
        crashWindowMs: env.CLAUDE_CRASH_WINDOW_SECONDS * 1000,
      },
      allowedModels: env.CLAUDE_ALLOWED_MODELS.split(',').map((m) => m.trim()).filter(Boolean),
      isolation: env.AGENT_ISOLATION,
      watchdogIntervalMs: env.WATCHDOG_INTERVAL_MS,
    },
    tasks: {
      retry: { backoffMs: env.TASK_RETRY_BACKOFF_MS, maxBackoffMs: env.TASK_RETRY_BACKOFF_MAX_MS },
      schedulerIntervalMs: env.SCHEDULER_INTERVAL_MS,
      workflowMaxWorkers: env.WORKFLOW_MAX_WORKERS,
    },
    systemStatusIntervalMs: env.SYSTEM_STATUS_INTERVAL_MS,
    transcriptBufferEvents: env.TRANSCRIPT_BUFFER_EVENTS,
    transcriptRetentionDays: env.TRANSCRIPT_RETENTION_DAYS,
    metricsRetentionDays: env.METRICS_RETENTION_DAYS,
    websocket: { maxQueuedEvents: env.SUBSCRIBER_MAX_QUEUED_EVENTS, stallMs: env.SUBSCRIBER_STALL_MS, maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES },
    workspaceRoot: path.resolve(env.WORKSPACE_ROOT),
    logLevel: env.LOG_LEVEL,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    corsOrigins: env.CORS_ORIGINS,
    rateLimit: { mutationsPerMinute: env.RATE_LIMIT_MUTATIONS_PER_MINUTE },
    agentEnvironment: agentEnvironmentFrom(environment),
    encryptionKey: env.ENCRYPTION_KEY,
    previousEncryptionKey: env.ENCRYPTION_KEY_PREVIOUS,
  };
}

/** `https://a.example, http://b.example:8080` as normalised origins; anything with a path is refused. */
function parseOrigins(text: string, ctx: z.RefinementCtx): string[] {
  const origins: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.href !== `${url.origin}/`) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not an origin` });
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
