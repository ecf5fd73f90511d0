/**
 * Soak: a bounded run of the real server process (`node --import tsx server/main.ts`, as
 * `npm start` runs it; agents are the fake CLI, test/support/fake-claude.mjs) under faults, ending
 * with a pass/fail summary. Run by hand or nightly; it is not part of `npm test`.
 *
 *   npm run soak -- [--quick] [--tasks 1000] [--agents 4] [--restart-every 250] [--kill-rate 0.02]
 *       [--subscribers 10] [--task-ms 200-1500] [--max-attempts 3] [--seed N] [--isolation auto|none]
 *       [--database-url postgres://...] [--keep-database] [--json FILE]
 *
 * --quick: 100 tasks, a restart every 25, kill rate 0.05 (options given explicitly still win).
 * Database: --database-url (else BENCH_DATABASE_URL) names a PostgreSQL server on which a fresh
 * database is created for the run (dropped at the end unless --keep-database); otherwise PGlite in
 * a temporary folder. Every server life uses the same database.
 *
 * Load: one session, `agents` workers, `tasks` tasks submitted through createTask with at most two
 * per agent open at a time; each task is one fake-CLI turn that streams its answer over a time
 * drawn from --task-ms (some also use a tool or think first).
 * Faults, at random from --seed (the tasks and the kills' moments replay; who is busy then depends
 * on timing): after each submission, with probability --kill-rate, a
 * `kill -9` of an agent's process (Agent.pid, preferring busy agents, checked to carry that agent's
 * AGENT_RUN_TAG first) 0-2 s later; every --restart-every tasks a restart of the server (SIGTERM,
 * wait for its exit, start again on the same database and port) while tasks are in flight;
 * throughout, subscriber churn: up to --subscribers taskUpdated / taskEvents / agentCommunication
 * subscriptions, each on its own WebSocket, opened and closed at random.
 *
 * Checks, with figures:
 * - no tagged process left: after every stop and after the final shutdown, no process carries one
 *   of the agents' AGENT_RUN_TAGs (what isolation.ts and orphan-reaper.ts recognise agents by);
 * - file descriptors (/proc/PID/fd) and active handles (process.getActiveResourcesInfo(), read by
 *   bench/soak-probe.mjs inside the server) of the drained server back to the idle server's before
 *   any load, within 5 each (both read once they have held still for 5 s, after the database pool's
 *   idle connections have timed out);
 * - no memory growth after warm-up (bench/memory-trend.ts), per server life: RSS from
 *   /proc/PID/status sampled every second under load, and the live heap (what survives a full
 *   collection the probe forces every 3 s; the sawtooth of RSS and heapUsed hides a slow leak);
 * - nothing lost (bench/soak-audit.ts), read from the database once the last server is stopped:
 *   every task terminal, transcripts gap-free 1..N, no task RUNNING without a running run (also
 *   checked at rest after every stop), no overlapping runs, every killed run retried or its task
 *   FAILED with a reason;
 * - every requested stop exited 0, no server died on its own and none logged an error (level 50
 *   and up; the first few are printed with their origin); every taskEvents subscription saw
 *   gap-free seqs and no subscription ended with an error while the server was up.
 *
 * Exits 1 when a check fails. The server, every agent process, the database (unless kept) and the
 * temporary folder are removed at the end, on error and on SIGINT/SIGTERM too.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { openDatabase, type Database } from '../server/db/database.js';
import { createLogger } from '../server/logger.js';
import { mulberry32 } from '../test/support/seeded-random.js';
import {
  agentProcesses,
  killAgentProcesses,
  restartServerProcessOn,
  startServerProcess,
  type ServerProcess,
  type ServerProcessOptions,
} from '../test/support/server-process.js';
import { createBenchDatabase, describeUrl, type BenchDatabase } from './bench-app.js';
import { memoryTrend, type MemoryTrend } from './memory-trend.js';
import { ProcessSampler, sampleProcess, type ProcessSample } from './process-sampler.js';
import { atRest, auditSoak, type AtRest, type Audit } from './soak-audit.js';
import { createSession, createTask, createWorker, listAgents, rawIdOf, taskStates, TERMINAL, unfinishedTasks, type SoakAgent } from './soak-api.js';
import { SubscriberChurn } from './soak-subscribers.js';
import {
  cleanUpOnSignal,
  type CleanupStep,
  describeMachine,
  emitResult,
  errorText,
  integerOption,
  parseOptionArgs,
  type ReportRow,
  round,
  runCleanupSteps,
} from './support.js';

const MB = 1024 * 1024;
const PROBE = pathToFileURL(fileURLToPath(new URL('./soak-probe.mjs', import.meta.url))).href;
const SAMPLE_MS = 1_000;
/**
 * The probe forces a full garbage collection this often and records the heap that survives it:
 * a leak shows as a rising live heap, which the sawtooth of heapUsed (and of RSS) would blur.
 * A full collection of the server's ~80 MB heap takes a few tens of ms here: about 1 % of its time.
 */
