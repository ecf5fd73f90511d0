/**
 * The soak's "nothing lost" audit, read from the database of a stopped server with the product's
 * own database layer: every acknowledged task ended, every task's transcript is numbered 1..N
 * with no gap, no task is RUNNING without a running run, no two runs of a task overlap, and every
 * run that ended early (an agent killed, the server stopped) has a reason and was either retried
 * or ended its task as FAILED with a reason.
 */
import { sql } from 'kysely';
import type { Database } from '../server/db/database.js';
import type { RunRow, TaskRow } from '../server/db/types.js';

/** Ids per IN list. */
const CHUNK = 500;
const ENDED_EARLY = new Set(['INTERRUPTED', 'FAILED', 'CANCELLED']);
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** How the supervisor words a crash (AgentManager.crashed): the soak's kill -9 of an agent. */
const KILLED_REASON = /killed by SIGKILL/;

type AuditTask = Pick<TaskRow, 'id' | 'title' | 'status' | 'attempts' | 'lastEventSeq' | 'errorMessage'>;
type AuditRun = Pick<RunRow, 'id' | 'taskId' | 'agentId' | 'attempt' | 'state' | 'reason' | 'signal' | 'startedAt' | 'finishedAt'>;

export interface AtRest {
  tasksRunning: number;
  runsRunning: number;
  /** Tasks RUNNING with no RUNNING run: the state "nothing lost" forbids. */
  runningWithoutRun: number;
}

export interface Audit {
  tasks: number;
  statuses: Record<string, number>;
  runs: number;
  runStates: Record<string, number>;
  /** Acknowledged but missing, or not in a terminal status. */
  lost: string[];
  events: number;
  /** Tasks whose seqs are not exactly 1..lastEventSeq. */
  gapped: string[];
  atRest: AtRest;
  /** Runs of one task overlapping in time, or more than one SUCCEEDED. */
  duplicated: string[];
  /** attempts differs from the number of runs. */
  attemptMismatch: string[];
  /** Runs that ended early, by cause. */
  endedEarly: { killed: number; serverStopped: number; other: number };
  /** Killed runs: retried (a later attempt exists) or their task FAILED with a reason. */
  killedRuns: { total: number; retried: number; failedWithReason: number };
  /** Runs that ended early without a reason, or neither retried nor ended their task with one; FAILED tasks without a reason. */
  unexplained: string[];
}

async function inChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) rows.push(...(await read(ids.slice(start, start + CHUNK))));
  return rows;
}

const count = (values: string[]): Record<string, number> => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

/** RUNNING tasks and runs of the session while no server runs (after a stop, or at the end). */
export async function atRest(db: Database, sessionId: string): Promise<AtRest> {
  const running = await db.selectFrom('tasks').select('id').where('sessionId', '=', sessionId).where('status', '=', 'RUNNING').execute();
  const runs = await db
    .selectFrom('runs')
    .innerJoin('tasks', 'tasks.id', 'runs.taskId')
    .select('runs.taskId')
    .where('tasks.sessionId', '=', sessionId)
    .where('runs.state', '=', 'RUNNING')
    .execute();
  const withRun = new Set(runs.map((r) => r.taskId));
  return { tasksRunning: running.length, runsRunning: runs.length, runningWithoutRun: running.filter((t) => !withRun.has(t.id)).length };
}

