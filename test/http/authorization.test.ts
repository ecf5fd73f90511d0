/**
 * Roles, field by field: every mutation and subscription, and the admin-only reads, against a
 * viewer, an operator and an admin token, over HTTP through the real server. The matrix must
 * name every Mutation and Subscription field of the schema, so a new one cannot go unchecked.
 * Then the audit log: every mutation above is recorded with who called it and how it ended.
 */
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../server/auth/token-secret.js';
import { insertApiToken } from '../../server/db/repositories/api-token.repository.js';
import type { TokenRole } from '../../server/db/types.js';
import { newId } from '../../server/ids.js';
import { schema } from '../../server/schema/index.js';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const ROLES: TokenRole[] = ['viewer', 'operator', 'admin'];
const RANK: Record<TokenRole, number> = { viewer: 0, operator: 1, admin: 2 };
const missing = (type: string) => encodeGlobalID(type, randomUUID());

/** Each mutation with arguments that change nothing when allowed (unknown ids, invalid input), and the role it needs. */
const MUTATIONS: Record<string, { needs: TokenRole; query: string }> = {
  createSession: { needs: 'operator', query: `mutation { createSession(input: { name: "" }) { __typename } }` },
  createAgent: { needs: 'operator', query: `mutation { createAgent(input: { sessionId: "${missing('Session')}", name: "x", role: WORKER }) { __typename } }` },
  terminateAgent: { needs: 'operator', query: `mutation { terminateAgent(id: "${missing('Agent')}") { __typename } }` },
  restartAgent: { needs: 'operator', query: `mutation { restartAgent(id: "${missing('Agent')}") { __typename } }` },
  createTask: { needs: 'operator', query: `mutation { createTask(input: { sessionId: "${missing('Session')}", title: "x" }) { __typename } }` },
  assignTask: { needs: 'operator', query: `mutation { assignTask(taskId: "${missing('Task')}", agentId: "${missing('Agent')}") { __typename } }` },
  cancelTask: { needs: 'operator', query: `mutation { cancelTask(id: "${missing('Task')}") { __typename } }` },
  retryTask: { needs: 'operator', query: `mutation { retryTask(id: "${missing('Task')}") { __typename } }` },
  startWorkflow: { needs: 'operator', query: `mutation { startWorkflow(input: { sessionId: "${missing('Session')}", description: "x" }) { __typename } }` },
  sendMessage: { needs: 'operator', query: `mutation { sendMessage(agentId: "${missing('Agent')}", content: "x") { __typename } }` },
  setSessionSecret: { needs: 'operator', query: `mutation { setSessionSecret(input: { sessionId: "${missing('Session')}", name: "API_KEY", value: "x" }) { __typename } }` },
  deleteSessionSecret: { needs: 'operator', query: `mutation { deleteSessionSecret(input: { sessionId: "${missing('Session')}", name: "API_KEY" }) { __typename } }` },
  createApiToken: { needs: 'admin', query: `mutation { createApiToken(input: { name: "", role: VIEWER }) { __typename } }` },
  revokeApiToken: { needs: 'admin', query: `mutation { revokeApiToken(id: "${missing('ApiToken')}") { __typename } }` },
};

