import { sql } from 'kysely';

/**
 * Which task an agent may take, over the aliases `t` (tasks) and `a` (agents): QUEUED, and either
 * handed to the agent or unassigned in its session for its role.
 */
export const ELIGIBLE = sql`t.status = 'QUEUED'
  AND (t.agent_id = a.id
       OR (t.agent_id IS NULL AND t.session_id = a.session_id AND (t.required_role IS NULL OR t.required_role = a.role)))`;

/** ELIGIBLE and not backing off: what an agent may claim now. The claim and the sweep use this rule. */
export const CLAIMABLE = sql`${ELIGIBLE} AND (t.retry_at IS NULL OR t.retry_at <= now())`;
