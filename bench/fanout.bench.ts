/**
 * Fan-out benchmark: the live path from agents' stdout to WebSocket subscribers, through the whole
 * app, against a raw `ws` broadcast of the same agents' stdout, in the same run.
 *
 *   npx tsx bench/fanout.bench.ts [--agents 50] [--rate 20] [--seconds 10]
 *       [--subscribers 1,100,500] [--follow one|all] [--database-url postgres://...] [--json FILE]
 *
 * Database: --database-url, else BENCH_DATABASE_URL, names a PostgreSQL server on which a fresh
 * database is created for the run and dropped at the end; without one, PGlite in a temporary folder.
 *
 * For each number of subscribers S, two sides (order R G, G R, R G ... so drift on a shared machine
 * hits both alike; one small round of each side warms up first, not counted). Each side starts
 * `agents` fresh fake CLI processes (test/support/fake-claude.mjs, keyword STREAM) that each write
 * `rate` assistant text lines per second for `seconds` seconds, then end their turn:
 *
 * - GraphQL (the product): createApp in this process, listening on 127.0.0.1. A fresh session gets
 *   `agents` QUEUED tasks titled "... STREAM <rate> <seconds>"; the subscribers subscribe to
 *   `taskEvents` over graphql-ws (one connection per subscriber, afterSeq 0); once the server's event
 *   bus holds every subscription, `agents` agents are created in the session (createAgent, all at
 *   once), each claims a task and streams it. Path: stdout -> line reader -> adapter -> RunTracker
 *   -> numbered task events stored -> event bus after commit -> GraphQL execution -> graphql-ws.
 * - Raw: a bare `ws` WebSocketServer in this process; the same fake CLI spawned with the same
 *   command (the adapter's buildSpawn with the launch spec AgentManager builds, isolation wrapper
 *   included) and the same stdin turn line; each stdout line goes as it is to the sockets that follow
 *   that agent. No parsing, no database.
 *
 * Who follows what (--follow): `one` (default; a person watching one transcript) gives subscriber j
 * the task (or raw agent) j mod agents, round-robin: at S=1 one stream is followed, at S=100 each
 * stream has 2 followers, at S=500 10. `all`: every subscriber follows every stream (S x agents
 * subscriptions, multiplexed on its one connection). Every agent streams whatever S is.
 *
 * The subscribers live in a separate process (this file, forked), so their work does not run on the
 * server's event loop (it still shares the machine's CPUs). The fake CLI puts Date.now() at the
 * moment of writing into each line ("Stream line <i> of <n> at <ms>: ..."); a subscriber takes
 * Date.now() when the message reaches it (graphql-ws's next(), or ws's 'message'): latency is agent
 * write -> subscriber receipt on one clock. Lines are counted per subscription by number: lost =
 * expected - distinct received; duplicates and out-of-order lines are counted too. A GraphQL
 * subscription ends with its task (terminal status), a raw one with the agent's result line; one
 * that ends with an error (e.g. CONSUMER_TOO_SLOW) is not resubscribed (what it missed is lost), and
 * one still open when the bench stops waiting counts as stalled.
 *
 * The steady window runs from the last stream's first line to the first stream's last line (write
 * times): every agent is streaming, none is starting (50 process starts on 2 CPUs delay both sides
 * by hundreds of ms). Throughput is the lines received by all subscribers inside it per second,
 * against what the agents offered; latency p50/p99/max is over the lines written inside it, and
 * "p99 all" over every line. For the GraphQL side, each line's stored event splits its latency:
 * write -> created_at (the start of the transaction that stored it) and created_at -> receipt.
 *
 * Server figures (this process: the app or the raw server, and the agents' supervision): RSS before
 * and peak/mean during the side, CPU share, event-loop lag p99; also the subscriber process's CPU and
 * the whole machine's busy share. The stored MESSAGE events of each task are counted, which tells
 * "not stored" from "not sent".
 *
 * Prints figures with the targets beside them and a final JSON line (also written to --json FILE,
 * with the rows of `npm run bench`'s report). Exits 1 on lost lines (or when
 * the bench itself fails); missed timing targets only show as MISS. Every agent process, the
 * subscriber process, the database and the temporary folder are removed at the end, on error and on
 * SIGINT/SIGTERM too.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createClient, type Client } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { App } from '../server/app.js';
import { TERMINAL_TASK_STATUSES } from '../server/db/types.js';
import { probeIsolation } from '../server/supervisor/isolation.js';
import {
  cleanUpOnSignal,
  type CleanupStep,
  describeMachine,
  emitResult,
  errorText,
  integerOption,
  killFakeStragglers,
  machineCpu,
  mark,
  pad,
  parseOptionArgs,
  percentile,
  ratioOf,
  type ReportRow,
  round,
  runCleanupSteps,
  within,
} from './support.js';
import { createBenchDatabase, describeUrl, startBenchApp, type BenchDatabase } from './bench-app.js';

const MB = 1024 * 1024;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 100;
/** The targets apply at this number of subscribers. */
const TARGET_AT = 100;
/** How long subscribers may take to be registered, and agents to be started. */
const SETUP_TIMEOUT_MS = 60_000;
/** After the last line is due: how long every subscription may take to end. */
const DRAIN_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** monitorEventLoopDelay records the time between its timer's ticks, so lag = value - resolution. */
const LAG_RESOLUTION_MS = 10;
const LINE_RE = /^Stream line (\d+) of (\d+) at (\d+):/;
const SUBSCRIPTION = 'subscription Follow($taskId: ID!) { taskEvents(taskId: $taskId) { seq kind payload createdAt } }';
const SUBSCRIBER_FLAG = '--subscriber-process';

// ------------------------------------------------------------------------------------------
// Arguments

interface Options {
  agents: number;
  rate: number;
  seconds: number;
  subscribers: number[];
  follow: 'one' | 'all';
  databaseUrl?: string;
  json?: string;
}

