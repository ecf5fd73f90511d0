import type { Insertable } from 'kysely';
import { insertAuditEntry, listAuditEntries } from '../db/repositories/audit-log.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import type { AuditLogRow, AuditLogTable } from '../db/types.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';

/** The record of every mutation: who, what, when, and how it ended. */
export class AuditService {
  constructor(private readonly deps: ServiceDeps) {}

  async record(entry: Omit<Insertable<AuditLogTable>, 'id'>): Promise<void> {
    try {
      await insertAuditEntry(this.deps.db, { id: newId(), ...entry });
    } catch (error) {
      // The mutation itself has happened; a lost audit line is logged, not turned into its failure.
      this.deps.log.error({ err: error, audit: { ...entry } }, 'could not record a mutation in the audit log');
    }
  }

  list(page: PageQuery): Promise<AuditLogRow[]> {
    return listAuditEntries(this.deps.db, page);
  }
}
