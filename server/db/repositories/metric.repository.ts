import type { Insertable } from 'kysely';
import type { MetricRow, PerformanceMetricsTable } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';

export async function insertMetrics(db: Executor, rows: Insertable<PerformanceMetricsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('performanceMetrics').values(rows).execute();
}

export interface MetricFilter {
  name?: string;
  agentId?: string;
  taskId?: string;
  /** Recorded at or after this instant (a window's start, inclusive). */
  recordedAfter?: Date;
  /** Recorded strictly before this instant (a window's end, exclusive), so adjacent windows never share a row. */
  recordedBefore?: Date;
}

export async function listMetrics(db: Executor, filter: MetricFilter, page: PageQuery): Promise<MetricRow[]> {
  let query = db.selectFrom('performanceMetrics').selectAll();
  if (filter.name) query = query.where('name', '=', filter.name);
  if (filter.agentId) query = query.where('agentId', '=', filter.agentId);
  if (filter.taskId) query = query.where('taskId', '=', filter.taskId);
  if (filter.recordedAfter) query = query.where('recordedAt', '>=', filter.recordedAfter);
  if (filter.recordedBefore) query = query.where('recordedAt', '<', filter.recordedBefore);
  return applyPage(query, 'performanceMetrics.id', page).execute();
}

/**
 * Deletes up to `limit` measurements recorded before `before`; returns how many went. Bounded so
 * that a first pruning of a large table is many short statements, each well within the statement timeout.
 */
export async function deleteMetricsRecordedBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('performanceMetrics')
    .where('id', 'in', (eb) => eb.selectFrom('performanceMetrics').select('id').where('recordedAt', '<', before).limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
