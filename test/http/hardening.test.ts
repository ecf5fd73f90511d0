/**
 * GraphQL hardening: oversized operations are refused before any resolver runs (over HTTP and
 * WebSocket) while every operation the project ships or tests passes; "Did you mean" hints are
 * hidden; simple requests need the CSRF header; CORS follows CORS_ORIGINS; a WebSocket from a
 * foreign page is refused at the upgrade; mutations are rate limited per caller.
 */
import { getIntrospectionQuery, print, type DocumentNode, type GraphQLError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dashboardDocuments from '../../client/gql/graphql.js';
import * as sdkDocuments from '../../client/sdk/src/gql/graphql.js';
import { generateToken, hashToken } from '../../server/auth/token-secret.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { insertApiToken } from '../../server/db/repositories/api-token.repository.js';
import { CSRF_HEADER } from '../../server/http/csrf.js';
import { GRAPHIQL_EXAMPLE_TABS } from '../../server/http/graphiql-examples.js';
import { isSameOrigin, OriginPolicy } from '../../server/http/origin-policy.js';
import { QUERY_LIMITS, QUERY_TOO_COMPLEX, type QueryLimit } from '../../server/http/query-limits.js';
import { RATE_LIMITED } from '../../server/http/rate-limit-mutations.js';
import { TokenBuckets } from '../../server/http/token-buckets.js';
import { newId } from '../../server/ids.js';
import * as testOperations from '../support/operations.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

const LISTED_ORIGIN = 'https://ops.example.com';
const FOREIGN_ORIGIN = 'https://evil.example';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** A POST as a program sends it (JSON, so no CSRF header is needed). */
function post(url: string, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

/** Which of graphql-armor's and our limits a request hit, with the rest of the answer. */
async function refusal(response: Response) {
  const body = (await response.json()) as GraphQLResponse;
  const limits = (body.errors ?? []).filter((e) => e.extensions?.code === QUERY_TOO_COMPLEX).map((e) => e.extensions?.limit);
  return { status: response.status, body, limits };
}

const repeat = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i)).join('\n');

/** For each limit, an operation just past it that is otherwise valid and reads `sessions`. */
const OVER_THE_LIMIT: Record<QueryLimit, string> = {
  // sessions > edges > node > (agents > session) x3 > name: ten levels of fields.
  depth: '{ sessions { edges { node { agents { session { agents { session { agents { session { name } } } } } } } } } }',
  // 100 tasks x 1000 events each.
  cost: '{ sessions { edges { cursor } } tasks(first: 100) { edges { node { events(first: 1000) { seq } } } } }',
  aliases: `{ ${repeat(QUERY_LIMITS.aliases + 1, (i) => `s${i}: sessions { edges { cursor } }`)} }`,
  directives: `{ ${repeat(QUERY_LIMITS.directives + 1, (i) => `s${i}: sessions @include(if: true) { edges { cursor } }`)} }`,
  tokens: `{ sessions { edges { ${'cursor '.repeat(QUERY_LIMITS.tokens)} } } }`,
  characters: `#${'x'.repeat(QUERY_LIMITS.characters)}\n{ sessions { edges { cursor } } }`,
};

/** Every operation the dashboard, the SDK, GraphiQL and the tests send. */
function shippedOperations(): { source: string; query: string }[] {
  const documents = (from: Record<string, unknown>, source: string) =>
    Object.entries(from)
      .filter(([, value]) => (value as DocumentNode | undefined)?.kind === 'Document')
      .map(([name, value]) => ({ source: `${source} ${name}`, query: print(value as DocumentNode) }));
  const tests = Object.entries(testOperations)
    .filter(([, value]) => typeof value === 'string')
    .map(([name, value]) => ({ source: `test/support/operations ${name}`, query: value as string }));
  const ids = repeat(40, (i) => `t${i}: task(id: "${Buffer.from(`Task:${newId()}`).toString('base64')}") { __typename ... on Task { id title status attempts error { type message } } }`);
  return [
    ...documents(dashboardDocuments, 'dashboard'),
    ...documents(sdkDocuments, 'sdk'),
    ...tests,
    ...GRAPHIQL_EXAMPLE_TABS.map((tab, i) => ({ source: `GraphiQL tab ${i}`, query: tab.query })),
    {
      source: 'introspection (GraphiQL, codegen)',
      query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }),
    },
    // test/http/two-nodes.test.ts and crash-restart.test.ts poll their tasks in one aliased query.
    { source: '40 aliased task lookups', query: `{ ${ids} }` },
    // test/api/batching.test.ts follows every relation, 7 fields deep.
    { source: 'nested relations', query: '{ tasks(first: 50) { edges { node { session { name agents { name session { name } } } } } } }' },
  ];
}

