/** One terminal line per transcript event or message. */
import type { Communication, TaskEvent } from '../client/sdk/src/index.js';

/** Kinds that only add noise on a terminal: token counts and lines the server kept as they were. */
const QUIET_KINDS: ReadonlySet<string> = new Set(['USAGE', 'RAW']);

export function isWorthPrinting(event: TaskEvent): boolean {
  return !QUIET_KINDS.has(event.kind);
}

export function describeEvent(event: TaskEvent): string {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  return `#${event.seq} ${event.kind} ${eventSummary(event.kind, payload)}`;
}

export function describeMessage(message: Communication): string {
  const from = message.fromAgent?.name ?? 'system';
  const to = message.toAgent?.name ?? 'system';
  const about = message.task ? ` (${message.task.title})` : '';
  return `${message.messageType} ${from} -> ${to}${about}: ${oneLine(message.content)}`;
}

/** The first line of a text, cut to fit a terminal line. */
export function oneLine(value: unknown, max = 160): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function eventSummary(kind: string, payload: Record<string, unknown>): string {
  switch (kind) {
    case 'STATUS':
      return `${String(payload.from ?? '-')} -> ${String(payload.to)}${payload.reason ? ` (${oneLine(payload.reason)})` : ''}`;
    case 'AGENT_STARTED':
      return `${String(payload.model ?? 'default model')} in ${String(payload.cwd ?? '?')}`;
    case 'RESULT':
      return payload.ok
        ? `turn ended${typeof payload.costUsd === 'number' ? `, $${payload.costUsd.toFixed(4)}` : ''}`
        : `turn failed: ${String(payload.errorType ?? 'UNKNOWN')}: ${oneLine(payload.message ?? payload.text)}`;
    case 'MESSAGE':
    case 'THINKING':
      return oneLine(payload.text);
    case 'TOOL_CALL':
      return `${String(payload.name)} ${oneLine(payload.input)}`;
    case 'TOOL_RESULT':
      return `${payload.isError ? 'error: ' : ''}${oneLine(payload.content)}`;
    case 'RETRY':
      return `API retry ${String(payload.attempt)}/${String(payload.maxRetries)}: ${oneLine(payload.error)}`;
    case 'GAP':
      return `${String(payload.dropped)} events could not be stored: ${oneLine(payload.reason)}`;
    case 'OUTDATED_CURSOR':
      return `events before #${String(payload.oldestKeptSeq)} are no longer kept`;
    default:
      return oneLine(payload);
  }
}