const LIVE_HEAP_GC_MS = 3_000;
/** The live heap barely moves between collections: two readings per window are enough to compare. */
const LIVE_HEAP_MIN_SAMPLES = 6;
/** Tasks open (submitted, not ended) per agent: enough that no agent waits for work. */
const BACKLOG_PER_AGENT = 2;
/** A kill lands this long (at most) after the submission that drew it. */
const KILL_DELAY_MAX_MS = 2_000;
const DRAIN_TIMEOUT_MS = 300_000;
/** Longer than the pg pool's 10 s idle timeout, so connections opened under load have closed. */
const SETTLE_MIN_MS = 12_000;
/** Readings 1 s apart that must agree before fds and handles count as settled. */
const SETTLE_STABLE_READINGS = 5;
const SETTLE_MAX_MS = 90_000;
const FD_TOLERANCE = 5;
const HANDLE_TOLERANCE = 5;
/**
 * RSS may end a life this much above where it stood after warm-up: V8 sizes its heap to the load
 * (old space grows in steps of a few MB and is not given back at once) and glibc keeps freed
 * arenas, so an idle-to-busy server moves by several MB with no leak. A leak of the kind a soak
 * finds (a subscription, a process handle or a task's state retained) grows with the load, past it.
 */
const RSS_TOLERANCE_MB = 16;
/** The live heap holds caches that fill with use (parsed documents, prepared statements, loaders): a few MB. */
const LIVE_HEAP_TOLERANCE_MB = 8;

/**
 * Timers shortened so that every fault resolves within seconds; the rest is the product's defaults.
 * The kills are deliberate, so the crash breaker (tested on its own) must not take agents out.
 */
const SERVER_ENVIRONMENT: Record<string, string> = {
  SERVE_DASHBOARD: 'false',
  // Idle processes close soon after the load, so the drained server is compared without them.
  CLAUDE_IDLE_TIMEOUT: '2',
  CLAUDE_RESTART_BACKOFF_MS: '200',
  CLAUDE_RESTART_BACKOFF_MAX_MS: '2000',
  CLAUDE_CRASH_LIMIT: '1000',
  CLAUDE_STOP_GRACE_MS: '500',
  TASK_RETRY_BACKOFF_MS: '200',
  TASK_RETRY_BACKOFF_MAX_MS: '2000',
  // One driver submits every task from one address.
  RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
  SHUTDOWN_GRACE_MS: '5000',
  LOG_LEVEL: 'info',
};

// ------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  tasks: number;
  agents: number;
  restartEvery: number;
  killRate: number;
  subscribers: number;
  taskMs: readonly [number, number];
  maxAttempts: number;
  seed: number;
  isolation: 'auto' | 'none';
  databaseUrl?: string;
  keepDatabase: boolean;
  json?: string;
}

const FULL = { tasks: '1000', 'restart-every': '250', 'kill-rate': '0.02' };
const QUICK = { tasks: '100', 'restart-every': '25', 'kill-rate': '0.05' };

function parseOptions(argv: string[]): Options {
  const flags = new Set(['--quick', '--keep-database']);
  const quick = argv.includes('--quick');
  const values = parseOptionArgs(
    argv.filter((arg) => !flags.has(arg)),
    {
      ...(quick ? QUICK : FULL),
      agents: '4',
      subscribers: '10',
      'task-ms': '200-1500',
      'max-attempts': '3',
      seed: String(randomInt(2 ** 31)),
      isolation: 'auto',
      'database-url': process.env.BENCH_DATABASE_URL || undefined,
      json: undefined,
    },
  );
  const range = /^(\d+)-(\d+)$/.exec(values['task-ms']);
  if (!range || Number(range[1]) > Number(range[2])) throw new Error(`--task-ms: expected MIN-MAX in ms, got ${values['task-ms']}`);
  const killRate = Number(values['kill-rate']);
  if (!(killRate >= 0 && killRate <= 1)) throw new Error(`--kill-rate: expected a probability from 0 to 1, got ${values['kill-rate']}`);
  if (values.isolation !== 'auto' && values.isolation !== 'none') throw new Error(`--isolation: expected auto or none, got ${values.isolation}`);
  return {
    quick,
    tasks: integerOption('tasks', values.tasks),
    agents: integerOption('agents', values.agents),
    restartEvery: integerOption('restart-every', values['restart-every']),
    killRate,
    subscribers: integerOption('subscribers', values.subscribers, 0),
    taskMs: [Number(range[1]), Number(range[2])],
    maxAttempts: Math.min(10, integerOption('max-attempts', values['max-attempts'])),
    seed: integerOption('seed', values.seed, 0),
    isolation: values.isolation,
    databaseUrl: values['database-url'],
    keepDatabase: argv.includes('--keep-database'),
    json: values.json,
  };
}

// ------------------------------------------------------------------------------------------
// What the soak records

