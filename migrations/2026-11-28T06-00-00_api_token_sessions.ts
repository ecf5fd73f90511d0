import { sql, type Kysely } from 'kysely';

/**
 * A viewer or operator token may be limited to some sessions: it then sees and acts on those
 * sessions' objects only. Null means every session (and always for admin tokens).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('session_ids', sql`uuid[]`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('session_ids').execute();
}