function parseOptions(argv: string[]): Options {
  const values = parseOptionArgs(argv, {
    agents: '50',
    rate: '20',
    seconds: '10',
    subscribers: '1,100,500',
    follow: 'one',
    'database-url': process.env.BENCH_DATABASE_URL || undefined,
    json: undefined,
  });
  const follow = values.follow;
  if (follow !== 'one' && follow !== 'all') throw new Error(`--follow: expected one or all, got ${follow}`);
  return {
    agents: integerOption('agents', values.agents),
    rate: integerOption('rate', values.rate),
    seconds: integerOption('seconds', values.seconds),
    subscribers: values.subscribers.split(',').map((v) => integerOption('subscribers', v)),
    follow,
    databaseUrl: values['database-url'],
    json: values.json,
  };
}

// ------------------------------------------------------------------------------------------
// The subscriber process: protocol

interface StartRun {
  type: 'start';
  side: Side;
  /** graphql: the graphql-ws endpoint; raw: the raw server's base URL. */
  url: string;
  /** Per subscriber, the streams it follows: task global ids (graphql) or CLI session ids (raw). */
  follows: string[][];
  linesPerStream: number;
  rate: number;
}

/** Epoch ms, on the agents' clock: from the last stream's first line to the first stream's last line. */
interface SteadyWindow {
  startMs: number;
  endMs: number;
}

type Side = 'graphql' | 'raw';
type ToSubscribers = StartRun | { type: 'summarise'; window: SteadyWindow | null };
type FromSubscribers =
  | { type: 'connected' }
  | { type: 'ended' }
  | { type: 'summary'; summary: Summary }
  | { type: 'failed'; message: string };

interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

interface Summary {
  subscriptions: number;
  completed: number;
  /** Subscriptions that ended with an error, by message (CONSUMER_TOO_SLOW, a socket error, ...). */
  errors: Record<string, number>;
  /** Subscriptions still open when the bench stopped waiting: stalled. */
  pending: number;
  expected: number;
  /** Distinct stream lines received, summed over subscriptions. */
  received: number;
  duplicates: number;
  outOfOrder: number;
  lost: number;
  subscribersWithLoss: number;
  maxLostPerSubscriber: number;
  /** Lines written while every agent was streaming (the steady window). */
  latency: Latency;
  /** Every line, the 50 processes' start-up included. */
  latencyAll: Latency;
  /** GraphQL only: the event's created_at (its transaction's start) -> receipt, steady window. */
  storeToReceipt: Latency | null;
  window: { ms: number; delivered: number; offeredPerSecond: number; deliveredPerSecond: number; spanned: 'steady' | 'whole run' };
  /** Distinct lines / (last receipt - first write). */
  overallPerSecond: number;
  clientCpuPercent: number;
  /** Last receipt - last write seen. */
  drainMs: number;
}

// ------------------------------------------------------------------------------------------
// The subscriber process: runs the clients of one side at a time

interface Follow {
  subscriber: number;
  key: string;
  seen: Uint8Array;
  received: number;
  duplicates: number;
  outOfOrder: number;
  lastLine: number;
  ended?: string;
}

async function subscriberProcess(): Promise<void> {
  const send = (message: FromSubscribers): void => void process.send?.(message);
  process.on('disconnect', () => process.exit(0));
  let current: Promise<{ summarise: (window: SteadyWindow | null) => void }> | undefined;
  process.on('message', (message: ToSubscribers) => {
    if (message.type === 'summarise') {
      void current?.then((run) => run.summarise(message.window));
      return;
    }
    current = runClients(message, send);
    current.catch((error: unknown) => send({ type: 'failed', message: errorText(error) }));
  });
}

async function runClients(start: StartRun, send: (message: FromSubscribers) => void): Promise<{ summarise: (window: SteadyWindow | null) => void }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const follows: Follow[] = [];
  const byKey: Map<string, Follow>[] = start.follows.map(() => new Map());
  start.follows.forEach((keys, subscriber) => {
    for (const key of keys) {
      const follow: Follow = { subscriber, key, seen: new Uint8Array(start.linesPerStream + 1), received: 0, duplicates: 0, outOfOrder: 0, lastLine: 0 };
      follows.push(follow);
      byKey[subscriber]!.set(key, follow);
    }
  });
  // One entry per line received: when it was written (agent's Date.now()) and received (ours).
  const samples: Receipts = { written: [], received: [], stored: [] };
  let open = follows.length;
  const closers: (() => void)[] = [];

  const line = (follow: Follow, text: string, at: number, storedAt = NaN): void => {
    const m = LINE_RE.exec(text);
    if (!m) return;
    const i = Number(m[1]);
    if (i < 1 || i > start.linesPerStream) return;
    if (follow.seen[i]) {
      follow.duplicates++;
      return;
    }
    follow.seen[i] = 1;
    follow.received++;
    if (i < follow.lastLine) follow.outOfOrder++;
    follow.lastLine = Math.max(follow.lastLine, i);
    samples.written.push(Number(m[3]));
    samples.received.push(at);
    samples.stored.push(storedAt);
  };
  const end = (follow: Follow, how: string): void => {
    if (follow.ended !== undefined) return;
    follow.ended = how;
    if (--open === 0) send({ type: 'ended' });
  };
  let summarised = false;
  const summarise = (window: SteadyWindow | null): void => {
    if (summarised) return;
    summarised = true;
    const cpu = process.cpuUsage(cpu0);
    const summary = summariseRun(follows, start, samples, window);
    summary.clientCpuPercent = round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100, 1);
    send({ type: 'summary', summary });
    for (const close of closers) close();
  };

  let connected = 0;
  const connectedOne = (): void => {
    if (++connected === start.follows.length) send({ type: 'connected' });
  };

  if (start.side === 'graphql') {
    for (const [subscriber, keys] of start.follows.entries()) {
      const client: Client = createClient({ url: start.url, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, keepAlive: 10_000 });
      closers.push(() => void client.dispose());
      let counted = false;
      client.on('connected', () => {
        if (!counted) connectedOne();
        counted = true;
      });
      for (const key of keys) {
        const follow = byKey[subscriber]!.get(key)!;
        client.subscribe<{ taskEvents: { seq: number; kind: string; payload: { text?: unknown }; createdAt: string } }>(
          { query: SUBSCRIPTION, variables: { taskId: key } },
          {
            next: (value) => {
              const at = Date.now();
              if (value.errors?.length) {
                const error = value.errors[0]!;
                end(follow, `${String(error.extensions?.code ?? 'ERROR')}: ${error.message}`);
                return;
              }
              const event = value.data?.taskEvents;
              if (event?.kind === 'MESSAGE' && typeof event.payload.text === 'string') line(follow, event.payload.text, at, Date.parse(event.createdAt));
            },
            error: (error) => end(follow, `error: ${describeClientError(error)}`),
            complete: () => end(follow, 'complete'),
          },
        );
      }
    }
  } else {
    for (const [subscriber, keys] of start.follows.entries()) {
      const mine = byKey[subscriber]!;
      const socket = new WebSocket(`${start.url}/?follow=${keys.join(',')}`);
      closers.push(() => socket.terminate());
      socket.on('open', connectedOne);
      socket.on('message', (data) => {
        const at = Date.now();
        let parsed: { type?: string; session_id?: string; message?: { content?: { text?: unknown }[] } };
        try {
          parsed = JSON.parse(String(data));
        } catch {
          return;
        }
        const follow = mine.get(String(parsed.session_id));
        if (!follow) return;
        if (parsed.type === 'assistant') {
          const text = parsed.message?.content?.[0]?.text;
          if (typeof text === 'string') line(follow, text, at);
        } else if (parsed.type === 'result') {
          end(follow, 'complete');
        }
      });
      const fail = (why: string) => {
        for (const follow of mine.values()) end(follow, why);
      };
      socket.on('error', (error) => fail(`error: ${errorText(error)}`));
      socket.on('close', (code) => fail(`error: socket closed (${code})`));
    }
  }
  return { summarise };
}

