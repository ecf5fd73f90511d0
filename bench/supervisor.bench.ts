/**
 * Supervisor benchmark: fake Claude CLI agents (test/support/fake-claude.mjs) under a real
 * Supervisor, in this one process.
 *
 *   npx tsx bench/supervisor.bench.ts [--agents 10,50,200] [--seconds 10]
 *       [--rate 20] [--spawn-agents 50] [--wave 10] [--watchdog-ms 1000] [--json FILE]
 *
 * 1. Streaming: for each N, N agents each stream `rate` assistant lines per second (fake CLI
 *    keyword STREAM). Over a `seconds` window: this process's CPU share, RSS per agent,
 *    event-loop lag p99, and events/s received by handlers.onEvent against the expected rate.
 * 2. Spawn -> first event: K agents in waves launched concurrently, through the Supervisor
 *    (launch + sendTurn, until AGENT_STARTED) and through raw child_process.spawn of the same
 *    command (same stdin line, until the first stdout line). Waves alternate S R R S ... so
 *    drift on a shared machine hits both sides alike; the ratio is what to compare across runs.
 *
 * --watchdog-ms adds what AgentManager's limits watchdog does on top of the Supervisor: one
 * supervisor.liveProcesses() (/proc scan) per interval. Off by default.
 *
 * Prints figures with the targets beside them and a final JSON line (also written to --json
 * FILE, with the rows of `npm run bench`'s report); it asserts nothing about timings. Every agent is stopped at the end, on error too, and stragglers are SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pino } from 'pino';
import type { AgentEvent } from '../server/supervisor/agent-events.js';
import type { ProcessExit } from '../server/supervisor/agent-process.js';
import { ClaudeCodeAdapter } from '../server/supervisor/claude-code-adapter.js';
import type { AgentLaunchSpec, SpawnCommand } from '../server/supervisor/runtime-adapter.js';
import { Supervisor } from '../server/supervisor/supervisor.js';
import {
  cleanUpOnSignal,
  describeMachine,
  emitResult,
  errorText,
  FAKE_CLAUDE,
  killFakeStragglers,
  mark,
  pad,
  parseOptionArgs,
  percentile,
  positiveOption,
  round,
  within,
  type ReportRow,
} from './support.js';

const MB = 1024 * 1024;
const TARGET_SPAWN_RATIO = 0.8;
const TARGET_RSS_PER_AGENT_MB = 2;
const TARGET_LAG_P99_MS = 50;
const TARGET_LAG_AT_AGENTS = 200;
/** Launches in flight at once while filling a streaming run. */
const LAUNCH_CONCURRENCY = 20;
/** Lets the last-launched agents reach their steady rate before the window opens. */
const WARMUP_MS = 1_000;
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
/** monitorEventLoopDelay records the time between its timer's ticks, so lag = value - resolution. */
const LAG_RESOLUTION_MS = 10;

// ------------------------------------------------------------------------------------------
// Arguments

interface Options {
  agents: number[];
  seconds: number;
  rate: number;
  spawnAgents: number;
  wave: number;
  watchdogMs: number;
  json?: string;
}

function parseOptions(argv: string[]): Options {
  const values = parseOptionArgs(argv, {
    agents: '10,50,200',
    seconds: '10',
    rate: '20',
    'spawn-agents': '50',
    wave: '10',
    'watchdog-ms': undefined,
    json: undefined,
  });
  const whole = (name: 'spawn-agents' | 'wave' | 'watchdog-ms', value: string): number => Math.round(positiveOption(name, value));
  return {
    agents: values.agents.split(',').map((v) => Math.round(positiveOption('agents', v))),
    seconds: positiveOption('seconds', values.seconds),
    rate: positiveOption('rate', values.rate),
    spawnAgents: whole('spawn-agents', values['spawn-agents']),
    wave: whole('wave', values.wave),
    // Off unless given (0 is not a valid value).
    watchdogMs: values['watchdog-ms'] === undefined ? 0 : whole('watchdog-ms', values['watchdog-ms']),
    json: values.json,
  };
}

// ------------------------------------------------------------------------------------------
// Small helpers

/** A real gc() makes the "RSS before launch" baseline less noisy; without it we go on. */
const gc: (() => void) | undefined = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
})();

