import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../server/db/types.js';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { CREATE_AGENT, CREATE_TASK, TERMINATE_AGENT } from '../support/operations.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

/** The error fragments valid for a union: spreading a type that is not a member fails validation. */
function errorFields(...types: ('InvalidInputError' | 'NotFoundError' | 'ConflictError')[]): string {
  const fields = {
    InvalidInputError: '... on InvalidInputError { field }',
    NotFoundError: '... on NotFoundError { field entity missingId: id }',
    ConflictError: '... on ConflictError { field }',
  };
  return `__typename ... on Error { code message } ${types.map((type) => fields[type]).join(' ')}`;
}
const LOOKUP_ERRORS = errorFields('InvalidInputError', 'NotFoundError');
const MUTATION_ERRORS = errorFields('InvalidInputError', 'NotFoundError', 'ConflictError');

const SESSION = `query($id: ID!) { session(id: $id) { ${LOOKUP_ERRORS} ... on Session { id } } }`;
const AGENT = `query($id: ID!) { agent(id: $id) { ${LOOKUP_ERRORS} ... on Agent { id } } }`;
const TASK = `query($id: ID!) { task(id: $id) { ${LOOKUP_ERRORS} ... on Task { id } } }`;
const CREATE_SESSION_ANY = `mutation($input: CreateSessionInput!) { createSession(input: $input) {
  ${errorFields('InvalidInputError', 'ConflictError')} ... on CreateSessionSuccess { session { id } } } }`;
const CREATE_AGENT_ANY = `mutation($input: CreateAgentInput!) { createAgent(input: $input) { ${MUTATION_ERRORS}
  ... on CreateAgentSuccess { agent { id name } } } }`;
const CREATE_TASK_ANY = `mutation($input: CreateTaskInput!) { createTask(input: $input) { ${MUTATION_ERRORS}
  ... on CreateTaskSuccess { task { id } } } }`;
const ASSIGN_TASK = `mutation($taskId: ID!, $agentId: ID!) { assignTask(taskId: $taskId, agentId: $agentId) { ${MUTATION_ERRORS}
  ... on AssignTaskSuccess { task { id status } } } }`;
const CANCEL_TASK = `mutation($id: ID!) { cancelTask(id: $id) { ${MUTATION_ERRORS} ... on CancelTaskSuccess { task { id status } } } }`;
const TERMINATE_AGENT_ANY = `mutation($id: ID!) { terminateAgent(id: $id) { ${LOOKUP_ERRORS}
  ... on TerminateAgentSuccess { agent { id status } } } }`;

/** Tables a request could write to; a rejected request must leave every one of them as it was. */
const TABLES = ['sessions', 'agents', 'tasks', 'taskDependencies', 'runs', 'taskEvents', 'agentCommunications', 'incidents'] as const;

type TypedError = { __typename: string; code: string; message: string; field?: string; entity?: string; missingId?: string };