describe('GraphQL hardening', () => {
  let t: TestApp;
  const statements: string[] = [];
  const sessionReads = () => statements.filter((sql) => /from "sessions"/.test(sql)).length;

  beforeAll(async () => {
    t = await startTestApp({ environment: { CORS_ORIGINS: LISTED_ORIGIN, DASHBOARD_PORT: '0' }, onQuery: (event) => statements.push(event.query.sql) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('query limits', () => {
    /** The limits an operation breaks, through the server's own parse and validate (no resolver). */
    function limitsBroken(query: string): unknown[] {
      const { parse, validate, schema } = t.app.yoga.getEnveloped({});
      try {
        const errors: readonly GraphQLError[] = validate(schema, parse(query));
        return errors.filter((e) => e.extensions.code === QUERY_TOO_COMPLEX).map((e) => e.extensions.limit);
      } catch (error) {
        const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
        return extensions?.code === QUERY_TOO_COMPLEX ? [extensions.limit] : [];
      }
    }

    it('every operation the dashboard, the SDK, GraphiQL and the tests send passes them', () => {
      const operations = shippedOperations();
      expect(operations.length).toBeGreaterThan(60);
      const refused = operations.flatMap(({ source, query }) => limitsBroken(query).map((limit) => `${source}: ${String(limit)}`));
      expect(refused).toEqual([]);
      // The check itself sees the limits, in the validator and in the parser.
      expect(limitsBroken(OVER_THE_LIMIT.depth)).toEqual(['depth']);
      expect(limitsBroken(OVER_THE_LIMIT.tokens)).toEqual(['tokens']);
    });

    it('page sizes out of range still reach the resolver, which names the argument', async () => {
      for (const query of ['{ tasks(last: 500) { edges { cursor } } }', '{ sessions(first: 101) { edges { cursor } } }']) {
        const { body, limits } = await refusal(await post(t.url, query));
        expect(limits).toEqual([]);
        expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
      }
    });

    it('a control: the same reads within the limits do run', async () => {
      const before = sessionReads();
      const response = await post(t.url, '{ sessions { edges { node { agents { session { name } } } } } }');
      expect(response.status).toBe(200);
      expect(sessionReads()).toBeGreaterThan(before);
    });

    it.each(Object.keys(OVER_THE_LIMIT) as QueryLimit[])('an operation over the %s limit is refused before any resolver runs, without the number', async (limit) => {
      const before = sessionReads();
      const { status, body, limits } = await refusal(await post(t.url, OVER_THE_LIMIT[limit]));
      expect(status).toBe(400);
      expect(limits).toContain(limit);
      expect(body.data).toBeUndefined();
      const message = body.errors!.find((e) => e.extensions?.limit === limit)!.message;
      expect(message).toMatch(/^The operation was refused: /);
      expect(message).not.toMatch(/\d/);
      expect(sessionReads()).toBe(before);
    });

    it('over WebSocket too', async () => {
      const client = t.wsClient();
      for (const limit of ['depth', 'characters'] as const) {
        const before = sessionReads();
        const errors = await new Promise<unknown>((resolve) => {
          client.subscribe({ query: OVER_THE_LIMIT[limit] }, { next: resolve, error: resolve, complete: () => resolve('completed') });
        });
        expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: QUERY_TOO_COMPLEX, limit }) })]);
        expect(sessionReads()).toBe(before);
      }
    });

    it('validation errors do not suggest field names', async () => {
      const { body } = await refusal(await post(t.url, '{ sesions { edges { cursor } } sessions { edges { cursr } } }'));
      const messages = body.errors!.map((e) => e.message);
      expect(messages).toEqual(['Cannot query field "sesions" on type "Query".', 'Cannot query field "cursr" on type "QuerySessionsConnectionEdge".']);
    });
  });

  describe('CSRF prevention', () => {
    const get = (headers: Record<string, string> = {}) => fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}`, { headers });

    it('a GET without the header is refused (403); with it, answered', async () => {
      const refused = await get();
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ errors: [{ message: 'Required CSRF header(s) not present' }] });
      const allowed = await get({ [CSRF_HEADER]: '1' });
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toEqual({ data: { __typename: 'Query' } });
    });

    it('a POST a form could send is refused; a JSON POST needs no header', async () => {
      const body = JSON.stringify({ query: 'mutation { createSession(input: { name: "csrf" }) { __typename } }' });
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const response = await fetch(t.url, { method: 'POST', headers: { 'content-type': contentType }, body });
        expect(response.status).toBe(403);
      }
      expect(await t.gql('{ __typename }')).toEqual({ data: { __typename: 'Query' } });
      expect((await post(t.url, '{ __typename }')).status).toBe(200);
    });

    it('a malformed GET is still a 400 first', async () => {
      const response = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent('{bad')}`);
      expect(response.status).toBe(400);
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(t.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });

    it('a preflight from an origin in CORS_ORIGINS is allowed, with the headers the clients send and no credentials', async () => {
      const response = await preflight(LISTED_ORIGIN);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(LISTED_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual(expect.arrayContaining(['authorization', 'content-type', CSRF_HEADER]));
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const actual = await post(t.url, '{ __typename }', { origin: LISTED_ORIGIN });
      expect(actual.headers.get('access-control-allow-origin')).toBe(LISTED_ORIGIN);
    });

    it('any other origin gets no CORS headers, so the browser neither sends the request nor shows the answer', async () => {
      for (const origin of [FOREIGN_ORIGIN, 'null', `${LISTED_ORIGIN}.evil.example`]) {
        const response = await preflight(origin);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-headers')).toBeNull();
        expect((await post(t.url, '{ __typename }', { origin })).headers.get('access-control-allow-origin')).toBeNull();
      }
    });

    it('the server\'s own pages need none', async () => {
      const response = await post(t.url, '{ __typename }', { origin: `http://127.0.0.1:${t.port}` });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('WebSocket Origin', () => {
    /** The HTTP status of a refused upgrade, or 'ack' once graphql-ws acknowledged the connection. */
    function openWith(url: string, origin?: string): Promise<number | 'ack'> {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
        socket.once('unexpected-response', (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
        socket.on('message', (data) => {
          if (JSON.parse(String(data)).type !== 'connection_ack') return;
          resolve('ack');
          socket.close();
        });
        socket.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
      });
    }

    it('a page of a foreign origin is refused with 403; the server\'s own, a listed one and non-browsers are let in', async () => {
      expect(await openWith(t.wsUrl, FOREIGN_ORIGIN)).toBe(403);
      expect(await openWith(t.wsUrl, 'null')).toBe(403);
      // Same host, another port: another origin.
      expect(await openWith(t.wsUrl, `http://127.0.0.1:${t.port + 1}`)).toBe(403);
      expect(await openWith(t.wsUrl, `http://127.0.0.1:${t.port}`)).toBe('ack');
      expect(await openWith(t.wsUrl, LISTED_ORIGIN)).toBe('ack');
      expect(await openWith(t.wsUrl)).toBe('ack');
    });

    it('on the dashboard port, its own pages are the same origin and the API port\'s are not', async () => {
      const port = await t.app.listenDashboard();
      const url = `ws://127.0.0.1:${port}/graphql`;
      expect(await openWith(url, `http://127.0.0.1:${port}`)).toBe('ack');
      expect(await openWith(url, `http://127.0.0.1:${t.port}`)).toBe(403);
    });
  });
});

describe('mutation rate limit', () => {
  const PER_MINUTE = 3;
  let t: TestApp;
  const tokens: string[] = [];
  const inserts: string[] = [];
  const sessionInserts = () => inserts.filter((sql) => /insert into "sessions"/.test(sql)).length;
  const createSessions = (token: string, count: number) =>
    post(t.url, `mutation { ${repeat(count, (i) => `s${i}: createSession(input: { name: "limited-${newId()}-${i}" }) { __typename }`)} }`, {
      authorization: `Bearer ${token}`,
    });

  beforeAll(async () => {
    t = await startTestApp({ environment: { RATE_LIMIT_MUTATIONS_PER_MINUTE: String(PER_MINUTE) }, onQuery: (event) => inserts.push(event.query.sql) });
    for (const name of ['first', 'second']) {
      const token = generateToken();
      await insertApiToken(t.app.database.db, { id: newId(), name, role: 'admin', tokenHash: hashToken(token) });
      tokens.push(token);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('each mutation field counts; past the allowance a mutation gets RATE_LIMITED, HTTP 429 and Retry-After, and runs nothing', async () => {
    const [token] = tokens as [string];
    // Two aliased mutations in one operation count two.
    expect((await createSessions(token, 2)).status).toBe(200);
    expect((await createSessions(token, 1)).status).toBe(200);
    const before = sessionInserts();
    const refused = await createSessions(token, 1);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60 / PER_MINUTE);
    expect(await refused.json()).toEqual({
      errors: [{ message: expect.stringMatching(/^Too many mutations/), extensions: { code: RATE_LIMITED, retryAfterSeconds: retryAfter } }],
    });
    expect(sessionInserts()).toBe(before);
    // Reads are not limited.
    const read = await post(t.url, '{ sessions { edges { cursor } } }', { authorization: `Bearer ${token}` });
    expect(read.status).toBe(200);
  });

  it('the allowance is per token, and shared by HTTP and WebSocket', async () => {
    const [first, second] = tokens as [string, string];
    expect((await createSessions(second, 1)).status).toBe(200);
    const over = (token: string): Promise<unknown> => {
      const client: Client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      return new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'mutation { createSession(input: { name: "over-ws" }) { __typename } }' },
          { next: resolve, error: resolve, complete: () => undefined },
        );
      }).finally(() => client.dispose());
    };
    expect(await over(first)).toMatchObject({ errors: [{ extensions: { code: RATE_LIMITED } }] });
    expect(await over(second)).toEqual({ data: { createSession: { __typename: 'CreateSessionSuccess' } } });
  });
});

