/** The answer of TokenBuckets.take: taken, or how long until that many tokens will be there. */
export type Take = { ok: true } | { ok: false; retryAfterMs: number };

/** Buckets kept before full ones (callers quiet for a whole period) are forgotten. */
const SWEEP_ABOVE = 10_000;

/**
 * One token bucket per key, in memory: each holds at most `capacity` tokens and refills
 * continuously, `capacity` per `periodMs`, so a caller may burst up to `capacity` and then go on
 * at the steady rate. A full bucket is the same as none, so full ones are dropped from time to time.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly capacity: number,
    periodMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(capacity > 0) || !(periodMs > 0)) throw new RangeError('capacity and periodMs must be positive');
    this.perMs = capacity / periodMs;
  }

  /**
   * Takes `count` tokens from `key`'s bucket, or none when it holds fewer. A count above the
   * capacity is taken as the capacity: one call never needs more than a full bucket.
   */
  take(key: string, count = 1): Take {
    const now = this.now();
    const needed = Math.min(count, this.capacity);
    const tokens = this.tokensAt(key, now);
    if (tokens >= needed) {
      this.buckets.set(key, { tokens: tokens - needed, at: now });
      if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterMs: Math.ceil((needed - tokens) / this.perMs) };
  }

  /** Keys currently tracked (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.capacity;
    return Math.min(this.capacity, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
  }

  private sweep(now: number): void {
    for (const key of this.buckets.keys()) {
      if (this.tokensAt(key, now) >= this.capacity) this.buckets.delete(key);
    }
  }
}