interface Life {
  n: number;
  pid: number;
  probeFile: string;
  sampler: ProcessSampler;
  samples: ProcessSample[];
  startedAt: number;
  /** Load starts with the life (the first life: once the idle baseline is taken and the agents exist). */
  loadStartedAt: number;
  /** Load ends at the stop (or, for the last life, when every task has ended). */
  loadEndedAt?: number;
  tasksSubmitted: number;
  exit?: { exitCode?: number; signal?: string; stopMs: number; requested: boolean };
  /** Tagged processes found right after the server's exit. */
  leftBehind?: number;
  atRest?: AtRest;
  /** Under load, after warm-up: resident set (from /proc), and from the probe the JS heap and memory outside it (Buffers, WebAssembly). */
  rss?: MemoryTrend;
  heap?: MemoryTrend;
  external?: MemoryTrend;
  /** The heap left after each forced full collection (see LIVE_HEAP_GC_MS). */
  liveHeap?: MemoryTrend;
}

interface Kill {
  at: number;
  life: number;
  agentId: string;
  pid: number;
  status: string;
}

/** The idle server's descriptors, handles and memory, once they have held still. */
interface Settled {
  fds: number;
  threads: number;
  rssMb: number;
  handles: number;
  handlesByType: Record<string, number>;
  /** Heap after the probe's latest forced full collection. */
  liveHeapMb?: number;
  stable: boolean;
  waitedS: number;
  /** PostgreSQL only: connections to the soak's database. */
  databaseConnections?: number;
}

/** Error and warning lines of every server life (pino levels 50+ and 40), and stderr lines. */
class ServerLog {
  errors = 0;
  warnings = 0;
  stderrLines = 0;
  readonly firstErrors: string[] = [];

  watch(stdout: Readable, stderr: Readable): void {
    readline.createInterface({ input: stdout }).on('line', (line) => this.read(line));
    readline.createInterface({ input: stderr }).on('line', (line) => {
      this.stderrLines++;
      this.keep(line);
    });
  }

  private read(line: string): void {
    let entry: { level?: number; msg?: string; err?: { message?: string; stack?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if ((entry.level ?? 0) >= 50) {
      this.errors++;
      // The product's own frames say where it came from.
      const where = entry.err?.stack
        ?.split('\n')
        .slice(1)
        .filter((frame) => !frame.includes('node_modules') && !frame.includes('node:internal'))
        .slice(0, 4)
        .map((frame) => frame.trim())
        .join(' < ');
      this.keep(`${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}${where ? ` (${where})` : ''}`);
    } else if (entry.level === 40) this.warnings++;
  }

  private keep(text: string): void {
    if (this.firstErrors.length < 5 && !this.firstErrors.includes(text)) this.firstErrors.push(text.slice(0, 600));
  }
}

/** True while `pid` runs with AGENT_RUN_TAG=`tag` in its environment: a reused pid is never killed. */
function carriesTag(pid: number, tag: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`AGENT_RUN_TAG=${tag}`);
  } catch {
    return false;
  }
}

interface ProbeSample {
  at: number;
  resources: Record<string, number>;
  heapUsed: number;
  external: number;
  liveHeap?: number;
}

/** What bench/soak-probe.mjs wrote, oldest first. */
function readProbe(file: string): ProbeSample[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as ProbeSample);
  } catch {
    return [];
  }
}

/** The probe's latest handles reading, and its latest live heap. */
function latestProbe(file: string): { handles: number; byType: Record<string, number>; liveHeapMb?: number } | undefined {
  const samples = readProbe(file);
  const last = samples.at(-1);
  const live = samples.findLast((p) => p.liveHeap !== undefined)?.liveHeap;
  return last && { handles: Object.values(last.resources).reduce((a, b) => a + b, 0), byType: last.resources, liveHeapMb: live === undefined ? undefined : round(live / MB, 1) };
}