describe('roles', () => {
  let t: TestApp;
  const tokens = {} as Record<TokenRole, string>;
  let subscriptions: Record<string, string>;

  const call = async (role: TokenRole, query: string) => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  const forbidden = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.some((e) => e.extensions?.code === 'FORBIDDEN') ?? false;

  beforeAll(async () => {
    t = await startTestApp();
    // Objects to follow, made in local mode before any token exists.
    const sessionId = await createSession(t, 'roles');
    const agent = await createAgent(t, sessionId, { name: 'roles-worker' });
    const task = await createTask(t, { sessionId, agentId: agent.id, title: 'say hello' });
    await waitForTaskEnd(t, task.id);
    subscriptions = {
      taskEvents: `subscription { taskEvents(taskId: "${task.id}") { seq } }`,
      taskUpdated: `subscription { taskUpdated(sessionId: "${sessionId}") { id } }`,
      agentStatusUpdated: `subscription { agentStatusUpdated(sessionId: "${sessionId}") { seq } }`,
      agentCommunication: `subscription { agentCommunication(sessionId: "${sessionId}") { id } }`,
      systemStatus: `subscription { systemStatus { activeAgents } }`,
      incidentReported: `subscription { incidentReported { id } }`,
    };
    for (const role of ROLES) {
      tokens[role] = generateToken();
      await insertApiToken(t.app.database.db, { id: newId(), name: `${role}-token`, role, tokenHash: hashToken(tokens[role]) });
    }
    await waitFor(async () => ((await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' })).status === 401 ? true : undefined), 10_000);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the matrix names every mutation and subscription of the schema', () => {
    expect(Object.keys(MUTATIONS).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
    expect(Object.keys(subscriptions).sort()).toEqual(Object.keys(schema.getSubscriptionType()!.getFields()).sort());
  });

  it.each(ROLES)('mutations as %s: FORBIDDEN exactly where the role is below what the mutation needs', async (role) => {
    for (const [field, { needs, query }] of Object.entries(MUTATIONS)) {
      const result = await call(role, query);
      expect(result.errors?.filter((e) => e.extensions?.code !== 'FORBIDDEN') ?? [], field).toEqual([]);
      expect({ field, forbidden: forbidden(result) }).toEqual({ field, forbidden: RANK[role] < RANK[needs] });
      // Allowed, it ran and failed the ordinary way (nothing existed or the input was invalid).
      if (!forbidden(result)) expect(result.data?.[field]?.__typename, field).toMatch(/Error$/);
    }
  });

  it.each(ROLES)('subscriptions as %s: every one is allowed (viewers read)', async (role) => {
    // These send something at once (a replayed transcript, the current status): it must be data.
    const emitAtOnce = new Set(['taskEvents', 'systemStatus']);
    for (const [field, query] of Object.entries(subscriptions)) {
      const controller = new AbortController();
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tokens[role]}` },
        body: JSON.stringify({ query }),
        signal: controller.signal,
      });
      expect(response.status, field).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let received = '';
      // authorizeOnSubscribe: a refusal would be the first event, sent at once (keep-alive comments such as ":" aside).
      const firstEvent = () => /(^|\n\n)(event: [^]*?\n\n)/.exec(received)?.[2];
      const firstMessage = async () => {
        while (!firstEvent()) received += decoder.decode((await reader.read()).value ?? new Uint8Array(), { stream: true });
        return firstEvent()!;
      };
      const first = await Promise.race([firstMessage(), new Promise<string>((r) => setTimeout(() => r(firstEvent() ?? received), emitAtOnce.has(field) ? 10_000 : 300))]);
      expect(first, field).not.toContain('"errors"');
      if (emitAtOnce.has(field)) expect(first, field).toMatch(/^event: next\ndata: \{"data":\{/m);
      controller.abort();
    }
  });

  it('admin-only reads: tokens and the audit log, also through node lookups', async () => {
    const listed = await call('admin', '{ apiTokens { id name role revokedAt } }');
    expect(listed.data.apiTokens.map((token: any) => token.name)).toEqual(['viewer-token', 'operator-token', 'admin-token']);
    const tokenId = listed.data.apiTokens[0].id;
    for (const role of ['viewer', 'operator'] as const) {
      expect(forbidden(await call(role, '{ apiTokens { id } }'))).toBe(true);
      expect(forbidden(await call(role, '{ auditLog(first: 1) { edges { node { id } } } }'))).toBe(true);
      expect(forbidden(await call(role, `{ node(id: "${tokenId}") { id ... on ApiToken { name } } }`))).toBe(true);
    }
    expect((await call('admin', `{ node(id: "${tokenId}") { ... on ApiToken { name } } }`)).data.node).toEqual({ name: 'viewer-token' });
    // Viewers read everything else.
    const read = await call('viewer', '{ sessions(first: 5) { edges { node { name agents { name } } } } }');
    expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();
  });

  it('the audit log has every mutation: who, what, and how it ended', async () => {
    const created = await call('admin', 'mutation Issue { createApiToken(input: { name: "ci", role: VIEWER }) { __typename ... on CreateApiTokenSuccess { created { secret } } } }');
    expect(created.data.createApiToken.created.secret).toMatch(/^acp_/);
    const { data } = await call('admin', '{ auditLog(last: 100) { edges { node { actor role fields outcome errorCodes operationName token { name } } } } }');
    // What the tokens did (the setup ran in local mode before them).
    const entries = data.auditLog.edges.map((e: any) => e.node).filter((e: any) => e.actor !== 'local');
    const mutations = Object.keys(MUTATIONS).length;
    // Every attempt of every role, then the token just created.
    expect(entries).toHaveLength(3 * mutations + 1);
    const byViewer = entries.filter((e: any) => e.actor === 'viewer-token');
    expect(byViewer).toHaveLength(mutations);
    expect(byViewer.filter((e: any) => !(e.outcome === 'ERROR' && e.errorCodes.includes('FORBIDDEN') && e.role === 'VIEWER'))).toEqual([]);
    const byOperator = entries.filter((e: any) => e.actor === 'operator-token');
    expect(byOperator.filter((e: any) => e.outcome === 'REFUSED')).toHaveLength(mutations - 2);
    expect(byOperator.find((e: any) => e.fields[0] === 'createTask')).toMatchObject({ outcome: 'REFUSED', errorCodes: ['NOT_FOUND'], token: { name: 'operator-token' } });
    expect(entries.at(-1)).toMatchObject({ actor: 'admin-token', fields: ['createApiToken'], outcome: 'OK', errorCodes: [], operationName: 'Issue' });
    // Arguments are not kept.
    expect(JSON.stringify(entries)).not.toContain('"ci"');
  });
});
