/**
 * Scheduler benchmark: task claims through the product's claim transaction against a raw
 * SKIP LOCKED claim, and enqueue -> RUNNING latency through the whole app, on a real database.
 *
 *   npx tsx bench/scheduler.bench.ts [--agents 8] [--tasks 2000] [--rounds 2]
 *       [--latency-tasks 200] [--latency-agents 4] [--gap-ms 50] [--database-url postgres://...] [--json FILE]
 *
 * Database: --database-url, else BENCH_DATABASE_URL, else TEST_DATABASE_URL names a PostgreSQL
 * server on which a fresh database is created for the run and dropped at the end; with none of
 * them, PGlite in a temporary folder (the targets are for PostgreSQL).
 *
 * 1. Claims: `agents` loops drain `tasks` QUEUED tasks of one session through
 *    TaskService.claimNext(agent), the product's claim (one statement: the agent locked and
 *    checked IDLE, SKIP LOCKED claim, run insert, task update, numbered status event,
 *    TASK_ASSIGNMENT communication, agent -> BUSY with its event; then the publications). No
 *    agent process exists (claimNext spawns none). An agent holds at most one RUNNING run
 *    (runs_running_by_agent), so each claim is made by a fresh IDLE agent row from a pool
 *    inserted before the round (untimed); nothing is reset inside the round. A loop ends at its
 *    first empty claim (rows only leave QUEUED, so the rest is locked by other loops' claims in
 *    flight). The node has no process slot meanwhile (config.claude.maxAgents = 0): the
 *    product's own later looks for an idle agent (the retry after a skipped claim, the
 *    scheduler's sweep) still run but cannot start a process and take tasks past the loops.
 * 2. Baseline: the same number of loops drain the same number of QUEUED rows of another session
 *    in the same `tasks` table with one raw statement per claim:
 *      UPDATE tasks SET status = 'RUNNING' WHERE id = (SELECT id FROM tasks WHERE status = 'QUEUED'
 *        AND session_id = $1 ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id
 *    through the same Kysely instance and pool. Rounds alternate S R R S ... so drift on a shared
 *    machine hits both sides alike; each round's queue is filled by one multi-row INSERT and the
 *    database is VACUUM ANALYZEd before it (untimed), and one small round per side warms up first.
 *    After every round each side must have claimed every task exactly once (checked in the loops'
 *    tallies and in the database): a duplicate or a lost task makes the run exit 1.
 * 3. Enqueue -> start: the whole app (createApp, fake CLI test/support/fake-claude.mjs) with
 *    `latency-agents` idle agents whose processes are up (warmed with one task each, then a few
 *    discarded samples). Tasks are submitted one at a time through TaskService.createTask; the
 *    time is from just before createTask to the after-commit publication of the claim that made
 *    the task RUNNING. taskEvent is scoped by task id, unknown before createTask returns (and the
 *    claim can commit before it does), so the bench listens on agentStatus 'all': the agent's
 *    -> BUSY transition is written in the claim's transaction and published in the same
 *    after-commit batch as the task's RUNNING event; its reason names the task's (unique) title.
 *    Each sample waits for its task's turn to end, then `gap-ms`, so every sample starts with
 *    all agents idle.
 *
 * Prints figures with the targets beside them and a final JSON line (also written to --json
 * FILE, with the rows of `npm run bench`'s report); it asserts nothing about timings. The app (and so every agent process), the database and the temporary folder are
 * removed at the end, on error and on SIGINT/SIGTERM too.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import type { App } from '../server/app.js';
import type { Database } from '../server/db/database.js';
import type { AgentRow } from '../server/db/types.js';
import { newId } from '../server/ids.js';
import type { AgentStatusChange, Subscription } from '../server/realtime/event-bus.js';
import {
  cleanUpOnSignal,
  type CleanupStep,
  describeMachine,
  emitResult,
  errorText,
  integerOption,
  machineBusyPercent,
  machineCpu,
  mark,
  pad,
  parseOptionArgs,
  percentile,
  type ReportRow,
  round,
  runCleanupSteps,
  within,
} from './support.js';
import { createBenchDatabase, describeUrl, startBenchApp, type BenchDatabase } from './bench-app.js';

const TARGET_CLAIM_RATIO = 0.7;
const TARGET_START_P50_MS = 5;
/** Tasks per side in the warm-up round (not reported): enough for the JIT and the plan caches to settle. */
const WARMUP_TASKS = 1000;
/** Discarded enqueue -> start samples after the agents' warm-up tasks. */
const WARMUP_SAMPLES = 20;
/** Rows per INSERT when filling a queue. */
const FILL_CHUNK = 500;
/** claimNext retries a skipped claim after 25 ms (CLAIM_RETRY_MS); this lets such a retry pass before checking. */
const SETTLE_MS = 100;
const START_TIMEOUT_MS = 10_000;
const TURN_TIMEOUT_MS = 30_000;