async function databaseConnections(adminUrl: string, url: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------------------------------
// The run

class Soak {
  readonly lives: Life[] = [];
  readonly kills: Kill[] = [];
  killsSkipped = 0;
  readonly acknowledged: string[] = [];
  /** createTask calls cut off by a server that died: the task may or may not exist. */
  indeterminate = 0;
  readonly log = new ServerLog();
  readonly unexpectedExits: string[] = [];
  readonly problems: string[] = [];
  baseline?: Settled;
  drained?: Settled;
  leftAtEnd?: ReturnType<typeof agentProcesses>;
  audit?: Audit;

  private server?: ServerProcess;
  private port = 0;
  /** True while the server is listening and not being stopped: kills and new subscriptions wait otherwise. */
  private up = false;
  private serverDied = false;
  private sessionId = '';
  private readonly agentTags = new Set<string>();
  private readonly open = new Set<string>();
  private readonly recent: string[] = [];
  private readonly pendingKills = new Set<Promise<void>>();
  /**
   * Separate streams, so that what --seed replays does not depend on timing: the tasks, which
   * submissions draw a kill and when it lands come from `random`; the choice of a victim (among the
   * agents busy at that moment) and the subscriber churn draw from their own.
   */
  private readonly random: () => number;
  private readonly victimRandom: () => number;
  private readonly churnRandom: () => number;
  private churn?: SubscriberChurn;

  constructor(
    readonly options: Options,
    private readonly database: BenchDatabase,
    private readonly root: string,
  ) {
    this.random = mulberry32(options.seed);
    this.victimRandom = mulberry32(options.seed + 1);
    this.churnRandom = mulberry32(options.seed + 2);
  }

  private get life(): Life {
    return this.lives.at(-1)!;
  }

  async run(): Promise<void> {
    const { options } = this;
    await this.startLife();
    this.baseline = await this.settle();
    console.log(`   idle server before load: ${this.describeSettled(this.baseline)}`);
    this.sessionId = await createSession(this.server!, 'soak');
    for (let i = 1; i <= options.agents; i++) {
      const agent = await createWorker(this.server!, this.sessionId, `soak worker ${i}`);
      this.agentTags.add(agent.rawId);
    }
    this.churn = new SubscriberChurn({
      sessionId: this.sessionId,
      maxOpen: options.subscribers,
      lifetimeMs: [200, 5_000],
      tickMs: 250,
      random: this.churnRandom,
      recentTasks: () => this.recent,
    });
    if (options.subscribers > 0) this.churn.serverUp(this.server!.url);
    this.life.loadStartedAt = Date.now();

    const progressEvery = Math.max(1, Math.floor(options.tasks / 20));
    for (let i = 1; i <= options.tasks; i++) {
      await this.waitForRoom();
      await this.submit(i);
      if (this.random() < options.killRate) this.scheduleKill();
      if (i % options.restartEvery === 0 && i < options.tasks) await this.restart();
      if (i % progressEvery === 0) this.progress(i);
    }
    const drained = await this.drain();
    this.life.loadEndedAt = Date.now();
    await Promise.all(this.pendingKills);
    await this.churn.stop();
    if (drained) {
      await this.waitForIdleAgents();
      this.drained = await this.settle();
      console.log(`   drained server after load: ${this.describeSettled(this.drained)}`);
    }
    await this.endLife(true);
    this.leftAtEnd = agentProcesses(this.agentTags);
    this.audit = await this.withDatabase((db) => auditSoak(db, this.rawSessionId, this.acknowledged.map(rawIdOf)));
  }

  /** Safety net after the run (the checks have already counted what is left): nothing of ours survives. */
  async cleanup(): Promise<void> {
    this.up = false;
    await this.churn?.stop();
    const server = this.server;
    if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
    killAgentProcesses(this.agentTags);
  }

  private get rawSessionId(): string {
    return rawIdOf(this.sessionId);
  }

  // --- server lives ---------------------------------------------------------------------

  private async startLife(): Promise<void> {
    const n = this.lives.length + 1;
    const probeFile = path.join(this.root, `probe-life-${n}.jsonl`);
    const serverOptions: ServerProcessOptions = {
      scratch: this.root,
      database: this.database,
      name: `server life ${n}`,
      environment: {
        ...SERVER_ENVIRONMENT,
        CLAUDE_MAX_AGENTS: String(Math.max(10, this.options.agents)),
        AGENT_ISOLATION: this.options.isolation,
        NODE_OPTIONS: `--import=${PROBE}`,
        SOAK_PROBE_FILE: probeFile,
        SOAK_PROBE_INTERVAL_MS: String(SAMPLE_MS),
        SOAK_PROBE_GC_MS: String(LIVE_HEAP_GC_MS),
      },
    };
    const server = n === 1 ? await startServerProcess(serverOptions) : await restartServerProcessOn(this.port, serverOptions);
    this.server = server;
    this.port = Number(new URL(server.url).port);
    const pid = server.child.pid!;
    const now = Date.now();
    const life: Life = { n, pid, probeFile, sampler: new ProcessSampler(pid, SAMPLE_MS), samples: [], startedAt: now, loadStartedAt: now, tasksSubmitted: 0 };
    this.lives.push(life);
    this.log.watch(server.child.stdout!, server.child.stderr!);
    this.serverDied = false;
    void server.child.then((result) => {
      if (!this.up || life.exit) return;
      this.up = false;
      this.serverDied = true;
      this.unexpectedExits.push(`life ${n} (pid ${pid}) exited on its own: code ${result.exitCode ?? '-'}, signal ${result.signal ?? '-'}`);
    });
    this.up = true;
    if (this.churn && this.options.subscribers > 0) this.churn.serverUp(server.url);
  }

  /** Stops the current life with SIGTERM (or records how it died), then checks what it left: processes and RUNNING rows. */
  private async endLife(requested: boolean): Promise<void> {
    const life = this.life;
    this.up = false;
    this.churn?.serverDown();
    const t0 = Date.now();
    life.loadEndedAt ??= t0;
    const result = await this.server!.stop('SIGTERM');
    life.exit = { exitCode: result.exitCode, signal: result.signal, stopMs: Date.now() - t0, requested };
    life.samples = life.sampler.stop();
    const underLoad = (s: { at: number }) => s.at >= life.loadStartedAt && s.at <= life.loadEndedAt!;
    life.rss = memoryTrend(life.samples.filter(underLoad).map((s) => ({ at: s.at, mb: s.rssMb })));
    const probes = readProbe(life.probeFile).filter(underLoad);
    life.heap = memoryTrend(probes.map((p) => ({ at: p.at, mb: p.heapUsed / MB })));
    life.external = memoryTrend(probes.map((p) => ({ at: p.at, mb: p.external / MB })));
    life.liveHeap = memoryTrend(
      probes.filter((p) => p.liveHeap !== undefined).map((p) => ({ at: p.at, mb: p.liveHeap! / MB })),
      { minSamples: LIVE_HEAP_MIN_SAMPLES },
    );
    const left = agentProcesses(this.agentTags);
    life.leftBehind = left.length;
    if (left.length > 0) this.problems.push(`life ${life.n}: ${left.length} tagged process(es) after the server exited: ${JSON.stringify(left)}`);
    if (this.sessionId) life.atRest = await this.withDatabase((db) => atRest(db, this.rawSessionId));
  }

  private async restart(): Promise<void> {
    await this.endLife(true);
    const life = this.life;
    console.log(
      `   restart after life ${life.n}: stop ${life.exit!.stopMs} ms, exit ${life.exit!.exitCode ?? life.exit!.signal}, ` +
        `${life.leftBehind} tagged left, at rest ${JSON.stringify(life.atRest)}`,
    );
    await this.startLife();
  }

  /** Runs `step`; if the server died on its own meanwhile, records it, starts a new life and tries again. */
  private async guarded<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!this.serverDied || attempt > 3) throw error;
        await this.replaceDeadServer();
      }
    }
  }

  private async replaceDeadServer(): Promise<void> {
    console.log(`   ${this.unexpectedExits.at(-1)}; starting a new life`);
    await this.endLife(false);
    await this.startLife();
  }

  private async withDatabase<T>(read: (db: Database) => Promise<T>): Promise<T> {
    const handle = await openDatabase({
      url: this.database.url,
      dataDir: this.database.dataDir,
      statementTimeoutMs: 60_000,
      logger: createLogger('silent'),
    });
    try {
      return await read(handle.db);
    } finally {
      await handle.close();
    }
  }

  // --- load ----------------------------------------------------------------------------

  private title(i: number): string {
    const [min, max] = this.options.taskMs;
    const ms = Math.round(min + this.random() * (max - min));
    const extra = i % 4 === 0 ? ' USE_TOOL' : i % 7 === 0 ? ' THINK' : '';
    return `soak #${String(i).padStart(4, '0')}${extra} SLEEP ${ms}`;
  }

  private async submit(i: number): Promise<void> {
    const title = this.title(i);
    try {
      const id = await createTask(this.server!, { sessionId: this.sessionId, title, maxAttempts: this.options.maxAttempts });
      this.acknowledged.push(id);
      this.open.add(id);
      this.recent.push(id);
      if (this.recent.length > 20) this.recent.shift();
      this.life.tasksSubmitted++;
    } catch (error) {
      if (!this.serverDied) throw error;
      // Never retried: it may exist (the audit reads every task of the session).
      this.indeterminate++;
      await this.replaceDeadServer();
    }
  }

  /** Forgets the open tasks that have ended. */
  private async refresh(): Promise<void> {
    const states = await this.guarded(() => taskStates(this.server!, [...this.open]));
    for (const [id, state] of states) if (TERMINAL.has(state.status)) this.open.delete(id);
  }

  private async waitForRoom(): Promise<void> {
    while (this.open.size >= this.options.agents * BACKLOG_PER_AGENT) {
      await this.refresh();
      await delay(100);
    }
  }

  /** Waits until every task of the session has ended; false (with the reason noted) on timeout. */
  private async drain(): Promise<boolean> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      await this.refresh();
      if (this.open.size === 0) {
        const unfinished = await this.guarded(() => unfinishedTasks(this.server!, this.sessionId));
        if (unfinished.length === 0) return true;
        for (const id of unfinished) this.open.add(id);
      }
      if (Date.now() > deadline) {
        this.problems.push(`${this.open.size} task(s) not ended ${DRAIN_TIMEOUT_MS / 1000} s after the last submission`);
        return false;
      }
      await delay(200);
    }
  }

  private async waitForIdleAgents(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const agents = await this.guarded(() => listAgents(this.server!, this.sessionId));
      if (agents.every((a) => a.pid === null && a.status === 'IDLE')) return;
      if (Date.now() > deadline) {
        this.problems.push(`agents not idle without a process 30 s after the load: ${agents.map((a) => `${a.status}/${a.pid ?? '-'}`).join(', ')}`);
        return;
      }
      await delay(500);
    }
  }

  // --- faults ----------------------------------------------------------------------------

  private scheduleKill(): void {
    const kill = delay(this.random() * KILL_DELAY_MAX_MS)
      .then(() => this.killOne())
      .catch(() => void this.killsSkipped++)
      .finally(() => this.pendingKills.delete(kill));
    this.pendingKills.add(kill);
  }

  /** kill -9 of a busy agent's process (an idle one when none is busy); skipped while the server is down. */
  private async killOne(): Promise<void> {
    if (!this.up) {
      this.killsSkipped++;
      return;
    }
    const agents = await listAgents(this.server!, this.sessionId);
    const live = agents.filter((a): a is SoakAgent & { pid: number } => a.pid !== null && carriesTag(a.pid, a.rawId));
    const busy = live.filter((a) => a.status === 'BUSY');
    const pool = busy.length > 0 ? busy : live;
    const target = pool[Math.floor(this.victimRandom() * pool.length)];
    if (!target || !this.up) {
      this.killsSkipped++;
      return;
    }
    process.kill(target.pid, 'SIGKILL');
    this.kills.push({ at: Date.now(), life: this.life.n, agentId: target.rawId, pid: target.pid, status: target.status });
  }

  // --- measurements ----------------------------------------------------------------------

  /** Descriptors and handles of the current life once they hold still (see SETTLE_*). */
  private async settle(): Promise<Settled> {
    const { pid, probeFile } = this.life;
    const t0 = Date.now();
    await delay(SETTLE_MIN_MS);
    const readings: Omit<Settled, 'stable' | 'waitedS' | 'databaseConnections'>[] = [];
    let stable = false;
    for (;;) {
      const sample = sampleProcess(pid);
      const probe = latestProbe(probeFile);
      if (!sample || !probe) throw new Error(`cannot read the server (pid ${pid}) or its probe file`);
      readings.push({ fds: sample.fds, threads: sample.threads, rssMb: round(sample.rssMb, 1), handles: probe.handles, handlesByType: probe.byType, liveHeapMb: probe.liveHeapMb });
      const last = readings.slice(-SETTLE_STABLE_READINGS);
      stable = last.length === SETTLE_STABLE_READINGS && last.every((r) => r.fds === last[0]!.fds && r.handles === last[0]!.handles);
      if (stable || Date.now() - t0 > SETTLE_MAX_MS) break;
      await delay(1_000);
    }
    const databaseUrl = this.database.url;
    return {
      ...readings.at(-1)!,
      stable,
      waitedS: round((Date.now() - t0) / 1000, 0),
      ...(databaseUrl && this.options.databaseUrl ? { databaseConnections: await databaseConnections(this.options.databaseUrl, databaseUrl) } : {}),
    };
  }

  describeSettled(s: Settled): string {
    const byType = Object.entries(s.handlesByType).map(([type, n]) => `${type} ${n}`).join(', ');
    return (
      `${s.fds} fds, ${s.handles} handles (${byType}), ${s.threads} threads, RSS ${s.rssMb} MB, live heap ${s.liveHeapMb ?? '?'} MB` +
      `${s.databaseConnections === undefined ? '' : `, ${s.databaseConnections} database connections`}` +
      `${s.stable ? '' : ` (NOT settled after ${s.waitedS} s)`}`
    );
  }

  private progress(i: number): void {
    const last = this.life.sampler.samples.at(-1);
    console.log(
      `   task ${i}/${this.options.tasks}: ${this.acknowledged.length - this.open.size} ended, ${this.open.size} open; ` +
        `life ${this.life.n}; kills ${this.kills.length} (${this.killsSkipped} skipped); ` +
        `subscriptions ${this.churn?.openCount ?? 0} open, ${Object.values(this.churn?.figures.opened ?? {}).reduce((a, b) => a + b, 0)} opened; ` +
        `server RSS ${last ? round(last.rssMb, 1) : '-'} MB, ${last?.fds ?? '-'} fds`,
    );
  }

  get churnFigures() {
    return this.churn?.figures;
  }
}