function describeClientError(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    return `socket closed (${String((error as { code: unknown }).code)} ${String((error as { reason: unknown }).reason)})`;
  }
  return errorText(error);
}

interface Receipts {
  written: number[];
  received: number[];
  /** GraphQL: the event's created_at; raw: NaN. */
  stored: number[];
}

function latencyOf(values: number[]): Latency {
  const sorted = Array.from(Float64Array.from(values).sort());
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.at(-1) ?? NaN,
  };
}

function summariseRun(follows: Follow[], start: StartRun, samples: Receipts, window: SteadyWindow | null): Summary {
  const errors: Record<string, number> = {};
  let completed = 0;
  let pending = 0;
  const lostBySubscriber = new Array<number>(start.follows.length).fill(0);
  let received = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  for (const f of follows) {
    if (f.ended === 'complete') completed++;
    else if (f.ended === undefined) pending++;
    else errors[f.ended.slice(0, 200)] = (errors[f.ended.slice(0, 200)] ?? 0) + 1;
    received += f.received;
    duplicates += f.duplicates;
    outOfOrder += f.outOfOrder;
    lostBySubscriber[f.subscriber]! += start.linesPerStream - f.received;
  }
  const expected = follows.length * start.linesPerStream;
  const { written, received: at } = samples;
  let firstWrite = Infinity;
  let lastWrite = -Infinity;
  let lastReceipt = -Infinity;
  const all: number[] = [];
  for (let k = 0; k < written.length; k++) {
    all.push(at[k]! - written[k]!);
    firstWrite = Math.min(firstWrite, written[k]!);
    lastWrite = Math.max(lastWrite, written[k]!);
    lastReceipt = Math.max(lastReceipt, at[k]!);
  }

  // Steady: every agent streaming (no process starting or ending). Too short a window: the whole run.
  const steady = window !== null && window.endMs - window.startMs >= 1000;
  const w0 = steady ? window.startMs : firstWrite;
  const w1 = steady ? window.endMs : lastReceipt;
  const inWindow: number[] = [];
  const fromStore: number[] = [];
  let delivered = 0;
  for (let k = 0; k < written.length; k++) {
    if (written[k]! >= w0 && written[k]! <= w1) {
      inWindow.push(at[k]! - written[k]!);
      if (!Number.isNaN(samples.stored[k]!)) fromStore.push(at[k]! - samples.stored[k]!);
    }
    if (at[k]! >= w0 && at[k]! <= w1) delivered++;
  }
  const windowMs = w1 - w0;
  const offeredPerSecond = steady ? follows.length * start.rate : windowMs > 0 ? (expected / windowMs) * 1000 : NaN;
  return {
    subscriptions: follows.length,
    completed,
    errors,
    pending,
    expected,
    received,
    duplicates,
    outOfOrder,
    lost: expected - received,
    subscribersWithLoss: lostBySubscriber.filter((n) => n > 0).length,
    maxLostPerSubscriber: Math.max(0, ...lostBySubscriber),
    latency: latencyOf(steady ? inWindow : all),
    latencyAll: latencyOf(all),
    storeToReceipt: fromStore.length > 0 ? latencyOf(fromStore) : null,
    window: {
      ms: windowMs,
      delivered,
      offeredPerSecond: round(offeredPerSecond, 1),
      deliveredPerSecond: round(windowMs > 0 ? (delivered / windowMs) * 1000 : NaN, 1),
      spanned: steady ? 'steady' : 'whole run',
    },
    overallPerSecond: round(lastReceipt > firstWrite ? (received / (lastReceipt - firstWrite)) * 1000 : NaN, 1),
    clientCpuPercent: NaN,
    drainMs: lastReceipt - lastWrite,
  };
}

/** The steady window from each stream's first and last line (write times); null without every stream's both ends. */
function steadyWindow(ends: Map<string, { first?: number; last?: number }>, streams: number): SteadyWindow | null {
  const firsts = [...ends.values()].map((e) => e.first).filter((v): v is number => v !== undefined);
  const lasts = [...ends.values()].map((e) => e.last).filter((v): v is number => v !== undefined);
  if (firsts.length < streams || lasts.length < streams) return null;
  return { startMs: Math.max(...firsts), endMs: Math.min(...lasts) };
}

