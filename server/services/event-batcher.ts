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
  /** The write in progress; the next waits for it, so a task's events stay in order. */
  writing: Promise<void>;
  timer: NodeJS.Timeout | undefined;
  /** When the current run of failed writes began (undefined while writes succeed). */
  failingSince: number | undefined;
}

/** Events written together at most this long after the first of them arrived. */
const BATCH_DELAY_MS = 5;
/** A batch is written at once when it reaches this size. */
const BATCH_SIZE = 200;
/** While the database cannot be written, waits between attempts. */
const RETRY_MS = 500;

/**
 * Writes a running task's transcript in batches: an agent's events are numbered and stored a few
 * milliseconds after they arrive, many to a transaction, in order. If the database cannot be
 * written, a bounded buffer keeps them and the write is retried; past the bound the oldest are
 * dropped and a GAP event with their count is written once the database is back.
 */
export class EventBatcher {
  private readonly buffers = new Map<string, TaskBuffer>();
  private failing = 0;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly events: TaskEventService,
    private readonly maxBuffered: number,
  ) {}

  add(taskId: string, runId: string, kind: TaskEventKind, payload: Record<string, unknown>): void {
    let buffer = this.buffers.get(taskId);
    if (!buffer) {
      buffer = { runId, events: [], dropped: 0, writing: Promise.resolve(), timer: undefined, failingSince: undefined };
      this.buffers.set(taskId, buffer);
    }
    buffer.runId = runId;
    if (buffer.events.length >= this.maxBuffered) {
      buffer.events.shift();
      buffer.dropped += 1;
    }
    buffer.events.push({ kind, payload });
    if (buffer.events.length >= BATCH_SIZE) void this.write(taskId);
    else buffer.timer ??= setTimeout(() => void this.write(taskId), BATCH_DELAY_MS);
  }

  /** Resolves once every event added so far for the task is stored (before its result is). */
  async flush(taskId: string): Promise<void> {
    const buffer = this.buffers.get(taskId);
    if (!buffer) return;
    while (buffer.events.length > 0 || buffer.dropped > 0) await this.write(taskId);
    await buffer.writing;
    if (buffer.events.length === 0 && buffer.dropped === 0 && this.buffers.get(taskId) === buffer) this.buffers.delete(taskId);
  }

  /** True while some transcript could not be written (readiness reports it). */
  behind(): boolean {
    return this.failing > 0;
  }

  private write(taskId: string): Promise<void> {
    const buffer = this.buffers.get(taskId);
    if (!buffer) return Promise.resolve();
    clearTimeout(buffer.timer);
    buffer.timer = undefined;
    buffer.writing = buffer.writing.then(() => this.writeNow(taskId, buffer));
    return buffer.writing;
  }

  private async writeNow(taskId: string, buffer: TaskBuffer): Promise<void> {
    for (;;) {
      if (buffer.events.length === 0 && buffer.dropped === 0) return;
      const batch = buffer.events.slice(0, BATCH_SIZE);
      const dropped = buffer.dropped;
      const events: PendingEvent[] = dropped > 0 ? [{ kind: 'GAP', payload: { dropped, reason: 'the database could not be written' } }, ...batch] : batch;
      try {
        await inTransaction(this.deps.db, (trx, afterCommit) => this.events.appendMany(trx, afterCommit, taskId, buffer.runId, events));
        buffer.events.splice(0, batch.length);
        buffer.dropped -= dropped;
        if (this.failing > 0 && buffer.failingSince !== undefined) {
          this.failing -= 1;
          buffer.failingSince = undefined;
        }
      } catch (error) {
        if (buffer.failingSince === undefined) {
          buffer.failingSince = Date.now();
          this.failing += 1;
          this.deps.log.warn({ err: error, taskId, buffered: buffer.events.length }, 'transcript events could not be written; retrying');
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }
}
