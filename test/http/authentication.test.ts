/**
 * API tokens: local mode on a loopback address until a token exists, then a valid bearer token on
 * every HTTP request and in every WebSocket's connectionParams (4403 otherwise, and for an open
 * socket once its token is revoked); a server bound to another address refuses to start without
 * one; `npm run token` creates, lists and revokes them.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { execa } from 'execa';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../server/auth/token-secret.js';
import { insertApiToken, revokeApiToken } from '../../server/db/repositories/api-token.repository.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { insertSession } from '../../server/db/repositories/session.repository.js';
import { newId } from '../../server/ids.js';
import { createLogger } from '../../server/logger.js';
import { runServerToExit } from '../support/server-process.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const QUERY = JSON.stringify({ query: '{ systemStatus { activeAgents } }' });

/** Opens a graphql-ws socket and reports how it ended up: acknowledged, or closed with a code. */
function connect(url: string, authorization?: string): Promise<{ socket: WebSocket; outcome: 'ack' | number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ socket, outcome: 'ack' });
    });
    socket.once('close', (code) => resolve({ socket, outcome: code }));
    socket.once('error', reject);
  });
}

describe('API tokens', () => {
  let t: TestApp;
  let token: string;
  let tokenId: string;
  const post = (authorization?: string) =>
    fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: QUERY });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('local mode: on a loopback address with no token, no token is needed', async () => {
    expect((await post()).status).toBe(200);
    expect((await connect(t.wsUrl)).outcome).toBe('ack');
  });

  it('local mode admits only requests addressed to a loopback name (a rebinding page sends its own)', async () => {
    const rebound = `evil.example:${t.port}`;
    const viaHost = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(t.url, { method: 'POST', headers: { host, origin: `http://${host}`, 'content-type': 'application/json' } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        request.once('error', reject);
        request.end(QUERY);
      });
    expect(await viaHost(rebound)).toBe(401);
    for (const host of [`localhost:${t.port}`, `127.0.0.1:${t.port}`, 'LOCALHOST']) expect(await viaHost(host), host).toBe(200);
    const socket = await new Promise<number | 'ack'>((resolve, reject) => {
      const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws', { headers: { host: rebound }, origin: `http://${rebound}` });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('message', (data) => JSON.parse(String(data)).type === 'connection_ack' && resolve('ack'));
      ws.once('close', (code) => resolve(code));
      ws.once('error', reject);
    });
    expect(socket).toBe(4403);
  });

  it('once a token exists: HTTP needs it (401 UNAUTHENTICATED otherwise), GraphiQL and health stay open', async () => {
    token = generateToken();
    tokenId = newId();
    await insertApiToken(t.app.database.db, { id: tokenId, name: 'ci', role: 'operator', tokenHash: hashToken(token) });
    // Local mode ends within its cache time.
    const refused = await waitFor(async () => {
      const response = await post();
      return response.status === 401 ? response : undefined;
    }, 10_000);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((await post(`Bearer ${generateToken()}`)).status).toBe(401);
    expect((await post('Basic abc')).status).toBe(401);
    const allowed = await post(`Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ data: { systemStatus: { activeAgents: expect.any(Number) } } });
    const graphiql = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect((await fetch(t.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });

  it('WebSocket: a missing or unknown token is closed with 4403; a valid one is acknowledged', async () => {
    expect((await connect(t.wsUrl)).outcome).toBe(4403);
    expect((await connect(t.wsUrl, `Bearer ${generateToken()}`)).outcome).toBe(4403);
    const { socket, outcome } = await connect(t.wsUrl, `Bearer ${token}`);
    expect(outcome).toBe('ack');
    socket.close();
  });

  it('a revoked token: refused on HTTP and on new sockets, and an open socket is closed with 4403', async () => {
    const { socket, outcome } = await connect(t.wsUrl, `Bearer ${token}`);
    expect(outcome).toBe('ack');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    expect(await revokeApiToken(t.app.database.db, tokenId)).toMatchObject({ id: tokenId, revokedAt: expect.any(Date) });
    expect(await closed).toBe(4403);
    expect((await post(`Bearer ${token}`)).status).toBe(401);
    expect((await connect(t.wsUrl, `Bearer ${token}`)).outcome).toBe(4403);
  }, 30_000);
});

describe('starting on a non-loopback address', () => {
  it('refuses to start without a token, saying how to create one', async () => {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-auth-'));
    const database = await createTestDatabase();
    try {
      const result = await runServerToExit({ scratch, database: { ...database, dataDir: path.join(scratch, 'data') }, environment: { HOST: '0.0.0.0' } });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('npm run token -- create --role admin');
    } finally {
      await database.drop();
      await fs.rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('npm run token', () => {
  let scratch: string;
  const token = (...args: string[]) =>
    execa('npx', ['tsx', 'scripts/token.ts', ...args], { cwd: ROOT, reject: false, env: { DATA_DIR: path.join(scratch, 'data') } });

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-token-cli-'));
  });
  afterAll(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('creates a token shown once, lists it, revokes it; bad usage exits 2', async () => {
    const created = await token('create', '--role', 'admin', '--name', 'ops');
    expect(created.exitCode).toBe(0);
    const secret = /^(acp_[\w-]{43})$/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    const id = /\(id ([0-9a-f-]{36})\)/.exec(created.stdout)![1]!;
    const listed = await token('list');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('admin');
    expect(listed.stdout).not.toContain(secret!);
    expect((await token('revoke', id)).exitCode).toBe(0);
    expect((await token('list')).stdout).toMatch(/revoked/);
    expect((await token('revoke', id)).exitCode).toBe(2);
    expect((await token('create', '--role', 'root')).exitCode).toBe(2);
  }, 120_000);

  it('--sessions limits a viewer or operator token to existing sessions, by global id or UUID', async () => {
    const sessionId = newId();
    const database = await openDatabase({ dataDir: path.join(scratch, 'data'), statementTimeoutMs: 10_000, logger: createLogger('silent') });
    try {
      await migrateToLatest(database.db);
      await insertSession(database.db, { id: sessionId, name: 'limited', workingDirectory: scratch, status: 'ACTIVE', config: '{}' });
    } finally {
      await database.close();
    }
    const created = await token('create', '--role', 'operator', '--sessions', encodeGlobalID('Session', sessionId));
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain(`limited to sessions ${sessionId}`);
    expect((await token('list')).stdout).toMatch(new RegExp(`operator .*limited to sessions ${sessionId}`));
    expect((await token('create', '--role', 'viewer', '--sessions', sessionId)).exitCode).toBe(0);

    const unknown = await token('create', '--role', 'viewer', '--sessions', newId());
    expect([unknown.exitCode, unknown.stderr]).toEqual([2, expect.stringContaining('was not found')]);
    const admin = await token('create', '--role', 'admin', '--sessions', sessionId);
    expect([admin.exitCode, admin.stderr]).toEqual([2, expect.stringContaining('cannot be limited')]);
    expect((await token('create', '--role', 'viewer', '--sessions', 'nonsense')).exitCode).toBe(2);
  }, 120_000);

  it('refuses an embedded database another process has open, saying how to create the token instead', async () => {
    // A running server holds files of its folder open (and its postmaster.pid); this process stands in for it.
    const marker = path.join(scratch, 'data', 'postmaster.pid');
    await fs.writeFile(marker, '');
    const holder = execa('tail', ['-f', marker]);
    try {
      await waitFor(async () => ((await fs.readdir(`/proc/${holder.pid}/fd`)).length > 3 ? true : undefined), 5_000);
      const refused = await token('create', '--role', 'admin');
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain(`open in process ${holder.pid}`);
      expect(refused.stderr).toContain('createApiToken');
    } finally {
      holder.kill();
      await holder.catch(() => {});
      await fs.rm(marker, { force: true });
    }
    // Once nobody holds it, the command works again.
    expect((await token('list')).exitCode).toBe(0);
  }, 120_000);
});
