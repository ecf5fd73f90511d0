/**
 * Tokens limited to sessions, over HTTP and WebSocket through the real server: such a token sees
 * and acts on its sessions' objects only; another session's objects read as missing (NOT_FOUND,
 * null from node), lists and streams leave them out, and the system-wide views are refused.
 * The mutation matrix must name every Mutation field, so a new one cannot go unchecked.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiToken } from '../../server/auth/new-token.js';
import type { TokenRole } from '../../server/db/types.js';
import { schema } from '../../server/schema/index.js';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { startTestApp, waitFor, type GraphQLResponse, type TestApp } from '../support/test-app.js';

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

describe('tokens limited to sessions', () => {
  let t: TestApp;
  const tokens = {} as Record<'operator' | 'viewer' | 'admin', string>;
  const clients: Client[] = [];
  // Session A is the limited tokens' own; B is another session.
  let a: { session: string; agent: string; spare: string; task: string; message: string };
  let b: { session: string; agent: string; task: string; message: string };

  const call = async (token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as GraphQLResponse;
  };
  const codes = (result: GraphQLResponse) => (result.errors ?? []).map((e) => e.extensions?.code);
  const socket = (token: string) => {
    const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
    clients.push(client);
    return client;
  };
  const firstCommunicationOf = async (sessionId: string) =>
    (await t.ok(`query ($s: ID!) { communications(first: 1, filter: { sessionId: $s }) { edges { node { id } } } }`, { s: sessionId }))
      .communications.edges[0].node.id as string;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' } });
    // Two sessions with an agent and a finished task each, made in local mode before any token.
    const sessionA = await createSession(t, 'alpha');
    const agentA = await createAgent(t, sessionA, { name: 'alpha-worker' });
    const spareA = await createAgent(t, sessionA, { name: 'alpha-spare' });
    const taskA = await createTask(t, { sessionId: sessionA, agentId: agentA.id, title: 'say hello' });
    const sessionB = await createSession(t, 'beta');
    const agentB = await createAgent(t, sessionB, { name: 'beta-worker' });
    const taskB = await createTask(t, { sessionId: sessionB, agentId: agentB.id, title: 'say hello' });
    expect((await waitForTaskEnd(t, taskA.id)).status).toBe('SUCCEEDED');
    expect((await waitForTaskEnd(t, taskB.id)).status).toBe('SUCCEEDED');
    a = { session: sessionA, agent: agentA.id, spare: spareA.id, task: taskA.id, message: await firstCommunicationOf(sessionA) };
    b = { session: sessionB, agent: agentB.id, task: taskB.id, message: await firstCommunicationOf(sessionB) };

    const db = t.app.database.db;
    const limited = async (role: TokenRole) => (await createApiToken(db, { name: `${role}-alpha`, role, sessionIds: [rawId(sessionA)] })).secret;
    tokens.operator = await limited('operator');
    tokens.viewer = await limited('viewer');
    tokens.admin = (await createApiToken(db, { name: 'admin', role: 'admin' })).secret;
    // Local mode ends once a token exists (checked at most every 2 s).
    await waitFor(async () => ((await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' })).status === 401 ? true : undefined), 10_000);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await t?.stop();
  });

  it.each(['operator', 'viewer'] as const)('lists as a limited %s: only its sessions, even when another is asked for', async (role) => {
    const { data } = await call(
      tokens[role],
      `query ($b: ID!) {
        sessions(first: 100) { edges { node { id } } }
        agents(first: 100) { edges { node { id session { id } } } }
        tasks(first: 100) { edges { node { id session { id } } } }
        communications(first: 100) { edges { node { id session { id } } } }
        askedAgents: agents(filter: { sessionId: $b }) { edges { node { id } } }
        askedTasks: tasks(filter: { sessionId: $b }) { edges { node { id } } }
        askedMessages: communications(filter: { sessionId: $b }) { edges { node { id } } }
      }`,
      { b: b.session },
    );
    expect(data.sessions.edges.map((e: any) => e.node.id)).toEqual([a.session]);
    expect(data.agents.edges.map((e: any) => e.node.id).sort()).toEqual([a.agent, a.spare].sort());
    expect(data.tasks.edges.map((e: any) => e.node.id)).toEqual([a.task]);
    const messageSessions = new Set(data.communications.edges.map((e: any) => e.node.session.id));
    expect([...messageSessions]).toEqual([a.session]);
    expect([data.askedAgents.edges, data.askedTasks.edges, data.askedMessages.edges]).toEqual([[], [], []]);
  });

  it('lookups: another session\'s objects are NOT_FOUND, and null through node; its own are whole', async () => {
    const lookups = `query ($s: ID!, $a: ID!, $t: ID!) {
      session(id: $s) { __typename ... on Session { name } ... on NotFoundError { entity id } }
      agent(id: $a) { __typename ... on Agent { name } ... on NotFoundError { entity id } }
      task(id: $t) { __typename ... on Task { title } ... on NotFoundError { entity id } }
    }`;
    for (const role of ['operator', 'viewer'] as const) {
      const other = (await call(tokens[role], lookups, { s: b.session, a: b.agent, t: b.task })).data;
      expect(other).toEqual({
        session: { __typename: 'NotFoundError', entity: 'Session', id: rawId(b.session) },
        agent: { __typename: 'NotFoundError', entity: 'Agent', id: rawId(b.agent) },
        task: { __typename: 'NotFoundError', entity: 'Task', id: rawId(b.task) },
      });
      const own = (await call(tokens[role], lookups, { s: a.session, a: a.agent, t: a.task })).data;
      expect(own).toEqual({ session: { __typename: 'Session', name: 'alpha' }, agent: { __typename: 'Agent', name: 'alpha-worker' }, task: { __typename: 'Task', title: 'say hello' } });

      for (const [own, other] of [[a.session, b.session], [a.agent, b.agent], [a.task, b.task], [a.message, b.message]]) {
        const result = await call(tokens[role], 'query ($own: ID!, $other: ID!) { own: node(id: $own) { id } other: node(id: $other) { id } }', { own, other });
        expect(result).toEqual({ data: { own: { id: own }, other: null } });
      }
      // Nested objects of its own session resolve.
      const nested = await call(tokens[role], 'query ($id: ID!) { node(id: $id) { ... on Task { agent { session { name } } events(first: 1) { seq } } } }', { id: a.task });
      expect(nested).toEqual({ data: { node: { agent: { session: { name: 'alpha' } }, events: [{ seq: 1 }] } } });
    }
  });

  it('mutations: on another session\'s objects NOT_FOUND and nothing changes; on its own they run', async () => {
    /** Per mutation: a call on session B's objects (or naming one), and one on A's with the result it gets. */
    const matrix: Record<string, { other?: string; own?: string; ownResult?: RegExp; refused?: 'FORBIDDEN' }> = {
      createSession: { refused: 'FORBIDDEN', own: 'mutation { createSession(input: { name: "gamma" }) { __typename } }' },
      createAgent: {
        other: `mutation { createAgent(input: { sessionId: "${b.session}", name: "intruder", role: WORKER }) { __typename } }`,
        own: `mutation { createAgent(input: { sessionId: "${a.session}", name: "", role: WORKER }) { __typename } }`,
        ownResult: /^InvalidInputError$/,
      },
      terminateAgent: { other: `mutation { terminateAgent(id: "${b.agent}") { __typename } }`, own: `mutation { terminateAgent(id: "${a.spare}") { __typename } }`, ownResult: /^TerminateAgentSuccess$/ },
      restartAgent: { other: `mutation { restartAgent(id: "${b.agent}") { __typename } }`, own: `mutation { restartAgent(id: "${a.spare}") { __typename } }`, ownResult: /^RestartAgentSuccess$/ },
      createTask: {
        other: `mutation { createTask(input: { sessionId: "${a.session}", agentId: "${b.agent}", title: "x" }) { __typename } }`,
        own: `mutation { createTask(input: { sessionId: "${a.session}", title: "" }) { __typename } }`,
        ownResult: /^InvalidInputError$/,
      },
      assignTask: { other: `mutation { assignTask(taskId: "${b.task}", agentId: "${a.agent}") { __typename } }`, own: `mutation { assignTask(taskId: "${a.task}", agentId: "${a.agent}") { __typename } }`, ownResult: /^ConflictError$/ },
      cancelTask: { other: `mutation { cancelTask(id: "${b.task}") { __typename } }`, own: `mutation { cancelTask(id: "${a.task}") { __typename } }`, ownResult: /^ConflictError$/ },
      retryTask: { other: `mutation { retryTask(id: "${b.task}") { __typename } }`, own: `mutation { retryTask(id: "${a.task}") { __typename } }`, ownResult: /^ConflictError$/ },
      startWorkflow: {
        other: `mutation { startWorkflow(input: { sessionId: "${a.session}", managerAgentId: "${b.agent}", description: "x" }) { __typename } }`,
        own: `mutation { startWorkflow(input: { sessionId: "${a.session}", description: "" }) { __typename } }`,
        ownResult: /^InvalidInputError$/,
      },
      sendMessage: { other: `mutation { sendMessage(agentId: "${b.agent}", content: "hello") { __typename } }`, own: `mutation { sendMessage(agentId: "${a.agent}", content: "") { __typename } }`, ownResult: /^InvalidInputError$/ },
      setSessionSecret: {
        other: `mutation { setSessionSecret(input: { sessionId: "${b.session}", name: "API_KEY", value: "x" }) { __typename } }`,
        own: `mutation { setSessionSecret(input: { sessionId: "${a.session}", name: "API_KEY", value: "x" }) { __typename } }`,
        // This server has no ENCRYPTION_KEY: the session was found, the secret refused for that reason.
        ownResult: /^EncryptionNotConfiguredError$/,
      },
      deleteSessionSecret: {
        other: `mutation { deleteSessionSecret(input: { sessionId: "${b.session}", name: "API_KEY" }) { __typename ... on NotFoundError { field } } }`,
        own: `mutation { deleteSessionSecret(input: { sessionId: "${a.session}", name: "API_KEY" }) { __typename ... on NotFoundError { field } } }`,
        // Found the session; it holds no such secret.
        ownResult: /^NotFoundError$/,
      },
      createApiToken: { refused: 'FORBIDDEN', own: 'mutation { createApiToken(input: { name: "mine", role: OPERATOR }) { __typename } }' },
      revokeApiToken: { refused: 'FORBIDDEN', own: `mutation { revokeApiToken(id: "${encodeGlobalID('ApiToken', rawId(a.session))}") { __typename } }` },
    };
    expect(Object.keys(matrix).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());

    // What B holds, as an admin sees it: the calls on it must leave it as it was.
    const stateOfB = `query ($id: ID!) {
      node(id: $id) { ... on Session { secretNames agents { name status restartCount } } }
      tasks(first: 100) { edges { node { id status } } }
    }`;
    const before = await call(tokens.admin, stateOfB, { id: b.session });
    for (const [field, row] of Object.entries(matrix)) {
      if (row.refused) {
        const result = await call(tokens.operator, row.own!);
        expect({ field, codes: codes(result) }).toEqual({ field, codes: [row.refused] });
        continue;
      }
      const other = await call(tokens.operator, row.other!);
      expect({ field, result: other }).toMatchObject({ field, result: { data: { [field]: { __typename: 'NotFoundError' } } } });
      if (field === 'deleteSessionSecret') expect(other.data[field].field).toBe('sessionId');
      const own = await call(tokens.operator, row.own!);
      expect(own.errors, field).toBeUndefined();
      expect(own.data[field].__typename, field).toMatch(row.ownResult!);
      if (field === 'deleteSessionSecret') expect(own.data[field].field).toBe('name');
      // A limited viewer may run none of them.
      expect(codes(await call(tokens.viewer, row.own!)), field).toEqual(['FORBIDDEN']);
    }
    const after = await call(tokens.admin, stateOfB, { id: b.session });
    expect(after).toEqual(before);
  });

  it('system-wide views are refused to a limited token (reads and streams) and open to the others', async () => {
    for (const query of ['{ systemStatus { activeAgents } }', '{ metrics(first: 1) { edges { node { id } } } }', '{ incidents(first: 1) { edges { node { id } } } }']) {
      expect(codes(await call(tokens.viewer, query)), query).toEqual(['FORBIDDEN']);
      expect(codes(await call(tokens.operator, query)), query).toEqual(['FORBIDDEN']);
      expect(codes(await call(tokens.admin, query)), query).toEqual([]);
    }
    const client = socket(tokens.viewer);
    for (const query of ['subscription { systemStatus { activeAgents } }', 'subscription { incidentReported { id } }']) {
      const error = await new Promise<unknown>((resolve) => {
        client.subscribe({ query }, { next: (value) => resolve(value.errors), error: resolve, complete: () => resolve('completed') });
      });
      expect(JSON.stringify(error), query).toContain('FORBIDDEN');
    }
  });

  it('streams: a limited token follows its sessions only; another session\'s transcript is NOT_FOUND', async () => {
    const client = socket(tokens.viewer);
    const seen = { tasks: [] as string[], agents: [] as string[], messages: [] as string[] };
    const follow = (query: string, into: string[], pick: (data: any) => string) =>
      client.subscribe({ query }, { next: (value) => into.push(pick(value.data)), error: () => {}, complete: () => {} });
    follow('subscription { taskUpdated { session { id } } }', seen.tasks, (data) => data.taskUpdated.session.id);
    follow('subscription { agentStatusUpdated { agent { session { id } } } }', seen.agents, (data) => data.agentStatusUpdated.agent.session.id);
    follow('subscription { agentCommunication { session { id } } }', seen.messages, (data) => data.agentCommunication.session.id);
    // Let the subscriptions start, then work in both sessions.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const run = async (sessionId: string, agentId: string) => {
      const result = await call(tokens.admin, `mutation { createTask(input: { sessionId: "${sessionId}", agentId: "${agentId}", title: "say hello" }) { ... on CreateTaskSuccess { task { id } } } }`);
      return result.data.createTask.task.id as string;
    };
    const [taskB, taskA] = [await run(b.session, b.agent), await run(a.session, a.agent)];
    for (const id of [taskA, taskB]) {
      await waitFor(async () => {
        const { data } = await call(tokens.admin, `{ node(id: "${id}") { ... on Task { status } } }`);
        return data.node.status === 'SUCCEEDED' ? true : undefined;
      });
    }
    // The stream of A's task ended after B's was queued: B's events, had they been sent, came first.
    await waitFor(async () => (seen.tasks.length >= 2 && seen.agents.length >= 2 && seen.messages.length >= 1 ? true : undefined), 10_000, 'A\'s events');
    expect(new Set([...seen.tasks, ...seen.agents, ...seen.messages])).toEqual(new Set([a.session]));

    const transcript = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: `subscription { taskEvents(taskId: "${b.task}") { seq } }` }, { next: (value) => resolve(value), error: resolve, complete: () => resolve('completed') });
    });
    expect(JSON.stringify(transcript)).toContain('NOT_FOUND');
    const own: number[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe<{ taskEvents: { seq: number } }>(
        { query: `subscription { taskEvents(taskId: "${a.task}") { seq } }` },
        { next: (value) => own.push(value.data!.taskEvents.seq), error: reject, complete: resolve },
      );
    });
    expect(own[0]).toBe(1);
  });

  it('admins create limited tokens over the API; their limits are checked and shown', async () => {
    const create = (input: string) =>
      call(tokens.admin, `mutation { createApiToken(input: ${input}) { __typename ... on CreateApiTokenSuccess { created { secret token { role sessions { id } } } } ... on Error { code } } }`);
    const created = (await create(`{ name: "ci", role: OPERATOR, sessionIds: ["${b.session}"] }`)).data.createApiToken;
    expect(created.created.token).toEqual({ role: 'OPERATOR', sessions: [{ id: b.session }] });
    const seen = await call(created.created.secret, '{ sessions(first: 10) { edges { node { name } } } }');
    expect(seen.data.sessions.edges).toEqual([{ node: { name: 'beta' } }]);

    expect((await create(`{ name: "x", role: ADMIN, sessionIds: ["${a.session}"] }`)).data.createApiToken.code).toBe('INVALID_INPUT');
    expect((await create('{ name: "x", role: VIEWER, sessionIds: [] }')).data.createApiToken.code).toBe('INVALID_INPUT');
    expect((await create(`{ name: "x", role: VIEWER, sessionIds: ["${encodeGlobalID('Session', rawId(a.agent))}"] }`)).data.createApiToken.code).toBe('NOT_FOUND');
    expect((await create(`{ name: "x", role: VIEWER, sessionIds: ["${a.agent}"] }`)).data.createApiToken.code).toBe('INVALID_INPUT');
    const unlimited = await call(tokens.admin, '{ apiTokens { name sessions { id } } }');
    expect(unlimited.data.apiTokens.find((token: any) => token.name === 'admin').sessions).toBeNull();
  });
});
