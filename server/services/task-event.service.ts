import type { Executor } from '../db/repositories/executor.js';
import { closeWorkflowOf } from '../db/repositories/workflow.repository.js';
import { findTasksByIds, nextEventSeq, reserveEventSeqsForTasks } from '../db/repositories/task.repository.js';
import { insertTaskEvent, insertTaskEvents, listTaskEventsAfter, oldestKeptSeq, pruneTaskEvents } from '../db/repositories/task-event.repository.js';
import { TERMINAL_TASK_STATUSES, type TaskEventKind, type TaskEventRow, type TaskRow, type TaskStatus } from '../db/types.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';
import { HourlyJob } from './hourly-job.js';
import type { AfterCommit } from './transaction.js';
import type { Subscription } from '../realtime/event-bus.js';
import { returningPromptly } from '../realtime/returning-promptly.js';

const REPLAY_PAGE = 500;

/** The durable, numbered transcript of each task, and its replay-then-live stream. */
export class TaskEventService {
  /** Every committed status transition (the task engine moves dependents and wakes agents on it). */
  onStatus: (taskId: string, to: TaskStatus) => void = () => {};
  /** Events this node stored, once committed (metrics count them). */
  onStored: (events: readonly TaskEventRow[]) => void = () => {};
  private readonly retention = new HourlyJob(
    () => this.prune(new Date(Date.now() - this.deps.config.transcriptRetentionDays * 86_400_000)),
    (error) => this.deps.log.warn({ err: error }, 'pruning transcripts failed'),
  );

  constructor(private readonly deps: ServiceDeps) {}

  /** Appends an event with the task's next seq inside the caller's transaction; publishes after commit. */
  async append(
    trx: Executor,
    afterCommit: AfterCommit,
    event: { taskId: string; runId: string | null; kind: TaskEventKind; payload: Record<string, unknown> },
  ): Promise<TaskEventRow> {
    const seq = await nextEventSeq(trx, event.taskId);
    const row = await insertTaskEvent(trx, {
      id: newId(),
      taskId: event.taskId,
      runId: event.runId,
      seq,
      kind: event.kind,
      payload: JSON.stringify(event.payload),
    });
    afterCommit(() => {
      this.onStored([row]);
      this.deps.bus.publish('taskEvent', event.taskId, row);
    });
    return row;
  }

  /** The first event of a task inserted with lastEventSeq 1: its creation, in the same transaction. */
  async recordCreation(trx: Executor, afterCommit: AfterCommit, task: TaskRow, reason: string): Promise<TaskEventRow> {
    const row = await insertTaskEvent(trx, {
      id: newId(),
      taskId: task.id,
      runId: null,
      seq: 1,
      kind: 'STATUS',
      payload: JSON.stringify({ from: null, to: task.status, reason }),
    });
    afterCommit(() => this.statusWritten(row, task));
    return row;
  }

  /**
   * Appends several events to each of several tasks, each task's in order with consecutive seqs,
   * in two statements whatever their number: the batched path of busy transcripts. Publishes
   * them in order after commit.
   */
  async appendForTasks(
    trx: Executor,
    afterCommit: AfterCommit,
    writes: readonly { taskId: string; runId: string | null; events: readonly { kind: TaskEventKind; payload: Record<string, unknown> }[] }[],
  ): Promise<void> {
    const busy = writes.filter((w) => w.events.length > 0);
    const last = await reserveEventSeqsForTasks(trx, busy.map((w) => ({ taskId: w.taskId, count: w.events.length })));
    const rows = busy.flatMap((write) => {
      const end = last.get(write.taskId);
      // A task deleted meanwhile (its session was): nothing to number, nothing to store.
      if (end === undefined) return [];
      const first = end - write.events.length + 1;
      return write.events.map((event, i) => ({
        id: newId(),
        taskId: write.taskId,
        runId: write.runId,
        seq: first + i,
        kind: event.kind,
        payload: JSON.stringify(event.payload),
      }));
    });
    const inserted = await insertTaskEvents(trx, rows);
    afterCommit(() => {
      this.onStored(inserted);
      for (const row of inserted) this.deps.bus.publish('taskEvent', row.taskId, row);
    });
  }

  /** A status transition, recorded with its reason. */
  async appendStatus(
    trx: Executor,
    afterCommit: AfterCommit,
    taskId: string,
    runId: string | null,
    transition: { from: TaskStatus | null; to: TaskStatus; reason: string },
  ): Promise<TaskEventRow> {
    afterCommit(() => this.onStatus(taskId, transition.to));
    // A root's workflow ends with it, in the same transaction: nobody sees an ended root with a live workflow.
    if (TERMINAL_TASK_STATUSES.includes(transition.to)) await closeWorkflowOf(trx, taskId);
    const event = await this.append(trx, afterCommit, { taskId, runId, kind: 'STATUS', payload: { ...transition } });
    await this.taskChanged(trx, afterCommit, taskId);
    return event;
  }

