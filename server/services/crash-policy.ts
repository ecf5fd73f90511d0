/**
 * When to restart a crashed agent: exponential backoff from a base delay, capped, and a breaker
 * that opens after `limit` crashes within `windowMs` (the agent then waits for a person).
 */
export class CrashPolicy {
  private readonly crashes = new Map<string, number[]>();

  constructor(
    private readonly options: { backoffMs: number; maxBackoffMs: number; crashLimit: number; crashWindowMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; returns the delay before the next restart, or undefined when the breaker is open. */
  crashed(agentId: string): { delayMs?: number; crashesInWindow: number } {
    const now = this.now();
    const recent = (this.crashes.get(agentId) ?? []).filter((at) => now - at < this.options.crashWindowMs);
    recent.push(now);
    this.crashes.set(agentId, recent);
    if (recent.length >= this.options.crashLimit) return { crashesInWindow: recent.length };
    const delayMs = Math.min(this.options.backoffMs * 2 ** (recent.length - 1), this.options.maxBackoffMs);
    return { delayMs, crashesInWindow: recent.length };
  }

  /** A person restarted the agent: it starts with a clean record. */
  reset(agentId: string): void {
    this.crashes.delete(agentId);
  }
}