export async function auditSoak(db: Database, sessionId: string, acknowledged: readonly string[]): Promise<Audit> {
  const tasks: AuditTask[] = await db
    .selectFrom('tasks')
    .select(['id', 'title', 'status', 'attempts', 'lastEventSeq', 'errorMessage'])
    .where('sessionId', '=', sessionId)
    .execute();
  const ids = tasks.map((t) => t.id);
  const runs: AuditRun[] = await inChunks(ids, (chunk) =>
    db
      .selectFrom('runs')
      .select(['id', 'taskId', 'agentId', 'attempt', 'state', 'reason', 'signal', 'startedAt', 'finishedAt'])
      .where('taskId', 'in', chunk)
      .orderBy('startedAt')
      .orderBy('attempt')
      .execute(),
  );
  const seqs = await inChunks(ids, (chunk) =>
    db
      .selectFrom('taskEvents')
      .select([
        'taskId',
        sql<string>`count(*)`.as('n'),
        sql<string>`count(distinct seq)`.as('distinct'),
        sql<number>`min(seq)`.as('min'),
        sql<number>`max(seq)`.as('max'),
      ])
      .where('taskId', 'in', chunk)
      .groupBy('taskId')
      .execute(),
  );

  const byId = new Map(tasks.map((t) => [t.id, t]));
  const runsOf = new Map<string, AuditRun[]>();
  for (const run of runs) runsOf.set(run.taskId, [...(runsOf.get(run.taskId) ?? []), run]);
  const describe = (t: AuditTask) => `${t.title} (${t.id}): ${t.status}, attempts ${t.attempts}`;

  const lost: string[] = [];
  for (const id of acknowledged) if (!byId.has(id)) lost.push(`acknowledged task ${id} missing`);
  for (const task of tasks) if (!TERMINAL.has(task.status)) lost.push(describe(task));

  const gapped: string[] = [];
  const seqsOf = new Map(seqs.map((s) => [s.taskId, s]));
  let events = 0;
  for (const task of tasks) {
    const s = seqsOf.get(task.id);
    const n = Number(s?.n ?? 0);
    events += n;
    const gapFree = s ? Number(s.min) === 1 && Number(s.max) === n && Number(s.distinct) === n && n === task.lastEventSeq : task.lastEventSeq === 0;
    if (!gapFree) gapped.push(`${describe(task)}: ${n} events, seq ${s?.min ?? '-'}..${s?.max ?? '-'} (${s?.distinct ?? 0} distinct), lastEventSeq ${task.lastEventSeq}`);
  }

  const duplicated: string[] = [];
  const attemptMismatch: string[] = [];
  const unexplained: string[] = [];
  const endedEarly = { killed: 0, serverStopped: 0, other: 0 };
  const killedRuns = { total: 0, retried: 0, failedWithReason: 0 };
  for (const task of tasks) {
    const list = runsOf.get(task.id) ?? [];
    if (task.attempts !== list.length) attemptMismatch.push(`${describe(task)}: ${list.length} runs`);
    const overlap = list.some((run, i) => i > 0 && (list[i - 1]!.finishedAt === null || list[i - 1]!.finishedAt!.getTime() > run.startedAt.getTime()));
    if (overlap || list.filter((r) => r.state === 'SUCCEEDED').length > 1) duplicated.push(describe(task));
    if (task.status === 'FAILED' && !task.errorMessage?.trim()) unexplained.push(`${describe(task)}: FAILED without a reason`);
    for (const run of list) {
      if (!ENDED_EARLY.has(run.state)) continue;
      const reason = run.reason?.trim() ?? '';
      const killed = KILLED_REASON.test(reason);
      if (killed) endedEarly.killed++;
      else if (/server_(shutdown|restart)/.test(reason)) endedEarly.serverStopped++;
      else endedEarly.other++;
      const retried = list.some((later) => later.attempt > run.attempt);
      const failedWithReason = !retried && task.status !== 'SUCCEEDED' && TERMINAL.has(task.status) && Boolean(task.errorMessage?.trim());
      if (killed) {
        killedRuns.total++;
        if (retried) killedRuns.retried++;
        else if (failedWithReason) killedRuns.failedWithReason++;
      }
      if (!reason) unexplained.push(`${describe(task)}: run ${run.attempt} ${run.state} without a reason`);
      else if (!retried && !failedWithReason) unexplained.push(`${describe(task)}: run ${run.attempt} ${run.state} (${reason.slice(0, 120)}) neither retried nor its task failed with a reason`);
    }
  }

  return {
    tasks: tasks.length,
    statuses: count(tasks.map((t) => t.status)),
    runs: runs.length,
    runStates: count(runs.map((r) => r.state)),
    lost,
    events,
    gapped,
    atRest: await atRest(db, sessionId),
    duplicated,
    attemptMismatch,
    endedEarly,
    killedRuns,
    unexplained,
  };
}
