import { sql } from 'kysely';
import type { SessionSecretRow } from '../types.js';
import type { Executor } from './executor.js';

export interface SealedSessionSecret {
  sessionId: string;
  name: string;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
}

/** Stores the secret, replacing the one of the same name (its createdAt is kept). */
export async function upsertSessionSecret(db: Executor, secret: SealedSessionSecret): Promise<void> {
  await db
    .insertInto('sessionSecrets')
    .values(secret)
    .onConflict((conflict) =>
      conflict.columns(['sessionId', 'name']).doUpdateSet({
        ciphertext: secret.ciphertext,
        iv: secret.iv,
        authTag: secret.authTag,
        updatedAt: sql`now()`,
      }),
    )
    .execute();
}

/** False when the session had no secret of that name. */
export async function deleteSessionSecret(db: Executor, sessionId: string, name: string): Promise<boolean> {
  const result = await db.deleteFrom('sessionSecrets').where('sessionId', '=', sessionId).where('name', '=', name).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The names of each session's secrets, sorted, in the order of sessionIds (a data loader's batch). */
export async function listSecretNamesBySession(db: Executor, sessionIds: readonly string[]): Promise<string[][]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .selectFrom('sessionSecrets')
    .select(['sessionId', 'name'])
    .where('sessionId', 'in', sessionIds)
    .execute();
  const names = new Map(sessionIds.map((id) => [id, [] as string[]]));
  for (const row of rows) names.get(row.sessionId)?.push(row.name);
  // Sorted here, not in SQL: the database's collation would order "_" differently per locale.
  return sessionIds.map((id) => (names.get(id) ?? []).sort());
}

/** Every sealed secret of the session, to decrypt for an agent process. */
export async function findSessionSecrets(db: Executor, sessionId: string): Promise<SessionSecretRow[]> {
  return db.selectFrom('sessionSecrets').selectAll().where('sessionId', '=', sessionId).execute();
}

/** Every stored secret (sealed), for re-sealing under a new key. */
export async function listAllSessionSecrets(db: Executor): Promise<SessionSecretRow[]> {
  return db.selectFrom('sessionSecrets').selectAll().orderBy('sessionId').orderBy('name').execute();
}

/**
 * Replaces a secret's seal (same value, new key) unless it changed since it was read (its IV is
 * new on every write): a value set meanwhile wins. False when it was not replaced.
 */
export async function replaceSecretSeal(
  db: Executor,
  current: Pick<SessionSecretRow, 'sessionId' | 'name' | 'iv'>,
  seal: Pick<SealedSessionSecret, 'ciphertext' | 'iv' | 'authTag'>,
): Promise<boolean> {
  const result = await db
    .updateTable('sessionSecrets')
    .set({ ciphertext: seal.ciphertext, iv: seal.iv, authTag: seal.authTag })
    .where('sessionId', '=', current.sessionId)
    .where('name', '=', current.name)
    .where('iv', '=', current.iv)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
