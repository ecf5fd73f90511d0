import type { ApiTokenRow, TokenRole } from '../types.js';
import type { Executor } from './executor.js';

export async function insertApiToken(
  db: Executor,
  token: { id: string; name: string; role: TokenRole; tokenHash: string; sessionIds?: string[] | null },
): Promise<ApiTokenRow> {
  return db.insertInto('apiTokens').values(token).returningAll().executeTakeFirstOrThrow();
}

/** The live (not revoked) token with this hash. */
export async function findLiveTokenByHash(db: Executor, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('apiTokens').selectAll().where('tokenHash', '=', tokenHash).where('revokedAt', 'is', null).executeTakeFirst();
}

export async function findApiTokensByIds(db: Executor, ids: readonly string[]): Promise<ApiTokenRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('apiTokens').selectAll().where('id', 'in', ids).execute();
}

export async function listApiTokens(db: Executor): Promise<ApiTokenRow[]> {
  return db.selectFrom('apiTokens').selectAll().orderBy('createdAt').orderBy('id').execute();
}

export async function hasLiveToken(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('apiTokens').select('id').where('revokedAt', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Revokes the token; undefined when there is no such live token. */
export async function revokeApiToken(db: Executor, id: string): Promise<ApiTokenRow | undefined> {
  return db.updateTable('apiTokens').set({ revokedAt: new Date() }).where('id', '=', id).where('revokedAt', 'is', null).returningAll().executeTakeFirst();
}

export async function touchApiToken(db: Executor, id: string): Promise<void> {
  await db.updateTable('apiTokens').set({ lastUsedAt: new Date() }).where('id', '=', id).execute();
}
