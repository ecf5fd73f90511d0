import { sql, type Kysely } from 'kysely';

/**
 * Secrets a session gives its agents as environment variables. Only AES-256-GCM ciphertext is
 * stored (key: ENCRYPTION_KEY, never in the database); the session id and the name are its
 * associated data, so a row copied to another session or name does not decrypt.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('session_secrets')
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    // An environment variable name, e.g. ANTHROPIC_API_KEY.
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('iv', 'bytea', (c) => c.notNull())
    .addColumn('auth_tag', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('session_secrets_pkey', ['session_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_secrets').ifExists().execute();
}
