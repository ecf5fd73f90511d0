import { z } from 'zod';
import { findSessionsByIds, insertSession, listSessions, type SessionFilter } from '../db/repositories/session.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import { sumCostBySession } from '../db/repositories/task.repository.js';
import type { SessionRow } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './validation.js';
import { resolveWorkingDirectory } from './workspace.js';

const createSessionInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  workingDirectory: z.string().trim().min(1, 'must not be empty').max(1000).optional(),
});
export type CreateSessionInput = z.input<typeof createSessionInput>;

export class SessionService {
  constructor(private readonly deps: ServiceDeps) {}

  async createSession(input: CreateSessionInput): Promise<SessionRow> {
    const { name, workingDirectory } = parseInput(createSessionInput, input);
    const id = newId();
    const directory = await resolveWorkingDirectory(
      this.deps.config.workspaceRoot,
      workingDirectory ?? id,
      'workingDirectory',
    );
    return insertSession(this.deps.db, { id, name, workingDirectory: directory, status: 'ACTIVE', config: '{}' });
  }

  async getSession(id: string, field = 'id'): Promise<SessionRow> {
    const [session] = await findSessionsByIds(this.deps.db, [id]);
    if (!session) throw new NotFoundError('Session', field, id);
    return session;
  }

  loadSessions(ids: readonly string[]): Promise<SessionRow[]> {
    return findSessionsByIds(this.deps.db, ids);
  }

  /** Estimated spend per session (sum over its tasks), in id order. */
  costs(ids: readonly string[]): Promise<number[]> {
    return sumCostBySession(this.deps.db, ids);
  }

  listSessions(filter: SessionFilter, page: PageQuery): Promise<SessionRow[]> {
    return listSessions(this.deps.db, filter, page);
  }
}
