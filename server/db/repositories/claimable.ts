import { sql } from 'kysely';

/**
 * Which task an agent may take now, over the aliases `t` (tasks) and `a` (agents): QUEUED, not
 * backing off, and either handed to the agent or unassigned in its session for its role. The
 * claim, the wake-up and the scheduler's sweep all use this one rule.
 */
export const CLAIMABLE = sql`t.status = 'QUEUED'
  AND (t.retry_at IS NULL OR t.retry_at <= now())
  AND (t.agent_id = a.id
       OR (t.agent_id IS NULL AND t.session_id = a.session_id AND (t.required_role IS NULL OR t.required_role = a.role)))`;
