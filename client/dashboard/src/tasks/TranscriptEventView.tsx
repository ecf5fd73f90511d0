import { memo } from 'react';
import { formatCost, formatDuration, formatEnum, formatTime, formatTokens } from '../ui/format';
import { JsonBlock } from '../ui/JsonBlock';
import { ToolCallCard } from './ToolCallCard';
import { readEntry, severityOf, type TranscriptEvent } from './transcript-model';

interface TranscriptEventViewProps {
  event: TranscriptEvent;
  /** For a tool call: its result, once it has come back. */
  toolResult?: { seq: number; isError: boolean; content: unknown };
  /** For a tool result: the name of the tool and the seq of its call. */
  toolCall?: { seq: number; name: string };
}

/** One transcript event: text, a tool card, a status change or a notice; failures stand out. */
export const TranscriptEventView = memo(function TranscriptEventView({ event, toolResult, toolCall }: TranscriptEventViewProps) {
  const entry = readEntry(event);
  const severity = severityOf(entry);
  return (
    <li
      className={`event event--${entry.type}${severity ? ` event--${severity}` : ''}`}
      data-testid="transcript-event"
      data-seq={event.seq}
      data-kind={event.kind}
      id={`event-${event.seq}`}
    >
      <span className="event__meta">
        <span className="event__seq">#{event.seq}</span>
        <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>
      </span>
      <div className="event__body">{renderBody()}</div>
    </li>
  );

  function renderBody() {
    switch (entry.type) {
      case 'status':
        return (
          <p>
            <strong>{entry.from ? `${formatEnum(entry.from)} → ${formatEnum(entry.to)}` : formatEnum(entry.to)}</strong>
            {entry.reason && <span className="muted"> — {entry.reason}</span>}
          </p>
        );
      case 'agent-started':
        return (
          <p className="muted">
            Agent session started{entry.model ? ` · ${entry.model}` : ''}
            {entry.cwd ? ` · ${entry.cwd}` : ''}
          </p>
        );
      case 'message':
        return (
          <div className={`message message--${entry.role}`}>
            <span className="message__role">{entry.role === 'assistant' ? 'Assistant' : 'Instruction'}</span>
            <div className="message__text">{entry.text}</div>
            {entry.error && <p className="event__error">{entry.error}</p>}
          </div>
        );
      case 'thinking':
        return (
          <details className="thinking">
            <summary>Thinking</summary>
            <div className="message__text">{entry.text}</div>
          </details>
        );
      case 'tool-call':
        return <ToolCallCard name={entry.name} input={entry.input} result={toolResult} />;
      case 'tool-result':
        return toolCall ? (
          <p className={entry.isError ? 'event__error' : 'muted'}>
            {entry.isError ? 'Failed' : 'Result'} of{' '}
            <button type="button" className="link-button" onClick={() => jumpTo(toolCall.seq)}>
              {toolCall.name} (#{toolCall.seq})
            </button>
            , shown with its call
          </p>
        ) : (
          <div className={entry.isError ? 'event__error' : undefined}>
            <p>Tool result{entry.isError ? ' (error)' : ''}</p>
            <JsonBlock value={entry.content} />
          </div>
        );
      case 'retry':
        return (
          <p className="event__warning">
            API retry {entry.attempt}/{entry.maxRetries}
            {entry.status !== null ? ` (HTTP ${entry.status})` : ''}: {entry.error}
            {entry.delayMs !== undefined ? ` — next in ${formatDuration(entry.delayMs)}` : ''}
          </p>
        );
      case 'permission-denied':
        return (
          <p className="event__warning">
            Permission denied for {entry.toolName}: {entry.message}
          </p>
        );
      case 'result':
        return (
          <div className={entry.ok ? 'turn-result' : 'turn-result turn-result--failed'}>
            <p>
              <strong>{entry.ok ? (entry.intermediate ? 'Turn finished' : 'Turn succeeded') : `Turn failed${entry.errorType ? `: ${formatEnum(entry.errorType)}` : ''}`}</strong>
              {entry.costUsd !== undefined && ` · ${formatCost(entry.costUsd)}`}
              {entry.durationMs !== undefined && ` · ${formatDuration(entry.durationMs)}`}
              {entry.numTurns !== undefined && ` · ${entry.numTurns} turn${entry.numTurns === 1 ? '' : 's'}`}
              {entry.tokens && ` · ${formatTokens(entry.tokens.inputTokens)} in / ${formatTokens(entry.tokens.outputTokens)} out`}
            </p>
            {!entry.ok && entry.message && <p className="event__error">{entry.message}</p>}
            {entry.hint && <p>{entry.hint}</p>}
          </div>
        );
      case 'usage':
        return (
          <p className="muted">
            Usage so far: {formatTokens(entry.tokens.inputTokens)} in / {formatTokens(entry.tokens.outputTokens)} out
            {entry.estimatedCostUsd !== null && ` · ~${formatCost(entry.estimatedCostUsd)}`}
          </p>
        );
      case 'gap':
        return (
          <p className="event__warning">
            {entry.dropped} event{entry.dropped === 1 ? ' was' : 's were'} lost: {entry.reason}
          </p>
        );
      case 'output-truncated':
        return (
          <p className="event__warning">
            Output limit reached ({formatTokens(entry.storedBytes)} of {formatTokens(entry.limitBytes)} bytes); later output was not stored.
          </p>
        );
      case 'outdated-cursor':
        return <p className="event__warning">Earlier events were pruned ({entry.reason}); the transcript continues from #{entry.oldestKeptSeq}.</p>;
      case 'raw':
        return <JsonBlock value={entry.payload} label={`${event.kind} event`} />;
    }
  }
});

/** Moves to a tool call's card; not a link, because the URL hash belongs to the router. */
function jumpTo(seq: number) {
  const target = document.getElementById(`event-${seq}`);
  target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  target?.querySelector<HTMLElement>('summary')?.focus();
}
