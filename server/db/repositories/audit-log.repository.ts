import type { Insertable } from 'kysely';
import type { AuditLogRow, AuditLogTable } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';

export async function insertAuditEntry(db: Executor, entry: Insertable<AuditLogTable>): Promise<void> {
  await db.insertInto('auditLog').values(entry).execute();
}

export async function listAuditEntries(db: Executor, page: PageQuery): Promise<AuditLogRow[]> {
  return applyPage(db.selectFrom('auditLog').selectAll(), 'auditLog.id', page).execute();
}
