/**
 * The SDK's resumable streams across two kill -9 restarts of a real server process (same data,
 * same port): `taskEvents` of a long streaming task, and `agentCommunication` of that task from a
 * cursor. The SDK reconnects by itself and resumes each stream from the last seq (or message id)
 * it delivered, so what the reader got, with no de-duplication on this side, must be exactly what
 * the server stored: no event lost, none repeated, the terminal status last, and the stream ended
 * by itself. The kills cut running attempts of the task (each restart requeues it), so the resumed
 * streams had events to replay that the killed life had committed.
 *
 * PGlite in a folder by default; a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Client, type Communication, type TaskEvent } from '../../client/sdk/src/index.js';
import { agentProcesses, killAgentProcesses, restartServerProcessOn, type ServerProcess } from '../support/server-process.js';
import { createDurableTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/test-app.js';
import { TrackedWebSocket } from './tracked-web-socket.js';

const KILLS = 2;
/** The task streams this many lines a second for this many seconds per attempt. */
const STREAM = 'STREAM 20 6';
/** A life is killed once the reader has this many more events (plus 0..9, random). */
const EVENTS_PER_LIFE = 25;
const DOWN_MS = 1_000;

/** The database id inside a global (Relay) id: agents' processes are tagged with it. */
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

describe.sequential('SDK streams across kill -9 restarts of the server', () => {
  let scratch: string;
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  let client: Client | undefined;
  const agentTags = new Set<string>();

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-sdk-resume-'));
    database = await createDurableTestDatabase();
  });

  afterAll(async () => {
    await client?.dispose();
    await server?.stop('SIGKILL');
    killAgentProcesses(agentTags);
    await database?.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  const start = (port: number, name: string) => restartServerProcessOn(port, { scratch, database, name });


  async function storedTranscript(sdk: Client, taskId: string): Promise<TaskEvent[]> {
    const events: TaskEvent[] = [];
    for (;;) {
      const page = unwrap(await sdk.taskTranscript(taskId, { afterSeq: events.at(-1)?.seq ?? 0, first: 1000 }));
      events.push(...page);
      if (page.length < 1000) return events;
    }
  }

  it(`taskEvents and agentCommunication resume after each of ${KILLS} kills with nothing lost or repeated`, { timeout: 150_000 }, async () => {
    server = await start(0, 'life 1');
    const port = Number(new URL(server.url).port);
    const sdk = createClient({ url: server.url, webSocketImpl: TrackedWebSocket, reconnect: { maxDelayMs: 500 } });
    client = sdk;

    const session = unwrap(await sdk.createSession({ name: 'sdk-resume' }));
    const agent = unwrap(await sdk.createAgent({ sessionId: session.id, name: 'streamer', role: 'WORKER' }));
    agentTags.add(rawId(agent.id));
    const task = unwrap(await sdk.createTask({ sessionId: session.id, agentId: agent.id, title: `resume ${STREAM}`, maxAttempts: KILLS + 3 }));

    const events: TaskEvent[] = [];
    const following = (async () => {
      for await (const event of sdk.taskEvents({ taskId: task.id })) events.push(event);
    })();
    following.catch(() => {});

    // Messages about the task after its first one (the instruction): each restart adds another.
    const firstMessage = await waitFor(async () => (await sdk.communications({ filter: { taskId: task.id }, first: 1 })).nodes[0]);
    const messages: Communication[] = [];
    const messageStream = sdk.agentCommunication({ taskId: task.id, after: firstMessage.id });
    const listening = (async () => {
      for await (const message of messageStream) messages.push(message);
    })();
    listening.catch(() => {});

    for (let life = 1; life <= KILLS; life++) {
      const target = events.length + EVENTS_PER_LIFE + randomInt(10);
      await waitFor(async () => (events.length >= target ? true : undefined), 30_000, `${target} events in life ${life}`);
      const victim = server!;
      victim.child.kill('SIGKILL');
      expect((await victim.child).signal).toBe('SIGKILL');
      server = undefined;
      await sleep(DOWN_MS);
      server = await start(port, `life ${life + 1}`);
    }

    // The last life runs the task to its end; the stream ends by itself after the terminal event.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      following,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`taskEvents did not end (received ${events.length})`)), 40_000);
      }),
    ]).finally(() => clearTimeout(timer));

    const stored = await storedTranscript(sdk, task.id);
    expect(events).toEqual(stored);
    expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => index + 1));
    expect(stored.at(-1)).toMatchObject({ kind: 'STATUS', payload: { to: 'SUCCEEDED' } });
    const done = unwrap(await sdk.task(task.id));
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: KILLS + 1 });

    // Every resubscription (after the first subscribe) carried the seq of an event already delivered.
    const resumedFrom = TrackedWebSocket.subscribeMessages('TaskEvents').map((payload) => payload.variables.afterSeq);
    console.log(
      `[sdk-resume] ${database.url ? 'postgres' : 'pglite'}: ${events.length} events (${TrackedWebSocket.sockets.length} connection attempts), ` +
        `taskEvents subscribed with afterSeq ${JSON.stringify(resumedFrom)}, ` +
        `agentCommunication with after ${JSON.stringify(TrackedWebSocket.subscribeMessages('AgentCommunication').map((payload) => payload.variables.after === firstMessage.id ? 'first' : payload.variables.after))}`,
    );
    expect(resumedFrom[0]).toBe(0);
    expect(resumedFrom.length).toBeGreaterThanOrEqual(KILLS + 1);
    for (const seq of resumedFrom.slice(1)) expect(stored.map((event) => event.seq)).toContain(seq);

    const storedMessages = (await sdk.communications({ filter: { taskId: task.id }, first: 100 })).nodes.slice(1);
    expect(storedMessages.filter((message) => message.messageType === 'TASK_ASSIGNMENT')).toHaveLength(KILLS);
    await waitFor(async () => (messages.length >= storedMessages.length ? true : undefined), 10_000, 'every message');
    await messageStream.return();
    await listening;
    expect(messages.map((message) => message.id)).toEqual(storedMessages.map((message) => message.id));

    await sdk.dispose();
    client = undefined;
    const stopped = await server!.stop('SIGTERM');
    expect(stopped.exitCode, server!.output.slice(-20).join('\n')).toBe(0);
    server = undefined;
    expect(agentProcesses(agentTags)).toEqual([]);
  });
});
