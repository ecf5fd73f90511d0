/** No session has the nil UUID: `in ()` is not SQL, so an empty list matches this instead (no row). */
const NO_SESSION = ['00000000-0000-0000-0000-000000000000'];

/** The ids for a `session_id in (…)` narrowing; an empty list must match nothing, not everything. */
export function sessionIdsForIn(sessionIds: readonly string[]): readonly string[] {
  return sessionIds.length === 0 ? NO_SESSION : sessionIds;
}
