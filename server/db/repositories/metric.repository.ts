import type { Insertable } from 'kysely';
import type { PerformanceMetricsTable } from '../types.js';
import type { Executor } from './executor.js';

export async function insertMetrics(db: Executor, rows: Insertable<PerformanceMetricsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('performanceMetrics').values(rows).execute();
}
