import { sql, type Insertable } from 'kysely';
import type { TaskEventRow, TaskEventsTable } from '../types.js';
import type { Executor } from './executor.js';

export async function insertTaskEvent(db: Executor, row: Insertable<TaskEventsTable>): Promise<TaskEventRow> {
  return db.insertInto('taskEvents').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Events after a sequence number, in order; the replay half of replay-then-live. */
export async function listTaskEventsAfter(
  db: Executor,
  taskId: string,
  afterSeq: number,
  limit: number,
): Promise<TaskEventRow[]> {
  return db
    .selectFrom('taskEvents')
    .selectAll()
    .where('taskId', '=', taskId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** Inserts several events of one task in one statement (their seqs already reserved), in order. */
export async function insertTaskEvents(db: Executor, rows: Insertable<TaskEventsTable>[]): Promise<TaskEventRow[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insertInto('taskEvents').values(rows).returningAll().execute();
  return inserted.sort((a, b) => a.seq - b.seq);
}

/** The oldest seq still stored for a task (older ones were pruned), or undefined when none is. */
export async function oldestKeptSeq(db: Executor, taskId: string): Promise<number | undefined> {
  const row = await db.selectFrom('taskEvents').select('seq').where('taskId', '=', taskId).orderBy('seq').limit(1).executeTakeFirst();
  return row?.seq;
}

/**
 * Deletes the transcripts of tasks that ended before `before`, keeping each one's last event
 * (its terminal status), so a late subscriber still learns how the task ended.
 */
export async function pruneTaskEvents(db: Executor, before: Date): Promise<number> {
  const result = await sql`
    DELETE FROM task_events e USING tasks t
    WHERE e.task_id = t.id AND t.finished_at < ${before} AND t.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
      AND e.seq < t.last_event_seq`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
