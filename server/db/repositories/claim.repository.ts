import { sql } from 'kysely';
import type { TaskRow } from '../types.js';
import { CLAIMABLE } from './claimable.js';
import type { Executor } from './executor.js';

export interface ClaimRequest {
  agentId: string;
  agentName: string;
  nodeId: string;
  pid: number | null;
  runId: string;
  statusEventId: string;
  agentEventId: string;
  communicationId: string;
}

/** The claimed task as it is now (RUNNING), and what the claim wrote beside it. */
export interface ClaimedRow extends TaskRow {
  /** The seq of the task's RUNNING status event. */
  statusSeq: number;
  statusReason: string;
  claimedAt: Date;
  /** The agent's BUSY event seq. */
  agentSeq: number;
  /** The instruction recorded for a plain task; null for a workflow's task (the caller writes it). */
  prompt: string | null;
  /** What a retry's instruction starts with ('' on a first attempt). */
  retryNote: string;
}

/**
 * Claims the agent's next task in one statement (one round trip, its own transaction), so a claim
 * costs about what a bare SKIP LOCKED update does: the agent must be IDLE (its row is locked);
 * the task is the highest-priority, oldest QUEUED one it may take (handed to it, or unassigned in
 * its session for its role), not backing off, and not locked by anyone else (SKIP LOCKED). The
 * task becomes RUNNING with a new run, a numbered STATUS event and, for a plain task, the
 * instruction as a communication; the agent becomes BUSY with a numbered event. Nothing is
 * written when no task is claimable.
 *
 * A plain task's instruction is built here: the title, then the description, after a note on
 * why the previous attempt ended when this is a retry. A workflow's root or subtask gets its
 * instruction from the workflow (task-instructions.ts), after the same note.
 */
export async function claimNextTaskFor(db: Executor, claim: ClaimRequest): Promise<ClaimedRow | undefined> {
  const { rows } = await sql<ClaimedRow>`/* prepared: claim_next_task */
    WITH agent AS (
      SELECT id, session_id, role, last_event_seq FROM agents
      WHERE id = ${claim.agentId} AND status = 'IDLE'
      FOR UPDATE
    ), next AS (
      SELECT t.id FROM tasks t, agent a
      WHERE ${CLAIMABLE}
      ORDER BY t.priority DESC, t.id
      LIMIT 1
      FOR UPDATE OF t SKIP LOCKED
    ), claimed AS (
      UPDATE tasks t SET
        status = 'RUNNING', agent_id = ${claim.agentId}, attempts = t.attempts + 1,
        started_at = coalesce(t.started_at, now()), finished_at = NULL,
        last_event_seq = t.last_event_seq + 1, updated_at = now()
      FROM next WHERE t.id = next.id
      RETURNING t.*,
        EXISTS (SELECT 1 FROM workflows w WHERE w.id = t.id OR w.id = t.parent_task_id) AS in_workflow
    ), run AS (
      INSERT INTO runs (id, task_id, agent_id, attempt, state, pid, process_group, node_id, usage)
      SELECT ${claim.runId}, c.id, ${claim.agentId}, c.attempts, 'RUNNING', ${claim.pid}::integer, ${claim.pid}::integer, ${claim.nodeId}, '{}'::jsonb
      FROM claimed c
      RETURNING started_at
    ), status_reason AS (
      SELECT 'attempt ' || c.attempts || ' of ' || c.max_attempts || ' started on agent ' || ${claim.agentName} AS reason FROM claimed c
    ), status_event AS (
      INSERT INTO task_events (id, task_id, run_id, seq, kind, payload)
      SELECT ${claim.statusEventId}, c.id, ${claim.runId}, c.last_event_seq, 'STATUS',
        jsonb_build_object('from', 'QUEUED', 'to', 'RUNNING', 'reason', r.reason)
      FROM claimed c, status_reason r
    ), busy AS (
      UPDATE agents SET status = 'BUSY', last_event_seq = a.last_event_seq + 1, updated_at = now()
      FROM agent a, claimed c WHERE agents.id = ${claim.agentId}
      RETURNING agents.last_event_seq
    ), agent_event AS (
      INSERT INTO agent_events (id, agent_id, seq, from_status, to_status, reason)
      SELECT ${claim.agentEventId}, ${claim.agentId}, b.last_event_seq, 'IDLE', 'BUSY', 'running task ' || to_json(left(c.title, 80))::text
      FROM busy b, claimed c
    ), note AS (
      -- A retry says why the previous attempt ended, since the agent's resumed session has seen it.
      SELECT CASE WHEN c.attempts > 1
        THEN '(Attempt ' || c.attempts || ': the previous attempt was cut short'
             || coalesce(' (' || c.error_message || ')', '') || E'. Continue the task.)\n\n'
        ELSE '' END AS text
      FROM claimed c
    ), prompt AS (
      SELECT CASE WHEN c.in_workflow THEN NULL
        ELSE n.text || c.title || CASE WHEN c.description = '' THEN '' ELSE E'\n\n' || c.description END
      END AS text
      FROM claimed c, note n
    ), instruction AS (
      INSERT INTO agent_communications (id, session_id, from_agent_id, to_agent_id, task_id, message_type, content)
      SELECT ${claim.communicationId}, c.session_id, NULL, ${claim.agentId}, c.id, 'TASK_ASSIGNMENT', p.text
      FROM claimed c, prompt p WHERE p.text IS NOT NULL
    )
    SELECT c.*, c.last_event_seq AS status_seq, r.reason AS status_reason, run.started_at AS claimed_at,
      b.last_event_seq AS agent_seq, p.text AS prompt, n.text AS retry_note
    FROM claimed c, status_reason r, run, busy b, prompt p, note n`.execute(db);
  const row = rows[0] as (ClaimedRow & { inWorkflow?: unknown }) | undefined;
  if (!row) return undefined;
  delete row.inWorkflow;
  return row;
}
