/**
 * Dashboard benchmark: how long an agent's output takes to reach the page, in real Chromium.
 *
 *   npx tsx bench/dashboard.bench.ts [--agents 50] [--rate 20] [--seconds 8] [--rounds 1] [--warmup-s 2]
 *       [--database-url postgres://...] [--chromium /usr/bin/chromium] [--json FILE]
 *
 * `agents` fake CLI processes (test/support/fake-claude.mjs, keyword STREAM) each write `rate`
 * assistant lines a second for `seconds`; every line carries the time it was written. Two pages
 * follow the same kind of load, one after the other, in the same run (order D B B D ... so drift
 * hits both alike):
 *   D  the dashboard (`npm run dashboard:build`, served on DASHBOARD_PORT): the agents page of the
 *      run's session, one card per agent with its live tail (taskEvents through urql);
 *   B  a bare page: the graphql-ws protocol by hand on a raw WebSocket, one taskEvents
 *      subscription per task, each line appended to a list as a text node (no framework).
 * In both pages a MutationObserver notes when each line first appears in the DOM; latency =
 * that time - the time the agent wrote it (one machine, one clock). The first `--warmup-s`
 * seconds of each stream are left out (cards mount and replay then). A PerformanceObserver
 * counts main-thread long tasks (> 50 ms) while the streams run.
 *
 * Prints figures with the target beside them (dashboard p95 < 100 ms, the UI budget) and the
 * ratio against the bare page, then a final JSON line (also written to --json FILE, with the rows
 * of `npm run bench`'s report); asserts nothing about timings. The
 * browser, the app (every agent process) and the temporary folder are removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../server/app.js';
import type { TaskRow } from '../server/db/types.js';
import { DASHBOARD_DIST } from '../server/http/dashboard.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { buildDashboard, findChromium, launchChromium } from '../test/support/browser.js';
import { createBenchDatabase, startBenchApp, type BenchDatabase } from './bench-app.js';
import {
  cleanUpOnSignal,
  describeMachine,
  emitResult,
  errorText,
  mark,
  parseOptionArgs,
  percentile,
  positiveOption,
  ratioOf,
  round,
  type ReportRow,
} from './support.js';

const TARGET_P95_MS = 100;
/** The Long Tasks API reports main-thread work longer than this; the browser fixes it, the report names it. */
const LONG_TASK_MS = 50;
const SETUP_TIMEOUT_MS = 60_000;

interface Options {
  agents: number;
  rate: number;
  seconds: number;
  rounds: number;
  warmupS: number;
  databaseUrl?: string;
  chromium?: string;
  json?: string;
}

function parseOptions(argv: string[]): Options {
  const values = parseOptionArgs(argv, {
    agents: '50',
    rate: '20',
    seconds: '8',
    rounds: '1',
    'warmup-s': '2',
    'database-url': process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined,
    chromium: undefined,
    json: undefined,
  });
  const options: Options = {
    agents: Math.round(positiveOption('agents', values.agents)),
    rate: positiveOption('rate', values.rate),
    seconds: positiveOption('seconds', values.seconds),
    rounds: Math.round(positiveOption('rounds', values.rounds)),
    warmupS: positiveOption('warmup-s', values['warmup-s']),
    databaseUrl: values['database-url'],
    chromium: values.chromium,
    json: values.json,
  };
  if (options.warmupS >= options.seconds) throw new Error('--warmup-s must be shorter than --seconds');
  return options;
}

// ------------------------------------------------------------------------------------------
// In the page: what appears, and when. Installed before any page script runs.

interface PageFigures {
  latencies: number[];
  lines: number;
  longTasks: number[];
}

