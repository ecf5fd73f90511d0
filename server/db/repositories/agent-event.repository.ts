import type { Insertable } from 'kysely';
import type { AgentEventRow, AgentEventsTable } from '../types.js';
import type { Executor } from './executor.js';

export async function insertAgentEvent(db: Executor, row: Insertable<AgentEventsTable>): Promise<AgentEventRow> {
  return db.insertInto('agentEvents').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listAgentEvents(db: Executor, agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]> {
  return db
    .selectFrom('agentEvents')
    .selectAll()
    .where('agentId', '=', agentId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}
