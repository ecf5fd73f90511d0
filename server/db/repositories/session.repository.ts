import type { Insertable } from 'kysely';
import type { SessionRow, SessionStatus, SessionsTable } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';
import { sessionIdsForIn } from './within-sessions.js';

export interface SessionFilter {
  status?: SessionStatus;
  /** Only these sessions (a token limited to them); every session when absent. */
  ids?: readonly string[];
}

export async function insertSession(db: Executor, row: Insertable<SessionsTable>): Promise<SessionRow> {
  return db.insertInto('sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findSessionsByIds(db: Executor, ids: readonly string[]): Promise<SessionRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('sessions').selectAll().where('id', 'in', ids).execute();
}

export async function listSessions(db: Executor, filter: SessionFilter, page: PageQuery): Promise<SessionRow[]> {
  let query = db.selectFrom('sessions').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.ids) query = query.where('id', 'in', sessionIdsForIn(filter.ids));
  return applyPage(query, 'sessions.id', page).execute();
}
