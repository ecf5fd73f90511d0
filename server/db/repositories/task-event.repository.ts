import type { Insertable } from 'kysely';
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
