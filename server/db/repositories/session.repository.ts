import type { Insertable } from 'kysely';
import type { SessionRow, SessionStatus, SessionsTable } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';

export interface SessionFilter {
  status?: SessionStatus;
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
  return applyPage(query, 'sessions.id', page).execute();
}
