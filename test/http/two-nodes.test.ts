/**
 * Two server processes (distinct NODE_ID) on one PostgreSQL database, each with its own agents in
 * one shared session, draining one queue of unassigned tasks: FOR UPDATE SKIP LOCKED must hand
 * every task to exactly one node. PGlite is single-process, so this runs only with
 * TEST_DATABASE_URL (as in CI).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';
import { agentProcesses, killAgentProcesses, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const NODES = ['node-a', 'node-b'] as const;
const AGENTS_PER_NODE = 2;
const TASKS = 40;
const TASK_MS = 50;
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

interface NodeProcess extends ServerProcess {
  nodeId: string;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('two nodes on one PostgreSQL database', () => {
  let scratch: string;
  let database: TestDatabase;
  const servers: NodeProcess[] = [];
  const agentTags = new Set<string>();

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-two-nodes-'));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    // Safety net only (the test asserts there are none): processes our agents' servers started.
    killAgentProcesses(agentTags);
    await database?.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  async function start(nodeId: string): Promise<NodeProcess> {
    // One scratch folder, so one workspace for both: the session's directory must resolve on either node.
    const server = { nodeId, ...(await startServerProcess({ scratch, database, environment: { NODE_ID: nodeId }, name: nodeId })) };
    servers.push(server);
    return server;
  }

  it('the nodes claim disjoint tasks: each task runs once, on one node, and both nodes work', { timeout: 120_000 }, async () => {
    const began = Date.now();
    // One after the other: the first applies the migrations.
    const a = await start(NODES[0]);
    const b = await start(NODES[1]);

    const session = await a.gql(`mutation { createSession(input: { name: "two-nodes" }) { ... on CreateSessionSuccess { session { id } } } }`);
    const sessionId: string = session.createSession.session.id;
    for (const server of [a, b]) {
      for (let i = 1; i <= AGENTS_PER_NODE; i++) {
        const created = await server.gql(
          `mutation($s: ID!, $n: String!) { createAgent(input: { sessionId: $s, name: $n, role: WORKER }) {
            __typename ... on CreateAgentSuccess { agent { id nodeId } } ... on Error { code message } } }`,
          { s: sessionId, n: `${server.nodeId}-worker-${i}` },
        );
        expect(created.createAgent).toMatchObject({ __typename: 'CreateAgentSuccess', agent: { nodeId: server.nodeId } });
        agentTags.add(rawId(created.createAgent.agent.id));
      }
    }

    // All at once, half through each node (each node wakes its own idle agents), none assigned.
    const ids = await Promise.all(
      Array.from({ length: TASKS }, async (_, i) => {
        const server = i % 2 === 0 ? a : b;
        const data = await server.gql(
          `mutation($input: CreateTaskInput!) { createTask(input: $input) {
            __typename ... on CreateTaskSuccess { task { id status agent { id } } } ... on Error { code message } } }`,
          { input: { sessionId, title: `two-nodes t${i} SLEEP ${TASK_MS}` } },
        );
        expect(data.createTask.__typename).toBe('CreateTaskSuccess');
        return data.createTask.task.id as string;
      }),
    );

    const deadline = Date.now() + 60_000;
    for (;;) {
      const fields = ids.map((id, i) => `t${i}: task(id: ${JSON.stringify(id)}) { ... on Task { id title status } }`);
      const data = await a.gql(`query { ${fields.join('\n')} }`);
      const open = ids.map((_, i) => data[`t${i}`]).filter((t: any) => !TERMINAL.includes(t.status));
      if (open.length === 0) break;
      if (Date.now() > deadline) throw new Error(`tasks not terminal after 60 s: ${JSON.stringify(open)}`);
      await sleep(100);
    }

    for (const server of [a, b]) server.child.kill('SIGTERM');
    for (const server of [a, b]) {
      const result = await server.child;
      expect(result.exitCode, `${server.nodeId}:\n${server.output.slice(-20).join('\n')}`).toBe(0);
    }
    expect(agentProcesses(agentTags)).toEqual([]);

    const handle = await openDatabase({ url: database.url, dataDir: database.dataDir, statementTimeoutMs: 30_000, logger: createLogger('silent') });
    try {
      const { db } = handle;
      const tasks = await db.selectFrom('tasks').selectAll().where('sessionId', '=', rawId(sessionId)).execute();
      const runs = await db.selectFrom('runs').selectAll().where('taskId', 'in', tasks.map((t) => t.id)).execute();
      const agents = await db.selectFrom('agents').select(['id', 'name', 'nodeId']).where('sessionId', '=', rawId(sessionId)).execute();
      const agentNode = new Map(agents.map((agent) => [agent.id, agent.nodeId]));
      expect(tasks).toHaveLength(TASKS);
      expect(new Set(agents.map((agent) => agent.nodeId))).toEqual(new Set(NODES));

      const describeTask = (task: (typeof tasks)[number]) => ({
        id: task.id,
        title: task.title,
        status: task.status,
        attempts: task.attempts,
        errorMessage: task.errorMessage,
        runs: runs
          .filter((r) => r.taskId === task.id)
          .map((r) => ({ id: r.id, state: r.state, nodeId: r.nodeId, agentId: r.agentId, agentNode: agentNode.get(r.agentId), reason: r.reason, startedAt: r.startedAt, finishedAt: r.finishedAt })),
      });
      const notOnce = tasks.filter((task) => {
        const own = runs.filter((r) => r.taskId === task.id);
        return task.status !== 'SUCCEEDED' || task.attempts !== 1 || own.length !== 1 || own[0]!.state !== 'SUCCEEDED';
      });
      const onBothNodes = tasks.filter((task) => new Set(runs.filter((r) => r.taskId === task.id).map((r) => r.nodeId)).size > 1);
      // A run is recorded on the node whose agent ran it.
      const wrongNode = runs.filter((r) => r.nodeId !== agentNode.get(r.agentId));

      const perNode = Object.fromEntries(NODES.map((node) => [node, runs.filter((r) => r.nodeId === node && r.state === 'SUCCEEDED').length]));
      console.log(
        `[two-nodes] ${tasks.length} tasks, ${runs.length} runs in ${((Date.now() - began) / 1000).toFixed(1)} s; ` +
          `succeeded runs per node ${JSON.stringify(perNode)}; ran not exactly once ${notOnce.length}, on both nodes ${onBothNodes.length}, run on a foreign node ${wrongNode.length}`,
      );
      expect(notOnce.map(describeTask)).toEqual([]);
      expect(onBothNodes.map(describeTask)).toEqual([]);
      expect(wrongNode).toEqual([]);
      for (const node of NODES) expect(perNode[node], `${node} ran no task: ${JSON.stringify(perNode)}`).toBeGreaterThan(0);
    } finally {
      await handle.close();
    }
  });
});