/** SQL statements the app has sent (Kysely's onQuery; BEGIN and COMMIT included). */
const statements = { count: 0 };

// ------------------------------------------------------------------------------------------
// Arguments

interface Options {
  agents: number;
  tasks: number;
  rounds: number;
  latencyTasks: number;
  latencyAgents: number;
  gapMs: number;
  databaseUrl?: string;
  json?: string;
}

function parseOptions(argv: string[]): Options {
  const values = parseOptionArgs(argv, {
    agents: '8',
    tasks: '2000',
    rounds: '2',
    'latency-tasks': '200',
    'latency-agents': '4',
    'gap-ms': '50',
    'database-url': process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined,
    json: undefined,
  });
  return {
    agents: integerOption('agents', values.agents),
    tasks: integerOption('tasks', values.tasks),
    rounds: integerOption('rounds', values.rounds),
    latencyTasks: integerOption('latency-tasks', values['latency-tasks'], 0),
    latencyAgents: integerOption('latency-agents', values['latency-agents']),
    gapMs: integerOption('gap-ms', values['gap-ms'], 0),
    databaseUrl: values['database-url'],
    json: values.json,
  };
}

// ------------------------------------------------------------------------------------------
// Small helpers

const ascending = (values: number[]): number[] => [...values].sort((a, b) => a - b);

/** Busy and total jiffies of the whole machine (/proc/stat), for its CPU share over a window; undefined off Linux. */
// ------------------------------------------------------------------------------------------
// Database: a fresh PostgreSQL database for the run, or PGlite in the run's temporary folder.

async function startApp(database: BenchDatabase, root: string, options: Options): Promise<App> {
  return startBenchApp(database, root, { CLAUDE_MAX_AGENTS: String(Math.max(10, options.latencyAgents)) }, () => void statements.count++);
}

// ------------------------------------------------------------------------------------------
// 1 + 2. Claims

/** Fills a session's queue with n QUEUED tasks (one multi-row INSERT per chunk); returns their ids. */
async function fillQueue(db: Database, sessionId: string, n: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += FILL_CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + FILL_CHUNK); i++) {
      const id = newId();
      ids.push(id);
      rows.push({ id, sessionId, title: `${label} ${i}`, description: '', status: 'QUEUED' as const, priority: 0, maxAttempts: 1 });
    }
    await db.insertInto('tasks').values(rows).execute();
  }
  // Untimed: every round starts from tables without the previous rounds' dead rows, and fresh statistics.
  await sql`VACUUM ANALYZE`.execute(db);
  return ids;
}

interface RoundSample {
  side: 'S' | 'R';
  tasks: number;
  wallMs: number;
  cpuMs: number;
  /** Per claim: the claim alone (claimNext, or the raw statement). */
  claimMs: number[];
  /** Per loop: its time in claims alone (for the claim-only rate). */
  loopClaimMs: number[];
  /** Claims that returned nothing: each loop's last (the rest of the queue was empty or locked by other loops). */
  misses: number;
  duplicates: number;
  lost: number;
  /** Tasks RUNNING in the database but not claimed by the loops (e.g. by claimNext's own retry). */
  claimedElsewhere: number;
  /** SQL statements sent during the timed round. */
  statements: number;
  /** The whole machine's CPU (this process, the database, everything) over the timed round. */
  machineBusyPercent: number;
  problems: string[];
}

/** Checks a round's tally against its tasks, and the database's view of them. */
async function verifyRound(db: Database, sample: RoundSample, ids: string[], claimed: string[], withRuns: boolean): Promise<void> {
  const expected = new Set(ids);
  const seen = new Set<string>();
  for (const id of claimed) {
    if (seen.has(id)) sample.duplicates++;
    seen.add(id);
    if (!expected.has(id)) sample.problems.push(`claimed a task of another round: ${id}`);
  }
  const unclaimed = ids.filter((id) => !seen.has(id));
  const rows: { id: string; status: string; attempts: number }[] = [];
  for (let start = 0; start < ids.length; start += FILL_CHUNK) {
    rows.push(...(await db.selectFrom('tasks').select(['id', 'status', 'attempts']).where('id', 'in', ids.slice(start, start + FILL_CHUNK)).execute()));
  }
  const status = new Map(rows.map((r) => [r.id, r]));
  for (const id of unclaimed) {
    if (status.get(id)?.status === 'RUNNING') sample.claimedElsewhere++;
    else sample.lost++;
  }
  const notRunning = rows.filter((r) => r.status !== 'RUNNING').length;
  if (notRunning > 0) sample.problems.push(`${notRunning} task(s) not RUNNING after the round`);
  if (withRuns) {
    const overAttempted = rows.filter((r) => r.attempts !== 1).length;
    if (overAttempted > 0) sample.problems.push(`${overAttempted} task(s) with attempts != 1`);
    let runs = 0;
    let tasksWithRuns = 0;
    for (let start = 0; start < ids.length; start += FILL_CHUNK) {
      const counts = await db
        .selectFrom('runs')
        .select(['taskId', (eb) => eb.fn.countAll<string>().as('n')])
        .where('taskId', 'in', ids.slice(start, start + FILL_CHUNK))
        .groupBy('taskId')
        .execute();
      tasksWithRuns += counts.length;
      for (const c of counts) {
        runs += Number(c.n);
        if (Number(c.n) > 1) sample.duplicates++;
      }
    }
    if (runs !== ids.length || tasksWithRuns !== ids.length) sample.problems.push(`${runs} runs for ${tasksWithRuns} of ${ids.length} tasks`);
  }
}

