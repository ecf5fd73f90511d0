import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { StreamStatus } from '../api/useResumableStream';
import { EmptyState } from '../ui/EmptyState';
import { TranscriptEventView } from './TranscriptEventView';
import { toolNamesByCall, toolResultsByCall, type TranscriptEvent } from './transcript-model';

/** Within this many pixels of the bottom, the view follows new events. */
const FOLLOW_SLACK_PX = 48;

const STREAM_LABELS: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  ended: 'Complete',
  failed: 'Stopped',
};

/**
 * A task's transcript in seq order, one element per event; tool calls show their results.
 * While the reader is at the bottom, it keeps up with new events; scrolled up, it stays put.
 */
export function Transcript({ events, status }: { events: readonly TranscriptEvent[]; status: StreamStatus }) {
  const container = useRef<HTMLOListElement>(null);
  const [following, setFollowing] = useState(true);
  const results = useMemo(() => toolResultsByCall(events), [events]);
  const calls = useMemo(() => toolNamesByCall(events), [events]);

  useLayoutEffect(() => {
    const element = container.current;
    if (element && following) element.scrollTop = element.scrollHeight;
  }, [events, following]);

  const onScroll = () => {
    const element = container.current;
    if (!element) return;
    setFollowing(element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK_PX);
  };

  return (
    <section className="transcript-section" aria-labelledby="transcript-title">
      <div className="section-header">
        <h2 id="transcript-title">Transcript</h2>
        <span className={`stream-state stream-state--${status}`} role="status">
          {STREAM_LABELS[status]} · {events.length} event{events.length === 1 ? '' : 's'}
        </span>
        {!following && (
          <button type="button" className="button button--small" onClick={() => setFollowing(true)}>
            Follow new events
          </button>
        )}
      </div>
      <ol className="transcript" data-testid="transcript" ref={container} onScroll={onScroll} tabIndex={0} aria-label="Transcript events">
        {events.map((event) => {
          const toolUseId = event.kind === 'TOOL_CALL' || event.kind === 'TOOL_RESULT' ? toolUseIdOf(event) : undefined;
          return (
            <TranscriptEventView
              key={event.seq}
              event={event}
              toolResult={event.kind === 'TOOL_CALL' && toolUseId ? results.get(toolUseId) : undefined}
              toolCall={event.kind === 'TOOL_RESULT' && toolUseId ? calls.get(toolUseId) : undefined}
            />
          );
        })}
      </ol>
      {events.length === 0 && status !== 'connecting' && <EmptyState title="No events yet." />}
    </section>
  );
}

function toolUseIdOf(event: TranscriptEvent): string | undefined {
  const payload = event.payload as { toolUseId?: unknown } | null;
  return typeof payload?.toolUseId === 'string' ? payload.toolUseId : undefined;
}