async function settleHeap(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await delay(50);
  }
}

const lagMs = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - LAG_RESOLUTION_MS);

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ------------------------------------------------------------------------------------------
// Process bookkeeping: every pid this run started, so none can outlive it.

const startedPids = new Set<number>();

function killStragglers(): number {
  return killFakeStragglers(startedPids);
}

// ------------------------------------------------------------------------------------------
// Handlers: one dispatcher for every agent of the run.

interface AgentTrack {
  events: number;
  started?: number;
  firstMessage?: number;
  exited?: ProcessExit;
  onStarted?: () => void;
  onMessage?: () => void;
}

class Tracker {
  readonly agents = new Map<string, AgentTrack>();
  totalEvents = 0;

  readonly handlers = {
    onEvent: (agentId: string, event: AgentEvent): void => {
      this.totalEvents++;
      const track = this.agents.get(agentId);
      if (!track) return;
      track.events++;
      if (event.kind === 'AGENT_STARTED' && track.started === undefined) {
        track.started = performance.now();
        track.onStarted?.();
      } else if (event.kind === 'MESSAGE' && track.firstMessage === undefined) {
        track.firstMessage = performance.now();
        track.onMessage?.();
      }
    },
    onExit: (agentId: string, exit: ProcessExit): void => {
      const track = this.agents.get(agentId);
      if (track) track.exited = exit;
    },
  };

  add(agentId: string): AgentTrack {
    const track: AgentTrack = { events: 0 };
    this.agents.set(agentId, track);
    return track;
  }
}

// ------------------------------------------------------------------------------------------
// Benchmark context

class Bench {
  readonly adapter = new ClaudeCodeAdapter();
  readonly supervisor: Supervisor;
  readonly tracker = new Tracker();
  readonly rawChildren = new Set<ChildProcess>();

  constructor(
    readonly home: string,
    readonly workingDirectory: string,
  ) {
    this.supervisor = new Supervisor(this.adapter, pino({ level: 'silent' }), { graceMs: 500, maxLineBytes: 8 * MB });
    this.supervisor.setHandlers(this.tracker.handlers);
  }

  spec(): AgentLaunchSpec {
    return {
      binaryPath: FAKE_CLAUDE,
      cliSessionId: randomUUID(),
      resume: false,
      model: null,
      config: { workingDirectory: this.workingDirectory },
      environment: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home, ANTHROPIC_API_KEY: 'bench' },
      runTag: `bench-${randomUUID()}`,
    };
  }

  /** Launches one agent and sends it a turn; resolves once launch() has. */
  async launch(agentId: string, prompt: string): Promise<void> {
    const { pid } = await this.supervisor.launch(agentId, this.spec());
    startedPids.add(pid);
    if (!this.supervisor.sendTurn(agentId, prompt, randomUUID())) throw new Error(`agent ${agentId} took no turn`);
  }

  /** Stops the given agents through the Supervisor's ladder; returns how long it took. */
  async stop(agentIds: string[]): Promise<{ ms: number; timedOut: boolean }> {
    const t0 = performance.now();
    const outcome = await within(Promise.all(agentIds.map((id) => this.supervisor.stop(id))), STOP_TIMEOUT_MS);
    return { ms: performance.now() - t0, timedOut: outcome === 'timeout' };
  }

  async cleanup(): Promise<number> {
    for (const child of this.rawChildren) child.stdin?.end();
    await within(this.supervisor.stopAll(), STOP_TIMEOUT_MS);
    // Raw children end at EOF once their turn is done; give them a moment before SIGKILL.
    const deadline = Date.now() + 3_000;
    while (this.rawChildren.size > 0 && Date.now() < deadline) await delay(25);
    const killed = killStragglers();
    this.supervisor.dispose();
    return killed;
  }
}

// ------------------------------------------------------------------------------------------
// 1. Streaming

