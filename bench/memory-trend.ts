/**
 * Whether a process's memory (resident set, JS heap, ...) still grows once warmed up: the samples
 * taken under load lose their first quarter (warm-up: JIT, caches, pools and V8's heap sizing
 * settle), the rest is cut in thirds, and the last third's mean is compared with the first
 * third's. The first third's own spread (the garbage collector's sawtooth) and the least-squares
 * slope are reported beside it, so a reader can tell a trend from noise.
 */
import { round } from './support.js';

export interface MemoryTrend {
  samples: number;
  /** Length of the compared part (after warm-up), in seconds. */
  spanS: number;
  earlyMeanMb: number;
  lateMeanMb: number;
  growthMb: number;
  /** Max - min of the early window. */
  earlySpreadMb: number;
  slopeMbPerMin: number;
}

export interface TrendOptions {
  warmupFraction?: number;
  /** Samples needed after warm-up for windows worth comparing (noisier figures need more). */
  minSamples?: number;
}

export function memoryTrend(samples: readonly { at: number; mb: number }[], { warmupFraction = 0.25, minSamples = 12 }: TrendOptions = {}): MemoryTrend | undefined {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const kept = sorted.slice(Math.floor(sorted.length * warmupFraction));
  if (kept.length < minSamples) return undefined;
  const third = Math.floor(kept.length / 3);
  const early = kept.slice(0, third).map((s) => s.mb);
  const late = kept.slice(kept.length - third).map((s) => s.mb);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const earlyMean = mean(early);
  const lateMean = mean(late);
  return {
    samples: kept.length,
    spanS: round((kept.at(-1)!.at - kept[0]!.at) / 1000, 0),
    earlyMeanMb: round(earlyMean, 1),
    lateMeanMb: round(lateMean, 1),
    growthMb: round(lateMean - earlyMean, 1),
    earlySpreadMb: round(Math.max(...early) - Math.min(...early), 1),
    slopeMbPerMin: round(slope(kept.map((s) => [s.at / 60_000, s.mb] as const)), 2),
  };
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
