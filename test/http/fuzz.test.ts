/**
 * Random operations against a real server over HTTP: queries and mutations built from the
 * schema (every root field, nested selections up to four fields deep, union members), with
 * arguments passed as variables and now and then mutated (wrong types, nulls, missing, extra
 * fields, huge or hostile strings). Mutations only touch a throwaway database. Every answer must
 * be below HTTP 500, and every error either an expected one (a typed code, a GraphQL request
 * error about a variable) or Yoga's mask; the server must still answer afterwards.
 * FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes its length.
 */
import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../server/auth/token-secret.js';
import { insertApiToken } from '../../server/db/repositories/api-token.repository.js';
import { QUERY_TOO_COMPLEX } from '../../server/http/query-limits.js';
import { RATE_LIMITED } from '../../server/http/rate-limit-mutations.js';
import { newId } from '../../server/ids.js';
import { createAgent, createSession, createTask } from '../support/fixtures.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
/** Fields deep, the root field included. */
const MAX_DEPTH = 4;

type Generate = fc.GeneratorValue;
type GraphQLError = NonNullable<GraphQLResponse['errors']>[number];

/** Codes of expected failures: every DomainError (read from its source, so new ones count) and the request-level ones. */
const EXPECTED_CODES = new Set([
  ...[...fs.readFileSync(new URL('../../server/errors.ts', import.meta.url), 'utf8').matchAll(/readonly code = '([A-Z_]+)'/g)].map((m) => m[1]),
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  QUERY_TOO_COMPLEX,
  RATE_LIMITED,
]);
/** graphql-js's own refusal of a variable's value, before any resolver runs (these carry no code). */
const VARIABLE_ERROR = /^Variable "\$v\d+" (got invalid value|of required type "[^"]+" was not provided|of non-null type "[^"]+" must not be null)/;

/**
 * What an error is. Precise on purpose: "masked" is exactly Yoga's mask, with nothing of the
 * original attached; "expected" is a known code, or graphql-js refusing a variable (no path:
 * nothing ran); anything else is an internal error that leaked.
 */
function classify(error: GraphQLError): 'expected' | 'masked' | 'leaked' {
  const code = error.extensions?.code;
  if (error.message === 'Unexpected error.' && code === 'INTERNAL_SERVER_ERROR') {
    return Object.keys(error.extensions ?? {}).every((key) => key === 'code' || key === 'unexpected') ? 'masked' : 'leaked';
  }
  if (typeof code === 'string' && EXPECTED_CODES.has(code)) return 'expected';
  if (code === undefined && !error.path && VARIABLE_ERROR.test(error.message)) return 'expected';
  return 'leaked';
}

/** Builds one operation: its text and its variables. */
class OperationBuilder {
  private readonly definitions: string[] = [];
  private readonly variables: Record<string, unknown> = {};

  constructor(
    private readonly g: Generate,
    private readonly schema: GraphQLSchema,
    private readonly ids: readonly string[],
  ) {}

  build(): { query: string; variables: Record<string, unknown> } {
    const kind = this.g(fc.constantFrom, 'query', 'query', 'mutation');
    const root = kind === 'query' ? this.schema.getQueryType()! : this.schema.getMutationType()!;
    const fields = this.pick(Object.values(root.getFields()), kind === 'query' ? 3 : 2);
    const selections = fields.map((field, i) => `f${i}: ${this.field(field, MAX_DEPTH)}`);
    const header = this.definitions.length > 0 ? `(${this.definitions.join(', ')})` : '';
    return { query: `${kind} Fuzz${header} { ${selections.join(' ')} }`, variables: this.variables };
  }

  /** `name(args) { … }`, or undefined when it needs a selection and no depth is left. */
  private field(field: GraphQLField<unknown, unknown>, depthLeft: number): string {
    const args = field.args.map((arg) => this.argument(arg)).filter(Boolean);
    const call = `${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}`;
    return isLeafType(getNamedType(field.type)) ? call : `${call} { ${this.selection(field.type, depthLeft - 1)} }`;
  }