function emptySample(side: 'S' | 'R', tasks: number): RoundSample {
  return { side, tasks, wallMs: 0, cpuMs: 0, claimMs: [], loopClaimMs: [], misses: 0, duplicates: 0, lost: 0, claimedElsewhere: 0, statements: 0, machineBusyPercent: NaN, problems: [] };
}

/** IDLE agent rows without processes, on this node, as the claim expects them (untimed). */
async function insertIdleAgents(app: App, sessionId: string, count: number, label: string): Promise<AgentRow[]> {
  const db = app.database.db;
  const agents: AgentRow[] = [];
  for (let start = 0; start < count; start += FILL_CHUNK) {
    const rows = Array.from({ length: Math.min(FILL_CHUNK, count - start) }, (_, k) => ({
      id: newId(),
      sessionId,
      name: `claimer ${label} ${start + k}`,
      role: 'WORKER' as const,
      runtime: app.supervisor.adapter.runtime,
      model: null,
      status: 'IDLE' as const,
      config: JSON.stringify({}),
      cliSessionId: randomUUID(),
      nodeId: app.config.nodeId,
    }));
    agents.push(...(await db.insertInto('agents').values(rows).returningAll().execute()));
  }
  return agents;
}

/** The timed part of a round: `loops` concurrent loops claim until each gets nothing; fills the sample's figures and returns the ids claimed. */
async function timedClaimLoops(sample: RoundSample, loops: number, claim: () => Promise<string | undefined>): Promise<string[]> {
  const claimed: string[] = [];
  const statements0 = statements.count;
  const machine0 = machineCpu();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await Promise.all(
    Array.from({ length: loops }, async () => {
      let inClaims = 0;
      for (;;) {
        const c0 = performance.now();
        const id = await claim();
        const ms = performance.now() - c0;
        inClaims += ms;
        sample.claimMs.push(ms);
        if (id !== undefined) {
          claimed.push(id);
          continue;
        }
        // Nothing unlocked is QUEUED, and rows only leave QUEUED: the other loops' claims in
        // flight take the rest (a claim that failed would have thrown; verifyRound counts leftovers).
        sample.misses++;
        break;
      }
      sample.loopClaimMs.push(inClaims);
    }),
  );
  sample.wallMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  sample.cpuMs = (cpu.user + cpu.system) / 1000;
  sample.statements = statements.count - statements0;
  sample.machineBusyPercent = machineBusyPercent(machine0, machineCpu());
  return claimed;
}

/** One round through TaskService.claimNext, each claim by a fresh idle agent of the pool. */
async function schedulerRound(app: App, sessionId: string, loops: number, n: number, label: string): Promise<RoundSample> {
  const db = app.database.db;
  const ids = await fillQueue(db, sessionId, n, label);
  const pool = await insertIdleAgents(app, sessionId, n + loops, label);
  await sql`VACUUM ANALYZE agents`.execute(db);
  const sample = emptySample('S', n);
  const claimed = await timedClaimLoops(sample, loops, async () => (await app.services.tasks.claimNext(pool.pop()!))?.task.id);
  await delay(SETTLE_MS);
  await verifyRound(db, sample, ids, claimed, true);
  if (app.supervisor.liveAgentIds().length > 0) sample.problems.push('a process was started for a claim agent');
  return sample;
}

