/**
 * The SDK's streams against a scripted graphql-ws server that misbehaves on purpose: it closes the
 * socket with 4010 CONSUMER_TOO_SLOW, 1001 and 1006, ends a subscription with a CONSUMER_TOO_SLOW
 * error result, and replays events the client already has. Each resubscription must carry the last
 * position seen and the reader must get every event exactly once, in order. Also: a reader that
 * falls behind the buffer bound loses nothing, and a stream that fails at subscribe does not take
 * the socket from the other streams.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client, type ClientOptions } from '../../client/sdk/src/index.js';
import { consumerTooSlow, startScriptedServer, type Script, type ScriptedServer } from './scripted-server.js';

const TASK_ID = Buffer.from('Task:0193a6f0-0000-7000-8000-000000000001').toString('base64');

function taskEvent(seq: number, kind = 'MESSAGE') {
  return { id: `event-${seq}`, seq, kind, payload: { seq }, runId: null, createdAt: new Date(0).toISOString() };
}

function communication(id: string) {
  return {
    id,
    messageType: 'MESSAGE',
    content: `message ${id}`,
    session: { id: 'session' },
    task: null,
    fromAgent: null,
    toAgent: null,
    createdAt: new Date(0).toISOString(),
  };
}

/** Events from..to of a task, as the real server replays them. */
async function* seqs(from: number, to: number, kind = 'MESSAGE') {
  for (let seq = from; seq <= to; seq++) yield taskEvent(seq, kind);
}

/** Waits until the client has read what was sent, so that a close does not overtake it. */
const settle = () => sleep(100);

describe('SDK streams against a scripted server', () => {
  let server: ScriptedServer | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    await client?.dispose();
    await server?.close();
    client = server = undefined;
  });

  async function start(scripts: Record<string, Script>, options: Partial<ClientOptions> = {}) {
    server = await startScriptedServer(scripts);
    client = createClient({ url: server.url, webSocketImpl: WebSocket, reconnect: { maxDelayMs: 100 }, ...options });
    return client;
  }

  it('taskEvents resumes after each close code and error end from the last seq, dropping replayed events', async () => {
    const sdk = await start({
      taskEvents: async function* ({ index, socket }) {
        switch (index) {
          case 1:
            yield* seqs(1, 3);
            await settle();
            socket.close(4010, 'CONSUMER_TOO_SLOW: resume from your cursor');
            return;
          case 2:
            // A replay that starts too early: 2 and 3 are repeats.
            yield* seqs(2, 5);
            yield consumerTooSlow();
            return;
          case 3:
            yield* seqs(5, 6);
            await settle();
            socket.close(1001, 'going away');
            return;
          case 4:
            yield* seqs(7, 7);
            await settle();
            socket.terminate();
            return;
          default:
            yield taskEvent(8, 'GAP');
            yield taskEvent(9, 'STATUS');
        }
      },
    });

    const received = [];
    for await (const event of sdk.taskEvents({ taskId: TASK_ID })) received.push(event);

    expect(received.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(received.at(-2)).toEqual(taskEvent(8, 'GAP'));
    expect(server!.subscribed.taskEvents!.map((args) => args.afterSeq)).toEqual([0, 3, 5, 6, 7]);
  });

  it('agentCommunication resumes after the last message id and drops repeats', async () => {
    const sdk = await start({
      agentCommunication: async function* ({ index, socket }) {
        if (index === 1) {
          yield communication('a');
          yield communication('b');
          await settle();
          socket.terminate();
          return;
        }
        yield communication('b');
        yield communication('c');
      },
    });

    const received = [];
    for await (const message of sdk.agentCommunication({ sessionId: 'session' })) received.push(message.id);

    expect(received).toEqual(['a', 'b', 'c']);
    expect(server!.subscribed.agentCommunication!.map((args) => args.after ?? null)).toEqual([null, 'b']);
  });

  it('a reader behind the buffer bound loses nothing: the stream stops receiving, then resumes from its position', async () => {
    const sdk = await start(
      { taskEvents: ({ args }) => seqs(Number(args.afterSeq) + 1, 40) },
      { maxBufferedEvents: 8 },
    );

    const received = [];
    for await (const event of sdk.taskEvents({ taskId: TASK_ID })) {
      received.push(event.seq);
      await sleep(5);
    }

    expect(received).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(server!.subscribed.taskEvents!.length).toBeGreaterThan(1);
  });

  it('a stream that fails at subscribe throws its GraphQL error, and the other streams keep the socket', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const sdk = await start({
      incidentReported: async function* () {
        await released;
        yield { id: 'incident', type: 'UNKNOWN', severity: 'LOW', message: 'late', recoveryAction: null, recoveryResult: null, agent: null, task: null, createdAt: new Date(0).toISOString() };
      },
      taskEvents: () => new GraphQLError('Task was not found', { extensions: { code: 'NOT_FOUND' } }),
    });

    const incidents = sdk.incidentReported();
    const pending = incidents.next();
    await expect(sdk.taskEvents({ taskId: TASK_ID }).next()).rejects.toMatchObject({ kind: 'GRAPHQL', code: 'NOT_FOUND' });
    await sleep(100);
    release();
    expect((await pending).value).toMatchObject({ id: 'incident', message: 'late' });
  });
});