// ------------------------------------------------------------------------------------------
// The server side: subscriber process handle

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

class Subscribers {
  private readonly child: ChildProcess;
  private listener: ((message: FromSubscribers) => void) | undefined;
  private exited = false;

  constructor() {
    // Same Node and loader flags (tsx) as this process.
    this.child = fork(fileURLToPath(import.meta.url), [SUBSCRIBER_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: FromSubscribers) => this.listener?.(message));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.listener?.({ type: 'failed', message: `the subscriber process exited (${code ?? signal})` });
    });
  }

  /**
   * Starts a side's clients; resolves once every connection is open, with a promise of the moment
   * every subscription has ended and a way to ask for the figures.
   */
  async start(run: Omit<StartRun, 'type'>): Promise<{ ended: Promise<void>; summarise: (window: SteadyWindow | null) => Promise<Summary> }> {
    if (this.exited) throw new Error('the subscriber process is gone');
    const connected = deferred<void>();
    const ended = deferred<void>();
    const summary = deferred<Summary>();
    for (const d of [connected, ended, summary]) d.promise.catch(() => {});
    this.listener = (message) => {
      if (message.type === 'connected') connected.resolve();
      else if (message.type === 'ended') ended.resolve();
      else if (message.type === 'summary') summary.resolve(message.summary);
      else {
        const error = new Error(`subscriber process: ${message.message}`);
        for (const d of [connected, ended, summary]) d.reject(error);
      }
    };
    this.child.send({ type: 'start', ...run } satisfies StartRun);
    if ((await within(connected.promise, SETUP_TIMEOUT_MS)) === 'timeout') throw new Error(`subscribers not connected within ${SETUP_TIMEOUT_MS} ms`);
    return {
      ended: ended.promise,
      summarise: async (window) => {
        if (this.exited) throw new Error('the subscriber process is gone');
        this.child.send({ type: 'summarise', window } satisfies ToSubscribers);
        const result = await within(summary.promise, 60_000);
        if (result === 'timeout') throw new Error('the subscriber process sent no summary');
        return result;
      },
    };
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    if ((await within(gone, 3_000)) === 'timeout' && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

// ------------------------------------------------------------------------------------------
// Process bookkeeping for the raw side: every pid this run started, so none can outlive it.

const rawPids = new Set<number>();

function killRawStragglers(): number {
  return killFakeStragglers(rawPids);
}

// ------------------------------------------------------------------------------------------
// Measuring this process while a side runs

interface ServerFigures {
  rssBeforeMb: number;
  rssPeakMb: number;
  rssMeanMb: number;
  cpuPercent: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** The whole machine (this process, the agents, the subscribers, the database): busy share of all CPUs. */
  machineCpuPercent: number;
}

/** Busy and total jiffies of the whole machine (/proc/stat); undefined off Linux. */
function watchServer(lag: IntervalHistogram): () => ServerFigures {
  const before = process.memoryUsage().rss;
  const samples: number[] = [before];
  const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 250);
  const cpu0 = process.cpuUsage();
  const machine0 = machineCpu();
  const t0 = performance.now();
  lag.reset();
  return () => {
    clearInterval(sampler);
    samples.push(process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpu0);
    const machine1 = machineCpu();
    const lagMs = (ns: number) => round(Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS), 1);
    return {
      rssBeforeMb: round(before / MB, 1),
      rssPeakMb: round(Math.max(...samples) / MB, 1),
      rssMeanMb: round(samples.reduce((a, b) => a + b, 0) / samples.length / MB, 1),
      cpuPercent: round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100, 1),
      lagP99Ms: lagMs(lag.percentile(99)),
      lagMaxMs: lagMs(lag.max),
      machineCpuPercent: machine0 && machine1 && machine1.total > machine0.total ? round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100, 0) : NaN,
    };
  };
}

// ------------------------------------------------------------------------------------------
// One side of one level

interface RunResult {
  side: Side;
  subscribers: number;
  agents: number;
  linesPerStream: number;
  /** Agents whose turn ended with success (GraphQL: tasks SUCCEEDED; raw: result lines seen). */
  finished: number;
  /** GraphQL only: stream lines stored as MESSAGE events, against agents x lines. */
  stored?: number;
  storedExpected?: number;
  /** GraphQL only: agent write -> start of the transaction that stored the line (its created_at), steady window. */
  writeToStoreMs?: { p50: number; p99: number; max: number };
  connectMs: number;
  /** From the first agent start to every subscription ended. */
  wallS: number;
  summary: Summary;
  server: ServerFigures;
  problems: string[];
}

interface Level {
  options: Options;
  subscribers: number;
  agents: number;
  seconds: number;
}

/** Polls until the check passes or the time is up; false on timeout. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await delay(50);
  }
}

/** Subscriber j follows stream j mod n, or every stream. */
function followsFor(level: Level, keys: string[]): string[][] {
  return Array.from({ length: level.subscribers }, (_, j) => (level.options.follow === 'all' ? keys : [keys[j % keys.length]!]));
}

/** Waits for every subscription to end; past the deadline, what is still open counts as stalled. */
async function waitForEnd(ended: Promise<void>, level: Level, problems: string[]): Promise<void> {
  const deadline = level.seconds * 1000 + SETUP_TIMEOUT_MS + DRAIN_TIMEOUT_MS;
  if ((await within(ended, deadline)) === 'timeout') problems.push(`not every subscription ended within ${deadline / 1000} s (counted as stalled)`);
}