  private selection(type: GraphQLOutputType, depthLeft: number): string {
    const named = getNamedType(type);
    if (isUnionType(named) || isInterfaceType(named)) {
      const members = this.schema.getPossibleTypes(named);
      const memberName = this.g(fc.constantFrom, ...members.map((m) => m.name));
      const member = members.find((m) => m.name === memberName)!;
      const own = isInterfaceType(named) ? this.fieldsOf(Object.values(named.getFields()), depthLeft) : [];
      return ['__typename', ...own, `... on ${member.name} { ${this.selection(member, depthLeft)} }`].join(' ');
    }
    if (!isObjectType(named)) return '__typename';
    return ['__typename', ...this.fieldsOf(Object.values(named.getFields()), depthLeft)].join(' ');
  }

  private fieldsOf(fields: GraphQLField<unknown, unknown>[], depthLeft: number): string[] {
    // Object fields need a level more; none is left at the bottom.
    const reachable = fields.filter((f) => depthLeft > 1 || isLeafType(getNamedType(f.type)));
    if (depthLeft < 1 || reachable.length === 0) return [];
    return this.pick(reachable, 3).map((f) => this.field(f, depthLeft));
  }

  private oneIn(n: number): boolean {
    return this.g(fc.integer, { min: 1, max: n }) === 1;
  }

  /** One to `most` of the fields, chosen by name (so that a failure prints readably). */
  private pick(fields: GraphQLField<unknown, unknown>[], most: number): GraphQLField<unknown, unknown>[] {
    const names = this.g(fc.shuffledSubarray, fields.map((f) => f.name), { minLength: 1, maxLength: Math.min(most, fields.length) });
    return names.map((name) => fields.find((f) => f.name === name)!);
  }

  /** `name: $vN`, its variable declared with the argument's type; optional ones are often left out. */
  private argument(arg: GraphQLArgument): string | undefined {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!required && !this.oneIn(3)) return undefined;
    const name = `v${this.definitions.length}`;
    this.definitions.push(`$${name}: ${String(arg.type)}`);
    // Now and then a required one is missing altogether.
    if (!(required && this.oneIn(50))) this.variables[name] = this.value(arg.type);
    return `${arg.name}: $${name}`;
  }

  private value(type: GraphQLInputType): unknown {
    if (this.oneIn(50)) return this.g(() => WRONG_VALUES);
    if (isNonNullType(type)) return this.present(type.ofType);
    return this.oneIn(10) ? null : this.present(type);
  }

  /** A value of a nullable type's own kind (never null itself). */
  private present(type: GraphQLInputType): unknown {
    if (isNonNullType(type)) return this.present(type.ofType);
    if (isListType(type)) return Array.from({ length: this.g(fc.integer, { min: 0, max: 3 }) }, () => this.value(type.ofType));
    if (isEnumType(type)) return this.g(fc.constantFrom, ...type.getValues().map((v) => v.name));
    if (isInputObjectType(type)) {
      const object: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (required || this.g(fc.boolean)) object[field.name] = this.value(field.type);
      }
      if (this.oneIn(50)) object.unexpectedField = 'x';
      return object;
    }
    switch (type.name) {
      case 'ID':
        return this.g(fc.constantFrom, ...this.ids);
      case 'Int':
        return this.g(() => INTS);
      case 'Float':
        return this.g(() => FLOATS);
      case 'Boolean':
        return this.g(fc.boolean);
      case 'DateTime':
        return this.g(() => DATES);
      case 'JSON':
        return this.g(fc.jsonValue, { maxDepth: 2 });
      default:
        return this.g(() => STRINGS);
    }
  }
}

