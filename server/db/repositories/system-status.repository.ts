import { sql } from 'kysely';
import type { AgentStatus, TaskStatus } from '../types.js';
import type { Executor } from './executor.js';

/** How many agents are in each status, and tasks in each status, over the whole database. */
export async function countByStatus(db: Executor): Promise<{ agents: Map<AgentStatus, number>; tasks: Map<TaskStatus, number> }> {
  const { rows } = await sql<{ kind: 'agent' | 'task'; status: string; count: string }>`
    SELECT 'agent' AS kind, status, count(*) AS count FROM agents GROUP BY status
    UNION ALL
    SELECT 'task' AS kind, status, count(*) AS count FROM tasks WHERE status IN ('PENDING', 'QUEUED', 'RUNNING') GROUP BY status`.execute(db);
  const agents = new Map<AgentStatus, number>();
  const tasks = new Map<TaskStatus, number>();
  for (const row of rows) {
    if (row.kind === 'agent') agents.set(row.status as AgentStatus, Number(row.count));
    else tasks.set(row.status as TaskStatus, Number(row.count));
  }
  return { agents, tasks };
}