async function graphqlRun(bench: Bench, level: Level, lag: IntervalHistogram): Promise<RunResult> {
  const app = bench.app;
  const { services } = app;
  const problems: string[] = [];
  const linesPerStream = Math.max(1, Math.round(level.options.rate * level.seconds));
  const label = `fan-out ${level.subscribers}x${level.agents} ${randomUUID().slice(0, 8)}`;
  const session = await services.sessions.createSession({ name: label });
  // Queued before any agent exists in the session, so the subscriptions are in place before a line is written.
  const tasks = [];
  for (let i = 0; i < level.agents; i++) {
    tasks.push(await services.tasks.createTask({ sessionId: session.id, title: `${label} #${i}: STREAM ${level.options.rate} ${level.seconds}` }));
  }
  const taskIds = tasks.map((t) => t.id);
  const keys = taskIds.map((id) => encodeGlobalID('Task', id));
  const follows = followsFor(level, keys);
  const subscriptions = follows.reduce((n, f) => n + f.length, 0);

  const base = app.bus.subscriberCount();
  const c0 = performance.now();
  const clients = await bench.subscribers.start({ side: 'graphql', url: bench.wsUrl, follows, linesPerStream, rate: level.options.rate });
  if (!(await until(() => app.bus.subscriberCount() >= base + subscriptions, SETUP_TIMEOUT_MS))) {
    throw new Error(`only ${app.bus.subscriberCount() - base}/${subscriptions} subscriptions registered on the event bus`);
  }
  const connectMs = performance.now() - c0;

  const stopWatching = watchServer(lag);
  const t0 = performance.now();
  const created = await Promise.allSettled(
    Array.from({ length: level.agents }, (_, i) => services.agents.createAgent({ sessionId: session.id, name: `${label} agent ${i}`, role: 'WORKER' })),
  );
  const agentIds: string[] = [];
  for (const c of created) {
    if (c.status === 'fulfilled') {
      agentIds.push(c.value.id);
      if (c.value.status === 'ERROR') problems.push(`agent ${c.value.name} failed to start: ${c.value.lastError ?? ''}`);
    } else problems.push(`createAgent: ${errorText(c.reason)}`);
  }
  bench.agentIds.push(...agentIds);
  let server: ServerFigures;
  let wallS: number;
  try {
    await waitForEnd(clients.ended, level, problems);
    wallS = (performance.now() - t0) / 1000;
    // Streams nobody follows (S < agents) still run: every turn ends inside the measurement.
    if (!(await until(async () => (await services.tasks.loadTasks(taskIds)).every((t) => TERMINAL_TASK_STATUSES.includes(t.status)), DRAIN_TIMEOUT_MS))) {
      problems.push(`tasks still not ended ${DRAIN_TIMEOUT_MS / 1000} s after the subscriptions`);
    }
  } finally {
    // Figures end with the last turn; stopping the agents is not measured.
    server = stopWatching();
  }

  // What the database holds: were the lines stored, and did every task end? The stored lines'
  // write times give the steady window.
  const rows = await services.tasks.loadTasks(taskIds);
  const finished = rows.filter((t) => t.status === 'SUCCEEDED').length;
  const notDone = rows.filter((t) => t.status !== 'SUCCEEDED');
  if (notDone.length > 0) {
    problems.push(`${notDone.length} task(s) not SUCCEEDED: ${[...new Set(notDone.map((t) => `${t.status}${t.errorMessage ? ` (${t.errorMessage.slice(0, 120)})` : ''}`))].join(', ')}`);
  }
  const stored = await app.database.db
    .selectFrom('taskEvents')
    .select(['taskId', 'payload', 'createdAt'])
    .where('taskId', 'in', taskIds)
    .where('kind', '=', 'MESSAGE')
    .execute();
  const ends = new Map<string, { first?: number; last?: number }>();
  let storedLines = 0;
  const toStore: { written: number; ms: number }[] = [];
  for (const row of stored) {
    const m = LINE_RE.exec(String((row.payload as { text?: unknown }).text ?? ''));
    if (!m) continue;
    storedLines++;
    // created_at is now() of the event's transaction: when the server began to store the line.
    toStore.push({ written: Number(m[3]), ms: new Date(row.createdAt).getTime() - Number(m[3]) });
    const end = ends.get(row.taskId) ?? {};
    if (m[1] === '1') end.first = Number(m[3]);
    if (Number(m[1]) === linesPerStream) end.last = Number(m[3]);
    ends.set(row.taskId, end);
  }
  const window = steadyWindow(ends, level.agents);
  const summary = await clients.summarise(window);
  const steady = window && window.endMs - window.startMs >= 1000 ? toStore.filter((l) => l.written >= window.startMs && l.written <= window.endMs) : toStore;
  const writeToStore = latencyOf(steady.map((l) => l.ms));

  await stopAgents(bench, agentIds, problems);
  return {
    side: 'graphql',
    subscribers: level.subscribers,
    agents: level.agents,
    linesPerStream,
    finished,
    stored: storedLines,
    storedExpected: level.agents * linesPerStream,
    writeToStoreMs: { p50: writeToStore.p50, p99: writeToStore.p99, max: writeToStore.max },
    connectMs: round(connectMs, 0),
    wallS: round(wallS, 1),
    summary,
    server,
    problems,
  };
}

async function stopAgents(bench: Bench, agentIds: string[], problems: string[]): Promise<void> {
  const stopped = await within(
    Promise.allSettled(agentIds.map((id) => bench.app.services.agents.terminateAgent(id))),
    STOP_TIMEOUT_MS,
  );
  if (stopped === 'timeout') problems.push(`agents not terminated within ${STOP_TIMEOUT_MS / 1000} s`);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (agentIds.some((id) => bench.app.supervisor.isRunning(id)) && Date.now() < deadline) await delay(25);
  bench.agentIds = bench.agentIds.filter((id) => !agentIds.includes(id));
}

interface RawAgent {
  child: ChildProcess;
  key: string;
  finished: boolean;
  exited: Promise<void>;
}

