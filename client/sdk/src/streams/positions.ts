/**
 * Where a stream stands. graphql-ws sends the same subscribe payload again on every reconnect,
 * serialised at send time, so writing the resume point into its variables as events arrive is
 * what makes a reconnect resume there. Events at or before the resume point are dropped, so a
 * replay never repeats one.
 */
export interface StreamPosition<TEvent> {
  /** False for an event already delivered; otherwise makes it the resume point (in `variables` too). */
  accept(event: TEvent, variables: Record<string, unknown>): boolean;
}

/** taskEvents: `seq` is gap-free per task; the server replays what follows `afterSeq`. */
export function afterSeq<TEvent extends { seq: number }>(start: number): StreamPosition<TEvent> {
  let last = start;
  return {
    accept(event, variables) {
      if (event.seq <= last) return false;
      last = event.seq;
      variables.afterSeq = last;
      return true;
    },
  };
}

/** Ids remembered to drop repeats: a replay starts after the cursor, so only recent ones can come back. */
const REMEMBERED_IDS = 1_000;

/**
 * agentCommunication: the server replays what was stored after the id in `after`. Ids are not
 * compared for order (live messages may arrive out of id order), only remembered.
 */
export function afterId<TEvent extends { id: string }>(start: string | undefined): StreamPosition<TEvent> {
  const seen = new Set<string>(start ? [start] : []);
  return {
    accept(event, variables) {
      if (seen.has(event.id)) return false;
      seen.add(event.id);
      if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
      variables.after = event.id;
      return true;
    },
  };
}

/** agentStatusUpdated: `seq` is gap-free per agent; no replay, but a repeat is still dropped. */
export function seqPerAgent<TEvent extends { seq: number; agent: { id: string } }>(): StreamPosition<TEvent> {
  const last = new Map<string, number>();
  return {
    accept(event) {
      if (event.seq <= (last.get(event.agent.id) ?? 0)) return false;
      last.set(event.agent.id, event.seq);
      return true;
    },
  };
}

/** taskUpdated, systemStatus, incidentReported: state as it changes, live only. */
export function live<TEvent>(): StreamPosition<TEvent> {
  return { accept: () => true };
}