  /** Publishes a status event another statement wrote (the claim) with the task it left. */
  statusWritten(event: TaskEventRow, task: TaskRow): void {
    this.onStored([event]);
    this.deps.bus.publish('taskEvent', task.id, event);
    this.onStatus(task.id, (event.payload as { to: TaskStatus }).to);
    this.deps.bus.publish('task', 'all', task);
  }

  /**
   * Publishes the task on `taskUpdated` once the caller commits, as its transaction left it: read
   * inside the transaction (after its updates, under its row lock), so updates publish in order.
   */
  async taskChanged(trx: Executor, afterCommit: AfterCommit, taskId: string): Promise<void> {
    const [task] = await findTasksByIds(trx, [taskId]);
    if (task) afterCommit(() => this.deps.bus.publish('task', 'all', task));
  }

  /** Prunes transcripts past the retention period, at start and hourly; 0 days keeps them forever. */
  startRetention(): void {
    if (this.deps.config.transcriptRetentionDays > 0) this.retention.start();
  }

  stopRetention(): void {
    this.retention.stop();
  }

  /** Deletes the transcripts of tasks that ended before the date, but each one's last event. */
  async prune(before: Date): Promise<number> {
    const deleted = await pruneTaskEvents(this.deps.db, before);
    if (deleted > 0) this.deps.log.info({ deleted, before }, 'pruned old transcript events');
    return deleted;
  }

  listAfter(taskId: string, afterSeq: number, limit: number): Promise<TaskEventRow[]> {
    return listTaskEventsAfter(this.deps.db, taskId, afterSeq, limit);
  }

  /**
   * Every event after `afterSeq`, in order, with no gap and no duplicate: stored events
   * first, then live ones. Ends once the task has reached a terminal status.
   */
  stream(taskId: string, afterSeq: number): AsyncGenerator<TaskEventRow> {
    // Subscribe before reading the database, so nothing committed in between is missed.
    const live = this.deps.bus.subscribe('taskEvent', taskId);
    return returningPromptly(this.replayThenLive(live, taskId, afterSeq), () => live.close());
  }

  private async *replayThenLive(live: Subscription<TaskEventRow>, taskId: string, afterSeq: number): AsyncGenerator<TaskEventRow> {
    try {
      let lastSeq = afterSeq;
      const oldest = await oldestKeptSeq(this.deps.db, taskId);
      if (oldest !== undefined && afterSeq < oldest - 1) {
        // Older events were pruned: say so, then go on from the oldest one kept.
        lastSeq = oldest - 1;
        yield outdatedCursor(taskId, afterSeq, oldest);
      }
      for (const event of await this.readAll(taskId, lastSeq)) {
        yield event;
        lastSeq = event.seq;
      }
      const [task] = await findTasksByIds(this.deps.db, [taskId]);
      if (!task || (TERMINAL_TASK_STATUSES.includes(task.status) && lastSeq >= task.lastEventSeq)) return;

      for await (const event of live) {
        if (event.seq <= lastSeq) continue;
        // Publication order can differ from commit order; fill any hole from the database.
        const missing = event.seq > lastSeq + 1 ? await this.readAll(taskId, lastSeq, event.seq) : [];
        for (const earlier of [...missing, event]) {
          if (earlier.seq <= lastSeq) continue;
          yield earlier;
          lastSeq = earlier.seq;
          if (isTerminalStatusEvent(earlier)) return;
        }
      }
    } finally {
      live.close();
    }
  }

  private async readAll(taskId: string, afterSeq: number, beforeSeq = Number.POSITIVE_INFINITY): Promise<TaskEventRow[]> {
    const events: TaskEventRow[] = [];
    let cursor = afterSeq;
    for (;;) {
      const page = await listTaskEventsAfter(this.deps.db, taskId, cursor, REPLAY_PAGE);
      for (const event of page) {
        if (event.seq >= beforeSeq) return events;
        events.push(event);
        cursor = event.seq;
      }
      if (page.length < REPLAY_PAGE) return events;
    }
  }
}

/** Not stored: tells a subscriber that what it asked for is older than what is kept. */
function outdatedCursor(taskId: string, afterSeq: number, oldestKeptSeq: number): TaskEventRow {
  return {
    id: newId(),
    taskId,
    runId: null,
    seq: oldestKeptSeq - 1,
    kind: 'OUTDATED_CURSOR',
    payload: { afterSeq, oldestKeptSeq, reason: 'the events before oldestKeptSeq were pruned (TRANSCRIPT_RETENTION_DAYS)' },
    createdAt: new Date(),
  };
}

function isTerminalStatusEvent(event: TaskEventRow): boolean {
  return event.kind === 'STATUS' && TERMINAL_TASK_STATUSES.includes(event.payload.to as TaskStatus);
}
