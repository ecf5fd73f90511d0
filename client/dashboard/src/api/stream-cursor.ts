/**
 * Where a live stream stands, so that it can resume after a reconnect without losing or repeating
 * anything: the server replays what came after the cursor, and whatever arrives twice (the old
 * subscription and its replacement overlap for a moment) is dropped here.
 *
 * No DOM or React here: this is the part of resuming that unit tests pin down.
 */
export interface StreamCursor<Key, Position> {
  /** What to resume from: pass it back to the server as the stream's cursor argument. */
  readonly position: Position;
  /** True when the item is new (and moves the cursor past it); false for one already seen. */
  accept(key: Key): boolean;
}

/** A stream numbered by a gap-free `seq` (taskEvents): resumes with `afterSeq` = the last seq seen. */
export class SeqCursor implements StreamCursor<number, number> {
  private last: number;

  constructor(afterSeq = 0) {
    this.last = afterSeq;
  }

  get position(): number {
    return this.last;
  }

  accept(seq: number): boolean {
    if (seq <= this.last) return false;
    this.last = seq;
    return true;
  }
}

/**
 * A stream resumed by the id of the last item seen (agentCommunication's `after`). Ids are opaque,
 * so duplicates are recognised by remembering the most recent ones rather than by comparing them.
 */
export class IdCursor implements StreamCursor<string, string | null> {
  private last: string | null;
  private readonly seen = new Set<string>();

  constructor(
    after: string | null = null,
    alreadySeen: Iterable<string> = [],
    private readonly memory = 5000,
  ) {
    this.last = after;
    for (const id of alreadySeen) this.remember(id);
    if (after !== null) this.remember(after);
  }

  get position(): string | null {
    return this.last;
  }

  accept(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.remember(id);
    this.last = id;
    return true;
  }

  private remember(id: string): void {
    this.seen.add(id);
    // A Set iterates in insertion order, so the first entry is the oldest one.
    if (this.seen.size > this.memory) this.seen.delete(this.seen.values().next().value as string);
  }
}

/** Appends a batch to a list, keeping only the newest `max` items when a bound is given. */
export function appendBounded<T>(items: readonly T[], batch: readonly T[], max?: number): T[] {
  const joined = items.concat(batch);
  return max !== undefined && joined.length > max ? joined.slice(joined.length - max) : joined;
}

/** Newest first, for mergeById; ids are time-ordered on the server, so they break ties between equal times. */
export function newestFirst(a: { id: string; createdAt: string }, b: { id: string; createdAt: string }): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/** Merges two lists of items with ids, each id once (the later list wins), in the order `compare` gives. */
export function mergeById<T extends { id: string }>(first: readonly T[], second: readonly T[], compare: (a: T, b: T) => number): T[] {
  const byId = new Map<string, T>();
  for (const item of first) byId.set(item.id, item);
  for (const item of second) byId.set(item.id, item);
  return [...byId.values()].sort(compare);
}