/** One round of the raw claim statement, with the same number of loops. */
async function rawRound(db: Database, sessionId: string, loops: number, n: number, label: string): Promise<RoundSample> {
  const ids = await fillQueue(db, sessionId, n, label);
  const sample = emptySample('R', n);
  const claimed = await timedClaimLoops(sample, loops, async () => {
    const { rows } = await sql<{ id: string }>`
      UPDATE tasks SET status = 'RUNNING'
      WHERE id = (SELECT id FROM tasks WHERE status = 'QUEUED' AND session_id = ${sessionId}
                  ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id`.execute(db);
    return rows[0]?.id;
  });
  await verifyRound(db, sample, ids, claimed, false);
  return sample;
}

interface ClaimSide {
  rounds: number;
  tasks: number;
  claimsPerSecond: number;
  /** Tasks over the mean time a loop spent in claims alone (scheduler: the IDLE update left out). */
  claimOnlyPerSecond: number;
  claimP50Ms: number;
  claimP99Ms: number;
  nodeCpuMsPerClaim: number;
  /** SQL statements per task claimed, misses and (scheduler) the return to IDLE included. */
  statementsPerClaim: number;
  /** Mean over the rounds of the machine's CPU share (all cores, all processes). */
  machineBusyPercent: number;
  misses: number;
  duplicates: number;
  lost: number;
  claimedElsewhere: number;
  problems: string[];
  perRoundClaimsPerSecond: number[];
}

interface ClaimResult {
  agents: number;
  tasksPerRound: number;
  order: string;
  scheduler: ClaimSide;
  raw: ClaimSide;
  ratio: number;
  claimOnlyRatio: number;
  exactlyOnce: boolean;
  warmup: { scheduler: ClaimSide; raw: ClaimSide };
}

function summarise(samples: RoundSample[]): ClaimSide {
  const tasks = samples.reduce((sum, s) => sum + s.tasks, 0);
  const wallMs = samples.reduce((sum, s) => sum + s.wallMs, 0);
  const meanLoopClaimMs = samples.reduce((sum, s) => sum + s.loopClaimMs.reduce((a, b) => a + b, 0) / Math.max(1, s.loopClaimMs.length), 0);
  const claims = ascending(samples.flatMap((s) => s.claimMs));
  return {
    rounds: samples.length,
    tasks,
    claimsPerSecond: round(tasks / (wallMs / 1000), 1),
    claimOnlyPerSecond: round(tasks / (meanLoopClaimMs / 1000), 1),
    claimP50Ms: round(percentile(claims, 50), 2),
    claimP99Ms: round(percentile(claims, 99), 2),
    nodeCpuMsPerClaim: round(samples.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, tasks), 3),
    statementsPerClaim: round(samples.reduce((sum, s) => sum + s.statements, 0) / Math.max(1, tasks), 2),
    machineBusyPercent: round(samples.reduce((sum, s) => sum + s.machineBusyPercent, 0) / Math.max(1, samples.length), 1),
    misses: samples.reduce((sum, s) => sum + s.misses, 0),
    duplicates: samples.reduce((sum, s) => sum + s.duplicates, 0),
    lost: samples.reduce((sum, s) => sum + s.lost, 0),
    claimedElsewhere: samples.reduce((sum, s) => sum + s.claimedElsewhere, 0),
    problems: [...new Set(samples.flatMap((s) => s.problems))],
    perRoundClaimsPerSecond: samples.map((s) => round(s.tasks / (s.wallMs / 1000), 1)),
  };
}

async function claimRun(app: App, options: Options): Promise<ClaimResult> {
  const { services, config } = app;
  const schedulerSession = await services.sessions.createSession({ name: 'bench claims: scheduler' });
  const rawSession = await services.sessions.createSession({ name: 'bench claims: raw' });
  // The product looks again for an idle agent on its own: claimNext retries a claim that found
  // only locked rows after 25 ms, and the scheduler's sweep dispatches this node's idle agents.
  // Either would start a process for a claim agent (and could take a task past the loops) while
  // a locked row is still QUEUED. With no process slot on the node (CLAUDE_MAX_AGENTS = 0, read
  // live by AgentManager) those looks run but stop at ensureProcess; restored for part 3.
  // The scheduler's sweep is paused too: every pool agent is IDLE beside queued work by design
  // here, which a running node never leaves for long, and the sweep would dispatch them all.
  const maxAgents = config.claude.maxAgents;
  config.claude.maxAgents = 0;
  services.tasks.stopScheduler();
  try {
    return await claimRounds(app, options, schedulerSession.id, rawSession.id);
  } finally {
    config.claude.maxAgents = maxAgents;
    services.tasks.startScheduler();
  }
}

