import type { Principal } from './authenticator.js';

/**
 * Whether a caller may see and act on a session's objects. A token limited to some sessions is
 * told that other sessions' objects do not exist (NOT_FOUND, null from node), so it cannot even
 * learn which ids are in use.
 */
export function allowsSession(principal: Principal, sessionId: string): boolean {
  return principal.sessionIds === null || principal.sessionIds.includes(sessionId);
}

/** The sessions a list query must stay within; undefined when the caller may see every one. */
export function visibleSessionIds(principal: Principal): readonly string[] | undefined {
  return principal.sessionIds ?? undefined;
}

/** Rows the caller may see, in their order (for data loaders: the others read as missing). */
export function onlyVisible<T>(principal: Principal, rows: readonly T[], sessionIdOf: (row: T) => string): readonly T[] {
  if (principal.sessionIds === null) return rows;
  return rows.filter((row) => allowsSession(principal, sessionIdOf(row)));
}
