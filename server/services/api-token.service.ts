import { createApiToken, type NewTokenRequest } from '../auth/new-token.js';
import { findApiTokensByIds, listApiTokens, revokeApiToken } from '../db/repositories/api-token.repository.js';
import type { ApiTokenRow } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import type { ServiceDeps } from './deps.js';

/** API tokens as admins manage them over the API (`npm run token` does the same on the server). */
export class ApiTokenService {
  constructor(private readonly deps: ServiceDeps) {}

  /** A new token and its secret, which exists only in this answer (only its hash is stored). */
  create(request: NewTokenRequest): Promise<{ token: ApiTokenRow; secret: string }> {
    return createApiToken(this.deps.db, request);
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
