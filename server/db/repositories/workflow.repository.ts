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