interface StreamResult {
  agents: number;
  launched: number;
  streaming: number;
  launchMs: number;
  launchErrors: string[];
  windowS: number;
  eventsReceived: number;
  eventsPerSecond: number;
  eventsPerSecondExpected: number;
  reach: number;
  cpuPercent: number;
  rssBeforeMb: number;
  rssDuringMb: number;
  rssPeakMb: number;
  rssPerAgentMb: number;
  /** RSS and JS heap with the agents live, after gc, against the gc'd baseline: retained memory. */
  rssRetainedPerAgentMb: number;
  heapRetainedPerAgentKb: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  agentsRssTotalMb: number;
  stopMs: number;
  stopLagMaxMs: number;
  stopTimedOut: boolean;
  error?: string;
}

async function streamingRun(bench: Bench, n: number, options: Options, lag: IntervalHistogram): Promise<StreamResult> {
  await settleHeap();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  // Streams outlast launch + warm-up + window; the stop ladder ends them afterwards.
  const streamSeconds = Math.ceil(options.seconds + READY_TIMEOUT_MS / 1000 + 30);
  const prompt = `STREAM ${options.rate} ${streamSeconds}`;
  const ids = Array.from({ length: n }, (_, i) => `stream-${n}-${i}-${randomUUID().slice(0, 8)}`);
  const launched: string[] = [];
  const launchErrors: string[] = [];
  const firstMessages: Promise<void>[] = [];

  const watchdog = options.watchdogMs > 0 ? setInterval(() => bench.supervisor.liveProcesses(), options.watchdogMs) : undefined;
  try {
    return await measureStreaming(bench, n, options, lag, { ids, prompt, rssBefore, heapBefore, launched, launchErrors, firstMessages });
  } finally {
    clearInterval(watchdog);
  }
}

interface StreamingSetup {
  ids: string[];
  prompt: string;
  rssBefore: number;
  heapBefore: number;
  launched: string[];
  launchErrors: string[];
  firstMessages: Promise<void>[];
}

async function measureStreaming(bench: Bench, n: number, options: Options, lag: IntervalHistogram, setup: StreamingSetup): Promise<StreamResult> {
  const { ids, prompt, rssBefore, heapBefore, launched, launchErrors, firstMessages } = setup;
  const t0 = performance.now();
  await pool(ids, LAUNCH_CONCURRENCY, async (id) => {
    const track = bench.tracker.add(id);
    firstMessages.push(new Promise<void>((resolve) => (track.onMessage = resolve)));
    try {
      await bench.launch(id, prompt);
      launched.push(id);
    } catch (error) {
      track.onMessage?.();
      launchErrors.push(errorText(error));
    }
  });
  const ready = await within(Promise.all(firstMessages), READY_TIMEOUT_MS);
  const launchMs = performance.now() - t0;
  const streaming = launched.filter((id) => bench.tracker.agents.get(id)?.firstMessage !== undefined).length;
  if (ready === 'timeout') launchErrors.push(`only ${streaming}/${launched.length} agents streaming after ${READY_TIMEOUT_MS} ms`);
  await delay(WARMUP_MS);

  // Window: everything below is measured.
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 250);
  lag.reset();
  const events0 = bench.tracker.totalEvents;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await delay(options.seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - w0;
  const events = bench.tracker.totalEvents - events0;
  clearInterval(sampler);
  rssSamples.push(process.memoryUsage().rss);
  const lagP50Ms = lagMs(lag.percentile(50));
  const lagP99Ms = lagMs(lag.percentile(99));
  const lagMaxMs = lagMs(lag.max);

  // After the window: what stays once garbage is gone, agents still live.
  await settleHeap();
  const retained = process.memoryUsage();

  // One /proc scan, after the window so it does not count against it.
  const agentsRss = bench.supervisor.liveProcesses().reduce((sum, p) => sum + p.rssBytes, 0);

  lag.reset();
  const stop = await bench.stop(launched);
  const stopLagMaxMs = lagMs(lag.max);
  killStragglers();

  const rssDuring = rssSamples.reduce((a, b) => a + b, 0) / rssSamples.length;
  const expectedPerSecond = streaming * options.rate;
  const perSecond = events / (wallMs / 1000);
  return {
    agents: n,
    launched: launched.length,
    streaming,
    launchMs: round(launchMs, 0),
    launchErrors: [...new Set(launchErrors)],
    windowS: round(wallMs / 1000, 2),
    eventsReceived: events,
    eventsPerSecond: round(perSecond, 1),
    eventsPerSecondExpected: expectedPerSecond,
    reach: round(expectedPerSecond > 0 ? perSecond / expectedPerSecond : 0, 3),
    cpuPercent: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100, 1),
    rssBeforeMb: round(rssBefore / MB, 1),
    rssDuringMb: round(rssDuring / MB, 1),
    rssPeakMb: round(Math.max(...rssSamples) / MB, 1),
    rssPerAgentMb: round(streaming > 0 ? (rssDuring - rssBefore) / streaming / MB : NaN, 3),
    rssRetainedPerAgentMb: round(streaming > 0 ? (retained.rss - rssBefore) / streaming / MB : NaN, 3),
    heapRetainedPerAgentKb: round(streaming > 0 ? (retained.heapUsed - heapBefore) / streaming / 1024 : NaN, 1),
    lagP50Ms: round(lagP50Ms, 2),
    lagP99Ms: round(lagP99Ms, 2),
    lagMaxMs: round(lagMaxMs, 2),
    agentsRssTotalMb: round(agentsRss / MB, 0),
    stopMs: round(stop.ms, 0),
    stopLagMaxMs: round(stopLagMaxMs, 1),
    stopTimedOut: stop.timedOut,
  };
}

