/**
 * The dashboard's graphcache configuration against the checked-in SDL (the types without ids),
 * and the list updates that keep filtered lists in step with pushed tasks and agents.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, isObjectType } from 'graphql';
import type { Cache } from '@urql/exchange-graphcache';
import { describe, expect, it } from 'vitest';
import { agentMatchesFilter, KEYLESS_TYPES, syncListMembership, taskMatchesFilter } from '../../client/dashboard/src/api/cache-config.js';

const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

describe('graphcache keys', () => {
  it('lists exactly the object types that have no id of their own', () => {
    const withoutId = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__') && !ROOTS.has(type.name))
      .filter((type) => isObjectType(type) && (!type.getFields().id || type.name === 'NotFoundError'))
      .map((type) => type.name)
      .sort();
    expect([...KEYLESS_TYPES].sort()).toEqual(withoutId);
  });
});

describe('filters of pushed objects', () => {
  const task = { status: 'RUNNING', agent: { id: 'A1' }, session: { id: 'S1' }, parentTask: null, requiredRole: null };

  it('matches a task against a list filter', () => {
    expect(taskMatchesFilter({}, task)).toBe(true);
    expect(taskMatchesFilter({ agentId: 'A1', status: 'RUNNING' }, task)).toBe(true);
    expect(taskMatchesFilter({ agentId: 'A2' }, task)).toBe(false);
    expect(taskMatchesFilter({ status: 'QUEUED', sessionId: null }, task)).toBe(false);
    expect(taskMatchesFilter({ parentTaskId: 'T9' }, task)).toBe(false);
  });

  it('says nothing when the pushed object lacks a field the filter needs', () => {
    expect(taskMatchesFilter({ agentId: 'A1' }, { status: 'RUNNING' })).toBeUndefined();
    expect(agentMatchesFilter({ sessionId: 'S1' }, { status: 'IDLE' })).toBeUndefined();
    expect(agentMatchesFilter({ status: 'IDLE' }, { status: 'BUSY' })).toBe(false);
  });
});

/** A cache with one Query field per list, each a connection of `Task:<id>` nodes. */
function fakeCache(lists: { args: Record<string, unknown>; ids: string[]; partial?: boolean; createdAt?: Record<string, string> }[]) {
  const invalidated: unknown[] = [];
  const data = new Map<string, unknown>();
  const fields = lists.map((list, index) => {
    const fieldKey = `tasks(${JSON.stringify(list.args)})`;
    const connection = `Query.tasks.${index}`;
    data.set(`Query|${fieldKey}`, connection);
    data.set(`${connection}|edges`, list.ids.map((_, position) => `${connection}.edges.${position}`));
    data.set(`${connection}|pageInfo`, `${connection}.pageInfo`);
    data.set(`${connection}.pageInfo|hasPreviousPage`, list.partial ?? false);
    list.ids.forEach((id, position) => {
      data.set(`${connection}.edges.${position}|node`, `Task:${id}`);
      const createdAt = list.createdAt?.[id];
      if (createdAt) data.set(`Task:${id}|createdAt`, createdAt);
    });
    return { fieldKey, fieldName: 'tasks', arguments: list.args };
  });
  const cache = {
    keyOfEntity: (entity: { __typename?: string; id?: string }) => (entity.__typename && entity.id ? `${entity.__typename}:${entity.id}` : null),
    inspectFields: () => fields,
    resolve: (entity: string, field: string) => data.get(`${entity}|${field}`) ?? null,
    invalidate: (_entity: string, _field: string, args?: unknown) => invalidated.push(args),
  } as unknown as Cache;
  return { cache, invalidated };
}

describe('syncListMembership', () => {
  it('refetches the lists a pushed task joins or leaves, and only those', () => {
    const { cache, invalidated } = fakeCache([
      { args: { filter: { status: 'RUNNING' } }, ids: ['t1'] },
      { args: { filter: { status: 'QUEUED' } }, ids: [] },
      { args: { filter: { status: 'SUCCEEDED' } }, ids: [] },
      { args: {}, ids: ['t1'] },
    ]);
    const task = { __typename: 'Task', id: 't1', status: 'QUEUED' };
    syncListMembership(cache, 'tasks', task, (filter) => taskMatchesFilter(filter, task));
    expect(invalidated).toEqual([{ filter: { status: 'RUNNING' } }, { filter: { status: 'QUEUED' } }]);
  });

  it('leaves a partial page alone for a task older than all of it', () => {
    const { cache, invalidated } = fakeCache([
      { args: {}, ids: ['t5'], partial: true, createdAt: { t5: '2024-05-01T00:00:00.000Z' } },
      { args: { filter: { status: 'FAILED' } }, ids: ['t6'], partial: true, createdAt: { t6: '2024-01-01T00:00:00.000Z' } },
    ]);
    const task = { __typename: 'Task', id: 't1', status: 'FAILED', createdAt: '2024-02-01T00:00:00.000Z' };
    syncListMembership(cache, 'tasks', task, (filter) => taskMatchesFilter(filter, task));
    expect(invalidated).toEqual([{ filter: { status: 'FAILED' } }]);
  });
});
