import type { Cache, CacheExchangeOpts, Data, DataFields } from '@urql/exchange-graphcache';

/**
 * How graphcache stores what the API returns. Objects with an `id` are normalised, so a status
 * pushed by a subscription shows in every list and page at once; the types below have no id
 * and live inside their parent. Lists (Relay connections with filters) cannot know on their own
 * that a pushed task or agent now belongs to them, or no longer does: the updates below compare
 * each pushed object with each cached list's filter and refetch the lists whose membership changed.
 *
 * The schema itself (for matching fragments on unions and interfaces) is added in client.ts.
 * No DOM or React here; test/dashboard checks the list of keyless types against schema/schema.graphql.
 */

/** Object types without an `id`: embedded in their parent rather than normalised. */
export const KEYLESS_TYPES = [
  'AgentRuntimeUnavailableError',
  'AgentStatusCount',
  'AgentStatusEvent',
  'AssignTaskSuccess',
  'CancelTaskSuccess',
  'CapacityReachedError',
  'ConflictError',
  'CreateAgentSuccess',
  'CreateApiTokenSuccess',
  'CreateSessionSuccess',
  'CreateTaskSuccess',
  'CreatedApiToken',
  'DeleteSessionSecretSuccess',
  'EncryptionNotConfiguredError',
  'InvalidInputError',
  'NodeLoad',
  // Its `id` is the id it could not find, not its own.
  'NotFoundError',
  'PageInfo',
  'QueryAgentsConnection',
  'QueryAgentsConnectionEdge',
  'QueryAuditLogConnection',
  'QueryAuditLogConnectionEdge',
  'QueryCommunicationsConnection',
  'QueryCommunicationsConnectionEdge',
  'QueryIncidentsConnection',
  'QueryIncidentsConnectionEdge',
  'QueryMetricsConnection',
  'QueryMetricsConnectionEdge',
  'QuerySessionsConnection',
  'QuerySessionsConnectionEdge',
  'QueryTasksConnection',
  'QueryTasksConnectionEdge',
  'ResourceLimits',
  'RestartAgentSuccess',
  'RetryTaskSuccess',
  'RevokeApiTokenSuccess',
  'SendMessageSuccess',
  'SetSessionSecretSuccess',
  'StartWorkflowSuccess',
  'SystemStatus',
  'TaskError',
  'TaskQueueCounts',
  'TerminateAgentSuccess',
  'TokenUsage',
  'Workflow',
] as const;

type Filter = Record<string, unknown>;
type Ref = { id?: string } | null | undefined;

/** A task as a subscription or mutation returned it; fields not selected are undefined. */
interface PushedTask {
  __typename?: string;
  id?: string;
  status?: string;
  createdAt?: string;
  requiredRole?: string | null;
  agent?: Ref;
  session?: Ref;
  parentTask?: Ref;
}

interface PushedAgent {
  __typename?: string;
  id?: string;
  status?: string;
  role?: string;
  createdAt?: string;
  session?: Ref;
}

/**
 * Whether an object belongs in a list with this filter: true or false, or undefined when the
 * object lacks a field the filter needs (then the list is left alone).
 */
function matchesFilter(filter: Filter, checks: Record<string, () => unknown>): boolean | undefined {
  for (const [name, wanted] of Object.entries(filter)) {
    if (wanted === null || wanted === undefined) continue;
    const read = checks[name];
    if (!read) return undefined;
    const actual = read();
    if (actual === undefined) return undefined;
    if (actual !== wanted) return false;
  }
  return true;
}

function refId(ref: Ref): string | null | undefined {
  if (ref === undefined) return undefined;
  return ref === null ? null : ref.id;
}

export function taskMatchesFilter(filter: Filter, task: PushedTask): boolean | undefined {
  return matchesFilter(filter, {
    status: () => task.status,
    requiredRole: () => task.requiredRole,
    agentId: () => refId(task.agent),
    sessionId: () => refId(task.session),
    parentTaskId: () => refId(task.parentTask),
  });
}

export function agentMatchesFilter(filter: Filter, agent: PushedAgent): boolean | undefined {
  return matchesFilter(filter, {
    status: () => agent.status,
    role: () => agent.role,
    sessionId: () => refId(agent.session),
  });
}

