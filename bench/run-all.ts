/**
 * The benchmark report: runs every benchmark of bench/ one after another, each in its own child
 * process (they are heavy, and each measures its own baseline in the same run), collects the
 * result each writes with --json FILE, and prints one markdown table of product figures against
 * their baselines and targets.
 *
 *   npm run bench -- [--quick] [--database-url postgres://...] [--only supervisor,scheduler,fanout,dashboard]
 *       [--out FILE]
 *
 * --database-url (else BENCH_DATABASE_URL) names a PostgreSQL server on which each benchmark that
 * needs a database creates a fresh one and drops it; without one they use PGlite. --quick runs
 * smaller parameters (the whole report in a few minutes). The dashboard benchmark needs Chromium
 * (CHROMIUM_PATH, else /usr/bin/chromium); without it, it is skipped with a note. Progress goes
 * to stderr, the report to stdout (and to --out FILE). Exits 1 when a benchmark fails to give a
 * result or reports a correctness failure (lost or duplicated work); missed targets are only
 * marked in the table.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../test/support/browser.js';
import { describeUrl } from './bench-app.js';
import { cleanUpOnSignal, describeMachine, errorText, parseOptionArgs, type BenchResult, type ReportRow } from './support.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Output lines of a failed benchmark shown in the report's notes. */
const TAIL_LINES = 15;

interface BenchSpec {
  name: string;
  file: string;
  /** Arguments of the full run ([] = the benchmark's own defaults, which the README documents). */
  full: string[];
  quick: string[];
  usesDatabase: boolean;
  needsChromium: boolean;
}

const BENCHES: BenchSpec[] = [
  { name: 'supervisor', file: 'bench/supervisor.bench.ts', full: [], quick: ['--agents', '10,50,200', '--seconds', '3', '--spawn-agents', '20'], usesDatabase: false, needsChromium: false },
  { name: 'scheduler', file: 'bench/scheduler.bench.ts', full: [], quick: ['--tasks', '500', '--rounds', '1', '--latency-tasks', '50'], usesDatabase: true, needsChromium: false },
  { name: 'fanout', file: 'bench/fanout.bench.ts', full: [], quick: ['--subscribers', '1,100', '--seconds', '5'], usesDatabase: true, needsChromium: false },
  { name: 'dashboard', file: 'bench/dashboard.bench.ts', full: [], quick: ['--seconds', '5'], usesDatabase: true, needsChromium: true },
];

interface Options {
  quick: boolean;
  databaseUrl?: string;
  only: string[];
  out?: string;
}

function parseOptions(argv: string[]): Options {
  // --quick is a flag; the rest take values.
  const quick = argv.includes('--quick');
  const values = parseOptionArgs(
    argv.filter((arg) => arg !== '--quick'),
    { 'database-url': process.env.BENCH_DATABASE_URL || undefined, only: BENCHES.map((b) => b.name).join(','), out: undefined },
  );
  const only = values.only.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only.filter((name) => !BENCHES.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`--only: unknown benchmark(s) ${unknown.join(', ')}; expected some of ${BENCHES.map((b) => b.name).join(', ')}`);
  return { quick, databaseUrl: values['database-url'], only, out: values.out };
}

interface Outcome {
  spec: BenchSpec;
  args: string[];
  seconds: number;
  result?: BenchResult;
  exitCode?: number | null;
  /** Why there is no result, or what the benchmark reported as failed. */
  failure?: string;
  skipped?: string;
  tail: string[];
}

let current: ChildProcess | undefined;

/** Runs one benchmark to its end, its output forwarded to stderr line by line; resolves with its result file's content. */
async function runBench(spec: BenchSpec, args: string[], jsonFile: string, environment: NodeJS.ProcessEnv): Promise<Omit<Outcome, 'spec' | 'args'>> {
  const started = Date.now();
  const tail: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', spec.file, ...args, '--json', jsonFile], {
    cwd: ROOT,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  current = child;
  const forward = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    // The result line is read from the file; on the terminal it is noise.
    if (!line.startsWith('{"bench"')) process.stderr.write(`[${spec.name}] ${line}\n`);
  };
  readline.createInterface({ input: child.stdout! }).on('line', forward);
  readline.createInterface({ input: child.stderr! }).on('line', forward);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      forward(`could not start: ${errorText(error)}`);
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  });
  current = undefined;
  const seconds = Math.round((Date.now() - started) / 1000);
  let result: BenchResult | undefined;
  try {
    result = JSON.parse(await readFile(jsonFile, 'utf8')) as BenchResult;
  } catch {
    return { seconds, exitCode, failure: `no result (exit code ${exitCode})`, tail };
  }
  const reported = typeof result.error === 'string' ? result.error : undefined;
  return { seconds, exitCode, result, failure: exitCode === 0 ? reported : reported ?? `exit code ${exitCode}`, tail };
}

