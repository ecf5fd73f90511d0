/**
 * Metrics (one value per finished run) grouped into equal time buckets for the System page's
 * charts. No DOM or React here: test/dashboard covers it.
 */

export interface MetricPoint {
  value: number;
  recordedAt: string;
}

export interface Bucket {
  /** Start and end of the bucket, in ms since the epoch. */
  start: number;
  end: number;
  count: number;
  sum: number;
}

export interface TimeWindow {
  start: number;
  end: number;
}

/** The shortest window a chart spans, so a few recent runs do not fill the whole width. */
export const MIN_WINDOW_MS = 10 * 60_000;

/** From the oldest point (or `now` minus MIN_WINDOW_MS, if earlier) up to `now`; undefined without points. */
export function timeWindow(points: readonly MetricPoint[], now: number): TimeWindow | undefined {
  const times = points.map((point) => Date.parse(point.recordedAt)).filter((time) => Number.isFinite(time));
  if (times.length === 0) return undefined;
  const end = Math.max(now, ...times) + 1;
  return { start: Math.min(end - MIN_WINDOW_MS, ...times), end };
}

/** Splits the window into `count` equal buckets and counts and sums the points of each. */
export function bucketize(points: readonly MetricPoint[], count: number, window: TimeWindow): Bucket[] {
  if (count < 1 || window.end <= window.start) return [];
  const width = (window.end - window.start) / count;
  const buckets: Bucket[] = Array.from({ length: count }, (_, index) => ({
    start: window.start + index * width,
    end: window.start + (index + 1) * width,
    count: 0,
    sum: 0,
  }));
  for (const point of points) {
    const time = Date.parse(point.recordedAt);
    if (!Number.isFinite(time) || time < window.start || time >= window.end) continue;
    const bucket = buckets[Math.min(count - 1, Math.floor((time - window.start) / width))]!;
    bucket.count += 1;
    bucket.sum += point.value;
  }
  return buckets;
}

/** A "nice" axis maximum at or above the largest value: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value * (1 - 1e-9)) return step * power;
  return 10 * power;
}
