/** The System page's charts: metrics grouped into time buckets. */
import { describe, expect, it } from 'vitest';
import { bucketize, MIN_WINDOW_MS, niceMax, timeWindow } from '../../client/dashboard/src/system/metric-buckets.js';

const now = Date.parse('2025-01-01T12:00:00.000Z');
const at = (msBeforeNow: number) => new Date(now - msBeforeNow).toISOString();

describe('timeWindow and bucketize', () => {
  it('counts and sums every point once, in its time bucket', () => {
    const points = [
      { value: 0.5, recordedAt: at(60 * 60_000) },
      { value: 0.25, recordedAt: at(30 * 60_000) },
      { value: 0.25, recordedAt: at(1000) },
      { value: 1, recordedAt: at(0) },
    ];
    const buckets = bucketize(points, 6, timeWindow(points, now)!);
    expect(buckets).toHaveLength(6);
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(4);
    expect(buckets.reduce((sum, bucket) => sum + bucket.sum, 0)).toBeCloseTo(2);
    expect(buckets[0]!.count).toBe(1);
    expect(buckets[5]!.sum).toBeCloseTo(1.25);
  });

  it('spans at least the minimum window, ending now', () => {
    const points = [{ value: 1, recordedAt: at(1000) }];
    const window = timeWindow(points, now)!;
    expect(window.end - window.start).toBeGreaterThanOrEqual(MIN_WINDOW_MS);
    const buckets = bucketize(points, 10, window);
    expect(buckets[9]!.count).toBe(1);
  });

  it('puts several series on one window, leaving out points outside it', () => {
    const window = { start: now - 100_000, end: now };
    const buckets = bucketize([{ value: 1, recordedAt: at(200_000) }, { value: 2, recordedAt: at(50_000) }], 2, window);
    expect(buckets.map((bucket) => bucket.sum)).toEqual([0, 2]);
  });

  it('has no window without points', () => {
    expect(timeWindow([], now)).toBeUndefined();
  });
});

describe('niceMax', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(0.013)).toBeCloseTo(0.02);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(100)).toBe(100);
  });
});
