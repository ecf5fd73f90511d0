/**
 * A task's transcript events (TaskEvent: seq, kind and a JSON payload) read into typed entries
 * for display, tool results paired with their calls, and the lines of an agent's live tail.
 * No DOM or React here: test/dashboard covers it.
 */

export interface TranscriptEvent {
  id: string;
  seq: number;
  kind: string;
  payload: unknown;
  createdAt: string;
}

export interface Tokens {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

export type TranscriptEntry =
  | { type: 'status'; from: string | null; to: string; reason: string }
  | { type: 'agent-started'; model?: string; cwd?: string; tools: string[] }
  | { type: 'message'; role: 'assistant' | 'user'; text: string; error?: string }
  | { type: 'thinking'; text: string }
  | { type: 'tool-call'; toolUseId: string; name: string; input: unknown }
  | { type: 'tool-result'; toolUseId: string; isError: boolean; content: unknown }
  | { type: 'retry'; attempt: number; maxRetries: number; status: number | null; error: string; delayMs?: number }
  | { type: 'permission-denied'; toolName: string; message: string }
  | {
      type: 'result';
      ok: boolean;
      intermediate: boolean;
      errorType?: string;
      message?: string;
      text?: string;
      hint?: string;
      costUsd?: number;
      durationMs?: number;
      numTurns?: number;
      tokens?: Tokens;
    }
  | { type: 'usage'; modelCalls: number; tokens: Tokens; estimatedCostUsd: number | null }
  | { type: 'gap'; dropped: number; reason: string }
  | { type: 'output-truncated'; storedBytes: number; limitBytes: number }
  | { type: 'outdated-cursor'; oldestKeptSeq: number; reason: string }
  | { type: 'raw'; payload: unknown };

type Payload = Record<string, unknown>;

function record(value: unknown): Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Payload) : {};
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function tokens(value: unknown): Tokens | undefined {
  const fields = record(value);
  if (Object.keys(fields).length === 0) return undefined;
  return {
    inputTokens: number(fields.inputTokens) ?? 0,
    outputTokens: number(fields.outputTokens) ?? 0,
    cacheReadTokens: number(fields.cacheReadTokens) ?? 0,
    cacheCreationTokens: number(fields.cacheCreationTokens) ?? 0,
  };
}

/** Reads one event's payload by its kind; anything unexpected is shown raw rather than dropped. */
export function readEntry(event: Pick<TranscriptEvent, 'kind' | 'payload'>): TranscriptEntry {
  const p = record(event.payload);
  switch (event.kind) {
    case 'STATUS':
      return { type: 'status', from: typeof p.from === 'string' ? p.from : null, to: text(p.to, '?'), reason: text(p.reason) };
    case 'AGENT_STARTED':
      return {
        type: 'agent-started',
        model: typeof p.model === 'string' ? p.model : undefined,
        cwd: typeof p.cwd === 'string' ? p.cwd : undefined,
        tools: Array.isArray(p.tools) ? p.tools.filter((tool): tool is string => typeof tool === 'string') : [],
      };
    case 'MESSAGE':
      return {
        type: 'message',
        role: p.role === 'user' ? 'user' : 'assistant',
        text: text(p.text),
        error: typeof p.error === 'string' ? p.error : undefined,
      };
    case 'THINKING':
      return { type: 'thinking', text: text(p.text) };
    case 'TOOL_CALL':
      return { type: 'tool-call', toolUseId: text(p.toolUseId), name: text(p.name, 'tool'), input: p.input };
    case 'TOOL_RESULT':
      return { type: 'tool-result', toolUseId: text(p.toolUseId), isError: p.isError === true, content: p.content };
    case 'RETRY':
      return {
        type: 'retry',
        attempt: number(p.attempt) ?? 0,
        maxRetries: number(p.maxRetries) ?? 0,
        status: number(p.status) ?? null,
        error: text(p.error),
        delayMs: number(p.delayMs),
      };
    case 'PERMISSION_DENIED':
      return { type: 'permission-denied', toolName: text(p.toolName, 'tool'), message: text(p.message) };
    case 'RESULT':
      return {
        type: 'result',
        ok: p.ok === true,
        intermediate: p.intermediate === true,
        errorType: typeof p.errorType === 'string' ? p.errorType : undefined,
        message: typeof p.message === 'string' ? p.message : undefined,
        text: typeof p.text === 'string' ? p.text : undefined,
        hint: typeof p.hint === 'string' ? p.hint : undefined,
        costUsd: number(p.costUsd),
        durationMs: number(p.durationMs),
        numTurns: number(p.numTurns),
        tokens: tokens(p.tokens),
      };
    case 'USAGE':
      return {
        type: 'usage',
        modelCalls: number(p.modelCalls) ?? 0,
        tokens: tokens(p.tokens) ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
        estimatedCostUsd: number(p.estimatedCostUsd) ?? null,
      };
    case 'GAP':
      return { type: 'gap', dropped: number(p.dropped) ?? 0, reason: text(p.reason) };
    case 'OUTPUT_TRUNCATED':
      return { type: 'output-truncated', storedBytes: number(p.storedBytes) ?? 0, limitBytes: number(p.limitBytes) ?? 0 };
    case 'OUTDATED_CURSOR':
      return { type: 'outdated-cursor', oldestKeptSeq: number(p.oldestKeptSeq) ?? 0, reason: text(p.reason) };
    default:
      return { type: 'raw', payload: event.payload };
  }
}

