import type { Insertable } from 'kysely';
import type { AgentCommunicationsTable, CommunicationRow, CommunicationType } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';
import { sessionIdsForIn } from './within-sessions.js';

export interface CommunicationFilter {
  sessionId?: string;
  /** Only rows of these sessions (a token limited to them); every session when absent. */
  sessionIds?: readonly string[];
  /** Either end of the conversation. */
  agentId?: string;
  taskId?: string;
  messageType?: CommunicationType;
}

export async function insertCommunication(
  db: Executor,
  row: Insertable<AgentCommunicationsTable>,
): Promise<CommunicationRow> {
  return db.insertInto('agentCommunications').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listCommunications(
  db: Executor,
  filter: CommunicationFilter,
  page: PageQuery,
): Promise<CommunicationRow[]> {
  let query = db.selectFrom('agentCommunications').selectAll();
  if (filter.sessionId) query = query.where('sessionId', '=', filter.sessionId);
  if (filter.sessionIds) query = query.where('sessionId', 'in', sessionIdsForIn(filter.sessionIds));
  if (filter.taskId) query = query.where('taskId', '=', filter.taskId);
  if (filter.messageType) query = query.where('messageType', '=', filter.messageType);
  const agentId = filter.agentId;
  if (agentId) query = query.where((eb) => eb.or([eb('fromAgentId', '=', agentId), eb('toAgentId', '=', agentId)]));
  return applyPage(query, 'agentCommunications.id', page).execute();
}

export async function findCommunicationsByIds(db: Executor, ids: readonly string[]): Promise<CommunicationRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('agentCommunications').selectAll().where('id', 'in', ids).execute();
}

/** Messages after the given one (by id, which orders them in time), oldest first, for a replay. */
export async function listCommunicationsAfter(
  db: Executor,
  filter: CommunicationFilter,
  afterId: string,
  limit: number,
): Promise<CommunicationRow[]> {
  let query = db.selectFrom('agentCommunications').selectAll().where('id', '>', afterId);
  if (filter.sessionId) query = query.where('sessionId', '=', filter.sessionId);
  if (filter.sessionIds) query = query.where('sessionId', 'in', sessionIdsForIn(filter.sessionIds));
  if (filter.taskId) query = query.where('taskId', '=', filter.taskId);
  const agentId = filter.agentId;
  if (agentId) query = query.where((eb) => eb.or([eb('fromAgentId', '=', agentId), eb('toAgentId', '=', agentId)]));
  return query.orderBy('id').limit(limit).execute();
}
