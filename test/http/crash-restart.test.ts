/**
 * Jepsen-style crash check of the real server process: rounds of "submit tasks through the
 * GraphQL API, `kill -9` the server at a random moment, restart it on the same data, drain",
 * then the database is audited for lost tasks, duplicated (overlapping) runs and missing reasons.
 *
 * The kill moments come from a seeded PRNG; the seed is printed, and CRASH_RESTART_SEED=<n>
 * replays a run (CRASH_RESTART_ROUNDS=<n> changes the number of rounds).
 *
 * Server lives alternate AGENT_ISOLATION=auto (where the kernel allows it, the agents die with
 * the server) and none (the agents outlive the kill, and only the restarted server's sweep can
 * end them); CRASH_RESTART_ISOLATION=auto|none pins one.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';
import { readStartTime } from '../../server/supervisor/process-table.js';
import { mulberry32 } from '../support/seeded-random.js';
import { agentProcesses, killAgentProcesses, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createDurableTestDatabase, type TestDatabase } from '../support/test-database.js';

const SEED = process.env.CRASH_RESTART_SEED ? Number(process.env.CRASH_RESTART_SEED) : randomInt(2 ** 31);
const ROUNDS = Number(process.env.CRASH_RESTART_ROUNDS ?? 20);
const TASKS_PER_ROUND = 10;
const WORKERS = 3;
/** Each task is one fake-CLI turn that streams its answer over this many ms (interruptible). */
const TASK_MS = 100;
/** The kill lands uniformly in [0, KILL_WINDOW_MS) after a round starts: during submission, runs or idle. */
const KILL_WINDOW_MS = 1_000;
/** Up to this many ms between two submissions of a round. */
const SUBMIT_GAP_MS = 40;
/** Each task is interrupted at most once (by its round's kill); 10 is the most createTask accepts. */
const MAX_ATTEMPTS = 10;
const DRAIN_TIMEOUT_MS = 30_000;
const isolationOf = (life: number) => process.env.CRASH_RESTART_ISOLATION ?? (life % 2 === 1 ? 'auto' : 'none');

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