describe('TokenBuckets', () => {
  it('allows a burst of its capacity, then the steady rate, and says when to come back', () => {
    let now = 0;
    const buckets = new TokenBuckets(6, 60_000, () => now);
    expect(buckets.take('a', 4)).toEqual({ ok: true });
    expect(buckets.take('a', 2)).toEqual({ ok: true });
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 10_000 });
    expect(buckets.take('b')).toEqual({ ok: true });
    now = 9_999;
    expect(buckets.take('a').ok).toBe(false);
    now = 10_000;
    expect(buckets.take('a')).toEqual({ ok: true });
    now = 1_000_000;
    expect(buckets.take('a', 6)).toEqual({ ok: true });
  });

  it('a refusal takes nothing; a call of more than the capacity needs a full bucket', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 1_000, () => now);
    expect(buckets.take('a', 1)).toEqual({ ok: true });
    expect(buckets.take('a', 2)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(buckets.take('a', 1)).toEqual({ ok: true });
    now = 1_000;
    expect(buckets.take('a', 50)).toEqual({ ok: true });
    expect(buckets.take('a', 50)).toEqual({ ok: false, retryAfterMs: 1_000 });
  });

  it('forgets callers whose bucket has refilled, so memory stays bounded', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 1_000, () => now);
    for (let i = 0; i < 10_000; i++) buckets.take(`caller-${i}`);
    now = 1_000;
    buckets.take('one more');
    expect(buckets.size).toBeLessThan(10);
  });
});

