import { sql, type Kysely } from 'kysely';

/**
 * The agent lifecycle made durable: every status transition with its reason, the identity of the
 * live process (pid plus start time and boot id, so a recycled pid is never mistaken for it), and
 * whether the CLI session has a transcript to resume.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agent_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('agent_id', 'uuid', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('agent_events_agent_seq_key', ['agent_id', 'seq'])
    .execute();

  await db.schema
    .alterTable('agents')
    .addColumn('last_event_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('process_start_time', 'bigint')
    .addColumn('boot_id', 'text')
    .addColumn('session_started', 'boolean', (c) => c.notNull().defaultTo(false))
    // What the CLI last reported as the session's running totals: a resumed process starts from them.
    .addColumn('session_cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('session_tokens', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema.createIndex('incidents_agent_idx').on('incidents').columns(['agent_id', 'id']).execute();
  await db.schema.createIndex('performance_metrics_task_idx').on('performance_metrics').columns(['task_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('performance_metrics_task_idx').ifExists().execute();
  await db.schema.dropIndex('incidents_agent_idx').ifExists().execute();
  await db.schema
    .alterTable('agents')
    .dropColumn('session_tokens')
    .dropColumn('session_cost_usd')
    .dropColumn('session_started')
    .dropColumn('boot_id')
    .dropColumn('process_start_time')
    .dropColumn('last_event_seq')
    .execute();
  await db.schema.dropTable('agent_events').ifExists().execute();
}