if (!Number.isSafeInteger(SEED)) throw new Error(`CRASH_RESTART_SEED must be an integer, got ${process.env.CRASH_RESTART_SEED}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Submitted {
  id: string;
  round: number;
  title: string;
}

const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on CreateTaskSuccess { task { id status } } ... on Error { code message } } }`;

describe.sequential('kill -9 at random moments, restart on the same data', () => {
  let scratch: string;
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  /** AGENT_RUN_TAG values of our agents (their raw ids). */
  const agentTags = new Set<string>();

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-crash-'));
    database = await createDurableTestDatabase();
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    // Safety net only (the test asserts there are none): processes our agents' server started.
    killAgentProcesses(agentTags);
    await database?.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  /** Life n of the server (1 = the first start; round r is killed in life r). */
  const start = (life: number) => startServerProcess({ scratch, database, environment: { AGENT_ISOLATION: isolationOf(life) } });

  it(`${ROUNDS} rounds of ${TASKS_PER_ROUND} tasks: nothing lost, nothing run twice at once, every failure explained`, { timeout: 300_000 }, async () => {
    const began = Date.now();
    const rng = mulberry32(SEED);
    console.log(`[crash-restart] seed ${SEED} (replay with CRASH_RESTART_SEED=${SEED}); ${ROUNDS} rounds; database ${database.url ? 'postgres' : 'pglite'}`);

    server = await start(1);
    const session = await server.gql(`mutation { createSession(input: { name: "crash-restart" }) { ... on CreateSessionSuccess { session { id } } } }`);
    const sessionId: string = session.createSession.session.id;
    for (let i = 1; i <= WORKERS; i++) {
      const created = await server.gql(
        `mutation($s: ID!, $n: String!) { createAgent(input: { sessionId: $s, name: $n, role: WORKER }) {
          __typename ... on CreateAgentSuccess { agent { id } } ... on Error { code message } } }`,
        { s: sessionId, n: `worker-${i}` },
      );
      expect(created.createAgent.__typename).toBe('CreateAgentSuccess');
      agentTags.add(Buffer.from(created.createAgent.agent.id, 'base64').toString().split(':')[1]!);
    }

    const acknowledged: Submitted[] = [];
    /** createTask calls cut off by a kill: the task may or may not exist (never retried). */
    const indeterminate: { round: number; title: string }[] = [];
    const terminal = new Map<string, string>();
    const survivorsOfKills: unknown[] = [];
    let outlivedKills = 0;

    const submit = async (target: ServerProcess, round: number, index: number): Promise<void> => {
      const title = `crash r${String(round).padStart(2, '0')} t${index} SLEEP ${TASK_MS}`;
      const data = await target.gql(CREATE_TASK, { input: { sessionId, title, maxAttempts: MAX_ATTEMPTS } });
      if (data.createTask.__typename !== 'CreateTaskSuccess') throw new Error(`createTask refused: ${JSON.stringify(data.createTask)}`);
      acknowledged.push({ id: data.createTask.task.id, round, title });
    };

    for (let round = 1; round <= ROUNDS; round++) {
      const roundStart = Date.now();
      const killAfterMs = Math.floor(rng() * KILL_WINDOW_MS);
      const gaps = Array.from({ length: TASKS_PER_ROUND }, () => Math.floor(rng() * SUBMIT_GAP_MS));
      const victim = server!;
      let killed = false;
      const kill = sleep(killAfterMs).then(() => {
        killed = true;
        victim.child.kill('SIGKILL');
      });

      let next = 0;
      let ackedBeforeKill = 0;
      while (next < TASKS_PER_ROUND && !killed) {
        const index = next++;
        try {
          await submit(victim, round, index);
          ackedBeforeKill += 1;
        } catch (error) {
          if (!killed) throw error;
          indeterminate.push({ round, title: `crash r${String(round).padStart(2, '0')} t${index} SLEEP ${TASK_MS}` });
          break;
        }
        await sleep(gaps[index]!);
      }
      await kill;
      const exit = await victim.child;
      expect(exit.signal, `seed ${SEED}, round ${round}: the server ended before the kill:\n${victim.output.slice(-20).join('\n')}`).toBe('SIGKILL');
      // What the killed life left running; the restart must end all of it before it listens.
      const leftBehind = agentProcesses(agentTags);
      outlivedKills += leftBehind.length;

      const restartAt = Date.now();
      server = await start(round + 1);
      const restartMs = Date.now() - restartAt;
      const survivors = leftBehind.filter((p) => readStartTime(p.pid) === p.startTime);
      if (survivors.length > 0) survivorsOfKills.push({ round, survivors });

      // The rest of the round's submissions go to the new life.
      const afterRestart = TASKS_PER_ROUND - next;
      while (next < TASKS_PER_ROUND) await submit(server, round, next++);

      const drainAt = Date.now();
      await drain(server, acknowledged, terminal, round);
      console.log(
        `[crash-restart] round ${round} (isolation ${isolationOf(round)}): kill at ${killAfterMs} ms, ${ackedBeforeKill} acked before it, ` +
          `${afterRestart} after restart, ${leftBehind.length} agent processes outlived the kill, restart ${restartMs} ms, ` +
          `drain ${Date.now() - drainAt} ms, round ${Date.now() - roundStart} ms`,
      );
    }

    // Tasks whose createTask was cut off may exist too: wait for the whole session to settle.
    await waitForSession(server!, sessionId);
    const stopped = await server!.stop('SIGTERM');
    expect(stopped.exitCode, server!.output.slice(-20).join('\n')).toBe(0);
    server = undefined;
    const leftovers = agentProcesses(agentTags);

    const audit = await auditDatabase(sessionId, acknowledged);
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    console.log(
      `[crash-restart] seed ${SEED}: ${ROUNDS} rounds in ${seconds} s on ${database.url ? 'postgres' : 'pglite'}; ` +
        `tasks ${audit.tasks} (acknowledged ${acknowledged.length}, cut off ${indeterminate.length}, ` +
        `statuses ${JSON.stringify(audit.statuses)}), runs ${audit.runs} (states ${JSON.stringify(audit.runStates)}), ` +
        `interrupted runs ${audit.interrupted} (server_restart ${audit.interruptedByRestart}); ` +
        `agent processes that outlived a kill ${outlivedKills} (all ended by the restart: ${survivorsOfKills.length === 0}); ` +
        `lost ${audit.lost.length}, duplicated ${audit.duplicated.length}, unexplained ${audit.unexplained.length}`,
    );
    const evidence = (what: unknown) => `seed ${SEED}: ${JSON.stringify(what, null, 2)}`;
    expect(audit.lost, evidence(audit.lost)).toEqual([]);
    expect(audit.duplicated, evidence(audit.duplicated)).toEqual([]);
    expect(audit.unexplained, evidence(audit.unexplained)).toEqual([]);
    expect(audit.attemptMismatch, evidence(audit.attemptMismatch)).toEqual([]);
    expect(survivorsOfKills, evidence(survivorsOfKills)).toEqual([]);
    expect(leftovers, evidence(leftovers)).toEqual([]);
    // The kills did land mid-run (otherwise the check above proved little).
    expect(audit.interruptedByRestart).toBeGreaterThan(0);
  });

  /** Waits until every task acknowledged so far is terminal, polling through the API. */
  async function drain(target: ServerProcess, acknowledged: Submitted[], terminal: Map<string, string>, round: number): Promise<void> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const open = acknowledged.filter((t) => !terminal.has(t.id));
      if (open.length === 0) return;
      const fields = open.map((t, i) => `t${i}: task(id: ${JSON.stringify(t.id)}) { __typename ... on Task { id status attempts error { type message } } }`);
      const data = await target.gql(`query { ${fields.join('\n')} }`);
      const stuck: unknown[] = [];
      open.forEach((t, i) => {
        const task = data[`t${i}`];
        if (task.__typename === 'Task' && TERMINAL.includes(task.status)) terminal.set(t.id, task.status);
        else stuck.push({ ...t, task });
      });
      if (stuck.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `seed ${SEED}, round ${round}: ${stuck.length} acknowledged task(s) not terminal after ${DRAIN_TIMEOUT_MS} ms: ` +
            `${JSON.stringify(stuck, null, 2)}\nserver output:\n${target.output.slice(-30).join('\n')}`,
        );
      }
      await sleep(100);
    }
  }

  /** Waits until no task of the session is PENDING, QUEUED or RUNNING. */
  async function waitForSession(target: ServerProcess, sessionId: string): Promise<void> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const data = await target.gql(
        `query($s: ID!) {
          pending: tasks(filter: { sessionId: $s, status: PENDING }, first: 100) { edges { node { id title status } } }
          queued: tasks(filter: { sessionId: $s, status: QUEUED }, first: 100) { edges { node { id title status } } }
          running: tasks(filter: { sessionId: $s, status: RUNNING }, first: 100) { edges { node { id title status } } }
        }`,
        { s: sessionId },
      );
      const open = [...data.pending.edges, ...data.queued.edges, ...data.running.edges].map((e: any) => e.node);
      if (open.length === 0) return;
      if (Date.now() > deadline) throw new Error(`seed ${SEED}: tasks not terminal at the end: ${JSON.stringify(open)}`);
      await sleep(100);
    }
  }

  /** Reads the stopped server's data with the project's own database layer. */
  async function auditDatabase(sessionId: string, acknowledged: Submitted[]) {
    const handle = await openDatabase({
      url: database.url,
      dataDir: database.dataDir,
      statementTimeoutMs: 30_000,
      logger: createLogger('silent'),
    });
    try {
      const { db } = handle;
      const rawSessionId = Buffer.from(sessionId, 'base64').toString().split(':')[1]!;
      const tasks = await db.selectFrom('tasks').selectAll().where('sessionId', '=', rawSessionId).execute();
      const runs = tasks.length === 0 ? [] : await db.selectFrom('runs').selectAll().where('taskId', 'in', tasks.map((t) => t.id)).orderBy('startedAt').orderBy('id').execute();
      const statusEvents = tasks.length === 0 ? [] : await db
        .selectFrom('taskEvents')
        .select(['taskId', 'seq', 'payload'])
        .where('taskId', 'in', tasks.map((t) => t.id))
        .where('kind', '=', 'STATUS')
        .execute();

      const rawId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1]!;
      const byId = new Map(tasks.map((t) => [t.id, t]));
      const runsOf = new Map<string, typeof runs>();
      for (const run of runs) runsOf.set(run.taskId, [...(runsOf.get(run.taskId) ?? []), run]);
      const describeTask = (t: (typeof tasks)[number]) => ({
        id: t.id,
        title: t.title,
        status: t.status,
        attempts: t.attempts,
        errorType: t.errorType,
        errorMessage: t.errorMessage,
        runs: (runsOf.get(t.id) ?? []).map((r) => ({
          id: r.id,
          attempt: r.attempt,
          state: r.state,
          agentId: r.agentId,
          nodeId: r.nodeId,
          startedAt: r.startedAt.toISOString(),
          finishedAt: r.finishedAt?.toISOString() ?? null,
          reason: r.reason,
        })),
      });

      // Lost: acknowledged but missing, or any task of the session not terminal.
      const lost: unknown[] = [];
      for (const submitted of acknowledged) {
        const task = byId.get(rawId(submitted.id));
        if (!task) lost.push({ missing: submitted });
      }
      for (const task of tasks) if (!TERMINAL.includes(task.status)) lost.push(describeTask(task));

      // Duplicated: runs of one task overlapping in time (an unfinished run overlaps everything
      // after it), more than one RUNNING or more than one SUCCEEDED run.
      const duplicated: unknown[] = [];
      for (const task of tasks) {
        const list = runsOf.get(task.id) ?? [];
        let overlap = false;
        for (let i = 1; i < list.length; i++) {
          const previous = list[i - 1]!;
          if (previous.finishedAt === null || previous.finishedAt.getTime() > list[i]!.startedAt.getTime()) overlap = true;
        }
        const running = list.filter((r) => r.state === 'RUNNING').length;
        const succeeded = list.filter((r) => r.state === 'SUCCEEDED').length;
        if (overlap || running > 1 || succeeded > 1) duplicated.push(describeTask(task));
      }

      // Unexplained: a FAILED/CANCELLED task without error_message, an ended-early run without a
      // reason, a status change without one.
      const unexplained: unknown[] = [];
      for (const task of tasks) {
        if ((task.status === 'FAILED' || task.status === 'CANCELLED') && !task.errorMessage?.trim()) unexplained.push({ task: describeTask(task) });
      }
      for (const run of runs) {
        if (['INTERRUPTED', 'FAILED', 'CANCELLED'].includes(run.state) && !run.reason?.trim()) {
          unexplained.push({ run: describeTask(byId.get(run.taskId)!) });
        }
      }
      for (const event of statusEvents) {
        const reason = (event.payload as { reason?: unknown }).reason;
        if (typeof reason !== 'string' || !reason.trim()) unexplained.push({ statusEvent: event });
      }

      // Each claim increments attempts and inserts a run in one transaction.
      const attemptMismatch = tasks
        .filter((t) => t.attempts !== (runsOf.get(t.id)?.length ?? 0))
        .map(describeTask);

      const count = <T extends string>(values: T[]) =>
        values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
      const interruptedRuns = runs.filter((r) => r.state === 'INTERRUPTED');
      return {
        tasks: tasks.length,
        runs: runs.length,
        statuses: count(tasks.map((t) => t.status)),
        runStates: count(runs.map((r) => r.state)),
        interrupted: interruptedRuns.length,
        interruptedByRestart: interruptedRuns.filter((r) => /server_restart/.test(r.reason ?? '')).length,
        lost,
        duplicated,
        unexplained,
        attemptMismatch,
      };
    } finally {
      await handle.close();
    }
  }
});