// ------------------------------------------------------------------------------------------
// Verdict

const signed = (n: number | undefined): string => (n === undefined ? '?' : `${n >= 0 ? '+' : ''}${n}`);

interface Check {
  name: string;
  criterion: string;
  figures: string;
  /** null: this run cannot judge it (e.g. lives too short to compare windows); left out of the verdict. */
  pass: boolean | null;
}

function checks(soak: Soak): Check[] {
  const { lives, audit, baseline, drained, leftAtEnd } = soak;
  const list: Check[] = [];
  const leftPerLife = lives.map((l) => l.leftBehind ?? 0);
  list.push({
    name: 'no tagged process left',
    criterion: '0 after every stop and after the final shutdown',
    figures: `${leftAtEnd?.length ?? '?'} after the final shutdown; after each stop: ${leftPerLife.join(', ')}`,
    pass: leftAtEnd?.length === 0 && leftPerLife.every((n) => n === 0),
  });
  const settled = baseline && drained && baseline.stable && drained.stable;
  list.push({
    name: 'file descriptors back to baseline',
    criterion: `within ${FD_TOLERANCE}`,
    figures: baseline && drained ? `${baseline.fds} idle before load, ${drained.fds} drained (${drained.fds - baseline.fds >= 0 ? '+' : ''}${drained.fds - baseline.fds})${settled ? '' : ', not settled'}` : 'not measured (load did not drain)',
    pass: Boolean(settled && Math.abs(drained!.fds - baseline!.fds) <= FD_TOLERANCE),
  });
  list.push({
    name: 'active handles back to baseline',
    criterion: `within ${HANDLE_TOLERANCE}`,
    figures: baseline && drained ? `${baseline.handles} idle before load, ${drained.handles} drained (${drained.handles - baseline.handles >= 0 ? '+' : ''}${drained.handles - baseline.handles})` : 'not measured',
    pass: Boolean(settled && Math.abs(drained!.handles - baseline!.handles) <= HANDLE_TOLERANCE),
  });
  const trends = lives.filter((l) => l.rss);
  list.push({
    name: 'no RSS growth after warm-up',
    criterion: `late window - early window <= ${RSS_TOLERANCE_MB} MB, each life`,
    figures:
      trends
        .map(
          (l) =>
            `life ${l.n}: ${l.rss!.earlyMeanMb} -> ${l.rss!.lateMeanMb} MB (${signed(l.rss!.growthMb)}; JS heap ${signed(l.heap?.growthMb)}, outside the heap ${signed(l.external?.growthMb)}; ` +
            `early spread ${l.rss!.earlySpreadMb}, slope ${l.rss!.slopeMbPerMin} MB/min over ${l.rss!.spanS} s)`,
        )
        .join('; ') || 'not judged: no life had enough samples under load (use longer lives, e.g. without --quick)',
    pass: trends.length > 0 ? trends.every((l) => l.rss!.growthMb <= RSS_TOLERANCE_MB) : null,
  });
  const live = lives.filter((l) => l.liveHeap);
  list.push({
    name: 'no live-heap growth after warm-up',
    criterion: `heap after a full collection: late window - early window <= ${LIVE_HEAP_TOLERANCE_MB} MB, each life`,
    figures:
      live
        .map((l) => `life ${l.n}: ${l.liveHeap!.earlyMeanMb} -> ${l.liveHeap!.lateMeanMb} MB (${signed(l.liveHeap!.growthMb)}, slope ${l.liveHeap!.slopeMbPerMin} MB/min over ${l.liveHeap!.spanS} s)`)
        .join('; ') || 'not judged: no life had enough collections under load',
    pass: live.length > 0 ? live.every((l) => l.liveHeap!.growthMb <= LIVE_HEAP_TOLERANCE_MB) : null,
  });
  if (audit) {
    const atRestProblems = lives.filter((l) => l.atRest && l.atRest.runningWithoutRun > 0).length + (audit.atRest.runningWithoutRun > 0 ? 1 : 0);
    list.push({
      name: 'nothing lost',
      criterion: 'every task terminal; seqs 1..N; none RUNNING without a run; killed runs retried or failed with a reason',
      figures:
        `${soak.acknowledged.length} acknowledged (${soak.indeterminate} cut off), ${audit.tasks} in the database: ${JSON.stringify(audit.statuses)}; ` +
        `lost ${audit.lost.length}; ${audit.events} events, ${audit.gapped.length} task(s) with a gap; ` +
        `RUNNING without a running run: ${lives.map((l) => l.atRest?.runningWithoutRun ?? '-').join(', ')} at each stop; ` +
        `runs ${audit.runs} ${JSON.stringify(audit.runStates)}, ended early: ${audit.endedEarly.killed} killed, ${audit.endedEarly.serverStopped} by a server stop, ${audit.endedEarly.other} other; ` +
        `killed runs ${audit.killedRuns.total}: ${audit.killedRuns.retried} retried, ${audit.killedRuns.failedWithReason} failed with a reason; ` +
        `unexplained ${audit.unexplained.length}, overlapping ${audit.duplicated.length}, attempts != runs ${audit.attemptMismatch.length}`,
      pass:
        audit.lost.length === 0 &&
        audit.gapped.length === 0 &&
        atRestProblems === 0 &&
        audit.atRest.runsRunning === 0 &&
        audit.unexplained.length === 0 &&
        audit.duplicated.length === 0 &&
        audit.attemptMismatch.length === 0,
    });
  } else {
    list.push({ name: 'nothing lost', criterion: 'audit of the database', figures: 'not audited (the run failed before)', pass: false });
  }
  const stops = lives.filter((l) => l.exit?.requested);
  list.push({
    name: 'server lives',
    criterion: 'each SIGTERM exits 0; none dies on its own; no error logged',
    figures:
      `${lives.length} lives; stops ${stops.map((l) => `${l.exit!.exitCode ?? l.exit!.signal} in ${l.exit!.stopMs} ms`).join(', ')}; ` +
      `${soak.unexpectedExits.length} unexpected exit(s); log: ${soak.log.errors} error, ${soak.log.warnings} warning, ${soak.log.stderrLines} stderr line(s)`,
    pass: soak.unexpectedExits.length === 0 && stops.every((l) => l.exit!.exitCode === 0) && soak.log.errors === 0,
  });
  const churn = soak.churnFigures;
  if (churn) {
    const errors = Object.values(churn.errors).reduce((a, b) => a + b, 0);
    list.push({
      name: 'subscriptions',
      criterion: 'taskEvents gap-free, no error while the server is up',
      figures:
        `opened ${JSON.stringify(churn.opened)} (at most ${churn.mostOpen} at once), messages ${JSON.stringify(churn.messages)}; ` +
        `closed by the client ${churn.closedByClient}, completed by the server ${churn.completedByServer}, cut by a restart ${churn.cutByRestart}; ` +
        `errors ${errors}${errors ? ` ${JSON.stringify(churn.errors)}` : ''}; taskEvents gaps ${churn.gaps}, duplicates ${churn.duplicates}`,
      pass: churn.gaps === 0 && churn.duplicates === 0 && errors === 0,
    });
  }
  return list;
}

// ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'soak-')));
  let database: BenchDatabase | undefined;
  let soak: Soak | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      const steps: CleanupStep[] = [
        ['stop the server and its agents', async () => soak?.cleanup()],
        ['drop the database', async () => (options.keepDatabase ? undefined : database?.drop())],
        ['remove the temporary folder', () => (options.keepDatabase && database?.kind === 'pglite' ? Promise.resolve() : rm(root, { recursive: true, force: true }))],
      ];
      await runCleanupSteps(steps);
    })());
  cleanUpOnSignal('stopping the server', cleanup);

  const started = Date.now();
  let fatal: unknown;
  try {
    database = await createBenchDatabase(options.databaseUrl, root, 'soak');
    console.log(
      `soak: ${describeMachine()}; ${database.describe}; seed ${options.seed}; ${options.tasks} tasks on ${options.agents} agents ` +
        `(${options.taskMs[0]}-${options.taskMs[1]} ms each, at most ${options.maxAttempts} attempts), a restart every ${options.restartEvery} tasks, ` +
        `kill rate ${options.killRate} per task, up to ${options.subscribers} subscriptions; isolation ${options.isolation}`,
    );
    soak = new Soak(options, database, root);
    await soak.run();
  } catch (error) {
    fatal = error;
    console.log(`   FAILED: ${errorText(error)}`);
  } finally {
    await cleanup();
  }

  const list = soak ? checks(soak) : [];
  const pass = !fatal && list.length > 0 && list.every((c) => c.pass !== false);
  const minutes = round((Date.now() - started) / 60_000, 1);
  console.log(`\nsoak ${pass ? 'PASS' : 'FAIL'} in ${minutes} min (seed ${options.seed}; replay with --seed ${options.seed})`);
  for (const check of list) console.log(`  ${check.pass === null ? 'n/a ' : check.pass ? 'PASS' : 'FAIL'}  ${check.name} (${check.criterion}): ${check.figures}`);
  for (const problem of soak?.problems ?? []) console.log(`  problem: ${problem}`);
  if (soak && soak.log.firstErrors.length > 0) console.log(`  server errors (first ${soak.log.firstErrors.length}): ${soak.log.firstErrors.join(' | ')}`);
  if (soak?.audit) {
    for (const [what, list] of [['lost', soak.audit.lost], ['gap', soak.audit.gapped], ['unexplained', soak.audit.unexplained], ['overlapping', soak.audit.duplicated], ['attempts', soak.audit.attemptMismatch]] as const) {
      for (const line of list.slice(0, 10)) console.log(`  ${what}: ${line}`);
    }
  }
  if (options.keepDatabase && database) console.log(`  database kept: ${database.url ? describeUrl(database.url) : database.dataDir}`);

  const rows: ReportRow[] = list.map((c) => ({ metric: c.name, product: c.figures, target: c.criterion, met: c.pass }));
  await emitResult(
    {
      bench: 'soak',
      pass,
      node: process.version,
      database: database?.kind,
      options: { ...options, databaseUrl: options.databaseUrl ? describeUrl(options.databaseUrl) : undefined },
      minutes,
      rows,
      baseline: soak?.baseline,
      drained: soak?.drained,
      lives: soak?.lives.map(({ sampler: _sampler, samples, ...life }) => ({ ...life, samples: samples.length })),
      kills: soak?.kills.length,
      killsSkipped: soak?.killsSkipped,
      subscriptions: soak?.churnFigures,
      audit: soak?.audit && { ...soak.audit, lost: soak.audit.lost.length, gapped: soak.audit.gapped.length, unexplained: soak.audit.unexplained.length },
      error: fatal ? errorText(fatal) : undefined,
    },
    options.json,
  );
  if (!pass) process.exitCode = 1;
}

await main();
