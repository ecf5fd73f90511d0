import type { Insertable } from 'kysely';
import type { Executor } from '../db/repositories/executor.js';
import {
  findIncidentsByIds,
  insertIncident,
  listIncidents,
  setRecoveryResult,
  settleOpenCrashes,
  type IncidentFilter,
} from '../db/repositories/incident.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import type { IncidentRow, IncidentsTable } from '../db/types.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';
import type { AfterCommit } from './transaction.js';

/** Crashes, timeouts, limits and recoveries, classified as the seed's error types, with what was done. */
export class IncidentService {
  constructor(private readonly deps: ServiceDeps) {}

  async record(
    trx: Executor,
    afterCommit: AfterCommit,
    incident: Omit<Insertable<IncidentsTable>, 'id' | 'createdAt'>,
  ): Promise<IncidentRow> {
    const row = await insertIncident(trx, { id: newId(), ...incident });
    afterCommit(() => this.deps.bus.publish('incident', 'all', row));
    return row;
  }

  /** How a recovery went: a stop's last step, a restart that worked or did not. */
  recovered(id: string, result: string): Promise<void> {
    return setRecoveryResult(this.deps.db, id, result);
  }

  /** Settles the agent's crash incidents still waiting for their restart. */
  crashesRecovered(agentId: string, result: string): Promise<void> {
    return settleOpenCrashes(this.deps.db, agentId, result);
  }

  load(ids: readonly string[]): Promise<IncidentRow[]> {
    return findIncidentsByIds(this.deps.db, ids);
  }

  list(filter: IncidentFilter, page: PageQuery): Promise<IncidentRow[]> {
    return listIncidents(this.deps.db, filter, page);
  }
}