// ------------------------------------------------------------------------------------------
// 2. Spawn -> first event

interface WaveSample {
  wallMs: number;
  /** This process's CPU (user + system) over the timed part of the wave. */
  cpuMs: number;
  latenciesMs: number[];
  failures: string[];
}

/** One wave through the Supervisor: launch + sendTurn each, until every AGENT_STARTED. */
async function supervisorWave(bench: Bench, size: number, prompt: string): Promise<WaveSample> {
  const ids = Array.from({ length: size }, () => `spawn-${randomUUID()}`);
  const latencies: number[] = [];
  const failures: string[] = [];
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      const track = bench.tracker.add(id);
      const started = new Promise<void>((resolve) => (track.onStarted = resolve));
      const t0 = performance.now();
      try {
        await bench.launch(id, prompt);
        if ((await within(started, 30_000)) === 'timeout') throw new Error('no AGENT_STARTED within 30 s');
        latencies.push(track.started! - t0);
      } catch (error) {
        failures.push(errorText(error));
      }
    }),
  );
  const wallMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  // Outside the timed part: the next wave starts with none of these alive.
  await bench.stop(ids);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, latenciesMs: latencies, failures };
}

/** The same command by hand: spawn, write the turn line, wait for the first stdout line. */
function rawAgent(bench: Bench, command: SpawnCommand, line: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command.file, command.args, {
      cwd: command.cwd,
      env: command.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    bench.rawChildren.add(child);
    if (child.pid !== undefined) startedPids.add(child.pid);
    let seen = false;
    child.once('error', (error) => {
      bench.rawChildren.delete(child);
      if (!seen) reject(error);
    });
    child.once('close', () => bench.rawChildren.delete(child));
    child.stdin.on('error', () => {});
    child.stderr.resume();
    child.stdin.write(`${line}\n`);
    child.stdout.on('data', (chunk: Buffer) => {
      if (seen || !chunk.includes(0x0a)) return;
      seen = true;
      resolve(performance.now() - t0);
      // Like the Supervisor's close step: an idle fake CLI exits at EOF.
      child.stdin.end();
    });
  });
}

async function rawWave(bench: Bench, size: number, prompt: string): Promise<WaveSample> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const line = bench.adapter.encodeTurn(prompt, randomUUID());
  const commands = Array.from({ length: size }, () => bench.adapter.buildSpawn(bench.spec()));
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await Promise.all(
    commands.map(async (command) => {
      try {
        const ms = await within(rawAgent(bench, command, line), 30_000);
        if (ms === 'timeout') throw new Error('no stdout line within 30 s');
        latencies.push(ms);
      } catch (error) {
        failures.push(errorText(error));
      }
    }),
  );
  const wallMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (bench.rawChildren.size > 0 && Date.now() < deadline) await delay(10);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, latenciesMs: latencies, failures };
}

interface SpawnSide {
  agents: number;
  ok: number;
  agentsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Server CPU per agent up to its first event: the part of the cost that is ours, not the child's. */
  serverCpuMsPerAgent: number;
  failures: string[];
}