/**
 * How much an entry should stand out: a failure ("problem"), something that went wrong but may
 * still come right or lost data ("warning"), or nothing special.
 */
export function severityOf(entry: TranscriptEntry): 'problem' | 'warning' | undefined {
  switch (entry.type) {
    case 'message':
      return entry.error !== undefined ? 'problem' : undefined;
    case 'tool-result':
      return entry.isError ? 'problem' : undefined;
    case 'result':
      return entry.ok ? undefined : 'problem';
    case 'status':
      return entry.to === 'FAILED' ? 'problem' : undefined;
    case 'permission-denied':
    case 'gap':
    case 'output-truncated':
    case 'outdated-cursor':
    case 'retry':
      return 'warning';
    default:
      return undefined;
  }
}

/** Each tool call's result, by the call's id, so a call's card can show what it returned. */
export function toolResultsByCall(events: readonly TranscriptEvent[]): Map<string, { seq: number; isError: boolean; content: unknown }> {
  const results = new Map<string, { seq: number; isError: boolean; content: unknown }>();
  for (const event of events) {
    if (event.kind !== 'TOOL_RESULT') continue;
    const entry = readEntry(event);
    if (entry.type === 'tool-result' && entry.toolUseId) results.set(entry.toolUseId, { seq: event.seq, isError: entry.isError, content: entry.content });
  }
  return results;
}

/** The name of each tool call, by its id, so a result can say which tool it came from. */
export function toolNamesByCall(events: readonly TranscriptEvent[]): Map<string, { seq: number; name: string }> {
  const names = new Map<string, { seq: number; name: string }>();
  for (const event of events) {
    if (event.kind !== 'TOOL_CALL') continue;
    const entry = readEntry(event);
    if (entry.type === 'tool-call') names.set(entry.toolUseId, { seq: event.seq, name: entry.name });
  }
  return names;
}

/** A tool result's content as text: the CLI gives a string or a list of text blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((block) => {
      const fields = record(block);
      return typeof fields.text === 'string' ? fields.text : JSON.stringify(block);
    });
    return parts.join('\n');
  }
  return content === undefined ? '' : JSON.stringify(content, null, 2);
}

export interface TailLine {
  /** Unique and stable: the event's seq and the line's place in it. */
  key: string;
  seq: number;
  text: string;
}

/** The last lines of what the agent wrote (assistant text only), newest last. */
export function tailLines(events: readonly TranscriptEvent[], maxLines: number): TailLine[] {
  const lines: TailLine[] = [];
  for (let index = events.length - 1; index >= 0 && lines.length < maxLines; index -= 1) {
    const event = events[index]!;
    if (event.kind !== 'MESSAGE') continue;
    const entry = readEntry(event);
    if (entry.type !== 'message' || entry.role !== 'assistant') continue;
    const split = entry.text.split('\n').map((line, position) => ({ key: `${event.seq}:${position}`, seq: event.seq, text: line }));
    const shown = split.filter((line) => line.text.trim() !== '');
    for (let position = shown.length - 1; position >= 0 && lines.length < maxLines; position -= 1) lines.push(shown[position]!);
  }
  return lines.reverse();
}
