import type { Insertable } from 'kysely';
import {
  findCommunicationsByIds,
  insertCommunication,
  listCommunications,
  listCommunicationsAfter,
  type CommunicationFilter,
} from '../db/repositories/communication.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import type { AgentCommunicationsTable, CommunicationRow } from '../db/types.js';
import { newId } from '../ids.js';
import type { Subscription } from '../realtime/event-bus.js';
import { returningPromptly } from '../realtime/returning-promptly.js';
import type { ServiceDeps } from './deps.js';
import type { AfterCommit } from './transaction.js';

const REPLAY_PAGE = 500;

function matches(row: CommunicationRow, filter: CommunicationFilter): boolean {
  return (
    (!filter.sessionId || row.sessionId === filter.sessionId) &&
    (!filter.sessionIds || filter.sessionIds.includes(row.sessionId)) &&
    (!filter.agentId || row.fromAgentId === filter.agentId || row.toAgentId === filter.agentId) &&
    (!filter.taskId || row.taskId === filter.taskId)
  );
}

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

  /**
   * Messages matching the filter as they are recorded; with `afterId`, first every stored one
   * after it (replay), then live ones, none twice. Live delivery is attached now, before the
   * replay reads, and what the replay returned is not passed on again.
   */
  stream(filter: CommunicationFilter, afterId?: string): AsyncGenerator<CommunicationRow> {
    const live = this.deps.bus.subscribe('communication', 'all');
    return returningPromptly(this.replayThenLive(live, filter, afterId), () => live.close());
  }

  private async *replayThenLive(live: Subscription<CommunicationRow>, filter: CommunicationFilter, afterId?: string): AsyncGenerator<CommunicationRow> {
    try {
      const replayed = new Set<string>();
      if (afterId) {
        let cursor = afterId;
        for (;;) {
          const page = await listCommunicationsAfter(this.deps.db, filter, cursor, REPLAY_PAGE);
          for (const row of page) {
            replayed.add(row.id);
            yield row;
          }
          if (page.length < REPLAY_PAGE) break;
          cursor = page.at(-1)!.id;
        }
      }
      for await (const row of live) {
        if (!matches(row, filter) || replayed.has(row.id)) continue;
        yield row;
      }
    } finally {
      live.close();
    }
  }

  load(ids: readonly string[]): Promise<CommunicationRow[]> {
    return findCommunicationsByIds(this.deps.db, ids);
  }

  list(filter: CommunicationFilter, page: PageQuery): Promise<CommunicationRow[]> {
    return listCommunications(this.deps.db, filter, page);
  }
}
