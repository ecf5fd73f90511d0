/**
 * deploy/nginx.conf in front of a real server: the dashboard, GraphQL over HTTP, a graphql-ws
 * subscription (the WebSocket upgrade) and a server-sent-events stream all pass through it. Runs
 * where nginx is installed (.ci/run installs it); the compose file mounts this same file.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!existsSync(NGINX))('nginx in front (deploy/nginx.conf)', () => {
  let t: TestApp;
  let scratch: string;
  let nginx: ResultPromise;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ environment: { DASHBOARD_PORT: '0' } });
    const dashboardPort = await t.app.listenDashboard();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-nginx-'));
    // The shipped server block, pointed at this server instead of the compose service.
    const site = (await fs.readFile(path.join(ROOT, 'deploy/nginx.conf'), 'utf8'))
      .replace('server api:6011;', `server 127.0.0.1:${dashboardPort};`)
      .replace('listen 80;', `listen 127.0.0.1:${port};`);
    await fs.writeFile(path.join(scratch, 'site.conf'), site);
    await fs.writeFile(
      path.join(scratch, 'nginx.conf'),
      `pid ${scratch}/nginx.pid; error_log ${scratch}/error.log; worker_processes 1; events {}
       http { access_log off; client_body_temp_path ${scratch}/body; proxy_temp_path ${scratch}/proxy;
              fastcgi_temp_path ${scratch}/fastcgi; uwsgi_temp_path ${scratch}/uwsgi; scgi_temp_path ${scratch}/scgi;
              include ${scratch}/site.conf; }`,
    );
    nginx = execa(NGINX, ['-p', scratch, '-c', path.join(scratch, 'nginx.conf'), '-g', 'daemon off;'], { reject: false });
    await waitFor(async () => (await fetch(`${base}/`).then((r) => r.ok, () => false)) || undefined, 10_000, 'nginx to listen');
  });
  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await nginx;
    await t?.stop();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('serves the dashboard and answers GraphQL over HTTP through the proxy', async () => {
    expect(await (await fetch(`${base}/`)).text()).toContain('<div id="root">');
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ sessions(first: 1) { edges { node { id } } } }"}' });
    expect(await response.json()).toEqual({ data: { sessions: { edges: [] } } });
  });

  it('passes the WebSocket upgrade: a graphql-ws subscription from a page of the proxy\'s origin streams', async () => {
    const client = createClient({
      url: `${base.replace('http', 'ws')}/graphql`,
      // A browser page served through the proxy sends its origin: the server's same-origin check must pass.
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { origin: base });
        }
      },
      retryAttempts: 0,
    });
    try {
      const status = await new Promise<any>((resolve, reject) => {
        client.subscribe({ query: 'subscription { systemStatus { nodeId } }' }, { next: resolve, error: reject, complete: () => reject(new Error('completed')) });
      });
      expect(status.data.systemStatus.nodeId).toBe(t.app.config.nodeId);
    } finally {
      await client.dispose();
    }
  });

  it('streams server-sent events unbuffered', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { systemStatus { nodeId } }' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('"nodeId"')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(received).toContain(`"nodeId":"${t.app.config.nodeId}"`);
  });
});