async function rawRun(bench: Bench, level: Level, lag: IntervalHistogram): Promise<RunResult> {
  const problems: string[] = [];
  const linesPerStream = Math.max(1, Math.round(level.options.rate * level.seconds));
  const prompt = `fan-out raw ${level.subscribers}x${level.agents}: STREAM ${level.options.rate} ${level.seconds}`;
  const adapter = bench.app.supervisor.adapter;
  const binaryPath = adapter.resolveBinary(bench.app.config.claude.cliPath);
  // What AgentManager.launch passes to the Supervisor, for an agent of a new session; its CLI
  // session id (on every line the CLI writes) names the stream.
  const keys = Array.from({ length: level.agents }, () => randomUUID());
  const commands = keys.map((cliSessionId) =>
    adapter.buildSpawn({
      binaryPath,
      cliSessionId,
      resume: false,
      model: null,
      config: { workingDirectory: bench.rawWorkingDirectory },
      environment: bench.app.config.agentEnvironment,
      runTag: randomUUID(),
      wrapperPrefix: bench.wrapperPrefix,
    }),
  );
  const follows = followsFor(level, keys);

  // The raw server: each socket names the streams it follows; each stdout line goes to their sockets as it is.
  const followers = new Map<string, Set<WebSocket>>(keys.map((k) => [k, new Set()]));
  let registered = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  bench.rawServer = wss;
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const wanted = new URL(req.url ?? '/', 'http://x').searchParams.get('follow')?.split(',') ?? [];
    for (const key of wanted) followers.get(key)?.add(socket);
    registered++;
    socket.on('close', () => {
      for (const key of wanted) followers.get(key)?.delete(socket);
    });
    socket.on('error', () => {});
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;

  const agents: RawAgent[] = [];
  try {
    const c0 = performance.now();
    const clients = await bench.subscribers.start({ side: 'raw', url, follows, linesPerStream, rate: level.options.rate });
    if (!(await until(() => registered >= level.subscribers, SETUP_TIMEOUT_MS))) throw new Error(`only ${registered}/${level.subscribers} raw sockets registered`);
    const connectMs = performance.now() - c0;
    // Write times of each stream's first and last line (for the steady window), read off the lines in passing.
    const ends = new Map<string, { first?: number; last?: number }>(keys.map((k) => [k, {}]));
    const lastMarker = `Stream line ${linesPerStream} of ${linesPerStream} at `;
    const writtenAt = (line: string): number => Number(/Stream line \d+ of \d+ at (\d+):/.exec(line)?.[1]);

    const stopWatching = watchServer(lag);
    const t0 = performance.now();
    for (const [i, command] of commands.entries()) {
      const key = keys[i]!;
      const sockets = followers.get(key)!;
      const end = ends.get(key)!;
      const child = spawn(command.file, command.args, { cwd: command.cwd, env: command.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      if (child.pid !== undefined) rawPids.add(child.pid);
      const agent: RawAgent = {
        child,
        key,
        finished: false,
        exited: new Promise<void>((resolve) => child.once('close', () => resolve())),
      };
      agents.push(agent);
      bench.rawChildren.add(child);
      void agent.exited.then(() => bench.rawChildren.delete(child));
      child.once('error', (error) => problems.push(`spawn: ${errorText(error)}`));
      child.stdin!.on('error', () => {});
      child.stderr!.resume();
      child.stdout!.setEncoding('utf8');
      let pending = '';
      child.stdout!.on('data', (chunk: string) => {
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.length === 0) continue;
          for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(line);
          if (end.first === undefined && line.includes('Stream line 1 of ')) end.first = writtenAt(line);
          else if (line.includes(lastMarker)) end.last = writtenAt(line);
          // Like the product, the turn's end is the result line; an idle fake CLI then exits at EOF.
          if (line.includes('"type":"result"')) {
            agent.finished = true;
            child.stdin!.end();
          }
        }
      });
      child.stdin!.write(`${adapter.encodeTurn(prompt, randomUUID())}\n`);
    }
    let server: ServerFigures;
    let wallS: number;
    try {
      await waitForEnd(clients.ended, level, problems);
      wallS = (performance.now() - t0) / 1000;
      // Streams nobody follows (S < agents) still run: every turn ends inside the measurement.
      await until(() => agents.every((a) => a.finished), DRAIN_TIMEOUT_MS);
    } finally {
      server = stopWatching();
    }
    const summary = await clients.summarise(steadyWindow(ends, level.agents));
    const finished = agents.filter((a) => a.finished).length;
    if (finished < agents.length) problems.push(`${agents.length - finished} raw agent(s) wrote no result line`);
    return {
      side: 'raw',
      subscribers: level.subscribers,
      agents: level.agents,
      linesPerStream,
      finished,
      connectMs: round(connectMs, 0),
      wallS: round(wallS, 1),
      summary,
      server,
      problems,
    };
  } finally {
    for (const agent of agents) agent.child.stdin?.end();
    if ((await within(Promise.all(agents.map((a) => a.exited)), 10_000)) === 'timeout') problems.push('raw agents did not exit at EOF; SIGKILLed');
    killRawStragglers();
    await closeRawServer(bench);
  }
}

