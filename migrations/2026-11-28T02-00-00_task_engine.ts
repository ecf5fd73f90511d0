import { sql, type Kysely } from 'kysely';

/**
 * The task engine's durable state: when a failed attempt may be retried (backoff), the budget
 * a task sets for its whole subtree, and the manager-worker workflows with their phase and plan.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('retry_at', 'timestamptz')
    .addColumn('max_budget_usd', 'double precision')
    .execute();

  await db.schema
    .createTable('workflows')
    // One workflow per root task; the root task's lifecycle is the workflow's.
    .addColumn('id', 'uuid', (c) => c.primaryKey().references('tasks.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('manager_agent_id', 'uuid', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('plan', 'jsonb')
    .addColumn('rejected_plans', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plan_errors', 'text')
    .addColumn('max_workers', 'integer', (c) => c.notNull())
    .addColumn('worker_model', 'text')
    .addColumn('subtask_max_attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The queue in claim order: a claim reads the first claimable rows instead of sorting them all.
  await sql`CREATE INDEX tasks_queue_idx ON tasks (priority DESC, id) WHERE status = 'QUEUED'`.execute(db);
  await db.schema.createIndex('workflows_session_idx').on('workflows').columns(['session_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_queue_idx').ifExists().execute();
  await db.schema.dropTable('workflows').ifExists().execute();
  await db.schema.alterTable('tasks').dropColumn('max_budget_usd').dropColumn('retry_at').execute();
}