interface SpawnResult {
  supervisor: SpawnSide;
  raw: SpawnSide;
  ratio: number;
  wave: number;
  order: string;
}

function summarise(samples: WaveSample[]): SpawnSide {
  const latencies = samples.flatMap((s) => s.latenciesMs).sort((a, b) => a - b);
  const wallMs = samples.reduce((sum, s) => sum + s.wallMs, 0);
  return {
    agents: samples.reduce((sum, s) => sum + s.latenciesMs.length + s.failures.length, 0),
    ok: latencies.length,
    agentsPerSecond: round(latencies.length / (wallMs / 1000), 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p95Ms: round(percentile(latencies, 95), 1),
    maxMs: round(latencies.at(-1) ?? NaN, 1),
    serverCpuMsPerAgent: round(samples.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, latencies.length), 2),
    failures: [...new Set(samples.flatMap((s) => s.failures))],
  };
}

async function spawnRun(bench: Bench, options: Options): Promise<SpawnResult> {
  // A plain turn: init is its first line, then a short answer; the process then idles.
  const prompt = 'hello';
  const waves = Math.max(1, Math.ceil(options.spawnAgents / options.wave));
  // Warm-up, not counted: module and page caches, JIT of both paths.
  await supervisorWave(bench, options.wave, prompt);
  await rawWave(bench, options.wave, prompt);

  const sup: WaveSample[] = [];
  const raw: WaveSample[] = [];
  let order = '';
  for (let i = 0; i < waves; i++) {
    const size = Math.min(options.wave, options.spawnAgents - i * options.wave);
    // S R R S S R ...: each side goes first equally often.
    const supervisorFirst = i % 2 === 0;
    for (const side of supervisorFirst ? ['S', 'R'] : ['R', 'S']) {
      order += side;
      if (side === 'S') sup.push(await supervisorWave(bench, size, prompt));
      else raw.push(await rawWave(bench, size, prompt));
    }
  }
  const supervisor = summarise(sup);
  const rawSide = summarise(raw);
  return {
    supervisor,
    raw: rawSide,
    ratio: round(rawSide.agentsPerSecond > 0 ? supervisor.agentsPerSecond / rawSide.agentsPerSecond : NaN, 3),
    wave: options.wave,
    order,
  };
}

// ------------------------------------------------------------------------------------------
// Report

function printStreaming(results: StreamResult[], options: Options): void {
  const watchdog = options.watchdogMs > 0 ? `, watchdog scan every ${options.watchdogMs} ms` : '';
  console.log(`\n1. Streaming: ${options.rate} events/s per agent, ${options.seconds} s window (counted in handlers.onEvent)${watchdog}`);
  console.log(
    [
      pad('agents', 6),
      pad('streaming', 9),
      pad('events/s recv', 13),
      pad('expected', 9),
      pad('reach', 6),
      pad('server CPU', 10),
      pad('RSS/agent', 10),
      pad('<=2 MB', 6),
      pad('lag p50', 8),
      pad('lag p99', 8),
      pad('<50ms@200', 9),
      pad('lag max', 8),
      pad('launch', 8),
      pad('stop', 8),
    ].join('  '),
  );
  for (const r of results) {
    const lagTarget = r.agents === TARGET_LAG_AT_AGENTS ? mark(r.lagP99Ms < TARGET_LAG_P99_MS) : '-';
    console.log(
      [
        pad(r.agents, 6),
        pad(r.streaming, 9),
        pad(r.eventsPerSecond.toFixed(1), 13),
        pad(r.eventsPerSecondExpected, 9),
        pad(r.reach.toFixed(3), 6),
        pad(`${r.cpuPercent.toFixed(1)} %`, 10),
        pad(`${r.rssPerAgentMb.toFixed(3)} MB`, 10),
        pad(mark(r.rssPerAgentMb <= TARGET_RSS_PER_AGENT_MB), 6),
        pad(`${r.lagP50Ms.toFixed(1)} ms`, 8),
        pad(`${r.lagP99Ms.toFixed(1)} ms`, 8),
        pad(lagTarget, 9),
        pad(`${r.lagMaxMs.toFixed(0)} ms`, 8),
        pad(`${(r.launchMs / 1000).toFixed(1)} s`, 8),
        pad(`${(r.stopMs / 1000).toFixed(1)} s`, 8),
      ].join('  '),
    );
  }
  for (const r of results) {
    console.log(
      `   N=${r.agents}: RSS ${r.rssBeforeMb} MB before, ${r.rssDuringMb} MB mean / ${r.rssPeakMb} MB peak during; ` +
        `after gc ${r.rssRetainedPerAgentMb} MB RSS and ${r.heapRetainedPerAgentKb} KB JS heap per agent; agent trees ${r.agentsRssTotalMb} MB total; ` +
        `event-loop max ${r.stopLagMaxMs} ms while stopping${r.stopTimedOut ? ' (stop TIMED OUT)' : ''}`,
    );
    if (r.error) console.log(`   N=${r.agents}: ERROR ${r.error}`);
    for (const e of r.launchErrors) console.log(`   N=${r.agents}: ${e}`);
  }
  if (!results.some((r) => r.agents === TARGET_LAG_AT_AGENTS)) {
    console.log(`   (lag target applies at ${TARGET_LAG_AT_AGENTS} agents, which this run did not include)`);
  }
}