async function claimRounds(app: App, options: Options, schedulerSessionId: string, rawSessionId: string): Promise<ClaimResult> {
  const db = app.database.db;
  const warmTasks = Math.min(options.tasks, WARMUP_TASKS);
  const warmS = await schedulerRound(app, schedulerSessionId, options.agents, warmTasks, 'warm-up S');
  const warmR = await rawRound(db, rawSessionId, options.agents, warmTasks, 'warm-up R');

  const sched: RoundSample[] = [];
  const raw: RoundSample[] = [];
  let order = '';
  for (let i = 0; i < options.rounds; i++) {
    // S R R S S R ...: each side goes first equally often.
    for (const side of i % 2 === 0 ? (['S', 'R'] as const) : (['R', 'S'] as const)) {
      order += side;
      process.stdout.write(` ${side}`);
      if (side === 'S') sched.push(await schedulerRound(app, schedulerSessionId, options.agents, options.tasks, `round ${i} S`));
      else raw.push(await rawRound(db, rawSessionId, options.agents, options.tasks, `round ${i} R`));
    }
  }
  const scheduler = summarise(sched);
  const rawSide = summarise(raw);
  const warmup = { scheduler: summarise([warmS]), raw: summarise([warmR]) };
  const exactlyOnce = [scheduler, rawSide, warmup.scheduler, warmup.raw].every((s) => s.duplicates === 0 && s.lost === 0);
  return {
    agents: options.agents,
    tasksPerRound: options.tasks,
    order,
    scheduler,
    raw: rawSide,
    ratio: round(scheduler.claimsPerSecond / rawSide.claimsPerSecond, 3),
    claimOnlyRatio: round(scheduler.claimOnlyPerSecond / rawSide.claimOnlyPerSecond, 3),
    exactlyOnce,
    warmup,
  };
}

// ------------------------------------------------------------------------------------------
// 3. Enqueue -> RUNNING committed

interface Hit {
  at: number;
  agentId: string;
  /** statements.count when the transition was published. */
  statements: number;
}

/** Watches agentStatus 'all' from a loop that is always waiting, so each event is timed as it is published. */
class StatusWatch {
  private readonly subscription: Subscription<AgentStatusChange>;
  private readonly consumer: Promise<void>;
  private readonly busy = new Map<string, Hit>();
  private readonly busyWaiters = new Map<string, (hit: Hit) => void>();
  private readonly lastStatus = new Map<string, string>();
  private readonly idleWaiters = new Map<string, (() => void)[]>();

  constructor(app: App) {
    const subscription = app.bus.subscribe('agentStatus', 'all');
    this.subscription = subscription;
    this.consumer = (async () => {
      for await (const change of subscription) this.seen(change, performance.now());
    })();
  }

  private seen({ event }: AgentStatusChange, at: number): void {
    this.lastStatus.set(event.agentId, event.toStatus);
    if (event.toStatus === 'BUSY') {
      const hit = { at, agentId: event.agentId, statements: statements.count };
      const waiter = this.busyWaiters.get(event.reason);
      this.busyWaiters.delete(event.reason);
      if (waiter) waiter(hit);
      else this.busy.set(event.reason, hit);
    } else if (event.toStatus === 'IDLE') {
      for (const resolve of this.idleWaiters.get(event.agentId) ?? []) resolve();
      this.idleWaiters.delete(event.agentId);
    }
  }

  /** Resolves with the time of the -> BUSY transition whose reason is this one. */
  busyWith(reason: string): Promise<Hit> {
    const hit = this.busy.get(reason);
    if (hit) {
      this.busy.delete(reason);
      return Promise.resolve(hit);
    }
    return new Promise((resolve) => this.busyWaiters.set(reason, resolve));
  }

  idle(agentId: string): Promise<void> {
    if (this.lastStatus.get(agentId) === 'IDLE') return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.idleWaiters.get(agentId) ?? [];
      list.push(resolve);
      this.idleWaiters.set(agentId, list);
    });
  }

  async close(): Promise<void> {
    this.subscription.close();
    await this.consumer;
  }
}

interface StartResult {
  agents: number;
  samples: number;
  ok: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
  /** createTask's own duration (it returns after its commit and a re-read, not waiting for the claim). */
  createTaskP50Ms: number;
  /** SQL statements from createTask's call to the publication of the claim (every agent's attempts included). */
  statementsP50: number;
  /** Samples whose claim committed before createTask returned. */
  startedBeforeReturn: number;
  /** Tasks started by each agent (the work spreads over the idle agents). */
  perAgent: number[];
  duplicates: number;
  lost: number;
  failures: string[];
}

