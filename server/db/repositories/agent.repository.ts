import type { Insertable } from 'kysely';
import type { AgentRole, AgentRow, AgentStatus, AgentUpdate, AgentsTable } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';

export interface AgentFilter {
  sessionId?: string;
  role?: AgentRole;
  status?: AgentStatus;
}

export async function insertAgent(db: Executor, row: Insertable<AgentsTable>): Promise<AgentRow> {
  return db.insertInto('agents').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findAgentsByIds(db: Executor, ids: readonly string[]): Promise<AgentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('agents').selectAll().where('id', 'in', ids).execute();
}

export async function findAgentForUpdate(db: Executor, id: string): Promise<AgentRow | undefined> {
  return db.selectFrom('agents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findAgentsBySessionIds(db: Executor, sessionIds: readonly string[]): Promise<AgentRow[]> {
  if (sessionIds.length === 0) return [];
  return db.selectFrom('agents').selectAll().where('sessionId', 'in', sessionIds).orderBy('id').execute();
}

export async function listAgents(db: Executor, filter: AgentFilter, page: PageQuery): Promise<AgentRow[]> {
  let query = db.selectFrom('agents').selectAll();
  if (filter.sessionId) query = query.where('sessionId', '=', filter.sessionId);
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.status) query = query.where('status', '=', filter.status);
  return applyPage(query, 'agents.id', page).execute();
}

export async function findAgentsOnNode(
  db: Executor,
  nodeId: string,
  statuses: readonly AgentStatus[],
): Promise<AgentRow[]> {
  return db.selectFrom('agents').selectAll().where('nodeId', '=', nodeId).where('status', 'in', statuses).execute();
}

export async function updateAgent(db: Executor, id: string, patch: AgentUpdate): Promise<AgentRow> {
  return db
    .updateTable('agents')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The idle agents this node supervises. */
export async function findIdleAgentsOnNode(db: Executor, nodeId: string): Promise<AgentRow[]> {
  return db.selectFrom('agents').selectAll().where('nodeId', '=', nodeId).where('status', '=', 'IDLE').orderBy('id').execute();
}
