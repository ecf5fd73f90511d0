import { randomUUID } from 'node:crypto';
import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { currentLogContext } from '../../server/observability/log-context.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Every relation the dashboard follows, nested: one request, resolved through the dataloaders. */
const NESTED = /* GraphQL */ `
  query Nested {
    tasks(first: 50) {
      edges { node {
        title
        session { name agents { name session { name } } }
        agent { name session { name } }
        parentTask { title }
      } }
    }
    sessions(first: 50) { edges { node { name agents { name } } } }
  }
`;

const CONVERSATIONS = /* GraphQL */ `
  query Conversations {
    communications(first: 100) {
      edges { node {
        messageType
        session { name }
        fromAgent { name session { name } }
        toAgent { name session { name } }
        task { title agent { name } parentTask { title } }
      } }
    }
  }
`;

interface Built {
  sessions: { id: string; name: string; agents: { id: string; name: string }[] }[];
  tasks: { id: string; title: string; sessionName: string; agentName: string | null; parentTitle: string | null }[];
}

describe('relations are batched: statements per request do not grow with rows', () => {
  let t: TestApp;
  /** Every statement, with the request it ran for (the request id the server keeps in its log context). */
  const statements: { sql: string; requestId?: string }[] = [];
  const built: Built = { sessions: [], tasks: [] };

  beforeAll(async () => {
    t = await startTestApp({
      agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' },
      environment: { CLAUDE_MAX_AGENTS: '50' },
      onQuery: (event: LogEvent) => {
        statements.push({ sql: event.query.sql, requestId: currentLogContext()?.requestId });
      },
    });
  });
  afterAll(() => t?.stop());

  /**
   * Adds sessions with agents and tasks: per session one task on each agent (run to the end),
   * one child of the first of them, and one left QUEUED with no agent.
   */
  async function grow(sessionCount: number, agentsPerSession: number, prefix: string): Promise<void> {
    const ran: string[] = [];
    for (let s = 0; s < sessionCount; s++) {
      const name = `${prefix}-session-${s}`;
      const sessionId = await createSession(t, name);
      const session = { id: sessionId, name, agents: [] as { id: string; name: string }[] };
      built.sessions.push(session);
      for (let a = 0; a < agentsPerSession; a++) {
        const agent = await createAgent(t, sessionId, { name: `${prefix}-agent-${s}-${a}` });
        session.agents.push({ id: agent.id, name: agent.name });
      }
      let firstTitle: string | undefined;
      let firstId: string | undefined;
      for (const agent of session.agents) {
        const title = `${prefix}-task-${s}-${agent.name}`;
        const task = await createTask(t, { sessionId, title, agentId: agent.id });
        built.tasks.push({ id: task.id, title, sessionName: name, agentName: agent.name, parentTitle: null });
        ran.push(task.id);
        firstTitle ??= title;
        firstId ??= task.id;
      }
      const childTitle = `${prefix}-child-${s}`;
      // For a manager, and only workers here: it stays queued, unclaimed.
      const child = await createTask(t, { sessionId, title: childTitle, parentTaskId: firstId, requiredRole: 'MANAGER' });
      built.tasks.push({ id: child.id, title: childTitle, sessionName: name, agentName: null, parentTitle: firstTitle ?? null });
    }
    for (const id of ran) expect((await waitForTaskEnd(t, id)).status).toBe('SUCCEEDED');
    await settle();
  }

  /** Waits until every agent is IDLE and no statement has run for a while (no background work). */
  async function settle(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { agents } = await t.ok(`{ agents(first: 100) { edges { node { status } } } }`);
      const allIdle = agents.edges.every((e: any) => e.node.status === 'IDLE');
      const before = statements.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (allIdle && statements.length === before) return;
      if (Date.now() > deadline) throw new Error('the server did not become quiet');
    }
  }

  /**
   * Runs one request over HTTP and returns the statements issued for it, told apart by its request
   * id (background work, such as the scheduler's sweep, runs under none). Authentication's own look
   * at the tokens (local mode re-checks every few seconds) is not the resolvers' and comes and goes.
   */
  async function measure(query: string): Promise<{ data: any; sql: string[] }> {
    const requestId = `batching-${randomUUID()}`;
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ query }),
    });
    const { data, errors } = (await response.json()) as { data?: any; errors?: unknown };
    expect(errors).toBeUndefined();
    const sql = statements.filter((statement) => statement.requestId === requestId).map((statement) => statement.sql);
    return { data, sql: sql.filter((statement) => !/\bapi_tokens\b/.test(statement)) };
  }

  function checkNested(data: any): void {
    const sessionByName = new Map(built.sessions.map((s) => [s.name, s]));
    const nodes = data.tasks.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.title)).toEqual(built.tasks.map((task) => task.title));
    for (const [i, node] of nodes.entries()) {
      const expected = built.tasks[i]!;
      const session = sessionByName.get(expected.sessionName)!;
      expect(node.session.name).toBe(expected.sessionName);
      expect(node.session.agents).toEqual(session.agents.map((a) => ({ name: a.name, session: { name: session.name } })));
      expect(node.agent).toEqual(expected.agentName ? { name: expected.agentName, session: { name: session.name } } : null);
      expect(node.parentTask).toEqual(expected.parentTitle ? { title: expected.parentTitle } : null);
    }
    expect(data.sessions.edges.map((e: any) => e.node)).toEqual(
      built.sessions.map((s) => ({ name: s.name, agents: s.agents.map((a) => ({ name: a.name })) })),
    );
  }

  const measured: Record<string, { rows: number; statements: number }[]> = { nested: [], conversations: [] };

  it('a small data set: 2 sessions x 2 agents, 6 tasks', async () => {
    await grow(2, 2, 'small');
    const nested = await measure(NESTED);
    checkNested(nested.data);
    measured.nested!.push({ rows: built.tasks.length, statements: nested.sql.length });

    const conversations = await measure(CONVERSATIONS);
    // An instruction and a result for every task that ran.
    expect(conversations.data.communications.edges).toHaveLength(8);
    measured.conversations!.push({ rows: 8, statements: conversations.sql.length });

    // The same request again costs the same: the count is a property of the query, not of timing.
    expect((await measure(NESTED)).sql).toHaveLength(nested.sql.length);
  });

  it('a larger data set: 4 more sessions x 3 agents (22 tasks in all) costs the same statements', async () => {
    await grow(4, 3, 'large');
    expect(built.tasks.length).toBe(6 + 4 * 4);
    const nested = await measure(NESTED);
    checkNested(nested.data);
    measured.nested!.push({ rows: built.tasks.length, statements: nested.sql.length });

    const conversations = await measure(CONVERSATIONS);
    expect(conversations.data.communications.edges).toHaveLength(8 + 4 * 3 * 2);
    for (const { node } of conversations.data.communications.edges) {
      const agent = node.fromAgent ?? node.toAgent;
      expect(agent.session.name).toBe(node.session.name);
      expect(node.task.agent.name).toBe(agent.name);
    }
    measured.conversations!.push({ rows: conversations.data.communications.edges.length, statements: conversations.sql.length });

    console.info(`statements per request: ${JSON.stringify(measured)}\n${nested.sql.join('\n')}`);
    const [smallNested, largeNested] = measured.nested!;
    const [smallTalk, largeTalk] = measured.conversations!;
    expect(largeNested!.statements).toBe(smallNested!.statements);
    expect(largeTalk!.statements).toBe(smallTalk!.statements);
    // The two lists, then one batch per loader: sessions, agents, agents by session, parent tasks.
    expect(largeNested!.statements).toBeLessThanOrEqual(6);
    // The list, then one batch each for sessions, agents and tasks; a task's agent and parent hit the caches.
    expect(largeTalk!.statements).toBeLessThanOrEqual(4);
  });

  it('each table is read at most twice per request, always with a batched lookup', async () => {
    const { sql } = await measure(NESTED);
    for (const table of ['sessions', 'agents', 'tasks']) {
      const reads = sql.filter((statement) => new RegExp(`from "${table}"`).test(statement));
      expect(reads.length, `${table}: ${reads.join('\n')}`).toBeGreaterThan(0);
      expect(reads.length, `${table}: ${reads.join('\n')}`).toBeLessThanOrEqual(2);
    }
    const lookups = sql.filter((statement) => /where "(id|session_id)" = /.test(statement));
    expect(lookups, 'a lookup by a single id means a relation was not batched').toEqual([]);
  });
});
