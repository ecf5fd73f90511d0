/**
 * The GraphQL operations the soak drives the server with, over HTTP (ServerProcess.gql), each
 * returning plain values; an expected-failure payload (a typed error) throws with its code.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { ServerProcess } from '../test/support/server-process.js';

export interface SoakAgent {
  id: string;
  /** The database id: the AGENT_RUN_TAG its processes carry. */
  rawId: string;
  status: string;
  pid: number | null;
  restartCount: number;
}

export interface TaskState {
  status: string;
  attempts: number;
}

export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export const rawIdOf = (globalId: string): string => decodeGlobalID(globalId).id;

/** The payload of a mutation whose result is `Success | Error` union: the success's field, else a throw. */
function successOf<T>(result: { __typename: string; code?: string; message?: string } & Record<string, unknown>, field: string): T {
  if (!result.__typename.endsWith('Success')) throw new Error(`${result.__typename}: ${result.code ?? ''} ${result.message ?? ''}`);
  return result[field] as T;
}

export async function createSession(server: ServerProcess, name: string): Promise<string> {
  const data = await server.gql(
    `mutation($name: String!) { createSession(input: { name: $name }) {
      __typename ... on CreateSessionSuccess { session { id } } ... on Error { code message } } }`,
    { name },
  );
  return successOf<{ id: string }>(data.createSession, 'session').id;
}

export async function createWorker(server: ServerProcess, sessionId: string, name: string): Promise<SoakAgent> {
  const data = await server.gql(
    `mutation($s: ID!, $n: String!) { createAgent(input: { sessionId: $s, name: $n, role: WORKER }) {
      __typename ... on CreateAgentSuccess { agent { id status pid restartCount } } ... on Error { code message } } }`,
    { s: sessionId, n: name },
  );
  const agent = successOf<Omit<SoakAgent, 'rawId'>>(data.createAgent, 'agent');
  return { ...agent, rawId: rawIdOf(agent.id) };
}

export async function createTask(server: ServerProcess, input: { sessionId: string; title: string; maxAttempts: number }): Promise<string> {
  const data = await server.gql(
    `mutation($input: CreateTaskInput!) { createTask(input: $input) {
      __typename ... on CreateTaskSuccess { task { id } } ... on Error { code message } } }`,
    { input },
  );
  return successOf<{ id: string }>(data.createTask, 'task').id;
}

export async function listAgents(server: ServerProcess, sessionId: string): Promise<SoakAgent[]> {
  const data = await server.gql(
    `query($s: ID!) { agents(filter: { sessionId: $s }, first: 100) { edges { node { id status pid restartCount } } } }`,
    { s: sessionId },
  );
  return data.agents.edges.map(({ node }: { node: Omit<SoakAgent, 'rawId'> }) => ({ ...node, rawId: rawIdOf(node.id) }));
}

/**
 * Status and attempts of each task, by global id (tasks the server does not know are left out).
 * The ids go in variables, as a client's would: a document per id list would fill the server's
 * parse and validation caches with documents no one sends twice.
 */
export async function taskStates(server: ServerProcess, ids: readonly string[]): Promise<Map<string, TaskState>> {
  const states = new Map<string, TaskState>();
  if (ids.length === 0) return states;
  const parameters = ids.map((_, i) => `$t${i}: ID!`).join(', ');
  const fields = ids.map((_, i) => `t${i}: task(id: $t${i}) { __typename ... on Task { status attempts } }`);
  const data = await server.gql(`query(${parameters}) { ${fields.join('\n')} }`, Object.fromEntries(ids.map((id, i) => [`t${i}`, id])));
  ids.forEach((id, i) => {
    const task = data[`t${i}`];
    if (task?.__typename === 'Task') states.set(id, { status: task.status, attempts: task.attempts });
  });
  return states;
}

/** Global ids of the session's tasks that have not ended (PENDING, QUEUED or RUNNING). */
export async function unfinishedTasks(server: ServerProcess, sessionId: string): Promise<string[]> {
  const data = await server.gql(
    `query($s: ID!) {
      pending: tasks(filter: { sessionId: $s, status: PENDING }, first: 100) { edges { node { id } } }
      queued: tasks(filter: { sessionId: $s, status: QUEUED }, first: 100) { edges { node { id } } }
      running: tasks(filter: { sessionId: $s, status: RUNNING }, first: 100) { edges { node { id } } }
    }`,
    { s: sessionId },
  );
  return [...data.pending.edges, ...data.queued.edges, ...data.running.edges].map((edge: { node: { id: string } }) => edge.node.id);
}
