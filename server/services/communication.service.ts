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
import type { AfterCommit } from './transaction.js';

/** What was said between agents, people and the system: instructions given and results returned. */
export class CommunicationService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Stores a message in the caller's transaction; published on `agentCommunication` after commit. */
  async record(
    trx: Executor,
    afterCommit: AfterCommit,
    message: Omit<Insertable<AgentCommunicationsTable>, 'id' | 'createdAt'>,
  ): Promise<CommunicationRow> {
    const row = await insertCommunication(trx, { id: newId(), ...message });
    afterCommit(() => this.deps.bus.publish('communication', 'all', row));
    return row;
  }

  /** Publishes a message another statement wrote (the claim's instruction). */
  recordedElsewhere(row: CommunicationRow): void {
    this.deps.bus.publish('communication', 'all', row);
  }

  load(ids: readonly string[]): Promise<CommunicationRow[]> {
    return findCommunicationsByIds(this.deps.db, ids);
  }

  list(filter: CommunicationFilter, page: PageQuery): Promise<CommunicationRow[]> {
    return listCommunications(this.deps.db, filter, page);
  }
}
