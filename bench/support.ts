/**
 * What every benchmark needs besides its subject: the fake CLI, figures from samples, timeouts,
 * report formatting, and cleanup on Ctrl-C.
 */
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

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
