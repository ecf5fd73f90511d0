/**
 * Per-session secrets through the GraphQL API, with the fake CLI: set, list by name, replace and
 * delete; values never in a response, a log line or a stored row; only the agents of the session
 * get them (at their next process start); a sealed row moved to another session does not
 * decrypt; without ENCRYPTION_KEY setting one is refused with a typed error.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { AGENT } from '../support/operations.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const SET_SECRET = /* GraphQL */ `
  mutation SetSessionSecret($input: SetSessionSecretInput!) {
    setSessionSecret(input: $input) {
      __typename
      ... on SetSessionSecretSuccess { session { id secretNames } }
      ... on Error { code message }
      ... on InvalidInputError { field }
    }
  }
`;

const DELETE_SECRET = /* GraphQL */ `
  mutation DeleteSessionSecret($input: DeleteSessionSecretInput!) {
    deleteSessionSecret(input: $input) {
      __typename
      ... on DeleteSessionSecretSuccess { session { id secretNames } }
      ... on Error { code message }
      ... on InvalidInputError { field }
      ... on NotFoundError { entity field }
    }
  }
`;

const SECRET_NAMES = /* GraphQL */ `
  query SecretNames($id: ID!) {
    session(id: $id) { __typename ... on Session { secretNames } }
  }
`;

const RESTART_AGENT = /* GraphQL */ `
  mutation RestartAgent($id: ID!) {
    restartAgent(id: $id) { __typename ... on RestartAgentSuccess { agent { id status pid } } ... on Error { code message } }
  }
`;

/** A value no test could produce by chance, so finding it anywhere is a leak. */
const secretValue = (label: string) => `sk-ant-${label}-${randomUUID()}`;
const databaseId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

interface Launch {
  argv: string[];
  env: Record<string, string>;
}

/** The processes the fake CLI recorded for one agent (by its CLI session id), in start order. */
async function launchesOf(argvFile: string, cliSessionId: string): Promise<Launch[]> {
  const text = await fs.readFile(argvFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Launch)
    .filter((launch) => launch.argv.some((arg) => arg.endsWith(cliSessionId)));
}

/** The first `count` launches, once the fake CLI has recorded them (it does so as it starts, after the spawn). */
async function waitForLaunches(argvFile: string, cliSessionId: string, count: number): Promise<Launch[]> {
  return waitFor(async () => {
    const launches = await launchesOf(argvFile, cliSessionId);
    return launches.length >= count ? launches : undefined;
  }, 10_000, `${count} launch(es) of ${cliSessionId}`);
}

/** Every line the server logs, at every level. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'trace' }, sink), text: () => lines.join('') };
}

/** A selection of every Session field that takes no required argument (objects by __typename). */
async function everySessionField(t: TestApp): Promise<string> {
  const { __type } = await t.ok(/* GraphQL */ `{
    __type(name: "Session") {
      fields { name args { type { kind } } type { kind ofType { kind ofType { kind ofType { kind } } } } }
    }
  }`);
  const leafKinds = ['SCALAR', 'ENUM'];
  const innermost = (type: any): string => (type.ofType ? innermost(type.ofType) : type.kind);
  return __type.fields
    .filter((field: any) => !field.args.some((arg: any) => arg.type.kind === 'NON_NULL'))
    .map((field: any) => (leafKinds.includes(innermost(field.type)) ? field.name : `${field.name} { __typename }`))
    .join(' ');
}