function printSpawn(result: SpawnResult, options: Options): void {
  console.log(`\n2. Spawn -> first event: ${options.spawnAgents} agents per side, waves of ${result.wave} concurrent, order ${result.order}`);
  console.log([pad('', 26), pad('ok', 7), pad('agents/s', 9), pad('p50', 9), pad('p95', 9), pad('max', 9), pad('server CPU/agent', 16)].join('  '));
  for (const [name, side] of [
    ['Supervisor (AGENT_STARTED)', result.supervisor],
    ['raw spawn (1st line)', result.raw],
  ] as const) {
    console.log(
      [
        name.padEnd(26),
        pad(`${side.ok}/${side.agents}`, 7),
        pad(side.agentsPerSecond.toFixed(1), 9),
        pad(`${side.p50Ms.toFixed(1)} ms`, 9),
        pad(`${side.p95Ms.toFixed(1)} ms`, 9),
        pad(`${side.maxMs.toFixed(1)} ms`, 9),
        pad(`${side.serverCpuMsPerAgent.toFixed(2)} ms`, 16),
      ].join('  '),
    );
    for (const f of side.failures) console.log(`   ${name}: ${f}`);
  }
  console.log(`   ratio supervisor/raw = ${result.ratio.toFixed(3)}x   target >= ${TARGET_SPAWN_RATIO}x   ${mark(result.ratio >= TARGET_SPAWN_RATIO)}`);
}

// ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'supervisor-bench-')));
  const home = path.join(root, 'home');
  const workingDirectory = path.join(root, 'work');
  await mkdir(home);
  await mkdir(workingDirectory);
  const bench = new Bench(home, workingDirectory);

  // Ctrl-C or a kill still takes every agent down.
  cleanUpOnSignal('stopping agents', () => bench.cleanup());

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  const streaming: StreamResult[] = [];
  let spawnResult: SpawnResult | undefined;
  let fatal: unknown;
  let stragglers = 0;

  console.log(
    `supervisor bench: ${describeMachine()}, gc ${gc ? 'exposed' : 'not exposed'}; ` +
      `agents ${options.agents.join(',')}, ${options.seconds} s windows, ${options.rate} events/s per agent, ` +
      `watchdog ${options.watchdogMs > 0 ? `every ${options.watchdogMs} ms` : 'off'}`,
  );
  try {
    // Discarded: first-use allocations and JIT would otherwise land in the first N's baseline.
    await streamingRun(bench, 5, { ...options, seconds: 1 }, lag);
    for (const n of options.agents) {
      process.stdout.write(`   streaming N=${n} ...`);
      let result: StreamResult;
      try {
        result = await streamingRun(bench, n, options, lag);
      } catch (error) {
        // A machine that cannot run N agents reports it and goes on with the rest.
        await bench.stop(bench.supervisor.liveAgentIds());
        killStragglers();
        result = emptyStream(n, errorText(error));
      }
      streaming.push(result);
      console.log(` ${result.streaming} streaming, ${result.eventsPerSecond} events/s`);
    }
    process.stdout.write(`   spawn ${options.spawnAgents} + ${options.spawnAgents} ...`);
    spawnResult = await spawnRun(bench, options);
    console.log(' done');
  } catch (error) {
    fatal = error;
  } finally {
    lag.disable();
    stragglers = await bench.cleanup();
    await rm(root, { recursive: true, force: true });
  }

  printStreaming(streaming, options);
  if (spawnResult) printSpawn(spawnResult, options);
  const totalS = round((performance.now() - started) / 1000, 1);
  console.log(`\n${totalS} s total; ${stragglers} straggler(s) SIGKILLed at cleanup${fatal ? `; FAILED: ${errorText(fatal)}` : ''}`);
  await emitResult(
    {
      bench: 'supervisor',
      node: process.version,
      cpus: os.availableParallelism(),
      options,
      targets: { spawnRatioMin: TARGET_SPAWN_RATIO, rssPerAgentMbMax: TARGET_RSS_PER_AGENT_MB, lagP99MsMaxAt200: TARGET_LAG_P99_MS },
      rows: reportRows(streaming, spawnResult, options.rate),
      streaming,
      spawn: spawnResult ?? null,
      totalS,
      stragglers,
      error: fatal ? errorText(fatal) : undefined,
    },
    options.json,
  );
  if (fatal) process.exitCode = 1;
}

