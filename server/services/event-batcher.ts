import type { TaskEventKind } from '../db/types.js';
import type { ServiceDeps } from './deps.js';
import type { TaskEventService } from './task-event.service.js';
import { inTransaction } from './transaction.js';

interface PendingEvent {
  kind: TaskEventKind;
  payload: Record<string, unknown>;
}

interface TaskBuffer {
  runId: string;
  events: PendingEvent[];
  /** Events dropped because the buffer was full while the database could not be written. */
  dropped: number;
}

/** Events written together at most this long after the first of them arrived. */
const BATCH_DELAY_MS = 5;
/** A write is started at once when this many events wait. */
const BATCH_SIZE = 500;
/** While the database cannot be written, waits between attempts. */
const RETRY_MS = 500;

/**
 * Writes running tasks' transcripts in batches: events are numbered and stored a few
 * milliseconds after they arrive, every busy task's in one transaction of a few statements, each
 * task's in order. If the database cannot be written, a bounded buffer per task keeps them and
 * the write is retried; past the bound the oldest are dropped and a GAP event with their count is
 * written once the database is back.
 */
export class EventBatcher {
  private readonly buffers = new Map<string, TaskBuffer>();
  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The write in progress; writes run one after another, so each task's events stay in order. */
  private writing: Promise<void> = Promise.resolve();
  private failingSince: number | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly events: TaskEventService,
    private readonly maxBufferedPerTask: number,
  ) {}

  add(taskId: string, runId: string, kind: TaskEventKind, payload: Record<string, unknown>): void {
    let buffer = this.buffers.get(taskId);
    if (!buffer) {
      buffer = { runId, events: [], dropped: 0 };
      this.buffers.set(taskId, buffer);
    }
    buffer.runId = runId;
    if (buffer.events.length >= this.maxBufferedPerTask) {
      buffer.events.shift();
      buffer.dropped += 1;
    } else {
      this.waiting += 1;
    }
    buffer.events.push({ kind, payload });
    if (this.waiting >= BATCH_SIZE) void this.write();
    else this.timer ??= setTimeout(() => void this.write(), BATCH_DELAY_MS);
  }

  /** Resolves once every event added so far for the task is stored (before its result is). */
  async flush(taskId: string): Promise<void> {
    for (;;) {
      const buffer = this.buffers.get(taskId);
      if (!buffer || (buffer.events.length === 0 && buffer.dropped === 0)) {
        await this.writing;
        return;
      }
      await this.write();
    }
  }

  /** True while transcripts could not be written (readiness reports it). */
  behind(): boolean {
    return this.failingSince !== undefined;
  }

  private write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeNow());
    return this.writing;
  }

  private async writeNow(): Promise<void> {
    for (;;) {
      const batch = [...this.buffers].filter(([, b]) => b.events.length > 0 || b.dropped > 0);
      if (batch.length === 0) return;
      const taken = batch.map(([taskId, buffer]) => ({ taskId, buffer, count: buffer.events.length, dropped: buffer.dropped }));
      try {
        await inTransaction(this.deps.db, async (trx, afterCommit) => {
          const writes = taken.map(({ taskId, buffer, count, dropped }) => ({
            taskId,
            runId: buffer.runId,
            events: [
              ...(dropped > 0 ? [{ kind: 'GAP' as const, payload: { dropped, reason: 'the database could not be written' } }] : []),
              ...buffer.events.slice(0, count),
            ],
          }));
          await this.events.appendForTasks(trx, afterCommit, writes);
        });
        for (const { taskId, buffer, count, dropped } of taken) {
          buffer.events.splice(0, count);
          buffer.dropped -= dropped;
          this.waiting -= count;
          if (buffer.events.length === 0 && buffer.dropped === 0) this.buffers.delete(taskId);
        }
        this.failingSince = undefined;
      } catch (error) {
        // Another transaction held these tasks in the other order: try again at once.
        if ((error as { code?: string }).code === '40P01') continue;
        if (this.failingSince === undefined) {
          this.failingSince = Date.now();
          this.deps.log.warn({ err: error, tasks: taken.length }, 'transcript events could not be written; retrying');
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }
}