describe('session secrets', () => {
  const logs = capturingLogger();
  const used: string[] = [];
  let t: TestApp;
  let scratch: string;
  let argvFile: string;

  const set = async (sessionId: string, name: string, value: string) => {
    used.push(value);
    return (await t.gql(SET_SECRET, { input: { sessionId, name, value } })) as any;
  };

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-secrets-'));
    argvFile = path.join(scratch, 'argv.jsonl');
    t = await startTestApp({
      // The server's own credential: agents of sessions without one of their own use it.
      agentEnvironment: { FAKE_CLAUDE_ARGV_FILE: argvFile, ANTHROPIC_AUTH_TOKEN: 'server-auth-token' },
      environment: { ENCRYPTION_KEY: randomBytes(32).toString('hex') },
      log: logs.log,
    });
  });
  afterAll(async () => {
    await t?.stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it('sets, lists by name (sorted), replaces and deletes', async () => {
    const sessionId = await createSession(t, 'crud');
    const first = await set(sessionId, 'GITHUB_TOKEN', secretValue('github'));
    expect(first.data.setSessionSecret).toEqual({ __typename: 'SetSessionSecretSuccess', session: { id: sessionId, secretNames: ['GITHUB_TOKEN'] } });
    await set(sessionId, 'ANTHROPIC_API_KEY', secretValue('anthropic'));
    // The same name again replaces the value.
    const replaced = await set(sessionId, 'GITHUB_TOKEN', secretValue('github-2'));
    expect(replaced.data.setSessionSecret.session.secretNames).toEqual(['ANTHROPIC_API_KEY', 'GITHUB_TOKEN']);

    const deleted = await t.ok(DELETE_SECRET, { input: { sessionId, name: 'GITHUB_TOKEN' } });
    expect(deleted.deleteSessionSecret).toEqual({ __typename: 'DeleteSessionSecretSuccess', session: { id: sessionId, secretNames: ['ANTHROPIC_API_KEY'] } });
    const again = await t.ok(DELETE_SECRET, { input: { sessionId, name: 'GITHUB_TOKEN' } });
    expect(again.deleteSessionSecret).toMatchObject({ __typename: 'NotFoundError', entity: 'SessionSecret', field: 'name' });
    expect((await t.ok(SECRET_NAMES, { id: sessionId })).session.secretNames).toEqual(['ANTHROPIC_API_KEY']);
  });

  it('refuses malformed names, names the server controls, an empty value and unknown sessions', async () => {
    const sessionId = await createSession(t, 'refusals');
    const value = secretValue('refused');
    for (const name of [
      'lower_case', '1STARTS_WITH_DIGIT', 'HAS-DASH', `A${'B'.repeat(64)}`, '',
      'PATH', 'HOME', 'AGENT_RUN_TAG', 'DISABLE_TELEMETRY', 'CLAUDE_CODE_MAX_RETRIES', 'HTTPS_PROXY',
      'NODE_OPTIONS', 'LD_PRELOAD', 'ANTHROPIC_BASE_URL',
    ]) {
      const result = (await set(sessionId, name, value)).data.setSessionSecret;
      expect(result, name).toMatchObject({ __typename: 'InvalidInputError', field: 'name' });
      expect(result.message).not.toContain(value);
    }
    expect((await set(sessionId, 'EMPTY', '')).data.setSessionSecret).toMatchObject({ __typename: 'InvalidInputError', field: 'value' });
    const tooLong = 'x'.repeat(32 * 1024 + 1);
    const long = (await set(sessionId, 'TOO_LONG', tooLong)).data.setSessionSecret;
    expect(long).toMatchObject({ __typename: 'InvalidInputError', field: 'value' });
    expect(long.message).not.toContain('xxxxxxxx');

    const unknown = Buffer.from(`Session:${randomUUID()}`).toString('base64');
    expect((await set(unknown, 'TOKEN', value)).data.setSessionSecret).toMatchObject({ __typename: 'NotFoundError' });
    expect((await set('not-an-id', 'TOKEN', value)).data.setSessionSecret).toMatchObject({ __typename: 'InvalidInputError', field: 'sessionId' });
    expect((await t.ok(SECRET_NAMES, { id: sessionId })).session.secretNames).toEqual([]);
  });

  it('never returns a value: not in any Session field, a mutation result, or a malformed request', async () => {
    const sessionId = await createSession(t, 'no-values');
    const value = secretValue('hidden');
    const responses: unknown[] = [await set(sessionId, 'SERVICE_TOKEN', value)];
    const fields = await everySessionField(t);
    expect(fields).toContain('secretNames');
    responses.push(await t.gql(`query ($id: ID!) { session(id: $id) { ... on Session { ${fields} } } }`, { id: sessionId }));
    responses.push(await t.gql(`{ sessions(first: 100) { edges { node { ${fields} } } } }`));
    // Requests the server rejects before any resolver runs: an unknown field, a missing one, a wrong type.
    responses.push(await t.gql(SET_SECRET, { input: { sessionId, name: 'SERVICE_TOKEN', value, extra: 1 } }));
    responses.push(await t.gql(SET_SECRET, { input: { name: 'SERVICE_TOKEN', value } }));
    responses.push(await t.gql(SET_SECRET, { input: { sessionId, name: 42, value } }));
    responses.push(await t.gql(SET_SECRET, { input: { sessionId, name: 'SERVICE_TOKEN', value: { nested: value } } }));
    for (const response of responses) expect(JSON.stringify(response)).not.toContain(value);
    // The rejected requests still say what was wrong.
    expect(JSON.stringify(responses[3])).toContain('extra');
    expect(JSON.stringify(responses[4])).toContain('sessionId');
  });

  it("gives the secrets to the session's agents only, decrypted at each process start", async () => {
    const sessionA = await createSession(t, 'session-a');
    const sessionB = await createSession(t, 'session-b');
    const keyA = secretValue('key-a');
    await set(sessionA, 'ANTHROPIC_API_KEY', keyA);
    await set(sessionA, 'CLAUDE_TEAM_TOKEN', secretValue('team-a'));
    const agentA = await createAgent(t, sessionA, { name: 'agent-a' });
    const agentB = await createAgent(t, sessionB, { name: 'agent-b' });

    const [launchA] = await waitForLaunches(argvFile, agentA.cliSessionId, 1);
    const [launchB] = await waitForLaunches(argvFile, agentB.cliSessionId, 1);
    expect(launchA!.env.ANTHROPIC_API_KEY).toBe(keyA);
    expect(launchA!.env.CLAUDE_TEAM_TOKEN).toMatch(/^sk-ant-team-a-/);
    // The session's key is not outranked by the server's token: A's agents do not get it; B's do.
    expect(launchA!.env).not.toHaveProperty('ANTHROPIC_AUTH_TOKEN');
    expect(launchB!.env.ANTHROPIC_AUTH_TOKEN).toBe('server-auth-token');
    expect(launchB!.env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(launchB!.env).not.toHaveProperty('CLAUDE_TEAM_TOKEN');
    expect(JSON.stringify(launchB)).not.toContain('sk-ant-');

    // A change applies from the agent's next process; the running one keeps what it started with.
    const rotated = secretValue('key-a-rotated');
    await set(sessionA, 'ANTHROPIC_API_KEY', rotated);
    expect(await launchesOf(argvFile, agentA.cliSessionId)).toHaveLength(1);
    expect((await t.ok(RESTART_AGENT, { id: agentA.id })).restartAgent.__typename).toBe('RestartAgentSuccess');
    const launches = await waitForLaunches(argvFile, agentA.cliSessionId, 2);
    expect(launches[1]!.env.ANTHROPIC_API_KEY).toBe(rotated);
  });

  it("masks a secret in what the agent writes (transcript, result)", async () => {
    const sessionId = await createSession(t, 'masked-output');
    const key = secretValue('echoed');
    await set(sessionId, 'ANTHROPIC_API_KEY', key);
    const agent = await createAgent(t, sessionId, { name: 'echo' });
    // The fake CLI answers with the prompt, so the answer repeats the value.
    const task = await createTask(t, { sessionId, title: `repeat ${key}`, agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id);
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.result).toBe('Hello! You said: repeat ***');
    expect(JSON.stringify(ended.events)).not.toContain(key);
  });

  it('stores only ciphertext, with a fresh IV per write', async () => {
    const sessionId = await createSession(t, 'at-rest');
    const value = secretValue('at-rest');
    await set(sessionId, 'STORED_TOKEN', value);
    const read = () =>
      t.app.database.db.selectFrom('sessionSecrets').selectAll().where('sessionId', '=', databaseId(sessionId)).executeTakeFirstOrThrow();
    const first = await read();
    expect(Buffer.from(first.iv)).toHaveLength(12);
    expect(Buffer.from(first.authTag)).toHaveLength(16);
    for (const column of [first.ciphertext, first.iv, first.authTag]) {
      expect(Buffer.from(column).includes(Buffer.from(value))).toBe(false);
      expect(Buffer.from(column).toString('latin1')).not.toContain(value.slice(-12));
    }
    await set(sessionId, 'STORED_TOKEN', value);
    const second = await read();
    expect(Buffer.from(second.iv).equals(Buffer.from(first.iv))).toBe(false);
    expect(Buffer.from(second.ciphertext).equals(Buffer.from(first.ciphertext))).toBe(false);
  });

  it('a sealed row copied to another session does not decrypt: its agent does not start', async () => {
    const owner = await createSession(t, 'owner');
    const thief = await createSession(t, 'thief');
    const value = secretValue('moved');
    await set(owner, 'ANTHROPIC_API_KEY', value);
    const { db } = t.app.database;
    const row = await db.selectFrom('sessionSecrets').selectAll().where('sessionId', '=', databaseId(owner)).executeTakeFirstOrThrow();
    await db.insertInto('sessionSecrets').values({ ...row, sessionId: databaseId(thief) }).execute();
    await expect(t.app.services.sessionSecrets.environmentFor(databaseId(thief))).rejects.toThrow(/could not be decrypted/);

    const agent = await createAgent(t, thief, { name: 'thief-agent' });
    expect(agent.status).toBe('ERROR');
    expect(agent.lastError).toMatch(/ANTHROPIC_API_KEY.*could not be decrypted/);
    expect(agent.lastError).not.toContain(value);
    expect(await launchesOf(argvFile, agent.cliSessionId)).toEqual([]);
    const { agent: read } = await t.ok(AGENT, { id: agent.id });
    expect(JSON.stringify(read)).not.toContain(value);
  });

  it('logs no secret value (every level, over all the tests above)', () => {
    const text = logs.text();
    // The tests above did log: spawns, exits, requests.
    expect(text).toContain('agent process started');
    // Only the lines that leak, so a failure stays readable.
    const values = used.filter((value) => value.length > 0);
    const leaks = text.split('\n').filter((line) => values.some((value) => line.includes(value)));
    expect(leaks).toEqual([]);
  });
});

describe('session secrets without ENCRYPTION_KEY', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the server runs; setting a secret is refused with EncryptionNotConfiguredError, and nothing is stored', async () => {
    const sessionId = await createSession(t, 'no-key');
    const value = secretValue('no-key');
    const result = await t.ok(SET_SECRET, { input: { sessionId, name: 'ANTHROPIC_API_KEY', value } });
    expect(result.setSessionSecret).toMatchObject({ __typename: 'EncryptionNotConfiguredError', code: 'ENCRYPTION_NOT_CONFIGURED' });
    expect(result.setSessionSecret.message).toContain('ENCRYPTION_KEY');
    expect(JSON.stringify(result)).not.toContain(value);
    expect((await t.ok(SECRET_NAMES, { id: sessionId })).session.secretNames).toEqual([]);
    // Agents of sessions without secrets start as before.
    const agent = await createAgent(t, sessionId, { name: 'plain' });
    expect(agent.status).toBe('IDLE');
  });
});