// ------------------------------------------------------------------------------------------
// Report

const cell = (text: string | undefined): string => (text ?? '').replaceAll('|', '\\|');

function metCell(met: boolean | null | undefined): string {
  if (met === true) return 'yes';
  if (met === false) return '**no**';
  return met === null ? 'n/a' : '';
}

function tableRow(benchmark: string, row: ReportRow): string {
  // JSON has no NaN: a ratio without a baseline arrives as null.
  const ratio = typeof row.ratio === 'number' && Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : '';
  return `| ${[benchmark, row.metric, row.product, row.baseline, ratio, row.target, metCell(row.met)].map(cell).join(' | ')} |`;
}

function commitOf(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${commit} with local changes` : commit;
  } catch {
    return 'unknown commit';
  }
}

function report(outcomes: Outcome[], options: Options, startedAt: Date): string {
  const database = options.databaseUrl ? `PostgreSQL (fresh databases on ${describeUrl(options.databaseUrl)})` : 'PGlite';
  const lines = [
    `Benchmark report (${options.quick ? 'quick' : 'full'}), ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${commitOf()}`,
    `Machine: ${describeMachine()}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; database ${database}`,
    '',
    '| benchmark | metric | product | baseline | ratio | target | met? |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const outcome of outcomes) {
    if (outcome.skipped) lines.push(`| ${outcome.spec.name} | skipped: ${cell(outcome.skipped)} | | | | | |`);
    else if (!outcome.result) lines.push(`| ${outcome.spec.name} | failed: ${cell(outcome.failure)} | | | | | |`);
    else for (const row of outcome.result.rows) lines.push(tableRow(outcome.spec.name, row));
  }
  lines.push('');
  for (const outcome of outcomes) {
    if (outcome.skipped) continue;
    const args = outcome.args.length > 0 ? ` ${outcome.args.join(' ')}` : '';
    lines.push(`- ${outcome.spec.name}: \`${outcome.spec.file}${args}\`, ${outcome.seconds} s${outcome.failure ? `; FAILED: ${outcome.failure}` : ''}`);
    if (outcome.failure) for (const line of outcome.tail) lines.push(`    ${line.slice(0, 300)}`);
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
  // The running benchmark cleans up on SIGTERM (it ignores a second signal, e.g. the terminal's own SIGINT).
  cleanUpOnSignal('waiting for the running benchmark to clean up', async () => {
    const running = current;
    if (running && running.exitCode === null) {
      const closed = new Promise((resolve) => running.once('close', resolve));
      running.kill('SIGTERM');
      await closed;
    }
    await rm(folder, { recursive: true, force: true });
  });
  // The database is the runner's choice alone: a TEST_DATABASE_URL of the shell must not switch a benchmark to it.
  const environment = { ...process.env };
  delete environment.TEST_DATABASE_URL;
  delete environment.BENCH_DATABASE_URL;

  const outcomes: Outcome[] = [];
  try {
    for (const spec of BENCHES.filter((b) => options.only.includes(b.name))) {
      const args = [...(options.quick ? spec.quick : spec.full), ...(spec.usesDatabase && options.databaseUrl ? ['--database-url', options.databaseUrl] : [])];
      const shownArgs = args.map((arg) => (arg === options.databaseUrl ? describeUrl(arg) : arg));
      const chromium = spec.needsChromium ? findChromium() : undefined;
      if (spec.needsChromium && !chromium) {
        outcomes.push({ spec, args: shownArgs, seconds: 0, skipped: 'no Chromium found (set CHROMIUM_PATH or install /usr/bin/chromium)', tail: [] });
        process.stderr.write(`[${spec.name}] skipped: no Chromium\n`);
        continue;
      }
      const withChromium = chromium ? [...args, '--chromium', chromium] : args;
      process.stderr.write(`[${spec.name}] ${spec.file} ${shownArgs.join(' ')}\n`);
      const outcome = await runBench(spec, withChromium, path.join(folder, `${spec.name}.json`), environment);
      outcomes.push({ spec, args: shownArgs, ...outcome });
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }

  const text = report(outcomes, options, startedAt);
  console.log(text);
  if (options.out) await writeFile(options.out, `${text}\n`);
  if (outcomes.some((o) => o.failure)) process.exitCode = 1;
}

await main();