async function startRun(app: App, options: Options): Promise<StartResult> {
  const { services } = app;
  const db = app.database.db;
  const session = await services.sessions.createSession({ name: 'bench enqueue to start' });
  const agents = [];
  for (let i = 0; i < options.latencyAgents; i++) {
    const agent = await services.agents.createAgent({ sessionId: session.id, name: `latency-${i}`, role: 'WORKER' });
    if (agent.status !== 'IDLE') throw new Error(`agent ${agent.name} is ${agent.status} after createAgent: ${agent.lastError ?? ''}`);
    agents.push(agent);
  }
  const watch = new StatusWatch(app);
  const failures: string[] = [];
  const latencies: number[] = [];
  const createMs: number[] = [];
  const pathStatements: number[] = [];
  const byAgent = new Map<string, number>(agents.map((a) => [a.id, 0]));
  const measuredIds: string[] = [];
  let startedBeforeReturn = 0;
  try {
    // Warm-up: one task handed to each agent (its process takes a first turn), all at once.
    const warm = await Promise.all(agents.map((a, i) => services.tasks.createTask({ sessionId: session.id, agentId: a.id, title: `warm-up ${i}` })));
    const deadline = Date.now() + TURN_TIMEOUT_MS;
    for (;;) {
      const rows = await services.tasks.loadTasks(warm.map((t) => t.id));
      if (rows.every((t) => t.status === 'SUCCEEDED')) break;
      if (rows.some((t) => t.status === 'FAILED' || t.status === 'CANCELLED') || Date.now() > deadline) {
        throw new Error(`warm-up tasks did not succeed: ${rows.map((t) => `${t.status}${t.errorMessage ? ` (${t.errorMessage})` : ''}`).join(', ')}`);
      }
      await delay(20);
    }
    for (const agent of agents) await within(watch.idle(agent.id), TURN_TIMEOUT_MS);
    await delay(options.gapMs);

    for (let i = 0; i < WARMUP_SAMPLES + options.latencyTasks; i++) {
      const measured = i >= WARMUP_SAMPLES;
      const title = `${measured ? 'latency' : 'latency warm-up'} ${i}`;
      const started = watch.busyWith(`running task ${JSON.stringify(title)}`);
      const statements0 = statements.count;
      const t0 = performance.now();
      const task = await services.tasks.createTask({ sessionId: session.id, title });
      const returned = performance.now();
      const hit = await within(started, START_TIMEOUT_MS);
      if (hit === 'timeout') {
        failures.push(`task ${i} not RUNNING within ${START_TIMEOUT_MS} ms`);
        continue;
      }
      if (measured) {
        measuredIds.push(task.id);
        latencies.push(hit.at - t0);
        createMs.push(returned - t0);
        pathStatements.push(hit.statements - statements0);
        if (hit.at < returned) startedBeforeReturn++;
        byAgent.set(hit.agentId, (byAgent.get(hit.agentId) ?? 0) + 1);
      }
      // The next sample starts with every agent idle and claimNext's 25 ms retries of the losers done.
      if ((await within(watch.idle(hit.agentId), TURN_TIMEOUT_MS)) === 'timeout') failures.push(`task ${i}: its turn did not end within ${TURN_TIMEOUT_MS} ms`);
      await delay(options.gapMs);
    }
  } finally {
    await watch.close();
  }

  // Every measured task ran exactly once and ended.
  let duplicates = 0;
  let lost = 0;
  if (measuredIds.length > 0) {
    const rows = await services.tasks.loadTasks(measuredIds);
    const runs = await db
      .selectFrom('runs')
      .select(['taskId', (eb) => eb.fn.countAll<string>().as('n')])
      .where('taskId', 'in', measuredIds)
      .groupBy('taskId')
      .execute();
    duplicates = runs.filter((r) => Number(r.n) > 1).length;
    lost = measuredIds.length - runs.length;
    const notSucceeded = rows.filter((t) => t.status !== 'SUCCEEDED');
    if (notSucceeded.length > 0) failures.push(`${notSucceeded.length} measured task(s) did not succeed: ${[...new Set(notSucceeded.map((t) => t.status))].join(', ')}`);
  }
  const sorted = ascending(latencies);
  return {
    agents: agents.length,
    samples: options.latencyTasks,
    ok: latencies.length,
    p50Ms: round(percentile(sorted, 50), 2),
    p90Ms: round(percentile(sorted, 90), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    maxMs: round(sorted.at(-1) ?? NaN, 2),
    minMs: round(sorted[0] ?? NaN, 2),
    createTaskP50Ms: round(percentile(ascending(createMs), 50), 2),
    statementsP50: percentile(ascending(pathStatements), 50),
    startedBeforeReturn,
    perAgent: [...byAgent.values()],
    duplicates,
    lost,
    failures: [...new Set(failures)],
  };
}

// ------------------------------------------------------------------------------------------
// Report

function printClaims(result: ClaimResult, kind: BenchDatabase['kind']): void {
  console.log(
    `\n1+2. Claims: ${result.agents} concurrent loops, ${result.tasksPerRound} QUEUED tasks per round, order ${result.order} ` +
      `(plus one ${result.warmup.scheduler.tasks}-task warm-up round per side, not counted)`,
  );
  console.log([pad('', 34), pad('claims', 11), pad('claims/s', 9), pad('claim-only/s', 12), pad('claim p50', 10), pad('claim p99', 10), pad('node CPU/claim', 14), pad('SQL/claim', 9), pad('machine CPU', 11), pad('misses', 6)].join('  '));
  for (const [name, side] of [
    ['scheduler: TaskService.claimNext', result.scheduler],
    ['raw: UPDATE ... SKIP LOCKED', result.raw],
  ] as const) {
    console.log(
      [
        name.padEnd(34),
        pad(`${side.tasks - side.lost}/${side.tasks}`, 11),
        pad(side.claimsPerSecond.toFixed(1), 9),
        pad(side.claimOnlyPerSecond.toFixed(1), 12),
        pad(`${side.claimP50Ms.toFixed(2)} ms`, 10),
        pad(`${side.claimP99Ms.toFixed(2)} ms`, 10),
        pad(`${side.nodeCpuMsPerClaim.toFixed(3)} ms`, 14),
        pad(side.statementsPerClaim.toFixed(2), 9),
        pad(`${side.machineBusyPercent.toFixed(0)} %`, 11),
        pad(side.misses, 6),
      ].join('  '),
    );
  }
  console.log(`   per round claims/s: scheduler ${result.scheduler.perRoundClaimsPerSecond.join(', ')}; raw ${result.raw.perRoundClaimsPerSecond.join(', ')}`);
  console.log('   each scheduler claim is made by a fresh idle agent (inserted before the round); claim-only/s is tasks / mean time a loop spent inside claims');
  console.log(
    `   ratio scheduler/raw = ${result.ratio.toFixed(3)}x   target >= ${TARGET_CLAIM_RATIO}x   ${mark(result.ratio >= TARGET_CLAIM_RATIO)}` +
      `   (claim-only ${result.claimOnlyRatio.toFixed(3)}x)${kind === 'pglite' ? '   [target is for PostgreSQL]' : ''}`,
  );
  for (const [name, side] of [
    ['scheduler', result.scheduler],
    ['raw', result.raw],
    ['scheduler warm-up', result.warmup.scheduler],
    ['raw warm-up', result.warmup.raw],
  ] as const) {
    console.log(
      `   exactly once, ${name}: ${side.tasks} tasks, ${side.duplicates} duplicate claim(s), ${side.lost} lost` +
        `${side.claimedElsewhere ? `, ${side.claimedElsewhere} claimed outside the loops` : ''} -> ${side.duplicates === 0 && side.lost === 0 ? 'ok' : 'FAILED'}`,
    );
    for (const p of side.problems) console.log(`   ${name}: ${p}`);
  }
}

function printStart(result: StartResult, kind: BenchDatabase['kind'], options: Options): void {
  console.log(
    `\n3. Enqueue -> RUNNING committed: ${result.samples} tasks one at a time through createTask (${WARMUP_SAMPLES} discarded first), ` +
      `${result.agents} idle agents with live fake-CLI processes, ${options.gapMs} ms between a turn's end and the next task`,
  );
  console.log(
    `   ${result.ok}/${result.samples} started: p50 ${result.p50Ms.toFixed(2)} ms   target <= ${TARGET_START_P50_MS} ms${kind === 'pglite' ? ' on PostgreSQL' : ''}   ` +
      `${kind === 'postgres' ? mark(result.p50Ms <= TARGET_START_P50_MS) : '-'}   p90 ${result.p90Ms.toFixed(2)} ms   p99 ${result.p99Ms.toFixed(2)} ms   ` +
      `min ${result.minMs.toFixed(2)} ms   max ${result.maxMs.toFixed(2)} ms`,
  );
  console.log(
    `   createTask itself: p50 ${result.createTaskP50Ms.toFixed(2)} ms; SQL statements from createTask to the claim's commit: p50 ${result.statementsP50}; ` +
      `claim committed before createTask returned in ${result.startedBeforeReturn}/${result.ok}; ` +
      `tasks per agent ${result.perAgent.join(', ')}`,
  );
  console.log(`   exactly once: ${result.duplicates} task(s) with more than one run, ${result.lost} without a run -> ${result.duplicates === 0 && result.lost === 0 ? 'ok' : 'FAILED'}`);
  for (const f of result.failures) console.log(`   ${f}`);
}

// ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'scheduler-bench-')));
  let database: BenchDatabase | undefined;
  let app: App | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      const steps: CleanupStep[] = [
        ['stop the app', async () => app?.stop()],
        ['drop the database', async () => database?.drop()],
        ['remove the temporary folder', () => rm(root, { recursive: true, force: true })],
      ];
      await runCleanupSteps(steps);
    })());

  // Ctrl-C or a kill still stops every agent and drops the database.
  cleanUpOnSignal('cleaning up', cleanup);

  const started = performance.now();
  let claims: ClaimResult | undefined;
  let start: StartResult | undefined;
  let fatal: unknown;
  let liveAfterStop = 0;
  try {
    database = await createBenchDatabase(options.databaseUrl, root, 'bench_scheduler');
    console.log(
      `scheduler bench: ${describeMachine()}; ${database.describe}` +
        `${database.kind === 'pglite' ? ' (the targets are for PostgreSQL)' : ''}; ` +
        `${options.agents} claim loops x ${options.tasks} tasks x ${options.rounds} rounds per side; ` +
        `${options.latencyTasks} latency tasks on ${options.latencyAgents} agents`,
    );
    app = await startApp(database, root, options);
    process.stdout.write('   claims:');
    claims = await claimRun(app, options);
    console.log(' done');
    if (options.latencyTasks > 0) {
      process.stdout.write('   enqueue -> start ...');
      start = await startRun(app, options);
      console.log(' done');
    }
  } catch (error) {
    fatal = error;
    console.log('');
  } finally {
    const supervisor = app?.supervisor;
    await cleanup();
    liveAfterStop = supervisor?.liveAgentIds().length ?? 0;
  }

  const kind = database?.kind ?? (options.databaseUrl ? 'postgres' : 'pglite');
  if (claims) printClaims(claims, kind);
  if (start) printStart(start, kind, options);
  const totalS = round((performance.now() - started) / 1000, 1);
  const exactlyOnce = (claims?.exactlyOnce ?? true) && (start ? start.duplicates === 0 && start.lost === 0 : true);
  console.log(
    `\n${totalS} s total; ${liveAfterStop} agent process(es) left after stop` +
      `${exactlyOnce ? '' : '; DUPLICATE OR LOST TASKS SEEN'}${fatal ? `; FAILED: ${errorText(fatal)}` : ''}`,
  );
  await emitResult(
    {
      bench: 'scheduler',
      node: process.version,
      cpus: os.availableParallelism(),
      database: kind,
      options: { ...options, databaseUrl: options.databaseUrl ? describeUrl(options.databaseUrl) : undefined },
      targets: { claimRatioMin: TARGET_CLAIM_RATIO, startP50MsMaxOnPostgres: TARGET_START_P50_MS },
      rows: reportRows(claims, start, kind),
      claims: claims ?? null,
      start: start ?? null,
      exactlyOnce,
      totalS,
      error: fatal ? errorText(fatal) : undefined,
    },
    options.json,
  );
  if (fatal || !exactlyOnce || liveAfterStop > 0) process.exitCode = 1;
}

