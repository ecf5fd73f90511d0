/**
 * Serialises all work that concerns one agent (its events, its exit, starting its next
 * task), so that a transcript is written in the order the agent produced it and a task is
 * never started twice. Work for different agents runs concurrently.
 */
export class AgentWorkQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly onError: (agentId: string, error: unknown) => void) {}

  /**
   * Queues work for the agent. Once the queue is closed (the server is stopping) work is refused:
   * an awaiting caller gets a WorkQueueClosedError, one that does not wait hears nothing.
   */
  run<T>(agentId: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) {
      const refused = Promise.reject(new WorkQueueClosedError(agentId));
      refused.catch(() => {});
      return refused;
    }
    const previous = this.tails.get(agentId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch((error) => this.onError(agentId, error));
    this.tails.set(agentId, tail);
    void tail.then(() => {
      if (this.tails.get(agentId) === tail) this.tails.delete(agentId);
    });
    return next;
  }

  /** Whether work for the agent is queued or running (a sweep need not add more). */
  isBusy(agentId: string): boolean {
    return this.tails.has(agentId);
  }

  /** Resolves once everything queued so far for the agent has finished. */
  async drain(agentId: string): Promise<void> {
    await this.tails.get(agentId);
  }

  async drainAll(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  /** Refuses new work from now on (a wake-up or retry after shutdown must not reach a closed database). */
  close(): void {
    this.closed = true;
  }
}

export class WorkQueueClosedError extends Error {
  override name = 'WorkQueueClosedError';
  constructor(agentId: string) {
    super(`the server is stopping: no new work for agent ${agentId}`);
  }
}
