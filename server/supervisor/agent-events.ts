import type { TaskErrorType } from '../db/types.js';

/** Token counts of one turn (or their running totals). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

/** How a turn ended, as the runtime reported it. */
export interface TurnOutcome {
  ok: boolean;
  /** Set when ok is false. */
  errorType?: TaskErrorType;
  message?: string;
  /** Final assistant text (or the error text). */
  text?: string;
  /** For failures a person must fix (credentials, configuration): what to do. Such turns are not retried. */
  hint?: string;
  /** Cost and tokens since the process started: the CLI reports running totals. */
  cumulativeCostUsd?: number;
  cumulativeTokens?: TokenUsage;
  numTurns?: number;
  durationMs?: number;
  permissionDenials?: number;
}

/**
 * What an agent CLI says, normalised across runtimes. Every adapter maps its own line
 * format onto this union; the services store and publish it unchanged.
 */
export type AgentEvent =
  | { kind: 'AGENT_STARTED'; sessionId: string; model?: string; cwd?: string; tools?: string[] }
  | { kind: 'MESSAGE'; role: 'assistant' | 'user'; text: string; messageId?: string; parentToolUseId?: string | null; error?: string }
  | { kind: 'THINKING'; text: string; messageId?: string }
  | { kind: 'TOOL_CALL'; toolUseId: string; name: string; input: unknown; parentToolUseId?: string | null }
  | { kind: 'TOOL_RESULT'; toolUseId: string; isError: boolean; content: unknown }
  | { kind: 'RETRY'; attempt: number; maxRetries: number; status: number | null; error: string; delayMs?: number }
  | { kind: 'PERMISSION_DENIED'; toolName: string; toolUseId?: string; message: string }
  | { kind: 'RESULT'; outcome: TurnOutcome }
  /** Token counts of one model call as it streams: at its start (input side), then at its end (output). */
  | { kind: 'USAGE'; messageId: string; model?: string; final: boolean; tokens: Partial<TokenUsage> }
  | { kind: 'RAW'; type: string; line: unknown };

export type AgentEventKind = AgentEvent['kind'];
