/**
 * The server as `npm start` runs it: a real Node process, its configuration errors, a
 * graceful SIGTERM, and a SIGKILL followed by a restart on the same data.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStartTime } from '../../server/supervisor/process-table.js';
import { agentProcesses, runServerToExit, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createDurableTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('the server process', () => {
  let scratch: string;
  let database: TestDatabase;
  const leftovers: number[] = [];

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-main-'));
    database = await createDurableTestDatabase();
  });
  afterAll(async () => {
    for (const pid of leftovers) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    await database.drop();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  const start = (environment: Record<string, string> = {}) => startServerProcess({ scratch, database, environment });

  async function startRunningTask(server: ServerProcess, title: string, maxAttempts: number) {
    const session = await server.gql(`mutation { createSession(input: { name: "proc" }) { ... on CreateSessionSuccess { session { id } } } }`);
    const sessionId = session.createSession.session.id;
    const created = await server.gql(
      `mutation($s: ID!) { createAgent(input: { sessionId: $s, name: "w", role: WORKER }) { ... on CreateAgentSuccess { agent { id pid } } } }`,
      { s: sessionId },
    );
    const agent = created.createAgent.agent;
    leftovers.push(agent.pid);
    const task = await server.gql(
      `mutation($s: ID!, $a: ID!, $t: String!, $m: Int) { createTask(input: { sessionId: $s, agentId: $a, title: $t, maxAttempts: $m }) {
        ... on CreateTaskSuccess { task { id status } } } }`,
      { s: sessionId, a: agent.id, t: title, m: maxAttempts },
    );
    expect(task.createTask.task.status).toBe('RUNNING');
    return { agent, task: task.createTask.task };
  }

  it('refuses a bad configuration with a message naming the variable', async () => {
    const result = await runServerToExit({ scratch, database, environment: { API_PORT: 'abc', LOG_LEVEL: 'loud' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('API_PORT');
    expect(result.stderr).toContain('LOG_LEVEL');
    expect(result.stderr).toMatch(/fatal.*error.*warn/);
  });

  it('on SIGTERM stops agent processes, records them, and exits 0', async () => {
    const server = await start();
    const { agent, task } = await startRunningTask(server, 'SLEEP 30000', 1);
    const result = await server.stop('SIGTERM');
    expect(result.exitCode).toBe(0);
    expect(() => process.kill(agent.pid, 0)).toThrow();

    const again = await start();
    try {
      const data = await again.gql(
        `query($a: ID!, $t: ID!) { agent(id: $a) { ... on Agent { status } } task(id: $t) { ... on Task { status error { type } } } }`,
        { a: agent.id, t: task.id },
      );
      // The agent is not gone: its process was closed and its session resumes on the next turn.
      expect(data.agent.status).toBe('IDLE');
      expect(data.task).toEqual({ status: 'FAILED', error: { type: 'INTERRUPTED' } });
    } finally {
      await again.stop();
    }
  });

  // auto: the kernel ends the agents with the server (PID namespace, parent-death signal);
  // none: only the start-up sweep by environment tag can find them.
  it.each(['auto', 'none'])('after a SIGKILL (isolation %s), no agent process survives the restart and the task runs again', async (isolation) => {
    const server = await start({ AGENT_ISOLATION: isolation });
    // GRANDCHILD leaves a tool process in the agent's group and one that escaped it with setsid.
    const { agent, task } = await startRunningTask(server, 'GRANDCHILD then SLEEP 3000', 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.stop('SIGKILL');

    const restartedAt = Date.now();
    const again = await start({ AGENT_ISOLATION: isolation });
    try {
      // Before it listened, the new server made sure nothing of the old run lives on: no process
      // carries the agent's tag but ones the new server started (the task runs again).
      // Gone or a zombie (this machine's init may not reap orphans): readStartTime says which.
      expect(readStartTime(agent.pid)).toBeUndefined();
      const agentUuid = Buffer.from(agent.id, 'base64').toString().split(':')[1]!;
      const bootTime = Date.now() - os.uptime() * 1000;
      const ticks = 100; // USER_HZ on Linux
      const leftovers = agentProcesses(new Set([agentUuid]))
        .filter((entry) => bootTime + (entry.startTime / ticks) * 1000 < restartedAt - 100);
      expect(leftovers).toEqual([]);
      if (isolation === 'none') {
        // Outside a PID namespace the reported pids are real ones: both sleepers were swept.
        const { task: first } = await again.gql(`query($t: ID!) { task(id: $t) { ... on Task { events(afterSeq: 0) { kind payload } } } }`, { t: task.id });
        const toolResult = first.events.find((e: any) => e.kind === 'TOOL_RESULT');
        const { pids } = JSON.parse(String(toolResult.payload.content)) as { pids: number[] };
        expect(pids).toHaveLength(2);
        for (const pid of pids) expect(readStartTime(pid)).toBeUndefined();
      }
      const deadline = Date.now() + 30_000;
      let data: any;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        data = await again.gql(
          `query($a: ID!, $t: ID!) { agent(id: $a) { ... on Agent { status statusHistory { to reason } } }
            task(id: $t) { ... on Task { status attempts events(afterSeq: 0) { kind payload } } } }`,
          { a: agent.id, t: task.id },
        );
      } while (data.task.status !== 'SUCCEEDED' && Date.now() < deadline);
      expect(data.task).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      const requeue = data.task.events.find((e: any) => e.kind === 'STATUS' && e.payload.from === 'RUNNING' && e.payload.to === 'QUEUED');
      expect(requeue.payload.reason).toMatch(/^server_restart/);
      expect(data.agent.statusHistory.some((e: any) => /^server_restart/.test(e.reason))).toBe(true);
    } finally {
      await again.stop();
    }
  });
});
