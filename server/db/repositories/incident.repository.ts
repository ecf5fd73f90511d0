import type { Insertable } from 'kysely';
import type { IncidentRow, IncidentSeverity, IncidentType, IncidentsTable } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';

export interface IncidentFilter {
  type?: IncidentType;
  severity?: IncidentSeverity;
  agentId?: string;
  taskId?: string;
}

export async function insertIncident(db: Executor, row: Insertable<IncidentsTable>): Promise<IncidentRow> {
  return db.insertInto('incidents').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findIncidentsByIds(db: Executor, ids: readonly string[]): Promise<IncidentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('incidents').selectAll().where('id', 'in', ids).execute();
}

export async function listIncidents(db: Executor, filter: IncidentFilter, page: PageQuery): Promise<IncidentRow[]> {
  let query = db.selectFrom('incidents').selectAll();
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.severity) query = query.where('severity', '=', filter.severity);
  if (filter.agentId) query = query.where('agentId', '=', filter.agentId);
  if (filter.taskId) query = query.where('taskId', '=', filter.taskId);
  return applyPage(query, 'incidents.id', page).execute();
}

/** Records how the recovery went on an incident. */
export async function setRecoveryResult(db: Executor, id: string, result: string): Promise<void> {
  await db.updateTable('incidents').set({ recoveryResult: result }).where('id', '=', id).execute();
}

/** The agent's crash incidents whose restart has not been settled yet. */
export async function settleOpenCrashes(db: Executor, agentId: string, result: string): Promise<void> {
  await db
    .updateTable('incidents')
    .set({ recoveryResult: result })
    .where('agentId', '=', agentId)
    .where('type', '=', 'AGENT_CRASH')
    .where('recoveryResult', 'is', null)
    .execute();
}