async function closeRawServer(bench: Bench): Promise<void> {
  const wss = bench.rawServer;
  bench.rawServer = undefined;
  if (!wss) return;
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

// ------------------------------------------------------------------------------------------
// Context: the app, the database, the subscriber process

class Bench {
  app!: App;
  wsUrl = '';
  subscribers!: Subscribers;
  wrapperPrefix: string[] | undefined;
  rawWorkingDirectory = '';
  rawServer: WebSocketServer | undefined;
  readonly rawChildren = new Set<ChildProcess>();
  agentIds: string[] = [];
}

async function startApp(database: BenchDatabase, root: string, options: Options): Promise<App> {
  return startBenchApp(database, root, { CLAUDE_MAX_AGENTS: String(Math.min(1000, options.agents + 10)) });
}

// ------------------------------------------------------------------------------------------
// Report

function printLevel(runs: RunResult[], options: Options, kind: BenchDatabase['kind']): void {
  const header = [
    pad('subs', 5),
    'side   ',
    pad('subscriptions', 13),
    pad('delivered/s', 11),
    pad('offered/s', 10),
    pad('ratio', 6),
    pad(`>=${TARGET_RATIO}`, 5),
    pad('p50', 8),
    pad('p99', 8),
    pad(`<${TARGET_P99_MS}ms`, 6),
    pad('max', 8),
    pad('p99 all', 8),
    pad('lost', 7),
    pad('dup', 4),
    pad('ended early', 11),
    pad('RSS peak', 9),
    pad('server CPU', 10),
    pad('lag p99', 8),
    pad('client CPU', 10),
    pad('machine CPU', 11),
  ];
  console.log(`\nFan-out: ${options.agents} agents x ${options.rate} lines/s for ${options.seconds} s; follow ${options.follow}; ${kind}`);
  console.log(header.join('  '));
  for (const r of runs) {
    const s = r.summary;
    const raw = runs.find((x) => x.side === 'raw' && x.subscribers === r.subscribers);
    const ratio = r.side === 'graphql' && raw ? s.window.deliveredPerSecond / raw.summary.window.deliveredPerSecond : NaN;
    const targeted = r.subscribers === TARGET_AT && r.side === 'graphql';
    const early = Object.values(s.errors).reduce((a, b) => a + b, 0) + s.pending;
    console.log(
      [
        pad(r.subscribers, 5),
        r.side.padEnd(7),
        pad(s.subscriptions, 13),
        pad(s.window.deliveredPerSecond.toFixed(1), 11),
        pad(s.window.offeredPerSecond.toFixed(1), 10),
        pad(Number.isFinite(ratio) ? ratio.toFixed(3) : '-', 6),
        pad(targeted ? mark(ratio >= TARGET_RATIO && s.lost === 0) : '-', 5),
        pad(`${s.latency.p50.toFixed(0)} ms`, 8),
        pad(`${s.latency.p99.toFixed(0)} ms`, 8),
        pad(targeted ? mark(s.latency.p99 < TARGET_P99_MS) : '-', 6),
        pad(`${s.latency.max.toFixed(0)} ms`, 8),
        pad(`${s.latencyAll.p99.toFixed(0)} ms`, 8),
        pad(s.lost, 7),
        pad(s.duplicates, 4),
        pad(early, 11),
        pad(`${r.server.rssPeakMb.toFixed(0)} MB`, 9),
        pad(`${r.server.cpuPercent.toFixed(0)} %`, 10),
        pad(`${r.server.lagP99Ms.toFixed(0)} ms`, 8),
        pad(`${s.clientCpuPercent.toFixed(0)} %`, 10),
        pad(`${r.server.machineCpuPercent.toFixed(0)} %`, 11),
      ].join('  '),
    );
  }
  console.log(
    `   delivered/s: lines received by all subscribers per second while every agent was streaming (steady window); ` +
      `ratio = GraphQL / raw at the same S; p50/p99/max: agent write -> subscriber receipt of the lines written in that window; ` +
      `p99 all: of every line, the agents' start-up included; lost: lines expected by subscriptions but never received`,
  );
  for (const r of runs) {
    const s = r.summary;
    const tag = `   S=${r.subscribers} ${r.side}:`;
    console.log(
      `${tag} ${s.received}/${s.expected} lines received (${s.subscribersWithLoss} subscriber(s) missing some, at most ${s.maxLostPerSubscriber} each; ` +
        `${s.outOfOrder} out of order); ${s.completed}/${s.subscriptions} subscriptions completed; ` +
        `window ${(s.window.ms / 1000).toFixed(1)} s (${s.window.spanned}), whole run ${s.overallPerSecond} lines/s, ` +
        `last receipt ${s.drainMs} ms after the last write; p90 ${s.latency.p90} ms, p99.9 ${s.latency.p999} ms; ` +
        `every line: p50 ${s.latencyAll.p50} ms, p99 ${s.latencyAll.p99} ms, max ${s.latencyAll.max} ms; ` +
        `${r.finished}/${r.agents} turns finished` +
        (r.stored !== undefined ? `, ${r.stored}/${r.storedExpected} lines stored` : '') +
        (r.writeToStoreMs ? `; write -> stored (its transaction's start) p50 ${r.writeToStoreMs.p50} / p99 ${r.writeToStoreMs.p99} / max ${r.writeToStoreMs.max} ms` : '') +
        (s.storeToReceipt ? `, stored -> subscriber p50 ${s.storeToReceipt.p50} / p99 ${s.storeToReceipt.p99} / max ${s.storeToReceipt.max} ms` : '') +
        `; server RSS ${r.server.rssBeforeMb} MB before, ${r.server.rssMeanMb} mean / ${r.server.rssPeakMb} peak, lag max ${r.server.lagMaxMs} ms; ` +
        `subscribed in ${r.connectMs} ms; ${r.wallS} s from start to the last subscription's end`,
    );
    for (const [error, n] of Object.entries(s.errors)) console.log(`${tag} ${n} subscription(s) ended with ${error}`);
    if (s.pending > 0) console.log(`${tag} ${s.pending} subscription(s) never ended (stalled)`);
    for (const p of r.problems) console.log(`${tag} ${p}`);
  }
  if (!runs.some((r) => r.subscribers === TARGET_AT)) console.log(`   (the targets apply at ${TARGET_AT} subscribers, which this run did not include)`);
}

// ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'fanout-bench-')));
  const bench = new Bench();
  let database: BenchDatabase | undefined;
  let subscribers: Subscribers | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      const steps: CleanupStep[] = [
        ['stop the subscriber process', async () => subscribers?.stop()],
        ['close the raw server', () => closeRawServer(bench)],
        ['stop the raw agents', async () => killRawStragglers()],
        ['stop the app', async () => bench.app?.stop()],
        ['drop the database', async () => database?.drop()],
        ['remove the temporary folder', () => rm(root, { recursive: true, force: true })],
      ];
      await runCleanupSteps(steps);
    })());
  cleanUpOnSignal('cleaning up', cleanup);

  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const started = performance.now();
  const runs: RunResult[] = [];
  let fatal: unknown;
  let liveAfterStop = 0;
  try {
    database = await createBenchDatabase(options.databaseUrl, root, 'bench_fanout');
    console.log(
      `fan-out bench: ${describeMachine()}; ${database.describe}; ${options.agents} agents x ${options.rate} lines/s x ${options.seconds} s; ` +
        `subscribers ${options.subscribers.join(',')}, following ${options.follow === 'one' ? 'one task each (round-robin)' : 'every task'}`,
    );
    bench.app = await startApp(database, root, options);
    bench.wsUrl = `ws://127.0.0.1:${await bench.app.listen()}/graphql`;
    bench.rawWorkingDirectory = path.join(root, 'raw-work');
    await mkdir(bench.rawWorkingDirectory, { recursive: true });
    // The raw agents get the wrapper the app's agents get.
    if (bench.app.config.claude.isolation === 'auto') {
      const isolation = await probeIsolation();
      bench.wrapperPrefix = isolation.kind === 'none' ? undefined : isolation.prefix;
    }
    subscribers = new Subscribers();
    bench.subscribers = subscribers;

    // Discarded: JIT, statement caches and first connections would otherwise land on the first side measured.
    process.stdout.write(`   warm-up ...`);
    const warm: Level = { options, subscribers: 5, agents: Math.min(5, options.agents), seconds: 2 };
    await rawRun(bench, warm, lag);
    await graphqlRun(bench, warm, lag);
    console.log(' done');

    for (const [i, s] of options.subscribers.entries()) {
      const level: Level = { options, subscribers: s, agents: options.agents, seconds: options.seconds };
      for (const side of i % 2 === 0 ? (['raw', 'graphql'] as const) : (['graphql', 'raw'] as const)) {
        process.stdout.write(`   S=${s} ${side} ...`);
        const run = side === 'raw' ? await rawRun(bench, level, lag) : await graphqlRun(bench, level, lag);
        runs.push(run);
        console.log(
          ` ${run.summary.window.deliveredPerSecond} lines/s delivered, p99 ${run.summary.latency.p99} ms, ${run.summary.lost} lost` +
            `${run.summary.pending ? `, ${run.summary.pending} stalled` : ''}`,
        );
      }
    }
  } catch (error) {
    fatal = error;
    console.log('');
  } finally {
    lag.disable();
    const supervisor = bench.app?.supervisor;
    await cleanup();
    liveAfterStop = (supervisor?.liveAgentIds().length ?? 0) + bench.rawChildren.size;
  }

  const kind = database?.kind ?? (options.databaseUrl ? 'postgres' : 'pglite');
  const ordered = [...runs].sort((a, b) => a.subscribers - b.subscribers || (a.side === 'raw' ? -1 : 1));
  if (ordered.length > 0) printLevel(ordered, options, kind);
  const lost = runs.reduce((n, r) => n + r.summary.lost, 0);
  const totalS = round((performance.now() - started) / 1000, 1);
  console.log(
    `\n${totalS} s total; ${liveAfterStop} agent process(es) left after stop; ` +
      `${lost === 0 ? 'no line lost' : `${lost} LINES LOST`}${fatal ? `; FAILED: ${errorText(fatal)}` : ''}`,
  );
  const at = (side: Side) => runs.find((r) => r.side === side && r.subscribers === TARGET_AT);
  const g = at('graphql');
  const r = at('raw');
  await emitResult(
    {
      bench: 'fanout',
      node: process.version,
      cpus: os.availableParallelism(),
      database: kind,
      options: { ...options, databaseUrl: options.databaseUrl ? describeUrl(options.databaseUrl) : undefined },
      targets: { ratioMinAt100: TARGET_RATIO, p99MsMaxAt100: TARGET_P99_MS, lostMax: 0 },
      at100:
        g && r
          ? {
              ratio: round(g.summary.window.deliveredPerSecond / r.summary.window.deliveredPerSecond, 3),
              p99Ms: g.summary.latency.p99,
              lost: g.summary.lost,
            }
          : null,
      rows: reportRows(ordered, lost),
      runs: ordered,
      lost,
      totalS,
      error: fatal ? errorText(fatal) : undefined,
    },
    options.json,
  );
  if (fatal || lost > 0) process.exitCode = 1;
}

