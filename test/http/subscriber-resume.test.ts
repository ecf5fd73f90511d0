/**
 * Reconnect without loss: a graphql-ws subscriber follows a long task with
 * `taskEvents(taskId, afterSeq)` while the server process is killed with SIGKILL twice and restarted
 * on the same data and the same port. The client reconnects on its own (graphql-ws retries) and
 * resumes from the last seq it saw: graphql-ws sends the same subscribe payload object again on each
 * new connection, stringified at send time, so keeping `payload.variables.afterSeq` at the last seq
 * received is the whole resume protocol. For a moment before each kill the client drops what arrives,
 * as if those events were lost in flight, so each resume must also replay events the killed life had
 * committed (not only what the restart wrote).
 *
 * Once the task has ended and the subscription has completed, what the client received (de-duplicated
 * by seq) must be exactly the task's stored transcript: same seqs, kinds and payloads, no gap, the
 * terminal status event last. The server promises no duplicate either, so duplicates fail the test too
 * (after the main comparison, and counted in the printed figures).
 *
 * PGlite in a folder by default; a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readStartTime } from '../../server/supervisor/process-table.js';
import { TASK_EVENTS } from '../support/operations.js';
import { agentProcesses, killAgentProcesses, restartServerProcessOn, type ServerProcess } from '../support/server-process.js';
import { createDurableTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The task streams this many assistant lines a second for this many seconds per attempt. */
const STREAM_RATE = 20;
const STREAM_SECONDS = 8;
const KILLS = 2;
/** Each attempt is cut by a restart at most once; two kills need 3 attempts, 5 leave room. */
const MAX_ATTEMPTS = 5;
/** A life is killed once the client has received this many events through it (plus 0..19, random). */
const EVENTS_BEFORE_KILL = 30;
/** How long the server stays down after a kill, before the restart begins (start-up adds to it). */
const DOWN_MS = 1_500;
/** Client side: wait between connection attempts, and how many attempts in a row it makes. */
const RETRY_WAIT_MS = 300;
const RETRY_ATTEMPTS = 200;
const COMPLETE_TIMEOUT_MS = 30_000;
/**
 * For this long before each kill, and until it has reconnected, the client drops what arrives, as if
 * those events were lost in flight with the connection: the resumed subscription must replay them
 * from the database (afterSeq stays at the last event the client kept).
 */
const DROP_BEFORE_KILL_MS = 300;

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Received {
  seq: number;
  kind: string;
  payload: unknown;
  /** 1 = the first connection, n = after n - 1 reconnects. */
  connection: number;
}