/**
 * Refetches each cached `Query.<listField>` whose membership the pushed entity changes: it now
 * matches the list's filter but is missing, or is listed but no longer matches. A page that does
 * not hold the whole list is left alone for an entity older than everything on it, which is why
 * list queries select `createdAt` on their nodes.
 */
export function syncListMembership(
  cache: Cache,
  listField: string,
  entity: { __typename?: string; id?: string; createdAt?: string },
  matches: (filter: Filter) => boolean | undefined,
): void {
  const entityKey = cache.keyOfEntity(entity as Data);
  if (!entityKey) return;
  for (const field of cache.inspectFields('Query')) {
    if (field.fieldName !== listField) continue;
    const belongs = matches((field.arguments?.filter as Filter | undefined) ?? {});
    if (belongs === undefined) continue;
    const connection = cache.resolve('Query', field.fieldKey) as string | null;
    if (!connection) continue;
    const nodes = ((cache.resolve(connection, 'edges') as string[] | null) ?? []).map((edge) => cache.resolve(edge, 'node') as string | null);
    const listed = nodes.includes(entityKey);
    if (listed === belongs) continue;
    if (belongs && olderThanPartialPage(cache, connection, nodes, entity.createdAt)) continue;
    cache.invalidate('Query', field.fieldName, field.arguments ?? undefined);
  }
}

/** An entity older than everything on a page that does not hold the whole list would not be on it anyway. */
function olderThanPartialPage(cache: Cache, connection: string, nodes: (string | null)[], createdAt: string | undefined): boolean {
  const pageInfo = cache.resolve(connection, 'pageInfo') as string | null;
  const partial = pageInfo ? cache.resolve(pageInfo, 'hasPreviousPage') === true || cache.resolve(pageInfo, 'hasNextPage') === true : false;
  if (!partial || !createdAt) return false;
  const times = nodes.map((node) => (node ? cache.resolve(node, 'createdAt') : null)).filter((time): time is string => typeof time === 'string');
  return times.length > 0 && times.every((time) => time > createdAt);
}

function invalidateList(cache: Cache, listField: string): void {
  for (const field of cache.inspectFields('Query')) {
    if (field.fieldName === listField) cache.invalidate('Query', field.fieldName, field.arguments ?? undefined);
  }
}

/** The `task` of a mutation's success payload, if the mutation succeeded. */
function successTask(result: DataFields, field: string): PushedTask | undefined {
  const payload = result[field] as { task?: PushedTask } | null | undefined;
  return payload?.task ?? undefined;
}

function syncTask(cache: Cache, task: PushedTask | undefined): void {
  if (task) syncListMembership(cache, 'tasks', task, (filter) => taskMatchesFilter(filter, task));
}

export const cacheOptions: Pick<CacheExchangeOpts, 'keys' | 'updates'> = {
  keys: Object.fromEntries(KEYLESS_TYPES.map((typename) => [typename, () => null])),
  updates: {
    Mutation: {
      createSession: (result, _args, cache) => {
        if ((result.createSession as Data | null)?.__typename === 'CreateSessionSuccess') invalidateList(cache, 'sessions');
      },
      createAgent: (result, _args, cache) => {
        if ((result.createAgent as Data | null)?.__typename === 'CreateAgentSuccess') invalidateList(cache, 'agents');
      },
      createTask: (result, _args, cache) => {
        if (successTask(result, 'createTask')) invalidateList(cache, 'tasks');
      },
      startWorkflow: (result, _args, cache) => {
        if (successTask(result, 'startWorkflow')) invalidateList(cache, 'tasks');
      },
      cancelTask: (result, _args, cache) => syncTask(cache, successTask(result, 'cancelTask')),
      retryTask: (result, _args, cache) => syncTask(cache, successTask(result, 'retryTask')),
      assignTask: (result, _args, cache) => syncTask(cache, successTask(result, 'assignTask')),
      sendMessage: (result, _args, cache) => syncTask(cache, successTask(result, 'sendMessage')),
    },
    Subscription: {
      taskUpdated: (result, _args, cache) => syncTask(cache, result.taskUpdated as PushedTask | undefined),
      agentStatusUpdated: (result, _args, cache) => {
        const agent = (result.agentStatusUpdated as { agent?: PushedAgent } | undefined)?.agent;
        if (agent) syncListMembership(cache, 'agents', agent, (filter) => agentMatchesFilter(filter, agent));
      },
    },
  },
};
