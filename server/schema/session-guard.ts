import { onlyVisible } from '../auth/session-limit.js';
import type { Context } from '../context.js';
import { NotFoundError } from '../errors.js';
import { parseGlobalId } from './global-id.js';

/**
 * Refuses ids of objects outside the caller's sessions with the NOT_FOUND a missing object gets,
 * before a resolver reads or changes anything. Free for a caller that may see every session.
 */
async function requireVisible<T extends { id: string }>(
  ctx: Context,
  entity: string,
  field: string,
  ids: readonly (string | undefined)[],
  load: (ids: string[]) => Promise<T[]>,
  sessionIdOf: (row: T) => string,
): Promise<void> {
  const wanted = ids.filter((id): id is string => id !== undefined);
  if (ctx.principal.sessionIds === null || wanted.length === 0) return;
  const visible = new Set(onlyVisible(ctx.principal, await load([...new Set(wanted)]), sessionIdOf).map((row) => row.id));
  const hidden = wanted.find((id) => !visible.has(id));
  if (hidden !== undefined) throw new NotFoundError(entity, field, hidden);
}

function requireVisibleSession(ctx: Context, field: string, id: string): Promise<void> {
  return requireVisible(ctx, 'Session', field, [id], (ids) => ctx.services.sessions.loadSessions(ids), (session) => session.id);
}

export function requireVisibleAgents(ctx: Context, field: string, ...ids: (string | undefined)[]): Promise<void> {
  return requireVisible(ctx, 'Agent', field, ids, (wanted) => ctx.services.agents.loadAgents(wanted), (agent) => agent.sessionId);
}

export function requireVisibleTasks(ctx: Context, field: string, ...ids: (string | undefined)[]): Promise<void> {
  return requireVisible(ctx, 'Task', field, ids, (wanted) => ctx.services.tasks.loadTasks(wanted), (task) => task.sessionId);
}

/** The id in a Session global id, once the caller may see that session. */
export async function visibleSessionId(ctx: Context, globalId: string, field: string): Promise<string> {
  const id = parseGlobalId(globalId, 'Session', field);
  await requireVisibleSession(ctx, field, id);
  return id;
}

/** The id in an Agent global id, once the caller may see that agent. */
export async function visibleAgentId(ctx: Context, globalId: string, field: string): Promise<string> {
  const id = parseGlobalId(globalId, 'Agent', field);
  await requireVisibleAgents(ctx, field, id);
  return id;
}

/** The id in a Task global id, once the caller may see that task. */
export async function visibleTaskId(ctx: Context, globalId: string, field: string): Promise<string> {
  const id = parseGlobalId(globalId, 'Task', field);
  await requireVisibleTasks(ctx, field, id);
  return id;
}