describe.sequential('a taskEvents subscriber across two kill -9 restarts', () => {
  let scratch: string;
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  let client: Client | undefined;
  /** AGENT_RUN_TAG values of our agents (their raw ids). */
  const agentTags = new Set<string>();

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-resume-'));
    database = await createDurableTestDatabase();
  });

  afterAll(async () => {
    await client?.dispose();
    await server?.stop('SIGKILL');
    // Safety net only (the test asserts there are none).
    killAgentProcesses(agentTags);
    await database?.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  const start = (port: number, name: string) => restartServerProcessOn(port, { scratch, database, name });


  it(`the client resumes from its last seq after each of ${KILLS} kills: no gap, no duplicate, the terminal event last`, { timeout: 120_000 }, async () => {
    const began = Date.now();
    const databaseKind = database.url ? 'postgres' : 'pglite';

    server = await start(0, 'life 1');
    const port = Number(new URL(server.url).port);
    const wsUrl = server.url.replace(/^http:/, 'ws:');

    const session = await server.gql(`mutation { createSession(input: { name: "subscriber-resume" }) { ... on CreateSessionSuccess { session { id } } } }`);
    const sessionId: string = session.createSession.session.id;
    const createdAgent = await server.gql(
      `mutation($s: ID!) { createAgent(input: { sessionId: $s, name: "streamer", role: WORKER }) {
        __typename ... on CreateAgentSuccess { agent { id } } ... on Error { code message } } }`,
      { s: sessionId },
    );
    expect(createdAgent.createAgent.__typename).toBe('CreateAgentSuccess');
    const agentId: string = createdAgent.createAgent.agent.id;
    agentTags.add(Buffer.from(agentId, 'base64').toString().split(':')[1]!);
    const createdTask = await server.gql(
      `mutation($s: ID!, $a: ID!, $t: String!, $m: Int) { createTask(input: { sessionId: $s, agentId: $a, title: $t, maxAttempts: $m }) {
        __typename ... on CreateTaskSuccess { task { id status } } ... on Error { code message } } }`,
      { s: sessionId, a: agentId, t: `resume check STREAM ${STREAM_RATE} ${STREAM_SECONDS}`, m: MAX_ATTEMPTS },
    );
    expect(createdTask.createTask.__typename).toBe('CreateTaskSuccess');
    const taskId: string = createdTask.createTask.task.id;

    // The subscriber. The payload object is the one graphql-ws sends again on every reconnect.
    const payload = { query: TASK_EVENTS, variables: { taskId, afterSeq: 0 } };
    const received: Received[] = [];
    const subscribedWith: number[] = [];
    const errors: unknown[] = [];
    let connections = 0;
    let connectionAttempts = 0;
    const reconnectedAt: number[] = [];
    /** While set, arriving events count as lost in flight. */
    let dropping = false;
    const droppedInFlight: Received[] = [];
    client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: RETRY_ATTEMPTS,
      retryWait: async () => {
        await sleep(RETRY_WAIT_MS);
      },
      shouldRetry: () => true,
      on: {
        connecting: () => {
          connectionAttempts += 1;
        },
        connected: () => {
          connections += 1;
          dropping = false;
          reconnectedAt.push(Date.now());
          // What this connection's subscribe message carries (it is sent right after this).
          subscribedWith.push(payload.variables.afterSeq);
        },
      },
    });
    let completed = false;
    const done = new Promise<void>((resolve, reject) => {
      client!.subscribe<{ taskEvents: { seq: number; kind: string; payload: unknown } }>(payload, {
        next: (value) => {
          if (value.errors) {
            errors.push(value.errors);
            return;
          }
          const event = value.data!.taskEvents;
          if (dropping) {
            droppedInFlight.push({ ...event, connection: connections });
            return;
          }
          received.push({ ...event, connection: connections });
          if (event.seq > payload.variables.afterSeq) payload.variables.afterSeq = event.seq;
        },
        error: (error) => {
          errors.push(error instanceof Error ? error.message : error);
          reject(new Error(`the subscription failed: ${JSON.stringify(errors)}`));
        },
        complete: () => {
          completed = true;
          resolve();
        },
      });
    });
    done.catch(() => {});

    const receivedThrough = (connection: number) => received.filter((e) => e.connection === connection).length;
    const lives: { life: number; killedAt: number; killAfterEvents: number; downMs?: number; restartMs?: number; outlived: number }[] = [];

    for (let life = 1; life <= KILLS; life++) {
      const killAfterEvents = EVENTS_BEFORE_KILL + randomInt(20);
      const deadline = Date.now() + 20_000;
      while (!(connections === life && receivedThrough(life) >= killAfterEvents)) {
        if (completed || errors.length > 0 || Date.now() > deadline) {
          throw new Error(
            `life ${life}: the client did not receive ${killAfterEvents} events through connection ${life} ` +
              `(connections ${connections}, received ${received.length}, completed ${completed}, errors ${JSON.stringify(errors)})\n` +
              server!.output.slice(-20).join('\n'),
          );
        }
        await sleep(20);
      }
      const victim = server!;
      dropping = true;
      await sleep(DROP_BEFORE_KILL_MS);
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      const exit = await victim.child;
      expect(exit.signal, `life ${life} ended before the kill:\n${victim.output.slice(-20).join('\n')}`).toBe('SIGKILL');
      server = undefined;
      // What the killed life left running; the restart must end it before it listens.
      const leftBehind = agentProcesses(agentTags);
      await sleep(DOWN_MS);
      const restartAt = Date.now();
      server = await start(port, `life ${life + 1}`);
      const restartMs = Date.now() - restartAt;
      expect(Number(new URL(server.url).port)).toBe(port);
      const survivors = leftBehind.filter((p) => readStartTime(p.pid) === p.startTime);
      expect(survivors, `life ${life}: agent processes of the killed server outlived the restart`).toEqual([]);
      lives.push({ life, killedAt, killAfterEvents, restartMs, outlived: leftBehind.length });
      // Downtime as the client saw it: from the kill to its next connection.
      const reconnectDeadline = Date.now() + 10_000;
      while (connections < life + 1) {
        if (Date.now() > reconnectDeadline) throw new Error(`the client did not reconnect after restart ${life} (errors ${JSON.stringify(errors)})`);
        await sleep(20);
      }
      lives[lives.length - 1]!.downMs = reconnectedAt[life]! - killedAt;
    }

    // The last life runs the task to its end; the subscription completes after the terminal event.
    let completionTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        completionTimer = setTimeout(
          () =>
            reject(
              new Error(
                `the subscription did not complete within ${COMPLETE_TIMEOUT_MS} ms of the last restart ` +
                  `(received ${received.length}, last seq ${payload.variables.afterSeq}, connections ${connections})\n` +
                  server!.output.slice(-20).join('\n'),
              ),
            ),
          COMPLETE_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(completionTimer));
    await client.dispose();
    client = undefined;

    // The stored transcript, through the API of the last life.
    const task = await server!.gql(`query($t: ID!) { task(id: $t) { ... on Task { status attempts } } }`, { t: taskId });
    const storedWithTimes: { seq: number; kind: string; payload: unknown; createdAt: string }[] = [];
    for (;;) {
      const page = await server!.gql(
        `query($t: ID!, $after: Int!) { task(id: $t) { ... on Task { events(afterSeq: $after, first: 1000) { seq kind payload createdAt } } } }`,
        { t: taskId, after: storedWithTimes.at(-1)?.seq ?? 0 },
      );
      storedWithTimes.push(...page.task.events);
      if (page.task.events.length < 1000) break;
    }
    const stored = storedWithTimes.map(({ seq, kind, payload }) => ({ seq, kind, payload }));

    const stopped = await server!.stop('SIGTERM');
    expect(stopped.exitCode, server!.output.slice(-20).join('\n')).toBe(0);
    server = undefined;
    const leftovers = agentProcesses(agentTags);

    // Client side: de-duplicate by seq (first arrival wins), and note every gap as it arrived.
    const seen = new Set<number>();
    const deduplicated: { seq: number; kind: string; payload: unknown }[] = [];
    const duplicates: Received[] = [];
    const gaps: { after: number; got: number; connection: number }[] = [];
    let last = 0;
    for (const event of received) {
      if (seen.has(event.seq)) {
        duplicates.push(event);
        continue;
      }
      seen.add(event.seq);
      if (event.seq !== last + 1) gaps.push({ after: last, got: event.seq, connection: event.connection });
      last = Math.max(last, event.seq);
      deduplicated.push({ seq: event.seq, kind: event.kind, payload: event.payload });
    }
    const restartRequeues = stored.filter(
      (e) => e.kind === 'STATUS' && (e.payload as any).from === 'RUNNING' && /server_restart/.test(String((e.payload as any).reason ?? '')),
    ).length;
    const lastStored = stored.at(-1);
    const perConnection = Array.from({ length: connections }, (_, i) => receivedThrough(i + 1));
    // Per kill: the last seq the old connection delivered, the last one committed before the kill
    // (by createdAt), and so how many the resumed subscription had to replay from the database.
    const recovery = lives.map(({ life, killedAt }) => {
      const delivered = subscribedWith[life] ?? 0;
      const committed = Math.max(0, ...storedWithTimes.filter((e) => Date.parse(e.createdAt) < killedAt).map((e) => e.seq));
      const dropped = droppedInFlight.filter((e) => e.connection === life).length;
      return { life, kept: delivered, droppedInFlight: dropped, committedBeforeKill: committed, replayed: Math.max(0, committed - delivered) };
    });

    console.log(
      `[subscriber-resume] ${databaseKind}, port ${port}: task ${task.task.status} after ${task.task.attempts} attempts; ` +
        `stored events ${stored.length} (last seq ${lastStored?.seq}, ${lastStored?.kind} ${JSON.stringify((lastStored?.payload as any)?.to ?? null)}); ` +
        `received ${received.length} (+ ${droppedInFlight.length} dropped as lost in flight), duplicates dropped ${duplicates.length}, after de-duplication ${deduplicated.length}, gaps ${gaps.length}; ` +
        `reconnects ${connections - 1} (connection attempts ${connectionAttempts}), events per connection ${JSON.stringify(perConnection)}, ` +
        `resubscribed with afterSeq ${JSON.stringify(subscribedWith)}; ` +
        `kills ${JSON.stringify(lives.map(({ killedAt, ...rest }) => rest))}; recovery ${JSON.stringify(recovery)}; restart requeues ${restartRequeues}; ` +
        `agent processes left ${leftovers.length}; ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );

    expect(errors).toEqual([]);
    expect(completed).toBe(true);
    // The point of the test: exactly the stored transcript, in order.
    expect(deduplicated).toEqual(stored);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(gaps, JSON.stringify(gaps)).toEqual([]);
    expect(lastStored?.kind).toBe('STATUS');
    expect(TERMINAL).toContain((lastStored?.payload as any)?.to);
    // The server promises no duplicate to a client that resumes from its last seq.
    expect(duplicates.map(({ seq, kind, connection }) => ({ seq, kind, connection }))).toEqual([]);
    // Each resubscription carried the last seq the client had seen.
    const lastSeqBefore = (connection: number) => Math.max(0, ...received.filter((e) => e.connection < connection).map((e) => e.seq));
    expect(subscribedWith).toEqual(subscribedWith.map((_, i) => lastSeqBefore(i + 1)));
    expect(connections).toBe(KILLS + 1);
    // Each resume had events of the killed life to replay (dropped by the client as lost in flight).
    expect(recovery.map((r) => r.droppedInFlight > 0)).toEqual(lives.map(() => true));
    // The kills did cut running attempts (otherwise the check proved little), and the task then ended well.
    expect(restartRequeues).toBe(KILLS);
    expect(task.task).toEqual({ status: 'SUCCEEDED', attempts: KILLS + 1 });
    expect(leftovers).toEqual([]);
  });
});
