/**
 * The resume logic of the dashboard's live streams: after a reconnect the old subscription and its
 * replacement overlap, and the replacement replays from the cursor; nothing may be lost or shown twice.
 */
import { describe, expect, it } from 'vitest';
import { appendBounded, IdCursor, mergeById, SeqCursor } from '../../client/dashboard/src/api/stream-cursor.js';

/** Feeds deliveries through a cursor and returns what a view would show. */
function deliver<K>(cursor: { accept(key: K): boolean }, keys: K[]): K[] {
  return keys.filter((key) => cursor.accept(key));
}

describe('SeqCursor (taskEvents)', () => {
  it('resumes after the last seq seen and drops what was already seen', () => {
    const cursor = new SeqCursor(0);
    expect(deliver(cursor, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(cursor.position).toBe(3);
    // The link drops; graphql-ws resends the original subscription (afterSeq 0) while the
    // resumed one (afterSeq 3) starts: both deliver, interleaved.
    expect(deliver(cursor, [1, 4, 2, 5, 3, 4, 6, 5, 6])).toEqual([4, 5, 6]);
    expect(cursor.position).toBe(6);
  });

  it('starts from a given seq, for a tail that skips old history', () => {
    const cursor = new SeqCursor(40);
    expect(deliver(cursor, [39, 40, 41])).toEqual([41]);
  });

  it('shows every seq exactly once whatever the overlap of replays', () => {
    const cursor = new SeqCursor();
    const shown: number[] = [];
    // Several reconnects, each replaying from a stale cursor before the fresh one catches up.
    for (const [from, to] of [[0, 10], [3, 15], [15, 15], [0, 22]] as const) {
      for (let seq = from + 1; seq <= to; seq += 1) if (cursor.accept(seq)) shown.push(seq);
    }
    expect(shown).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
  });
});

describe('IdCursor (agentCommunication)', () => {
  it('resumes after the last id seen and drops repeats', () => {
    const cursor = new IdCursor('c2', ['c1', 'c2']);
    expect(cursor.position).toBe('c2');
    expect(deliver(cursor, ['c1', 'c2', 'c3', 'c4'])).toEqual(['c3', 'c4']);
    expect(cursor.position).toBe('c4');
    expect(deliver(cursor, ['c3', 'c4', 'c5'])).toEqual(['c5']);
    expect(cursor.position).toBe('c5');
  });

  it('starts with no cursor when nothing was seen', () => {
    const cursor = new IdCursor();
    expect(cursor.position).toBeNull();
    expect(deliver(cursor, ['a', 'a', 'b'])).toEqual(['a', 'b']);
  });

  it('remembers a bounded number of ids', () => {
    const cursor = new IdCursor(null, [], 3);
    expect(deliver(cursor, ['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    // The oldest has been forgotten; the newest are still recognised.
    expect(cursor.accept('d')).toBe(false);
    expect(cursor.accept('a')).toBe(true);
  });
});

describe('list helpers', () => {
  it('appendBounded keeps the newest items', () => {
    expect(appendBounded([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(appendBounded([1], [2])).toEqual([1, 2]);
  });

  it('mergeById keeps each id once, the later copy, in order', () => {
    const merged = mergeById(
      [{ id: 'a', v: 1 }, { id: 'b', v: 1 }],
      [{ id: 'b', v: 2 }, { id: 'c', v: 2 }],
      (x, y) => y.id.localeCompare(x.id),
    );
    expect(merged).toEqual([{ id: 'c', v: 2 }, { id: 'b', v: 2 }, { id: 'a', v: 1 }]);
  });
});