/** Runs in the browser: notes each stream line's first appearance and every long task. */
function observeLines({ warmupLines, notBefore }: { warmupLines: number; notBefore: number }): void {
  const seen = new Set<string>();
  const figures = { latencies: [] as number[], lines: 0, longTasks: [] as number[], streaming: false };
  (window as unknown as { benchFigures: typeof figures }).benchFigures = figures;
  const streamLine = /Stream line (\d+) of \d+ at (\d+)/;
  const note = (text: string | null, now: number) => {
    const match = text ? streamLine.exec(text) : null;
    // Lines of earlier runs (cards of their agents show before the session filter applies) are not this run's.
    if (!match || Number(match[2]) < notBefore) return;
    // Line numbers repeat across streams; with the write time they name one line.
    const key = `${match[1]}@${match[2]}`;
    if (seen.has(key)) return;
    seen.add(key);
    figures.lines++;
    if (Number(match[1]) > warmupLines) figures.latencies.push(now - Number(match[2]));
  };
  new MutationObserver((records) => {
    const now = Date.now();
    for (const record of records) {
      if (record.type === 'characterData') note(record.target.textContent, now);
      for (const node of record.addedNodes) note(node.textContent, now);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
  new PerformanceObserver((list) => {
    if (!figures.streaming) return;
    for (const entry of list.getEntries()) figures.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
}

/** Runs in the browser: the bare page's client, graphql-ws by hand, one subscription per task. */
function followBare({ url, taskIds }: { url: string; taskIds: string[] }): void {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const lists = new Map<string, HTMLOListElement>();
  for (const id of taskIds) {
    const list = document.createElement('ol');
    document.body.append(list);
    lists.set(id, list);
  }
  socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data)) as { type: string; id?: string; payload?: any };
    if (data.type === 'connection_ack') {
      taskIds.forEach((taskId, i) =>
        socket.send(JSON.stringify({
          id: String(i),
          type: 'subscribe',
          payload: { query: 'subscription($t: ID!) { taskEvents(taskId: $t) { seq kind payload } }', variables: { t: taskId } },
        })),
      );
    } else if (data.type === 'next') {
      const event = data.payload?.data?.taskEvents;
      const text = event?.kind === 'MESSAGE' ? event.payload?.text : undefined;
      if (typeof text !== 'string') return;
      const list = lists.get(taskIds[Number(data.id)]!)!;
      const item = document.createElement('li');
      item.textContent = text;
      list.append(item);
      // A tail, like the dashboard's cards: the newest lines only.
      while (list.childElementCount > 8) list.firstElementChild!.remove();
    } else if (data.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
  };
}

/** The smallest file of the dashboard's build (served by the app, so of its origin). */
function smallestAsset(): string {
  const folder = path.join(DASHBOARD_DIST, 'assets');
  const [smallest] = readdirSync(folder)
    .map((name) => ({ name, size: statSync(path.join(folder, name)).size }))
    .sort((a, b) => a.size - b.size);
  if (!smallest) throw new Error(`no built dashboard assets in ${folder}`);
  return smallest.name;
}

// ------------------------------------------------------------------------------------------
// One run: a session of `agents` agents, a page following them, `agents` streaming tasks.

interface RunResult {
  side: 'D' | 'B';
  expectedLines: number;
  lines: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  longTasks: number;
  longTaskMs: number;
  longestTaskMs: number;
  problems: string[];
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function run(side: 'D' | 'B', app: App, browser: Browser, dashboardUrl: string, options: Options): Promise<RunResult> {
  const { services } = app;
  const problems: string[] = [];
  const label = `dashboard bench ${side} ${randomUUID().slice(0, 8)}`;
  const session = await services.sessions.createSession({ name: label });
  const agents = await Promise.all(
    Array.from({ length: options.agents }, (_, i) => services.agents.createAgent({ sessionId: session.id, name: `${side} agent ${i}`, role: 'WORKER' })),
  );
  const idle = await until(async () => (await services.agents.loadAgents(agents.map((a) => a.id))).every((a) => a.status === 'IDLE'), SETUP_TIMEOUT_MS);
  if (!idle) problems.push('not every agent became IDLE');

  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    const observed = { warmupLines: Math.round(options.warmupS * options.rate), notBefore: Date.now() };
    // tsx keeps function names with a __name helper the page does not have.
    const nameHelper = 'window.__name = (f) => f;';
    if (side === 'D') {
      await page.addInitScript({ content: nameHelper });
      await page.addInitScript(observeLines, observed);
      await page.goto(`${dashboardUrl}#/`);
    } else {
      // A document of the server's own origin with no script: the server refuses WebSockets from
      // other origins (a blank page's is "null"), and Chromium's local-network checks refuse them
      // from a page that did not come from the loopback itself. The smallest built asset, shown as
      // text, then emptied.
      await page.goto(`${dashboardUrl}assets/${smallestAsset()}`);
      await page.evaluate(() => document.body.replaceChildren());
      await page.evaluate(nameHelper);
      await page.evaluate(observeLines, observed);
    }
    const tasks: TaskRow[] = [];
    if (side === 'D') {
      await page.getByLabel('In session').selectOption({ label });
      await page.locator('[data-testid="agent-card"]').nth(options.agents - 1).waitFor({ timeout: SETUP_TIMEOUT_MS });
      await page.evaluate(() => ((window as any).benchFigures.streaming = true));
      for (const agent of agents) {
        tasks.push(await services.tasks.createTask({ sessionId: session.id, agentId: agent.id, title: `${label}: STREAM ${options.rate} ${options.seconds}` }));
      }
    } else {
      // The bare page must know the tasks before it subscribes, so they start first; the lines
      // replayed from the database until the live ones catch up fall in the warm-up.
      for (const agent of agents) {
        tasks.push(await services.tasks.createTask({ sessionId: session.id, agentId: agent.id, title: `${label}: STREAM ${options.rate} ${options.seconds}` }));
      }
      await page.evaluate(() => ((window as any).benchFigures.streaming = true));
      await page.evaluate(followBare, { url: `${dashboardUrl.replace(/^http/, 'ws')}graphql`, taskIds: tasks.map((t) => encodeGlobalID('Task', t.id)) });
    }
    const ended = await until(
      async () => (await services.tasks.loadTasks(tasks.map((t) => t.id))).every((t) => t.status === 'SUCCEEDED' || t.status === 'FAILED' || t.status === 'CANCELLED'),
      options.seconds * 1000 + SETUP_TIMEOUT_MS,
    );
    if (!ended) problems.push('not every task ended');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const figures = await page.evaluate(() => (window as any).benchFigures as PageFigures);
    // A page that showed nothing measured nothing (its socket refused, say): not a figure to compare.
    if (figures.lines === 0) problems.push('no line reached the page');
    const sorted = [...figures.latencies].sort((a, b) => a - b);
    const expectedLines = options.agents * Math.round(options.rate * options.seconds);
    return {
      side,
      expectedLines,
      lines: figures.lines,
      p50: round(percentile(sorted, 50), 1),
      p95: round(percentile(sorted, 95), 1),
      p99: round(percentile(sorted, 99), 1),
      max: round(sorted.at(-1) ?? NaN, 1),
      longTasks: figures.longTasks.length,
      longTaskMs: round(figures.longTasks.reduce((sum, d) => sum + d, 0), 0),
      longestTaskMs: round(Math.max(0, ...figures.longTasks), 0),
      problems,
    };
  } finally {
    await page.close();
    await Promise.allSettled(agents.map((a) => services.agents.terminateAgent(a.id)));
  }
}

// ------------------------------------------------------------------------------------------

function summarise(results: RunResult[], side: 'D' | 'B') {
  const mine = results.filter((r) => r.side === side);
  const mean = (pick: (r: RunResult) => number) => round(mine.reduce((sum, r) => sum + pick(r), 0) / mine.length, 1);
  return {
    runs: mine.length,
    lines: mine.reduce((sum, r) => sum + r.lines, 0),
    expectedLines: mine.reduce((sum, r) => sum + r.expectedLines, 0),
    p50: mean((r) => r.p50),
    p95: mean((r) => r.p95),
    p99: mean((r) => r.p99),
    max: Math.max(...mine.map((r) => r.max)),
    longTasks: mine.reduce((sum, r) => sum + r.longTasks, 0),
    longTaskMs: mine.reduce((sum, r) => sum + r.longTaskMs, 0),
    longestTaskMs: Math.max(...mine.map((r) => r.longestTaskMs)),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const chromiumPath = options.chromium ?? findChromium();
  if (!chromiumPath) throw new Error('no Chromium found: install Debian\'s chromium or pass --chromium');
  const root = await mkdtemp(path.join(os.tmpdir(), 'acp-bench-dashboard-'));
  let database: BenchDatabase | undefined;
  let app: App | undefined;
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await app?.stop().catch(() => {});
    await database?.drop().catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  cleanUpOnSignal('dashboard bench', cleanup);
  try {
    buildDashboard();
    database = await createBenchDatabase(options.databaseUrl, root, 'bench_dashboard');
    app = await startBenchApp(database, root, { DASHBOARD_PORT: '0', CLAUDE_MAX_AGENTS: String(options.agents + 5) });
    const dashboardUrl = `http://127.0.0.1:${await app.listenDashboard()}/`;
    browser = await launchChromium(chromiumPath);
    console.log(
      `dashboard bench: ${describeMachine()}; ${database.describe}; ${options.agents} agents x ${options.rate} lines/s x ${options.seconds} s; ` +
        `first ${options.warmupS} s of each stream left out; ${options.rounds} round(s) of D B B D`,
    );
    const results: RunResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const side of ['D', 'B', 'B', 'D'] as const) {
        process.stdout.write(`   ${side}`);
        results.push(await run(side, app, browser, dashboardUrl, options));
      }
    }
    console.log(' done\n');
    const dashboard = summarise(results, 'D');
    const bare = summarise(results, 'B');
    const row = (name: string, s: ReturnType<typeof summarise>) =>
      `${name.padEnd(34)} ${`${s.lines}/${s.expectedLines}`.padStart(13)} ${String(s.p50).padStart(8)} ${String(s.p95).padStart(8)} ${String(s.p99).padStart(8)} ${String(s.max).padStart(8)} ${String(s.longTasks).padStart(10)} ${String(s.longTaskMs).padStart(12)} ${String(s.longestTaskMs).padStart(12)}`;
    console.log(`${''.padEnd(34)} ${'lines shown'.padStart(13)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'long tasks'.padStart(10)} ${'long task ms'.padStart(12)} ${'longest ms'.padStart(12)}`);
    console.log(row('dashboard (agents page, live tails)', dashboard));
    console.log(row('bare page (raw graphql-ws, no UI)', bare));
    const ratio = ratioOf(dashboard.p95, bare.p95);
    console.log(`\n   event -> DOM p95: dashboard ${dashboard.p95} ms   target < ${TARGET_P95_MS} ms   ${mark(dashboard.p95 < TARGET_P95_MS)}`);
    console.log(`   dashboard p95 / bare page p95 = ${ratio ?? '-'}x (what React, urql and the cards add over the transport)`);
    const problems = results.flatMap((r) => r.problems.map((p) => `${r.side}: ${p}`));
    for (const problem of problems) console.log(`   problem: ${problem}`);
    const rows: ReportRow[] = [
      {
        metric: `agent write -> DOM p95, ${options.agents} agents x ${options.rate}/s, ${dashboard.runs} run(s) per page`,
        product: `${dashboard.p95} ms`,
        baseline: `${bare.p95} ms (bare page)`,
        ratio,
        target: `< ${TARGET_P95_MS} ms`,
        met: dashboard.p95 < TARGET_P95_MS,
      },
      { metric: 'agent write -> DOM p50', product: `${dashboard.p50} ms`, baseline: `${bare.p50} ms (bare page)`, ratio: ratioOf(dashboard.p50, bare.p50) },
      {
        metric: `main-thread long tasks (> ${LONG_TASK_MS} ms) while streaming`,
        product: String(dashboard.longTasks),
        baseline: `${bare.longTasks} (bare page)`,
      },
    ];
    await emitResult(
      { bench: 'dashboard', database: database.kind, options: { ...options, databaseUrl: undefined }, targets: { p95MsMax: TARGET_P95_MS }, rows, dashboard, bare, ratio, problems },
      options.json,
    );
    process.exitCode = problems.length > 0 ? 1 : 0;
  } catch (error) {
    console.error(`dashboard bench failed: ${errorText(error)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

await main();
