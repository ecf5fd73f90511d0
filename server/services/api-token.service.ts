import { generateToken, hashToken } from '../auth/token-secret.js';
import { findApiTokensByIds, insertApiToken, listApiTokens, revokeApiToken } from '../db/repositories/api-token.repository.js';
import type { ApiTokenRow, TokenRole } from '../db/types.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';

/** API tokens as admins manage them over the API (`npm run token` does the same on the server). */
export class ApiTokenService {
  constructor(private readonly deps: ServiceDeps) {}

  /** A new token and its secret, which exists only in this answer (only its hash is stored). */
  async create(name: string, role: TokenRole): Promise<{ token: ApiTokenRow; secret: string }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) throw new InvalidInputError('name', 'must be 1 to 100 characters');
    if (/\p{Cc}/u.test(trimmed)) throw new InvalidInputError('name', 'must not contain control characters');
    const secret = generateToken();
    const token = await insertApiToken(this.deps.db, { id: newId(), name: trimmed, role, tokenHash: hashToken(secret) });
    return { token, secret };
  }

  async revoke(id: string): Promise<ApiTokenRow> {
    const revoked = await revokeApiToken(this.deps.db, id);
    if (!revoked) throw new NotFoundError('ApiToken', 'id', id);
    return revoked;
  }

  load(ids: readonly string[]): Promise<ApiTokenRow[]> {
    return findApiTokensByIds(this.deps.db, ids);
  }

  list(): Promise<ApiTokenRow[]> {
    return listApiTokens(this.deps.db);
  }
}
