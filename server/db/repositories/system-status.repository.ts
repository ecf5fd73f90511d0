import { sql } from 'kysely';
import type { AgentStatus, TaskStatus } from '../types.js';
import type { Executor } from './executor.js';

/**
 * How many agents are in each status, and tasks in each status (only the unfinished ones, when
 * asked: what the status view shows), over the whole database. One statement of two grouped
 * counts, each of which an index leading with status answers alone once the tables are large.
 */
export async function countByStatus(
  db: Executor,
  tasks: 'all' | 'unfinished' = 'all',
): Promise<{ agents: Map<AgentStatus, number>; tasks: Map<TaskStatus, number> }> {
  const unfinishedOnly = tasks === 'unfinished' ? sql`WHERE status IN ('PENDING', 'QUEUED', 'RUNNING')` : sql``;
  const { rows } = await sql<{ kind: 'agent' | 'task'; status: string; count: string }>`
    SELECT 'agent' AS kind, status, count(*) AS count FROM agents GROUP BY status
    UNION ALL
    SELECT 'task' AS kind, status, count(*) AS count FROM tasks ${unfinishedOnly} GROUP BY status`.execute(db);
  const byAgentStatus = new Map<AgentStatus, number>();
  const byTaskStatus = new Map<TaskStatus, number>();
  for (const row of rows) {
    if (row.kind === 'agent') byAgentStatus.set(row.status as AgentStatus, Number(row.count));
    else byTaskStatus.set(row.status as TaskStatus, Number(row.count));
  }
  return { agents: byAgentStatus, tasks: byTaskStatus };
}
