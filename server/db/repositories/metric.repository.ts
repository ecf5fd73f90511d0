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
}

export async function listMetrics(db: Executor, filter: MetricFilter, page: PageQuery): Promise<MetricRow[]> {
  let query = db.selectFrom('performanceMetrics').selectAll();
  if (filter.name) query = query.where('name', '=', filter.name);
  if (filter.agentId) query = query.where('agentId', '=', filter.agentId);
  if (filter.taskId) query = query.where('taskId', '=', filter.taskId);
  return applyPage(query, 'performanceMetrics.id', page).execute();
}
