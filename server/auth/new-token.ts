import { insertApiToken } from '../db/repositories/api-token.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import { findSessionsByIds } from '../db/repositories/session.repository.js';
import type { ApiTokenRow, TokenRole } from '../db/types.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { generateToken, hashToken } from './token-secret.js';

export interface NewTokenRequest {
  name: string;
  role: TokenRole;
  /** Limit the token to these sessions; every session when absent. */
  sessionIds?: readonly string[];
}

const MAX_SESSIONS = 100;

/**
 * Checks and stores a new token (the API's createApiToken and `npm run token` alike); returns its
 * secret, which exists only in this answer since only its hash is stored.
 */
export async function createApiToken(db: Executor, request: NewTokenRequest): Promise<{ token: ApiTokenRow; secret: string }> {
  const name = request.name.trim();
  if (name.length === 0 || name.length > 100) throw new InvalidInputError('name', 'must be 1 to 100 characters');
  if (/\p{Cc}/u.test(name)) throw new InvalidInputError('name', 'must not contain control characters');
  const sessionIds = request.sessionIds === undefined ? null : await existingSessions(db, request.role, request.sessionIds);
  const secret = generateToken();
  const token = await insertApiToken(db, { id: newId(), name, role: request.role, tokenHash: hashToken(secret), sessionIds });
  return { token, secret };
}

async function existingSessions(db: Executor, role: TokenRole, requested: readonly string[]): Promise<string[]> {
  // An admin manages tokens and reads the audit log, which span every session.
  if (role === 'admin') throw new InvalidInputError('sessionIds', 'an admin token cannot be limited to sessions');
  const ids = [...new Set(requested)].sort();
  if (ids.length === 0 || ids.length > MAX_SESSIONS) throw new InvalidInputError('sessionIds', `must name 1 to ${MAX_SESSIONS} sessions`);
  const found = new Set((await findSessionsByIds(db, ids)).map((session) => session.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw new NotFoundError('Session', 'sessionIds', missing);
  return ids;
}
