import { sql } from 'kysely';
import type { AgentRole, NewTask, TaskRow, TaskStatus, TaskUpdate } from '../types.js';
import type { Executor } from './executor.js';
import { applyPage, type PageQuery } from './pagination.js';

export interface TaskFilter {
  sessionId?: string;
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

export async function findTaskForUpdate(db: Executor, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom('tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listTasks(db: Executor, filter: TaskFilter, page: PageQuery): Promise<TaskRow[]> {
  let query = db.selectFrom('tasks').selectAll();
  if (filter.sessionId) query = query.where('sessionId', '=', filter.sessionId);
  if (filter.agentId) query = query.where('agentId', '=', filter.agentId);
  if (filter.parentTaskId) query = query.where('parentTaskId', '=', filter.parentTaskId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.requiredRole) query = query.where('requiredRole', '=', filter.requiredRole);
  return applyPage(query, 'tasks.id', page).execute();
}

export async function hasQueuedTaskForAgent(db: Executor, agentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tasks')
    .select('id')
    .where('agentId', '=', agentId)
    .where('status', '=', 'QUEUED')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The next queued task handed to this agent: highest priority first, then oldest. */
export async function findNextQueuedTaskForAgent(db: Executor, agentId: string): Promise<TaskRow | undefined> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('agentId', '=', agentId)
    .where('status', '=', 'QUEUED')
    .orderBy('priority', 'desc')
    .orderBy('id', 'asc')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
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
