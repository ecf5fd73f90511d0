import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnyVariables, CombinedError, TypedDocumentNode } from 'urql';
import { useConnection, useReconnectCount } from './ConnectionContext';
import { useStreamClient } from './StreamClientContext';
import { appendBounded, type StreamCursor } from './stream-cursor';
import { isFinalError, RESUBSCRIBE_MS } from './useResubscribeOnError';

export type StreamStatus = 'connecting' | 'live' | 'ended' | 'failed';

export interface ResumableStreamOptions<Data, Variables extends AnyVariables, Item, Key, Position> {
  query: TypedDocumentNode<Data, Variables>;
  /** Names the stream (e.g. the task id): a new key starts over with a fresh cursor and no items. */
  streamKey: string;
  createCursor: () => StreamCursor<Key, Position>;
  /** The subscription's variables, resuming from the cursor's position. */
  variables: (position: Position) => Variables;
  select: (data: Data) => Item | null | undefined;
  keyOf: (item: Item) => Key;
  pause?: boolean;
  /** Keep only the newest items (a live tail). */
  maxItems?: number;
  /** Called with each batch of new items, after de-duplication. */
  onItems?: (items: Item[]) => void;
}

export interface ResumableStream<Item> {
  items: Item[];
  status: StreamStatus;
  error?: CombinedError;
  /** Starts the stream again from its cursor (after it failed, or ended and has more to come). */
  resume: () => void;
}

/** What the subscription itself knows; whether it is live also depends on the link. */
type SubscriptionStatus = 'open' | 'retrying' | 'ended' | 'failed';

interface Stream<Key, Position> {
  key: string;
  cursor: StreamCursor<Key, Position>;
  ended: boolean;
}

/**
 * A subscription that resumes without loss: it keeps a cursor (the last seq or id seen), starts
 * again from it after every reconnect of the live link and after a stream error, and drops what
 * arrives twice while the old and new subscriptions overlap.
 */
export function useResumableStream<Data, Variables extends AnyVariables, Item, Key, Position>(
  options: ResumableStreamOptions<Data, Variables, Item, Key, Position>,
): ResumableStream<Item> {
  const { query, streamKey, pause = false, maxItems } = options;
  const client = useStreamClient();
  const connection = useConnection();
  const reconnects = useReconnectCount();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ key: string; items: Item[]; status: SubscriptionStatus; error?: CombinedError }>({
    key: streamKey,
    items: [],
    status: 'open',
  });
  const stream = useRef<Stream<Key, Position> | null>(null);
  // The latest callbacks, read by the subscription without restarting it when they change.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    if (pause) return;
    let current = stream.current;
    if (!current || current.key !== streamKey) {
      current = { key: streamKey, cursor: latest.current.createCursor(), ended: false };
      stream.current = current;
      setState({ key: streamKey, items: [], status: 'open' });
    }
    if (current.ended) return;
    const active = current;
    setState((previous) => (previous.status === 'retrying' || previous.status === 'failed' ? { ...previous, status: 'open', error: undefined } : previous));

    let pending: Item[] = [];
    // Items are handed to React once per frame: a flood of events renders at most at the screen's rate.
    let frame: number | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      frame = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      // Only the items: the status and error are the subscription's (a batch may be flushed after its error).
      setState((previous) => (previous.key === streamKey ? { ...previous, items: appendBounded(previous.items, batch, maxItems) } : previous));
      latest.current.onItems?.(batch);
    };

    const { variables, select, keyOf } = latest.current;
    const subscription = client.subscription(query, variables(active.cursor.position)).subscribe((result) => {
      if (result.error) {
        const final = isFinalError(result.error);
        setState((previous) => ({ ...previous, status: final ? 'failed' : 'retrying', error: result.error }));
        // urql repeats the error on the stream's end (hasNext: false): one retry for both.
        clearTimeout(retryTimer);
        if (!final) retryTimer = setTimeout(() => setAttempt((count) => count + 1), RESUBSCRIBE_MS);
        return;
      }
      const item = result.data ? select(result.data) : undefined;
      if (item !== null && item !== undefined && active.cursor.accept(keyOf(item))) {
        pending.push(item);
        frame ??= requestAnimationFrame(flush);
      }
      if (result.hasNext === false) {
        // The server completed the stream (a task that ended): nothing to resume.
        active.ended = true;
        flush();
        setState((previous) => (previous.key === streamKey ? { ...previous, status: 'ended' } : previous));
      }
    });

    return () => {
      subscription.unsubscribe();
      clearTimeout(retryTimer);
      if (frame !== undefined) cancelAnimationFrame(frame);
      // Accepted items have moved the cursor: hand them over even though this subscription ends.
      flush();
    };
  }, [client, query, streamKey, pause, maxItems, reconnects, attempt]);

  const resume = useCallback(() => {
    // Also after the server completed it: a retried task has more to say.
    if (stream.current) stream.current.ended = false;
    setState((previous) => (previous.status === 'ended' ? { ...previous, status: 'open' } : previous));
    setAttempt((count) => count + 1);
  }, []);

  const current = state.key === streamKey ? state : { items: [] as Item[], status: 'open' as const, error: undefined };
  return { items: current.items, status: publicStatus(current.status, connection === 'connected'), error: current.error, resume };
}

function publicStatus(status: SubscriptionStatus, linkUp: boolean): StreamStatus {
  if (status === 'ended' || status === 'failed') return status;
  return status === 'open' && linkUp ? 'live' : 'connecting';
}
