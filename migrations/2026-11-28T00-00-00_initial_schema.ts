import { sql, type Kysely } from 'kysely';

/** Every table of the data model, with the indexes its queries need. Frozen: later changes get new files. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('working_directory', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sessions_status_idx').on('sessions').columns(['status', 'id']).execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('runtime', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('cli_session_id', 'uuid', (c) => c.notNull())
    .addColumn('pid', 'integer')
    .addColumn('node_id', 'text')
    .addColumn('restart_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('total_cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('terminated_at', 'timestamptz')
    .addUniqueConstraint('agents_session_name_key', ['session_id', 'name'])
    .execute();
  await db.schema.createIndex('agents_session_idx').on('agents').columns(['session_id', 'id']).execute();
  await db.schema.createIndex('agents_status_idx').on('agents').columns(['status', 'id']).execute();
  await db.schema.createIndex('agents_node_idx').on('agents').columns(['node_id', 'status']).execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('parent_task_id', 'uuid', (c) => c.references('tasks.id').onDelete('cascade'))
    .addColumn('agent_id', 'uuid', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('required_role', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('timeout_seconds', 'integer')
    .addColumn('result', 'text')
    .addColumn('error_type', 'text')
    .addColumn('error_message', 'text')
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('input_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('output_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_read_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_creation_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('last_event_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('tasks_session_idx').on('tasks').columns(['session_id', 'id']).execute();
  await db.schema.createIndex('tasks_agent_idx').on('tasks').columns(['agent_id', 'status', 'id']).execute();
  await db.schema.createIndex('tasks_status_idx').on('tasks').columns(['status', 'priority', 'id']).execute();
  await db.schema.createIndex('tasks_parent_idx').on('tasks').columns(['parent_task_id']).execute();

  await db.schema
    .createTable('task_dependencies')
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('depends_on_task_id', 'uuid', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('task_dependencies_pkey', ['task_id', 'depends_on_task_id'])
    .addCheckConstraint('task_dependencies_no_self_edge', sql`task_id <> depends_on_task_id`)
    .execute();
  await db.schema
    .createIndex('task_dependencies_reverse_idx')
    .on('task_dependencies')
    .columns(['depends_on_task_id'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('agent_id', 'uuid', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer')
    .addColumn('process_group', 'integer')
    .addColumn('node_id', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('signal', 'text')
    .addColumn('reason', 'text')
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('usage', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('runs_task_idx').on('runs').columns(['task_id', 'attempt']).execute();
  // At most one live run per task, enforced by the database rather than by care.
  await db.schema
    .createIndex('runs_one_running_per_task')
    .on('runs')
    .column('task_id')
    .unique()
    .where(sql.ref('state'), '=', 'RUNNING')
    .execute();
  await db.schema
    .createIndex('runs_running_by_agent')
    .on('runs')
    .column('agent_id')
    .unique()
    .where(sql.ref('state'), '=', 'RUNNING')
    .execute();

  await db.schema
    .createTable('task_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.references('runs.id').onDelete('set null'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('task_events_task_seq_key', ['task_id', 'seq'])
    .execute();

  await db.schema
    .createTable('agent_communications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('from_agent_id', 'uuid', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('to_agent_id', 'uuid', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('task_id', 'uuid', (c) => c.references('tasks.id').onDelete('set null'))
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('agent_communications_session_idx')
    .on('agent_communications')
    .columns(['session_id', 'id'])
    .execute();
  await db.schema
    .createIndex('agent_communications_task_idx')
    .on('agent_communications')
    .columns(['task_id', 'id'])
    .execute();

  await db.schema
    .createTable('performance_metrics')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'uuid', (c) => c.references('agents.id').onDelete('cascade'))
    .addColumn('task_id', 'uuid', (c) => c.references('tasks.id').onDelete('cascade'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('performance_metrics_name_idx')
    .on('performance_metrics')
    .columns(['name', 'recorded_at'])
    .execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'uuid', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('task_id', 'uuid', (c) => c.references('tasks.id').onDelete('set null'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('recovery_action', 'text')
    .addColumn('recovery_result', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('incidents_created_idx').on('incidents').columns(['created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'incidents',
    'performance_metrics',
    'agent_communications',
    'task_events',
    'runs',
    'task_dependencies',
    'tasks',
    'agents',
    'sessions',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
