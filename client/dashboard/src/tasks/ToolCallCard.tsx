import { JsonBlock } from '../ui/JsonBlock';
import { contentText } from './transcript-model';

interface ToolCallCardProps {
  name: string;
  input: unknown;
  /** Undefined while the tool is still running. */
  result?: { seq: number; isError: boolean; content: unknown };
}

/** A tool call as a card: what the agent asked for, and what came back once it has. */
export function ToolCallCard({ name, input, result }: ToolCallCardProps) {
  const state = result ? (result.isError ? 'error' : 'done') : 'running';
  return (
    <div className={`tool-card tool-card--${state}`}>
      <div className="tool-card__header">
        <span className="tool-card__name">{name}</span>
        <span className="tool-card__state">{state === 'running' ? 'running…' : state === 'error' ? 'failed' : 'done'}</span>
      </div>
      <details className="tool-card__section" open>
        <summary>Input</summary>
        <JsonBlock value={input} label={`Input of ${name}`} />
      </details>
      {result && (
        <details className="tool-card__section" open={result.isError || contentText(result.content).length < 600}>
          <summary>{result.isError ? 'Error' : 'Result'}</summary>
          <JsonBlock value={contentText(result.content)} label={`Result of ${name}`} />
        </details>
      )}
    </div>
  );
}
