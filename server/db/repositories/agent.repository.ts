import { sql, type Insertable } from 'kysely';
import type { AgentRole, AgentRow, AgentStatus, AgentUpdate, AgentsTable } from '../types.js';
import { CLAIMABLE, ELIGIBLE } from './claimable.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';
import { sessionIdsForIn } from './within-sessions.js';

export interface AgentFilter {
  sessionId?: string;
  /** Only rows of these sessions (a token limited to them); every session when absent. */
  sessionIds?: readonly string[];
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
  if (filter.sessionIds) query = query.where('sessionId', 'in', sessionIdsForIn(filter.sessionIds));
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

/** The idle agents this node supervises that have a task they could claim now. One round trip. */
export async function findIdleAgentsWithWork(db: Executor, nodeId: string): Promise<AgentRow[]> {
  const { rows } = await sql<AgentRow>`
    SELECT a.* FROM agents a
    WHERE a.node_id = ${nodeId} AND a.status = 'IDLE'
      AND EXISTS (SELECT 1 FROM tasks t WHERE ${CLAIMABLE})
    ORDER BY a.id`.execute(db);
  return rows;
}

/**
 * The idle agents of this node that may take the task (its own agent, or its session's of the
 * role it needs), each with the task's retryAt; none unless the task is QUEUED. One round trip.
 */
export async function findIdleAgentsForTask(db: Executor, taskId: string, nodeId: string): Promise<(AgentRow & { taskRetryAt: Date | null })[]> {
  const { rows } = await sql<AgentRow & { taskRetryAt: Date | null }>`
    SELECT a.*, t.retry_at AS task_retry_at
    FROM tasks t JOIN agents a ON ${ELIGIBLE}
    WHERE t.id = ${taskId} AND a.status = 'IDLE' AND a.node_id = ${nodeId}
    ORDER BY a.id`.execute(db);
  return rows;
}
