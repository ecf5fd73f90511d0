import type { Insertable } from 'kysely';
import {
  findCommunicationsByIds,
  insertCommunication,
  listCommunications,
  type CommunicationFilter,
} from '../db/repositories/communication.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import type { AgentCommunicationsTable, CommunicationRow } from '../db/types.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';

/** What was said between agents, people and the system: instructions given and results returned. */
export class CommunicationService {
  constructor(private readonly deps: ServiceDeps) {}

  record(
    trx: Executor,
    message: Omit<Insertable<AgentCommunicationsTable>, 'id' | 'createdAt'>,
  ): Promise<CommunicationRow> {
    return insertCommunication(trx, { id: newId(), ...message });
  }

  load(ids: readonly string[]): Promise<CommunicationRow[]> {
    return findCommunicationsByIds(this.deps.db, ids);
  }

  list(filter: CommunicationFilter, page: PageQuery): Promise<CommunicationRow[]> {
    return listCommunications(this.deps.db, filter, page);
  }
}