describe('origins', () => {
  it('same origin means the Host the request came to, scheme aside, default ports normalised', () => {
    expect(isSameOrigin('http://127.0.0.1:6011', '127.0.0.1:6011')).toBe(true);
    expect(isSameOrigin('https://Control.Example.com', 'control.example.com:443')).toBe(true);
    expect(isSameOrigin('http://control.example.com', 'control.example.com')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:4005', '127.0.0.1:6011')).toBe(false);
    expect(isSameOrigin('http://localhost:6011', '127.0.0.1:6011')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:6011')).toBe(false);
    expect(isSameOrigin('file://', '127.0.0.1:6011')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:6011', undefined)).toBe(false);
    const policy = new OriginPolicy([LISTED_ORIGIN]);
    expect(policy.allows(LISTED_ORIGIN, '127.0.0.1:6011')).toBe(true);
    expect(policy.allows(FOREIGN_ORIGIN, '127.0.0.1:6011')).toBe(false);
  });

  it('CORS_ORIGINS takes origins only: normalised, and anything with a path refused by name', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://Ops.Example.com/, http://10.0.0.5:8080' }).corsOrigins).toEqual(['https://ops.example.com', 'http://10.0.0.5:8080']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    for (const bad of ['https://ops.example.com/app', '*', 'ftp://ops.example.com', 'ops.example.com']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });
});