/** The report's rows: per number of subscribers, delivery against the bare ws broadcast; latency and loss at the target level. */
function reportRows(runs: RunResult[], lost: number): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const g of runs.filter((run) => run.side === 'graphql')) {
    const r = runs.find((run) => run.side === 'raw' && run.subscribers === g.subscribers);
    if (!r) continue;
    const atTarget = g.subscribers === TARGET_AT;
    const ratio = ratioOf(g.summary.window.deliveredPerSecond, r.summary.window.deliveredPerSecond);
    rows.push({
      metric: `lines/s delivered, ${g.agents} agents, ${g.subscribers} subscriber(s)`,
      product: `${g.summary.window.deliveredPerSecond} lines/s`,
      baseline: `${r.summary.window.deliveredPerSecond} lines/s (bare ws)`,
      ratio,
      ...(atTarget ? { target: `>= ${TARGET_RATIO}x`, met: ratio !== undefined && ratio >= TARGET_RATIO } : {}),
    });
    rows.push({
      metric: `write -> subscriber p99, ${g.subscribers} subscriber(s)`,
      product: `${g.summary.latency.p99} ms`,
      baseline: `${r.summary.latency.p99} ms (bare ws)`,
      ratio: ratioOf(g.summary.latency.p99, r.summary.latency.p99),
      ...(atTarget ? { target: `<= ${TARGET_P99_MS} ms`, met: g.summary.latency.p99 <= TARGET_P99_MS } : {}),
    });
  }
  rows.push({ metric: 'lines lost (every level, both sides)', product: String(lost), target: '0', met: lost === 0 });
  return rows;
}

if (process.argv.includes(SUBSCRIBER_FLAG)) await subscriberProcess();
else await main();
