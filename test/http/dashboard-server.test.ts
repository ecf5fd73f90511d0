/**
 * The dashboard's own port: the built app (index.html for every client route, hashed assets
 * cached for good) and /graphql beside it over HTTP and WebSocket, so the page needs one origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

describe('the dashboard port', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ environment: { DASHBOARD_PORT: '0' } });
    base = `http://127.0.0.1:${await t.app.listenDashboard()}`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('serves the app, with index.html for client routes and immutable hashed assets', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${base}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    // A deep link is the app too: it routes on the client.
    expect(await (await fetch(`${base}/tasks/whatever`)).text()).toBe(html);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('answers GraphQL over HTTP and WebSocket on the same origin', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ systemStatus { activeAgents } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { systemStatus: { activeAgents: expect.any(Number) } } });

    const ws = createClient({ url: `${base.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
    try {
      const sessions = collect(ws, 'subscription { systemStatus { activeAgents } }', {});
      await waitFor(async () => (sessions.values.length > 0 ? true : undefined), 10_000, 'a systemStatus event');
    } finally {
      await ws.dispose();
    }
  });
});