// No capital letters: the fake CLI takes upper-case words in a prompt as scripted behaviours.
const TEXT = fc.string({ unit: fc.constantFrom(...'abcxyz -_/.:,"\'\\\n\té🙂$%{}'.split('')), maxLength: 30 });
const STRINGS = fc.oneof(
  TEXT,
  fc.constantFrom('', ' ', '../../..', '/etc/passwd', '--dangerously-skip-permissions', '-rf', 'bash(rm:*)', '\u0000', 'x'.repeat(600), 'claude-x', 'sonnet'),
);
const INTS = fc.oneof(fc.integer({ min: -3, max: 120 }), fc.constantFrom(0, 1, 100, 101, 1_000, 1_001, 2 ** 31 - 1, -(2 ** 31)));
const FLOATS = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, -0.01, 1e-9, 1e300));
const DATES = fc.oneof(
  fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('', 'yesterday', '2024-13-45T99:00:00Z', '0'),
);
/** Values of the wrong shape for whatever was asked. */
const WRONG_VALUES = fc.constantFrom<unknown>(null, 'x', '', -1, 1.5, 2 ** 53, true, {}, [], [[]], { nested: { deeper: [1] } }, 'A'.repeat(1_100));

describe('fuzzing the GraphQL API', () => {
  let t: TestApp;
  let authorization: string;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ environment: { CLAUDE_MAX_AGENTS: '2', RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000' } });
    // Objects of a throwaway session, for the ids the operations use (before the token ends local mode).
    const sessionId = await createSession(t, 'fuzz');
    const agent = await createAgent(t, sessionId, { name: 'fuzz-agent' });
    const task = await createTask(t, { sessionId, title: 'fuzz task', agentId: agent.id });
    ids.push(sessionId, agent.id, task.id);
    const global = (typename: string) => Buffer.from(`${typename}:${newId()}`).toString('base64');
    ids.push(...['Session', 'Agent', 'Task', 'Communication', 'Incident', 'ApiToken'].map(global));
    ids.push('', 'x', 'not-an-id', newId(), Buffer.from('Task:not-a-uuid').toString('base64'), 'x'.repeat(300));
    // An admin token: a createApiToken the fuzzer makes would otherwise end local mode halfway.
    const token = generateToken();
    await insertApiToken(t.app.database.db, { id: newId(), name: 'fuzz', role: 'admin', tokenHash: hashToken(token) });
    authorization = `Bearer ${token}`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it(`${RUNS} random operations: no 5xx, no leaked error, the server still answers`, { timeout: 180_000 }, async () => {
    console.log(`[fuzz] seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} runs`);
    const { schema } = t.app.yoga.getEnveloped({});
    const tally = { withData: 0, expected: 0, masked: 0, statuses: {} as Record<number, number> };
    const masked: string[] = [];
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const operation = new OperationBuilder(g, schema, ids).build();
        const response = await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization },
          body: JSON.stringify(operation),
        });
        const text = await response.text();
        const context = () => `${JSON.stringify(operation).slice(0, 3_000)}\n-> HTTP ${response.status} ${text.slice(0, 2_000)}`;
        tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1;
        expect(response.status, context()).toBeLessThan(500);
        const body = JSON.parse(text) as GraphQLResponse;
        expect(body.data !== undefined || (body.errors?.length ?? 0) > 0, context()).toBe(true);
        if (body.data) tally.withData += 1;
        for (const error of body.errors ?? []) {
          const kind = classify(error);
          expect(kind, `${context()}\nleaked: ${JSON.stringify(error)}`).not.toBe('leaked');
          tally[kind as Exclude<typeof kind, 'leaked'>] += 1;
          if (kind === 'masked' && masked.length < 5) masked.push(`${error.path?.join('.')} in ${operation.query}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    console.log(`[fuzz] ${RUNS} operations in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(tally)}`);
    if (masked.length > 0) console.log(`[fuzz] masked errors (unexpected failures, worth a look):\n  ${masked.join('\n  ')}`);
    expect((await fetch(t.url.replace('/graphql', '/healthz'))).status).toBe(200);
    const after = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ systemStatus { activeAgents } }' }),
    });
    expect(await after.json()).toMatchObject({ data: { systemStatus: { activeAgents: expect.any(Number) } } });
  });
});