/** The report's rows: claims against the bare SKIP LOCKED claim, exactly-once, enqueue -> start. Targets are for PostgreSQL. */
function reportRows(claims: ClaimResult | undefined, start: StartResult | undefined, kind: BenchDatabase['kind']): ReportRow[] {
  const rows: ReportRow[] = [];
  const onPostgres = (ok: boolean): boolean | null => (kind === 'postgres' ? ok : null);
  const forPostgres = kind === 'postgres' ? '' : ' (PostgreSQL)';
  if (claims) {
    rows.push({
      metric: `claims/s, ${claims.agents} loops x ${claims.tasksPerRound} tasks, ${claims.scheduler.rounds} round(s)`,
      product: `${claims.scheduler.claimsPerSecond} claims/s`,
      baseline: `${claims.raw.claimsPerSecond} claims/s (bare SKIP LOCKED)`,
      ratio: claims.ratio,
      target: `>= ${TARGET_CLAIM_RATIO}x${forPostgres}`,
      met: onPostgres(claims.ratio >= TARGET_CLAIM_RATIO),
    });
    const sides = [claims.scheduler, claims.warmup.scheduler];
    const duplicates = sides.reduce((n, side) => n + side.duplicates, 0);
    const lost = sides.reduce((n, side) => n + side.lost, 0);
    rows.push({
      metric: 'claims exactly once (warm-up included)',
      product: `${duplicates} duplicate, ${lost} lost`,
      target: '0, 0',
      met: claims.exactlyOnce,
    });
  }
  if (start) {
    rows.push({
      metric: `enqueue -> RUNNING committed p50, ${start.ok} tasks`,
      product: `${start.p50Ms} ms (p99 ${start.p99Ms} ms)`,
      target: `<= ${TARGET_START_P50_MS} ms${forPostgres}`,
      met: onPostgres(start.p50Ms <= TARGET_START_P50_MS),
    });
  }
  return rows;
}

await main();
