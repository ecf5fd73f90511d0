import type { Insertable, Updateable } from 'kysely';
import type { TaskRow, WorkflowRow, WorkflowsTable } from '../types.js';
import type { Executor } from './executor.js';

export async function insertWorkflow(db: Executor, row: Insertable<WorkflowsTable>): Promise<WorkflowRow> {
  return db.insertInto('workflows').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findWorkflowsByIds(db: Executor, ids: readonly string[]): Promise<WorkflowRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('workflows').selectAll().where('id', 'in', ids).execute();
}

export async function findWorkflowForUpdate(db: Executor, id: string): Promise<WorkflowRow | undefined> {
  return db.selectFrom('workflows').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Marks the workflow whose root this is DONE (nothing when the task is no root, or it is DONE already). */
export async function closeWorkflowOf(db: Executor, rootTaskId: string): Promise<void> {
  await db.updateTable('workflows').set({ phase: 'DONE', updatedAt: new Date() }).where('id', '=', rootTaskId).where('phase', '<>', 'DONE').execute();
}

export async function updateWorkflow(db: Executor, id: string, patch: Updateable<WorkflowsTable>): Promise<WorkflowRow> {
  return db
    .updateTable('workflows')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The workflow a subtask belongs to (its parent is the workflow's root), if any. */
export async function findWorkflowOfSubtask(db: Executor, task: Pick<TaskRow, 'parentTaskId'>): Promise<WorkflowRow | undefined> {
  if (!task.parentTaskId) return undefined;
  return db.selectFrom('workflows').selectAll().where('id', '=', task.parentTaskId).executeTakeFirst();
}

/** Workflows running their subtasks whose manager this node supervises. */
export async function findRunningWorkflowsOnNode(db: Executor, nodeId: string): Promise<WorkflowRow[]> {
  return db
    .selectFrom('workflows')
    .innerJoin('agents', 'agents.id', 'workflows.managerAgentId')
    .selectAll('workflows')
    .where('workflows.phase', '=', 'RUNNING')
    .where('agents.nodeId', '=', nodeId)
    .orderBy('workflows.id')
    .execute();
}

/** The manager that took the workflow's root over (its first one is gone). */
export async function setWorkflowManager(db: Executor, workflowId: string, agentId: string): Promise<void> {
  await db
    .updateTable('workflows')
    .set({ managerAgentId: agentId, updatedAt: new Date() })
    .where('id', '=', workflowId)
    .where((eb) => eb.or([eb('managerAgentId', 'is', null), eb('managerAgentId', '!=', agentId)]))
    .execute();
}

/** Workflows whose root waits for a manager and has none, last managed from this node. */
export async function findWorkflowsWithoutManager(db: Executor, nodeId: string): Promise<WorkflowRow[]> {
  return db
    .selectFrom('workflows')
    .innerJoin('tasks as root', 'root.id', 'workflows.id')
    .leftJoin('agents as manager', 'manager.id', 'workflows.managerAgentId')
    .selectAll('workflows')
    .where('workflows.phase', 'in', ['PLANNING', 'SYNTHESIZING'])
    .where('root.status', '=', 'QUEUED')
    .where('root.agentId', 'is', null)
    .where((eb) => eb.or([eb('manager.nodeId', '=', nodeId), eb('manager.id', 'is', null)]))
    .orderBy('workflows.id')
    .execute();
}