/** The report's rows: spawn against raw spawn, delivery against what the agents offered, the per-agent targets. */
function reportRows(streaming: StreamResult[], spawn: SpawnResult | undefined, rate: number): ReportRow[] {
  const rows: ReportRow[] = [];
  if (spawn) {
    rows.push({
      metric: `spawn -> first event, ${spawn.supervisor.agents} agents in waves of ${spawn.wave}`,
      product: `${spawn.supervisor.agentsPerSecond} agents/s`,
      baseline: `${spawn.raw.agentsPerSecond} agents/s (raw spawn)`,
      ratio: spawn.ratio,
      target: `>= ${TARGET_SPAWN_RATIO}x`,
      met: spawn.ratio >= TARGET_SPAWN_RATIO,
    });
  }
  for (const r of streaming) {
    rows.push({
      metric: `events delivered, ${r.agents} agents x ${rate}/s`,
      product: `${r.eventsPerSecond} events/s`,
      baseline: `${r.eventsPerSecondExpected} events/s (offered)`,
      ratio: r.reach,
    });
  }
  const largest = streaming.filter((r) => r.streaming > 0).at(-1);
  if (largest) {
    rows.push({
      metric: `server RSS per agent, ${largest.agents} agents`,
      product: `${largest.rssPerAgentMb} MB`,
      target: `<= ${TARGET_RSS_PER_AGENT_MB} MB`,
      met: largest.rssPerAgentMb <= TARGET_RSS_PER_AGENT_MB,
    });
  }
  const atTarget = streaming.find((r) => r.agents === TARGET_LAG_AT_AGENTS && r.streaming > 0);
  if (atTarget) {
    rows.push({
      metric: `event-loop lag p99, ${TARGET_LAG_AT_AGENTS} agents streaming`,
      product: `${atTarget.lagP99Ms} ms`,
      target: `< ${TARGET_LAG_P99_MS} ms`,
      met: atTarget.lagP99Ms < TARGET_LAG_P99_MS,
    });
  }
  return rows;
}

function emptyStream(n: number, error: string): StreamResult {
  return {
    agents: n, launched: 0, streaming: 0, launchMs: NaN, launchErrors: [], windowS: 0, eventsReceived: 0,
    eventsPerSecond: 0, eventsPerSecondExpected: 0, reach: 0, cpuPercent: NaN, rssBeforeMb: NaN, rssDuringMb: NaN,
    rssPeakMb: NaN, rssPerAgentMb: NaN, rssRetainedPerAgentMb: NaN, heapRetainedPerAgentKb: NaN, lagP50Ms: NaN, lagP99Ms: NaN, lagMaxMs: NaN,
    agentsRssTotalMb: NaN, stopMs: NaN, stopLagMaxMs: NaN, stopTimedOut: false, error,
  };
}

await main();
