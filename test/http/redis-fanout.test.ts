/**
 * Two server processes on one PostgreSQL database and one Redis (REDIS_URL): a subscriber
 * connected to node A receives, live, what an agent supervised by node B does. Runs only with
 * TEST_DATABASE_URL and TEST_REDIS_URL (as in CI): PGlite is single-process.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TASK_EVENTS } from '../support/operations.js';
import { killAgentProcesses, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { collect, waitFor } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

describe.skipIf(!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL)('nodes sharing events through Redis', () => {
  let scratch: string;
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  const agentTags = new Set<string>();

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-redis-'));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    for (const server of servers) await server.stop('SIGTERM');
    killAgentProcesses(agentTags);
    await database?.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  async function start(nodeId: string): Promise<ServerProcess> {
    const server = await startServerProcess({
      scratch,
      database,
      environment: { NODE_ID: nodeId, REDIS_URL: process.env.TEST_REDIS_URL! },
      name: nodeId,
    });
    servers.push(server);
    return server;
  }

  function wsClient(server: ServerProcess): Client {
    const client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    return client;
  }

  it("a subscriber on node A follows, live, a task that node B's agent runs", { timeout: 60_000 }, async () => {
    const a = await start('fanout-a');
    const b = await start('fanout-b');
    for (const server of [a, b]) {
      const ready = await fetch(server.url.replace(/\/graphql$/, '/readyz'));
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true, redis: true } });
    }
    const { createSession } = await a.gql(`mutation { createSession(input: { name: "fanout" }) { ... on CreateSessionSuccess { session { id } } } }`);
    const sessionId = createSession.session.id;
    // Only a manager may run it, and there is none yet: it waits while node A's subscriptions open.
    const { createTask } = await a.gql(
      `mutation($s: ID!) { createTask(input: { sessionId: $s, title: "STREAM 20 1 followed from another node", requiredRole: MANAGER }) { ... on CreateTaskSuccess { task { id } } } }`,
      { s: sessionId },
    );
    const taskId = createTask.task.id;
    const onA = wsClient(a);
    const statuses = collect(onA, `subscription($s: ID!) { agentStatusUpdated(sessionId: $s) { to agent { nodeId } } }`, { s: sessionId });
    const events = collect(onA, TASK_EVENTS, { taskId, afterSeq: 0 });
    const updates = collect(onA, `subscription($t: ID!) { taskUpdated(taskId: $t) { status } }`, { t: taskId });
    await waitFor(async () => (events.values.length >= 1 ? true : undefined));

    // The manager that runs it lives on node B.
    const { createAgent } = await b.gql(
      `mutation($s: ID!) { createAgent(input: { sessionId: $s, name: "b-manager", role: MANAGER }) { ... on CreateAgentSuccess { agent { id nodeId } } } }`,
      { s: sessionId },
    );
    expect(createAgent.agent.nodeId).toBe('fanout-b');
    agentTags.add(rawId(createAgent.agent.id));

    // The transcript only completes when its terminal event arrives live on A, by way of Redis.
    const transcript = (await events.done).map((v: any) => v.taskEvents);
    expect(transcript.map((e: any) => e.seq)).toEqual(transcript.map((_: unknown, i: number) => i + 1));
    expect(transcript.filter((e: any) => e.kind === 'MESSAGE').length).toBeGreaterThanOrEqual(10);
    expect(transcript.at(-1)).toMatchObject({ kind: 'STATUS', payload: { to: 'SUCCEEDED' } });
    await waitFor(async () => (updates.values.some((v: any) => v.taskUpdated.status === 'SUCCEEDED') ? true : undefined));
    expect(updates.values.map((v: any) => v.taskUpdated.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    await waitFor(async () => (statuses.values.filter((v: any) => v.agentStatusUpdated.to === 'IDLE').length >= 2 ? true : undefined));
    expect(statuses.values.map((v: any) => v.agentStatusUpdated.to)).toEqual(['IDLE', 'BUSY', 'IDLE']);
    for (const v of statuses.values) expect(v.agentStatusUpdated.agent.nodeId).toBe('fanout-b');
  });

  it("cancelling through node A stops the turn that node B's agent is running", { timeout: 60_000 }, async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const { createSession } = await a.gql(`mutation { createSession(input: { name: "remote-cancel" }) { ... on CreateSessionSuccess { session { id } } } }`);
    const sessionId = createSession.session.id;
    const { createAgent } = await b.gql(
      `mutation($s: ID!) { createAgent(input: { sessionId: $s, name: "b-long", role: WORKER }) { ... on CreateAgentSuccess { agent { id } } } }`,
      { s: sessionId },
    );
    agentTags.add(rawId(createAgent.agent.id));
    const agentId = createAgent.agent.id;
    const { createTask } = await a.gql(
      `mutation($s: ID!, $a: ID!) { createTask(input: { sessionId: $s, title: "SLEEP 30000 a long turn", agentId: $a }) { ... on CreateTaskSuccess { task { id } } } }`,
      { s: sessionId, a: agentId },
    );
    const taskId = createTask.task.id;
    const state = () => a.gql(`query($t: ID!, $a: ID!) { task(id: $t) { ... on Task { status } } agent(id: $a) { ... on Agent { status } } }`, { t: taskId, a: agentId });
    await waitFor(async () => ((await state()).task.status === 'RUNNING' ? true : undefined));

    const began = Date.now();
    const { cancelTask } = await a.gql(`mutation($t: ID!) { cancelTask(id: $t, reason: "from node A") { ... on CancelTaskSuccess { task { status } } } }`, { t: taskId });
    expect(cancelTask.task.status).toBe('CANCELLED');
    // Node B stops the process's turn: its agent is idle again long before the 30 s turn would end.
    await waitFor(async () => ((await state()).agent.status === 'IDLE' ? true : undefined), 10_000);
    expect(Date.now() - began).toBeLessThan(10_000);
    const { task } = await a.gql(`query($t: ID!) { task(id: $t) { ... on Task { status error { type message } } } }`, { t: taskId });
    expect(task).toEqual({ status: 'CANCELLED', error: { type: 'CANCELLED', message: 'from node A' } });
  });
});
