import type { Insertable } from 'kysely';
import type { RunRow, RunUpdate, RunsTable } from '../types.js';
import type { Executor } from './executor.js';

export async function insertRun(db: Executor, row: Insertable<RunsTable>): Promise<RunRow> {
  return db.insertInto('runs').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findRunningRunForAgent(db: Executor, agentId: string): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('agentId', '=', agentId).where('state', '=', 'RUNNING').executeTakeFirst();
}

export async function findRunningRunsOnNode(db: Executor, nodeId: string): Promise<RunRow[]> {
  return db.selectFrom('runs').selectAll().where('nodeId', '=', nodeId).where('state', '=', 'RUNNING').execute();
}

export async function updateRun(db: Executor, id: string, patch: RunUpdate): Promise<RunRow> {
  return db.updateTable('runs').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
