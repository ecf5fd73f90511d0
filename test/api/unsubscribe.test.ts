/**
 * A client that ends a subscription frees it at once, even when nothing it would receive ever
 * comes: a live stream awaiting its next event must not hold its bus subscription (and its
 * buffer) until an event that may never arrive.
 */
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask } from '../support/fixtures.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

describe('ending a subscription', () => {
  let t: TestApp;
  let quietTask: string;

  beforeAll(async () => {
    // A long status interval: the systemStatus stream has nothing to send while the test runs.
    t = await startTestApp({ environment: { SYSTEM_STATUS_INTERVAL_MS: '3600000' }, agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' } });
    const sessionId = await createSession(t, 'quiet');
    const agent = await createAgent(t, sessionId);
    // A running task that says nothing more: its transcript stream waits.
    quietTask = (await createTask(t, { sessionId, agentId: agent.id, title: 'HANG' })).id;
    await waitFor(async () => ((await t.ok(`{ node(id: "${quietTask}") { ... on Task { status } } }`)).node.status === 'RUNNING' ? true : undefined));
  });
  afterAll(async () => {
    await t?.stop();
  });

  const nobody = (type: string) => encodeGlobalID(type, randomUUID());
  const quiet = () => ({
    taskUpdated: `subscription { taskUpdated(taskId: "${nobody('Task')}") { id } }`,
    agentStatusUpdated: `subscription { agentStatusUpdated(agentId: "${nobody('Agent')}") { seq } }`,
    agentCommunication: `subscription { agentCommunication(taskId: "${nobody('Task')}") { id } }`,
    taskEvents: `subscription { taskEvents(taskId: "${quietTask}", afterSeq: 1000000) { seq } }`,
    systemStatus: 'subscription { systemStatus { activeAgents } }',
    incidentReported: 'subscription { incidentReported { id } }',
  });

  it.each(Object.keys(quiet()))('%s: its bus subscription is released within a second of the client ending it', async (field) => {
    const bus = t.app.services.bus;
    const before = bus.subscriberCount();
    const client = t.wsClient();
    const received: unknown[] = [];
    const stop = client.subscribe({ query: quiet()[field as keyof ReturnType<typeof quiet>] }, { next: (value) => received.push(value), error: (error) => received.push(error), complete: () => {} });
    await waitFor(async () => (bus.subscriberCount() > before ? true : undefined), 5_000, 'the subscription to start');
    stop();
    const released = Date.now();
    await waitFor(async () => (bus.subscriberCount() === before ? true : undefined), 1_000, 'the subscription to be released');
    expect(Date.now() - released).toBeLessThan(1_000);
    // systemStatus sends the status at once; the others had nothing to send.
    expect(received.length).toBe(field === 'systemStatus' ? 1 : 0);
  });
});
