import { useEffect } from 'react';
import { graphql } from '../../../gql';
import { SeqCursor } from '../api/stream-cursor';
import { useResumableStream } from '../api/useResumableStream';
import type { TranscriptEvent } from './transcript-model';

const TaskEventsSubscription = graphql(`
  subscription TaskEventStream_Events($taskId: ID!, $afterSeq: Int) {
    taskEvents(taskId: $taskId, afterSeq: $afterSeq) {
      id
      seq
      kind
      payload
      createdAt
    }
  }
`);

/** Statuses after which the server completes the stream. */
const TERMINAL_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

interface TaskEventStreamOptions {
  /** Start after this seq (0: the whole transcript). */
  afterSeq?: number;
  /** The task's status as last known: a stream the server completed resumes when the task runs again (a retry). */
  taskStatus?: string;
  maxItems?: number;
  pause?: boolean;
  onEvents?: (events: TranscriptEvent[]) => void;
}

/**
 * A task's transcript, replayed from `afterSeq` and then live; after a reconnect it resumes from
 * the last seq seen, so no event is lost or shown twice. Completes when the task has ended, and
 * picks up again if it is retried.
 */
export function useTaskEventStream(taskId: string, { afterSeq = 0, taskStatus, maxItems, pause, onEvents }: TaskEventStreamOptions = {}) {
  const stream = useResumableStream({
    query: TaskEventsSubscription,
    streamKey: taskId,
    createCursor: () => new SeqCursor(afterSeq),
    variables: (position: number) => ({ taskId, afterSeq: position }),
    select: (data) => data.taskEvents as TranscriptEvent,
    keyOf: (event: TranscriptEvent) => event.seq,
    maxItems,
    pause,
    onItems: onEvents,
  });
  const { status, resume } = stream;
  const runsAgain = status === 'ended' && taskStatus !== undefined && !TERMINAL_STATUSES.has(taskStatus);
  useEffect(() => {
    if (runsAgain) resume();
  }, [runsAgain, resume]);
  return stream;
}
