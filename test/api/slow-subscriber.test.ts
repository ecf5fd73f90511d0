/**
 * Backpressure: a WebSocket client that stops reading while a task floods its transcript is cut
 * off (close code 4010, reason CONSUMER_TOO_SLOW) instead of growing the server's memory; another
 * subscriber keeps its stream; the slow one resumes from its last seq and ends with the
 * database's exact sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { TASK_EVENTS } from '../support/operations.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const CUT_OFF = `{ systemStatus { node { slowConnectionsCutOff } } }`;

describe('a subscriber that stops reading', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { SUBSCRIBER_STALL_MS: '2000', SUBSCRIBER_MAX_QUEUED_EVENTS: '1000' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is cut off with CONSUMER_TOO_SLOW, others keep their stream, and it resumes from its cursor without loss', { timeout: 120_000 }, async () => {
    const sessionId = await createSession(t, 'slow');
    // Waits for a manager, so both subscribers are attached before the flood starts.
    const task = await createTask(t, { sessionId, title: 'FLOOD 6000', requiredRole: 'MANAGER' });

    const slow = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const received: any[] = [];
    slow.on('message', (data) => received.push(JSON.parse(String(data))));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => slow.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await new Promise((resolve) => slow.once('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await waitFor(async () => (received.some((m) => m.type === 'connection_ack') ? true : undefined));
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: TASK_EVENTS, variables: { taskId: task.id, afterSeq: 0 } } }));
    await waitFor(async () => (received.some((m) => m.type === 'next') ? true : undefined));
    // Stop reading: what the server sends piles up in its socket.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();

    const healthy = collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: 0 });
    const rssBefore = process.memoryUsage().rss;
    await createAgent(t, sessionId, { name: 'flood-manager', role: 'MANAGER' });

    // The server cuts it off: reading again, it finds what was queued for it, then the close
    // frame with the reason.
    await waitFor(async () => ((await t.ok(CUT_OFF)).systemStatus.node.slowConnectionsCutOff === 1 ? true : undefined), 30_000);
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 4010, reason: expect.stringMatching(/^CONSUMER_TOO_SLOW: nothing could be sent for \d+ s; resume from your cursor$/) });

    expect((await waitForTaskEnd(t, task.id, 90_000)).status).toBe('SUCCEEDED');
    const stored = (await t.ok(`query($id: ID!) { task(id: $id) { ... on Task { lastEventSeq } } }`, { id: task.id })).task.lastEventSeq;
    const healthyEvents = (await healthy.done).map((v: any) => v.taskEvents.seq);
    expect(healthyEvents).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
    // Far less than the flood went into the server's memory for the stalled client.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);

    const seen = received.filter((m) => m.type === 'next' && m.payload.data).map((m) => m.payload.data.taskEvents.seq);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(stored);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));

    // It resumes from the last seq it saw and ends with exactly the stored sequence.
    const resumed = (await collect(t.wsClient(), TASK_EVENTS, { taskId: task.id, afterSeq: seen.at(-1) }).done).map((v: any) => v.taskEvents.seq);
    expect([...seen, ...resumed]).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
  });
});