describe('bad input: a typed error naming the field, and nothing written', () => {
  let t: TestApp;
  let sessionId: string;
  let otherSessionId: string;
  let agentId: string;
  let otherAgentId: string;
  let queuedTaskId: string;
  let succeededTaskId: string;
  let otherSessionTaskId: string;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'test-key' } });
    sessionId = await createSession(t, 'main');
    otherSessionId = await createSession(t, 'other');
    agentId = (await createAgent(t, sessionId, { name: 'alpha' })).id;
    otherAgentId = (await createAgent(t, otherSessionId, { name: 'beta' })).id;
    // Only workers join this session, so a task for a manager waits in the queue.
    queuedTaskId = (await createTask(t, { sessionId, title: 'waiting for an agent', requiredRole: 'MANAGER' })).id;
    otherSessionTaskId = (await createTask(t, { sessionId: otherSessionId, title: 'elsewhere' })).id;
    succeededTaskId = (await createTask(t, { sessionId, title: 'say hello', agentId })).id;
    expect((await waitForTaskEnd(t, succeededTaskId)).status).toBe('SUCCEEDED');
    // The other session's agent takes its task on its own: let that settle too, so that every
    // test starts from a state nothing else is changing.
    expect((await waitForTaskEnd(t, otherSessionTaskId)).status).toBe('SUCCEEDED');
    await waitForIdle(agentId);
    await waitForIdle(otherAgentId);
  });
  afterAll(() => t?.stop());

  async function waitForIdle(id: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const { agent } = await t.ok(`query($id: ID!) { agent(id: $id) { ... on Agent { status } } }`, { id });
      if (agent.status === 'IDLE') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`agent ${id} did not become IDLE`);
  }

  /** Row counts of every table, plus the mutable columns of tasks and agents (to catch updates too). */
  async function snapshot() {
    const db = t.app.database.db;
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await db
        .selectFrom(table as keyof DB)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    const tasks = await db.selectFrom('tasks').select(['id', 'status', 'agentId', 'lastEventSeq', 'updatedAt']).orderBy('id').execute();
    const agents = await db.selectFrom('agents').select(['id', 'name', 'status', 'updatedAt']).orderBy('id').execute();
    const sessions = await db.selectFrom('sessions').select(['id', 'name', 'updatedAt']).orderBy('id').execute();
    return { counts, tasks, agents, sessions, liveProcesses: t.app.supervisor.liveAgentIds().length };
  }

  /** Runs the request and fails the test if anything at all was written or any process started. */
  async function unchanged<T>(request: () => Promise<T>): Promise<T> {
    const before = await snapshot();
    const result = await request();
    expect(await snapshot()).toEqual(before);
    return result;
  }

  /** The one typed error a mutation or query field returned, checked for its type, code and field. */
  function expectTypedError(
    response: GraphQLResponse,
    fieldName: string,
    typename: 'InvalidInputError' | 'NotFoundError' | 'ConflictError',
    field: string | RegExp,
  ): TypedError {
    expect(response.errors).toBeUndefined();
    const error = response.data?.[fieldName] as TypedError;
    const codes = { InvalidInputError: 'INVALID_INPUT', NotFoundError: 'NOT_FOUND', ConflictError: 'CONFLICT' };
    expect(error, JSON.stringify(response)).toMatchObject({ __typename: typename, code: codes[typename] });
    if (typeof field === 'string') expect(error.field).toBe(field);
    else expect(error.field).toMatch(field);
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  }

  /** A request rejected before execution or by a top-level error: no data, a named INVALID_INPUT. */
  function expectTopLevelInvalid(response: GraphQLResponse, field: string): void {
    expect(response.data ?? null, JSON.stringify(response)).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field });
    expect(response.errors?.[0]?.message).toContain(field);
  }

  const missing = (typename: string) => encodeGlobalID(typename, randomUUID());

  describe('ids', () => {
    it('a well-formed id of a missing object is NotFoundError naming the argument, for every query', async () => {
      for (const [query, fieldName, entity] of [
        [SESSION, 'session', 'Session'],
        [AGENT, 'agent', 'Agent'],
        [TASK, 'task', 'Task'],
      ] as const) {
        const uuid = randomUUID();
        const id = encodeGlobalID(entity, uuid);
        const error = expectTypedError(await unchanged(() => t.gql(query, { id })), fieldName, 'NotFoundError', 'id');
        expect(error).toMatchObject({ entity, missingId: uuid });
      }
    });

    it('an id of the wrong type, or garbage, is InvalidInputError naming the argument, for every query', async () => {
      const wrong = {
        session: [agentId, queuedTaskId, 'garbage', '', encodeGlobalID('Session', 'not-a-uuid'), '%%%'],
        agent: [sessionId, queuedTaskId, 'garbage', encodeGlobalID('Agent', '1')],
        task: [agentId, sessionId, 'garbage', encodeGlobalID('Task', `${randomUUID()}x`)],
      };
      for (const [query, fieldName] of [
        [SESSION, 'session'],
        [AGENT, 'agent'],
        [TASK, 'task'],
      ] as const) {
        for (const id of wrong[fieldName]) {
          expectTypedError(await unchanged(() => t.gql(query, { id })), fieldName, 'InvalidInputError', 'id');
        }
      }
    });

    it('createAgent: a missing session is NotFoundError "sessionId", a wrong or garbage id InvalidInputError', async () => {
      const input = { name: 'nobody', role: 'WORKER' };
      const notFound = await unchanged(() => t.gql(CREATE_AGENT_ANY, { input: { ...input, sessionId: missing('Session') } }));
      expect(expectTypedError(notFound, 'createAgent', 'NotFoundError', 'sessionId').entity).toBe('Session');
      for (const bad of [agentId, 'garbage']) {
        const response = await unchanged(() => t.gql(CREATE_AGENT, { input: { ...input, sessionId: bad } }));
        expectTypedError(response, 'createAgent', 'InvalidInputError', 'sessionId');
      }
    });

    it('createTask: missing session, agent or parent task are NotFoundError naming each; wrong ids InvalidInputError', async () => {
      const base = { sessionId, title: 'never stored' };
      for (const [field, typename] of [
        ['sessionId', 'Session'],
        ['agentId', 'Agent'],
        ['parentTaskId', 'Task'],
      ] as const) {
        const response = await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { ...base, [field]: missing(typename) } }));
        expect(expectTypedError(response, 'createTask', 'NotFoundError', field).entity).toBe(typename);
      }
      for (const [field, bad] of [
        ['sessionId', agentId],
        ['sessionId', 'garbage'],
        ['agentId', sessionId],
        ['agentId', 'garbage'],
        ['parentTaskId', agentId],
        ['parentTaskId', 'garbage'],
      ] as const) {
        const response = await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { ...base, [field]: bad } }));
        expectTypedError(response, 'createTask', 'InvalidInputError', field);
      }
    });

    it('assignTask: missing task or agent are NotFoundError naming each; wrong ids InvalidInputError', async () => {
      const noTask = await unchanged(() => t.gql(ASSIGN_TASK, { taskId: missing('Task'), agentId }));
      expectTypedError(noTask, 'assignTask', 'NotFoundError', 'taskId');
      // The task row is locked first; the missing agent must roll everything back.
      const noAgent = await unchanged(() => t.gql(ASSIGN_TASK, { taskId: queuedTaskId, agentId: missing('Agent') }));
      expectTypedError(noAgent, 'assignTask', 'NotFoundError', 'agentId');
      for (const [variables, field] of [
        [{ taskId: agentId, agentId }, 'taskId'],
        [{ taskId: 'garbage', agentId }, 'taskId'],
        [{ taskId: queuedTaskId, agentId: queuedTaskId }, 'agentId'],
        [{ taskId: queuedTaskId, agentId: 'garbage' }, 'agentId'],
      ] as const) {
        expectTypedError(await unchanged(() => t.gql(ASSIGN_TASK, variables)), 'assignTask', 'InvalidInputError', field);
      }
    });

    it('cancelTask and terminateAgent: NotFoundError and InvalidInputError name their argument "id"', async () => {
      const noTask = await unchanged(() => t.gql(CANCEL_TASK, { id: missing('Task') }));
      expect(expectTypedError(noTask, 'cancelTask', 'NotFoundError', 'id').entity).toBe('Task');
      const noAgent = await unchanged(() => t.gql(TERMINATE_AGENT_ANY, { id: missing('Agent') }));
      expect(expectTypedError(noAgent, 'terminateAgent', 'NotFoundError', 'id').entity).toBe('Agent');
      for (const bad of [agentId, 'garbage']) {
        expectTypedError(await unchanged(() => t.gql(CANCEL_TASK, { id: bad })), 'cancelTask', 'InvalidInputError', 'id');
      }
      for (const bad of [queuedTaskId, 'garbage']) {
        expectTypedError(await unchanged(() => t.gql(TERMINATE_AGENT_ANY, { id: bad })), 'terminateAgent', 'InvalidInputError', 'id');
      }
    });

    it('list filters with a wrong id name the filter field', async () => {
      for (const [query, field] of [
        ['{ tasks(filter: { sessionId: "garbage" }) { edges { cursor } } }', 'filter.sessionId'],
        [`{ tasks(filter: { agentId: "${sessionId}" }) { edges { cursor } } }`, 'filter.agentId'],
        ['{ agents(filter: { sessionId: "garbage" }) { edges { cursor } } }', 'filter.sessionId'],
        [`{ communications(filter: { taskId: "${agentId}" }) { edges { cursor } } }`, 'filter.taskId'],
      ]) {
        expectTopLevelInvalid(await unchanged(() => t.gql(query!)), field!);
      }
    });
  });

  describe('enums', () => {
    it('an unknown enum value in variables is a validation error naming the value and the argument', async () => {
      const response = await unchanged(() => t.gql(CREATE_AGENT, { input: { sessionId, name: 'boss', role: 'BOSS' } }));
      expect(response.data).toBeUndefined();
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.message).toContain('"BOSS"');
      expect(response.errors?.[0]?.message).toContain('input.role');
      expect(response.errors?.[0]?.message).toContain('AgentRole');
    });

    it('an unknown enum literal in the document is rejected before execution', async () => {
      const response = await unchanged(() =>
        t.gql(`mutation { createTask(input: { sessionId: "${sessionId}", title: "x", requiredRole: BOSS }) { __typename } }`),
      );
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0]?.message).toMatch(/BOSS/);
      const filter = await unchanged(() => t.gql('{ tasks(filter: { status: DONE }) { edges { cursor } } }'));
      expect(filter.data).toBeUndefined();
      expect(filter.errors?.[0]?.message).toMatch(/DONE/);
    });

    it('a number out of the GraphQL Int range is rejected before execution', async () => {
      const response = await unchanged(() => t.gql(CREATE_TASK, { input: { sessionId, title: 'x', priority: 2 ** 31 } }));
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0]?.message).toContain('input.priority');
    });
  });

  describe('strings', () => {
    it('empty or whitespace names and titles are InvalidInputError "name" / "title"', async () => {
      for (const name of ['', '   ', '\t\n']) {
        expectTypedError(await unchanged(() => t.gql(CREATE_SESSION_ANY, { input: { name } })), 'createSession', 'InvalidInputError', 'name');
        const agent = await unchanged(() => t.gql(CREATE_AGENT_ANY, { input: { sessionId, name, role: 'WORKER' } }));
        expectTypedError(agent, 'createAgent', 'InvalidInputError', 'name');
        const task = await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { sessionId, title: name } }));
        expectTypedError(task, 'createTask', 'InvalidInputError', 'title');
      }
    });

    it('over-long names and titles are InvalidInputError naming the field', async () => {
      expectTypedError(
        await unchanged(() => t.gql(CREATE_SESSION_ANY, { input: { name: 'x'.repeat(201) } })),
        'createSession', 'InvalidInputError', 'name',
      );
      expectTypedError(
        await unchanged(() => t.gql(CREATE_AGENT_ANY, { input: { sessionId, name: 'x'.repeat(101), role: 'WORKER' } })),
        'createAgent', 'InvalidInputError', 'name',
      );
      expectTypedError(
        await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { sessionId, title: 'x'.repeat(501) } })),
        'createTask', 'InvalidInputError', 'title',
      );
    });
  });

  describe('ranges', () => {
    it('page sizes out of range and foreign cursors are INVALID_INPUT naming first / last / after / before', async () => {
      for (const list of ['sessions', 'agents', 'tasks', 'communications']) {
        for (const [args, field] of [
          ['first: 101', 'first'],
          ['first: -1', 'first'],
          ['last: 500', 'last'],
          ['last: -3', 'last'],
          ['after: "garbage"', 'after'],
          [`after: "${Buffer.from('cursor:not-a-uuid').toString('base64url')}"`, 'after'],
          ['before: "garbage"', 'before'],
        ]) {
          expectTopLevelInvalid(await unchanged(() => t.gql(`{ ${list}(${args}) { edges { cursor } } }`)), field!);
        }
      }
      // The bounds themselves are accepted.
      const edge = await t.gql('{ tasks(first: 100) { edges { cursor } } sessions(first: 0) { edges { cursor } } }');
      expect(edge.errors).toBeUndefined();
    });

    it('task numbers out of range name their field: maxAttempts, priority, timeoutSeconds', async () => {
      for (const [patch, field] of [
        [{ maxAttempts: 0 }, 'maxAttempts'],
        [{ maxAttempts: 11 }, 'maxAttempts'],
        [{ priority: 5000 }, 'priority'],
        [{ priority: -1001 }, 'priority'],
        [{ timeoutSeconds: 0 }, 'timeoutSeconds'],
      ] as const) {
        const response = await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { sessionId, title: 'bounded', ...patch } }));
        expectTypedError(response, 'createTask', 'InvalidInputError', field);
      }
    });

    it('agent numbers out of range name their field: maxTurns, maxBudgetUsd', async () => {
      for (const [patch, field] of [
        [{ maxTurns: 0 }, 'maxTurns'],
        [{ maxTurns: 1001 }, 'maxTurns'],
        [{ maxBudgetUsd: -1 }, 'maxBudgetUsd'],
        [{ maxBudgetUsd: 0 }, 'maxBudgetUsd'],
      ] as const) {
        const response = await unchanged(() => t.gql(CREATE_AGENT_ANY, { input: { sessionId, name: 'bounded', role: 'WORKER', ...patch } }));
        expectTypedError(response, 'createAgent', 'InvalidInputError', field);
      }
    });

    it('a transcript page out of range names first / afterSeq', async () => {
      for (const [args, field] of [
        ['first: 1001', 'first'],
        ['first: -1', 'first'],
        ['afterSeq: -1', 'afterSeq'],
      ]) {
        const response = await unchanged(() =>
          t.gql(`query($id: ID!) { task(id: $id) { ... on Task { events(${args}) { seq } } } }`, { id: succeededTaskId }),
        );
        expect(response.errors?.[0]?.extensions, JSON.stringify(response)).toMatchObject({ code: 'INVALID_INPUT', field });
      }
    });
  });

  describe('malformed HTTP requests', () => {
    const post = (body: string) =>
      fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });

    async function expectHealthy(): Promise<void> {
      const health = await fetch(t.url.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(10_000) });
      expect(health.status).toBe(200);
      const response = await post(JSON.stringify({ query: '{ sessions { edges { node { name } } } }' }));
      expect(response.status).toBe(200);
      const body = (await response.json()) as GraphQLResponse;
      expect(body.errors).toBeUndefined();
      expect(body.data.sessions.edges.map((e: any) => e.node.name)).toEqual(['main', 'other']);
    }

    it('a body that is not JSON is a 400 with a GraphQL error, and the server carries on', async () => {
      for (const body of ['{"query": "{ __typename ', 'not json at all', '']) {
        const response = await unchanged(() => post(body));
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/json/);
        const parsed = (await response.json()) as GraphQLResponse;
        expect(parsed.data).toBeUndefined();
        expect(parsed.errors?.[0]?.message).toMatch(/JSON|body|query/i);
      }
      await expectHealthy();
    });

    it('variables that are not a JSON object are a 400 with a GraphQL error naming variables', async () => {
      const mutation = 'mutation($input: CreateSessionInput!) { createSession(input: $input) { __typename } }';
      for (const variables of ['{"input": {"name": "x"', '[1, 2]', '42']) {
        const body = `{"query": ${JSON.stringify(mutation)}, "variables": ${JSON.stringify(variables)}}`;
        const response = await unchanged(() => post(body));
        expect(response.status).toBe(400);
        const parsed = (await response.json()) as GraphQLResponse;
        expect(parsed.errors?.[0]?.message).toMatch(/variables/i);
      }
      // Variables inlined as broken JSON make the whole body broken JSON.
      const broken = await unchanged(() => post(`{"query": ${JSON.stringify(mutation)}, "variables": {"input": {"name": }}}`));
      expect(broken.status).toBe(400);
      await expectHealthy();
    });

    // Known gap: yoga's GET parser calls JSON.parse on `variables` itself, so the SyntaxError is
    // masked as a 500. Turn this into it() once the HTTP layer answers it with a 400.
    it('malformed variables JSON in a GET query string is a 400, not a 500', async () => {
      const url = `${t.url}?query=${encodeURIComponent('query($n: Int) { __typename }')}&variables=${encodeURIComponent('{bad')}`;
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
      const parsed = (await response.json()) as GraphQLResponse;
      expect(parsed.errors?.[0]?.message).toMatch(/variables/i);
      expect(response.status).toBe(400);
    });
  });

  describe('conflicts and cross-session references', () => {
    it('a second agent with a name used in the session is ConflictError "name"; another session may reuse it', async () => {
      for (const name of ['alpha', '  alpha  ']) {
        const response = await unchanged(() => t.gql(CREATE_AGENT, { input: { sessionId, name, role: 'MANAGER' } }));
        expectTypedError(response, 'createAgent', 'ConflictError', 'name');
      }
      const before = await snapshot();
      const elsewhere = await t.ok(CREATE_AGENT, { input: { sessionId: otherSessionId, name: 'alpha', role: 'WORKER' } });
      expect(elsewhere.createAgent).toMatchObject({ __typename: 'CreateAgentSuccess', agent: { name: 'alpha' } });
      const after = await snapshot();
      expect(after.counts.agents).toBe((before.counts.agents ?? 0) + 1);
      const terminated = await t.ok(TERMINATE_AGENT, { id: elsewhere.createAgent.agent.id });
      expect(terminated.terminateAgent.agent.status).toBe('TERMINATED');
    });

    it('a tool rule that looks like a flag is rejected, in allowed or disallowed tools, and as a model', async () => {
      for (const [patch, field] of [
        [{ allowedTools: ['--dangerously-skip-permissions'] }, /^allowedTools\b/],
        [{ allowedTools: ['Read', '-p'] }, /^allowedTools\b/],
        [{ allowedTools: ['Bash(git diff:*) --dangerously-skip-permissions'] }, /^allowedTools\b/],
        [{ disallowedTools: ['--permission-mode=bypassPermissions'] }, /^disallowedTools\b/],
        [{ allowedTools: [''] }, /^allowedTools\b/],
        [{ model: '--dangerously-skip-permissions' }, 'model'],
      ] as const) {
        const response = await unchanged(() => t.gql(CREATE_AGENT_ANY, { input: { sessionId, name: 'flaggy', role: 'WORKER', ...patch } }));
        expectTypedError(response, 'createAgent', 'InvalidInputError', field);
      }
    });

    it('a working directory outside WORKSPACE_ROOT is rejected for sessions and agents, and nothing is created', async () => {
      const outside = path.join(path.dirname(t.workspaceRoot), 'outside');
      await fs.mkdir(outside, { recursive: true });
      await fs.symlink(outside, path.join(t.workspaceRoot, 'escape'));
      await fs.writeFile(path.join(t.workspaceRoot, 'a-file'), 'not a directory');
      const listing = async () => ({ root: (await fs.readdir(t.workspaceRoot)).sort(), outside: await fs.readdir(outside) });
      const filesBefore = await listing();

      for (const workingDirectory of ['../../etc', '..', '/etc', `${t.workspaceRoot}/../elsewhere`, 'escape', 'escape/new-folder', 'a-file', 'a-file/below']) {
        const session = await unchanged(() => t.gql(CREATE_SESSION_ANY, { input: { name: 'escaper', workingDirectory } }));
        expectTypedError(session, 'createSession', 'InvalidInputError', 'workingDirectory');
      }
      // An agent's directory is relative to its session's, which sits one level below the root.
      for (const workingDirectory of ['../../etc', '../..', '/etc', '../escape/new-folder', '../a-file']) {
        const agent = await unchanged(() =>
          t.gql(CREATE_AGENT_ANY, { input: { sessionId, name: 'escaper', role: 'WORKER', workingDirectory } }),
        );
        expectTypedError(agent, 'createAgent', 'InvalidInputError', 'workingDirectory');
      }
      expect(await listing()).toEqual(filesBefore);
    });

    it('cancelTask or assignTask on a SUCCEEDED task is ConflictError', async () => {
      const cancel = await unchanged(() => t.gql(CANCEL_TASK, { id: succeededTaskId }));
      expect(expectTypedError(cancel, 'cancelTask', 'ConflictError', 'id').message).toContain('SUCCEEDED');
      const assign = await unchanged(() => t.gql(ASSIGN_TASK, { taskId: succeededTaskId, agentId }));
      expect(expectTypedError(assign, 'assignTask', 'ConflictError', 'taskId').message).toContain('SUCCEEDED');
    });

    it('an agent or parent task of another session is InvalidInputError naming agentId / parentTaskId', async () => {
      const assign = await unchanged(() => t.gql(ASSIGN_TASK, { taskId: queuedTaskId, agentId: otherAgentId }));
      expectTypedError(assign, 'assignTask', 'InvalidInputError', 'agentId');
      const create = await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { sessionId, title: 'cross', agentId: otherAgentId } }));
      expectTypedError(create, 'createTask', 'InvalidInputError', 'agentId');
      const parent = await unchanged(() =>
        t.gql(CREATE_TASK_ANY, { input: { sessionId, title: 'cross', parentTaskId: otherSessionTaskId } }),
      );
      expectTypedError(parent, 'createTask', 'InvalidInputError', 'parentTaskId');
      // A worker cannot take a task that needs a manager.
      const role = await unchanged(() =>
        t.gql(CREATE_TASK_ANY, { input: { sessionId, title: 'needs a manager', requiredRole: 'MANAGER', agentId } }),
      );
      expectTypedError(role, 'createTask', 'InvalidInputError', 'agentId');
    });

    it('a terminated agent cannot be given tasks: ConflictError "agentId"', async () => {
      const doomed = await createAgent(t, sessionId, { name: 'doomed' });
      const terminated = await t.ok(TERMINATE_AGENT, { id: doomed.id });
      expect(terminated.terminateAgent.agent.status).toBe('TERMINATED');
      const create = await unchanged(() => t.gql(CREATE_TASK_ANY, { input: { sessionId, title: 'too late', agentId: doomed.id } }));
      expectTypedError(create, 'createTask', 'ConflictError', 'agentId');
      const assign = await unchanged(() => t.gql(ASSIGN_TASK, { taskId: queuedTaskId, agentId: doomed.id }));
      expectTypedError(assign, 'assignTask', 'ConflictError', 'agentId');
    });

    it('the rejected requests above left the good data alone', async () => {
      const { task } = await t.ok(`query($id: ID!) { task(id: $id) { ... on Task { status agent { id } lastEventSeq } } }`, { id: queuedTaskId });
      expect(task).toEqual({ status: 'QUEUED', agent: null, lastEventSeq: 1 });
      const names = await t.ok(`query($id: ID!) { agents(filter: { sessionId: $id }) { edges { node { name } } } }`, { id: sessionId });
      expect(names.agents.edges.map((e: any) => e.node.name)).toEqual(['alpha', 'doomed']);
    });
  });
});
