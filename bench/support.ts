/**
 * What every benchmark needs besides its subject: its options, the fake CLI, figures from samples,
 * timeouts, report formatting, and cleanup on Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * The options `--name value` or `--name=value`, each a string, `defaults` for those not given; an
 * unknown option, a positional argument or a missing value throws.
 */
export function parseOptionArgs<const D extends Record<string, string | undefined>>(
  argv: string[],
  defaults: D,
): { [K in keyof D]: D[K] extends string ? string : string | undefined } {
  const options = Object.fromEntries(
    Object.entries(defaults).map(([name, value]) => [name, value === undefined ? { type: 'string' as const } : { type: 'string' as const, default: value }]),
  );
  return parseArgs({ args: argv, options }).values as { [K in keyof D]: D[K] extends string ? string : string | undefined };
}

/** `value` of option --`name` as an integer >= `min`, else an error naming the option. */
export function integerOption(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${value}`);
  return n;
}

/** `value` of option --`name` as a finite number > 0, else an error naming the option. */
export function positiveOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got ${value}`);
  return n;
}

export const FAKE_CLAUDE = fileURLToPath(new URL('../test/support/fake-claude.mjs', import.meta.url));

/** Nearest-rank percentile of ascending values; NaN for none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  const abort = new AbortController();
  try {
    return await Promise.race([promise, delay(ms, 'timeout' as const, { signal: abort.signal })]);
  } finally {
    abort.abort();
  }
}

/** The head of a report: Node, platform, CPUs and memory the figures were taken on. */
export function describeMachine(): string {
  return `node ${process.version}, ${os.platform()} ${os.arch()}, ${os.availableParallelism()} CPUs, ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM`;
}

export const mark = (ok: boolean): string => (ok ? 'ok' : 'MISS');
export const pad = (value: unknown, width: number): string => String(value).padStart(width);

/** A clean-up step: what it does (for the message when it fails), and the step. */
export type CleanupStep = [what: string, step: () => Promise<unknown>];

/** Runs every step in order; one that fails is reported and the next still runs. */
export async function runCleanupSteps(steps: readonly CleanupStep[]): Promise<void> {
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: could not ${what}: ${errorText(error)}`);
    }
  }
}

/** Ctrl-C or a kill still runs the cleanup (once), then exits 130. */
export function cleanUpOnSignal(doing: string, cleanup: () => Promise<unknown>): void {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: ${doing}`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Alive and still the fake CLI (or its isolation wrapper): a reused pid must never be killed. */
function isOurFake(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('fake-claude.mjs');
  } catch {
    return false;
  }
}

/**
 * SIGKILLs the group (each fake leads its own) and the pid of every fake of `pids` still running,
 * and forgets them all; returns how many were still running.
 */
export function killFakeStragglers(pids: Set<number>): number {
  let killed = 0;
  for (const pid of pids) {
    if (isOurFake(pid)) {
      killed++;
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    pids.delete(pid);
  }
  return killed;
}

/** The whole machine's CPU counters (all cores, all processes), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    // idle + iowait
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/** The machine's busy share between two readings, in percent (NaN without readings). */
export function machineBusyPercent(before: ReturnType<typeof machineCpu>, after: ReturnType<typeof machineCpu>): number {
  if (!before || !after || after.total <= before.total) return NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * 100;
}

/**
 * One line of the benchmark report (`npm run bench`): a product figure beside the baseline
 * measured in the same run, their ratio, and the target the figure is held to. Figures are
 * formatted with their unit; `met` is null where the target does not apply to this run.
 */
export interface ReportRow {
  metric: string;
  product: string;
  baseline?: string;
  ratio?: number;
  target?: string;
  met?: boolean | null;
}

/** What every benchmark hands the report: its name, its report rows, and whatever else it measured. */
export interface BenchResult {
  bench: string;
  rows: ReportRow[];
  [detail: string]: unknown;
}

/**
 * Prints the result as the final stdout line (one JSON object) and, with `--json FILE`, writes
 * the same object to FILE, which is how the report runner collects it.
 */
export async function emitResult(result: BenchResult, jsonFile: string | undefined): Promise<void> {
  const text = JSON.stringify(result);
  if (jsonFile) await writeFile(jsonFile, `${text}\n`);
  console.log(text);
}

/** product / baseline to 3 decimals; undefined without a usable baseline. */
export function ratioOf(product: number, baseline: number): number | undefined {
  return Number.isFinite(product) && Number.isFinite(baseline) && baseline > 0 ? round(product / baseline, 3) : undefined;
}
