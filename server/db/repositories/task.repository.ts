import { sql } from 'kysely';
import type { AgentRole, AgentRow, NewTask, TaskRow, TaskStatus, TaskUpdate } from '../types.js';
import { CLAIMABLE } from './claimable.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';
import { sessionIdsForIn } from './within-sessions.js';

export interface TaskFilter {
  sessionId?: string;
  /** Only rows of these sessions (a token limited to them); every session when absent. */
  sessionIds?: readonly string[];
  agentId?: string;
  parentTaskId?: string;
  status?: TaskStatus;
  requiredRole?: AgentRole;
}

export async function insertTask(db: Executor, row: NewTask): Promise<TaskRow> {
  return db.insertInto('tasks').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findTasksByIds(db: Executor, ids: readonly string[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('tasks').selectAll().where('id', 'in', ids).execute();
}

/** Reads tasks and holds them (FOR SHARE): their status cannot change until the caller commits. */
export async function findTasksForShare(db: Executor, ids: readonly string[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('tasks').selectAll().where('id', 'in', ids).orderBy('id').forShare().execute();
}

export async function findTaskForUpdate(db: Executor, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom('tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listTasks(db: Executor, filter: TaskFilter, page: PageQuery): Promise<TaskRow[]> {
  let query = db.selectFrom('tasks').selectAll();
  if (filter.sessionId) query = query.where('sessionId', '=', filter.sessionId);
  if (filter.sessionIds) query = query.where('sessionId', 'in', sessionIdsForIn(filter.sessionIds));
  if (filter.agentId) query = query.where('agentId', '=', filter.agentId);
  if (filter.parentTaskId) query = query.where('parentTaskId', '=', filter.parentTaskId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.requiredRole) query = query.where('requiredRole', '=', filter.requiredRole);
  return applyPage(query, 'tasks.id', page).execute();
}

/** Whether the agent has a task it could claim now (the claim's own rule). */
export async function hasClaimableTask(db: Executor, agent: Pick<AgentRow, 'id' | 'sessionId' | 'role'>): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM tasks t, (SELECT ${agent.id}::uuid AS id, ${agent.sessionId}::uuid AS session_id, ${agent.role}::text AS role) a
      WHERE ${CLAIMABLE}
    ) AS found`.execute(db);
  return rows[0]?.found === true;
}

/** Every subtask of a task, oldest first. */
export async function findChildren(db: Executor, parentTaskId: string): Promise<TaskRow[]> {
  return db.selectFrom('tasks').selectAll().where('parentTaskId', '=', parentTaskId).orderBy('id').execute();
}

/** The tasks one task depends on, oldest first. */
export async function findDependencies(db: Executor, taskId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('id', 'in', (eb) => eb.selectFrom('taskDependencies').select('dependsOnTaskId').where('taskId', '=', taskId))
    .orderBy('id')
    .execute();
}

/** Subtasks of a task that have not ended yet. */
export async function findUnfinishedChildren(db: Executor, parentTaskId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('parentTaskId', '=', parentTaskId)
    .where('status', 'not in', ['SUCCEEDED', 'FAILED', 'CANCELLED'])
    .orderBy('id')
    .execute();
}

export async function insertDependencies(db: Executor, taskId: string, dependsOn: readonly string[]): Promise<void> {
  if (dependsOn.length === 0) return;
  await db.insertInto('taskDependencies').values(dependsOn.map((dependsOnTaskId) => ({ taskId, dependsOnTaskId }))).execute();
}

/** The dependency edges of the given tasks (for batched loading). */
export async function findDependencyEdges(db: Executor, taskIds: readonly string[]) {
  if (taskIds.length === 0) return [];
  return db.selectFrom('taskDependencies').selectAll().where('taskId', 'in', taskIds).execute();
}

/** Tasks that wait on the given one; locked, as the caller is about to move them. */
export async function findDependentsForUpdate(db: Executor, taskId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('id', 'in', (eb) => eb.selectFrom('taskDependencies').select('taskId').where('dependsOnTaskId', '=', taskId))
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** How many of the task's dependencies have not succeeded yet. */
export async function countUnfinishedDependencies(db: Executor, taskId: string): Promise<number> {
  const row = await db
    .selectFrom('taskDependencies')
    .innerJoin('tasks', 'tasks.id', 'taskDependencies.dependsOnTaskId')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('taskDependencies.taskId', '=', taskId)
    .where('tasks.status', '!=', 'SUCCEEDED')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateTask(db: Executor, id: string, patch: TaskUpdate): Promise<TaskRow> {
  return db
    .updateTable('tasks')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Adds a run's cost and tokens to its task's running totals. */
export async function addTaskUsage(
  db: Executor,
  id: string,
  usage: { costUsd: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number },
): Promise<void> {
  await db
    .updateTable('tasks')
    .set({
      costUsd: sql`cost_usd + ${usage.costUsd}`,
      inputTokens: sql`input_tokens + ${usage.inputTokens}`,
      outputTokens: sql`output_tokens + ${usage.outputTokens}`,
      cacheReadTokens: sql`cache_read_tokens + ${usage.cacheReadTokens}`,
      cacheCreationTokens: sql`cache_creation_tokens + ${usage.cacheCreationTokens}`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Reserves event numbers for several tasks in one statement (rows locked in id order); returns
 * each task's last reserved seq.
 */
export async function reserveEventSeqsForTasks(db: Executor, counts: readonly { taskId: string; count: number }[]): Promise<Map<string, number>> {
  if (counts.length === 0) return new Map();
  const sorted = [...counts].sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
  await db.selectFrom('tasks').select('id').where('id', 'in', sorted.map((c) => c.taskId)).orderBy('id').forUpdate().execute();
  const values = sql.join(sorted.map((c) => sql`(${c.taskId}::uuid, ${c.count}::int)`));
  const { rows } = await sql<{ id: string; lastEventSeq: number }>`
    UPDATE tasks SET last_event_seq = tasks.last_event_seq + v.n
    FROM (VALUES ${values}) AS v(id, n)
    WHERE tasks.id = v.id
    RETURNING tasks.id, tasks.last_event_seq`.execute(db);
  return new Map(rows.map((row) => [row.id, row.lastEventSeq]));
}

/** Reserves the next gap-free event number; the row lock orders concurrent writers. */
export async function nextEventSeq(db: Executor, taskId: string): Promise<number> {
  const row = await db
    .updateTable('tasks')
    .set({ lastEventSeq: sql`last_event_seq + 1` })
    .where('id', '=', taskId)
    .returning('lastEventSeq')
    .executeTakeFirstOrThrow();
  return row.lastEventSeq;
}

/** Spend of each session's tasks, in the order of the ids asked for (0 for a session without any). */
export async function sumCostBySession(db: Executor, sessionIds: readonly string[]): Promise<number[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .selectFrom('tasks')
    .select(['sessionId', (eb) => eb.fn.sum<number>('costUsd').as('costUsd')])
    .where('sessionId', 'in', sessionIds)
    .groupBy('sessionId')
    .execute();
  const byId = new Map(rows.map((row) => [row.sessionId, Number(row.costUsd)]));
  return sessionIds.map((id) => byId.get(id) ?? 0);
}

/** The task and its ancestors that set a budget, nearest first. */
export async function findBudgetedAncestors(db: Executor, taskId: string): Promise<{ id: string; title: string; maxBudgetUsd: number; status: TaskStatus }[]> {
  const { rows } = await sql<{ id: string; title: string; maxBudgetUsd: number; status: TaskStatus }>`
    WITH RECURSIVE up AS (
      SELECT id, parent_task_id, title, max_budget_usd, status, 0 AS depth FROM tasks WHERE id = ${taskId}
      UNION ALL
      SELECT t.id, t.parent_task_id, t.title, t.max_budget_usd, t.status, up.depth + 1
      FROM tasks t JOIN up ON t.id = up.parent_task_id
      WHERE up.depth < 100
    )
    SELECT id, title, max_budget_usd AS "maxBudgetUsd", status FROM up
    WHERE max_budget_usd IS NOT NULL ORDER BY depth`.execute(db);
  return rows;
}

/** What a task and every task under it have cost so far. */
export async function sumSubtreeCost(db: Executor, taskId: string): Promise<number> {
  const { rows } = await sql<{ costUsd: number | string | null }>`
    WITH RECURSIVE down AS (
      SELECT id, cost_usd, 0 AS depth FROM tasks WHERE id = ${taskId}
      UNION ALL
      SELECT t.id, t.cost_usd, down.depth + 1 FROM tasks t JOIN down ON t.parent_task_id = down.id
      WHERE down.depth < 100
    )
    SELECT sum(cost_usd) AS "costUsd" FROM down`.execute(db);
  return Number(rows[0]?.costUsd ?? 0);
}

/** The PENDING or QUEUED tasks under a task (not the task itself), locked: about to be ended. */
export async function findWaitingInSubtreeForUpdate(db: Executor, taskId: string): Promise<TaskRow[]> {
  const { rows } = await sql<TaskRow>`
    WITH RECURSIVE down AS (
      SELECT id, 1 AS depth FROM tasks WHERE parent_task_id = ${taskId}
      UNION ALL
      SELECT t.id, down.depth + 1 FROM tasks t JOIN down ON t.parent_task_id = down.id
      WHERE down.depth < 100
    )
    SELECT t.* FROM tasks t JOIN down ON down.id = t.id
    WHERE t.status IN ('PENDING', 'QUEUED')
    ORDER BY t.id
    FOR UPDATE OF t`.execute(db);
  return rows;
}

/** Waiting tasks tied to an agent, untied (locked rows, returned as they were). */
export async function releaseWaitingTasksOf(db: Executor, agentId: string): Promise<TaskRow[]> {
  const tied = await db
    .selectFrom('tasks')
    .selectAll()
    .where('agentId', '=', agentId)
    .where('status', 'in', ['PENDING', 'QUEUED'])
    .orderBy('id')
    .forUpdate()
    .execute();
  if (tied.length > 0) {
    await db.updateTable('tasks').set({ agentId: null, updatedAt: new Date() }).where('id', 'in', tied.map((t) => t.id)).execute();
  }
  return tied;
}
