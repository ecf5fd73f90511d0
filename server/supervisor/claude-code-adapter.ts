import { createRequire } from 'node:module';
import path from 'node:path';
import { execa } from 'execa';
import type { PermissionMode, TaskErrorType } from '../db/types.js';
import { AgentRuntimeUnavailableError } from '../errors.js';
import type { AgentEvent, TokenUsage, TurnOutcome } from './agent-events.js';
import type { AgentLaunchSpec, RuntimeAdapter, SpawnCommand } from './runtime-adapter.js';

/** The CLI's choices; its default mode has no flag value of its own ("manual" maps to it). */
const PERMISSION_MODE_FLAGS: Record<PermissionMode, string | undefined> = {
  DEFAULT: undefined,
  ACCEPT_EDITS: 'acceptEdits',
  DONT_ASK: 'dontAsk',
  PLAN: 'plan',
};

/** Quiet, bounded headless workers: no side traffic, a few API retries instead of ten. */
const HEADLESS_ENVIRONMENT = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_CODE_STARTUP_FAILURE_RESULTS: '1',
};
const DEFAULT_MAX_RETRIES = '3';

const FIX_HINT =
  'Run `npm install` so the pinned @anthropic-ai/claude-code package provides the binary, ' +
  'or set CLAUDE_CLI_PATH to a working `claude` executable.';

/** Claude Code CLI driven headless over stream-json stdin/stdout. */
export class ClaudeCodeAdapter implements RuntimeAdapter {
  readonly runtime = 'claude-code';
  readonly controlledEnvironment = [...Object.keys(HEADLESS_ENVIRONMENT), 'CLAUDE_CODE_MAX_RETRIES', 'AGENT_RUN_TAG'];

  resolveBinary(configuredPath: string | undefined): string {
    if (configuredPath) return path.resolve(configuredPath);
    try {
      const packageJson = createRequire(import.meta.url).resolve('@anthropic-ai/claude-code/package.json');
      return path.join(path.dirname(packageJson), 'bin', 'claude.exe');
    } catch {
      return 'claude';
    }
  }

  async checkRunnable(binaryPath: string): Promise<{ version: string }> {
    const result = await execa(binaryPath, ['--version'], {
      reject: false,
      timeout: 20_000,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    if (result.failed && 'code' in result && (result.code === 'ENOENT' || result.code === 'EACCES')) {
      const problem = result.code === 'ENOENT' ? 'was not found' : 'is not executable';
      throw new AgentRuntimeUnavailableError(this.runtime, binaryPath, `The Claude Code CLI at ${binaryPath} ${problem}. ${FIX_HINT}`);
    }
    if (result.exitCode !== 0) {
      const detail = String(result.stderr || result.stdout || result.shortMessage).trim().slice(0, 500);
      throw new AgentRuntimeUnavailableError(
        this.runtime,
        binaryPath,
        `The Claude Code CLI at ${binaryPath} failed to start (${result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`}): ${detail}. ${FIX_HINT}`,
      );
    }
    return { version: String(result.stdout).trim() };
  }

  buildSpawn(spec: AgentLaunchSpec): SpawnCommand {
    const { config } = spec;
    // --flag=value everywhere: a variadic flag such as --allowedTools can never swallow the next one.
    const args = [
      '-p',
      '--input-format=stream-json',
      '--output-format=stream-json',
      '--verbose',
      // Partial messages carry each model call's token counts as it streams: the live cost estimate.
      '--include-partial-messages',
      spec.resume ? `--resume=${spec.cliSessionId}` : `--session-id=${spec.cliSessionId}`,
    ];
    const permissionMode = PERMISSION_MODE_FLAGS[config.permissionMode ?? 'DEFAULT'];
    if (permissionMode) args.push(`--permission-mode=${permissionMode}`);
    if (spec.model) args.push(`--model=${spec.model}`);
    if (config.allowedTools?.length) args.push(`--allowedTools=${config.allowedTools.join(',')}`);
    if (config.disallowedTools?.length) args.push(`--disallowedTools=${config.disallowedTools.join(',')}`);
    if (config.systemPrompt) args.push(`--append-system-prompt=${config.systemPrompt}`);
    if (config.maxTurns) args.push(`--max-turns=${config.maxTurns}`);
    if (config.maxBudgetUsd) args.push(`--max-budget-usd=${config.maxBudgetUsd}`);
    const [wrapper, ...wrapperArgs] = spec.wrapperPrefix ?? [];
    return {
      file: wrapper ?? spec.binaryPath,
      args: wrapper ? [...wrapperArgs, spec.binaryPath, ...args] : args,
      cwd: config.workingDirectory,
      env: {
        ...spec.environment,
        ...HEADLESS_ENVIRONMENT,
        CLAUDE_CODE_MAX_RETRIES: spec.environment.CLAUDE_CODE_MAX_RETRIES ?? DEFAULT_MAX_RETRIES,
        AGENT_RUN_TAG: spec.runTag,
      },
    };
  }

  encodeTurn(text: string, turnId: string): string {
    return JSON.stringify({
      type: 'user',
      session_id: '',
      parent_tool_use_id: null,
      uuid: turnId,
      message: { role: 'user', content: [{ type: 'text', text }] },
    });
  }

  encodeInterrupt(requestId: string): string {
    return JSON.stringify({ type: 'control_request', request_id: requestId, request: { subtype: 'interrupt' } });
  }

  createLineParser(): (line: string) => AgentEvent[] | undefined {
    let lastApiError: string | undefined;
    const call: { messageId?: string; model?: string } = {};
    return (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return undefined;
      }
      if (!isRecord(parsed) || typeof parsed.type !== 'string') return undefined;
      const events = parsed.type === 'stream_event' ? usageEvents(parsed, call) : toAgentEvents(parsed, lastApiError);
      if (parsed.type === 'assistant' && typeof parsed.error === 'string') lastApiError = parsed.error;
      if (parsed.type === 'result') lastApiError = undefined;
      return events;
    };
  }
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toAgentEvents(line: Json, lastApiError: string | undefined): AgentEvent[] {
  switch (line.type) {
    case 'system':
      return systemEvents(line);
    case 'assistant':
      return assistantEvents(line);
    case 'user':
      return userEvents(line);
    case 'result':
      return [{ kind: 'RESULT', outcome: turnOutcome(line, lastApiError) }];
    // Partial deltas and control acknowledgements carry nothing the transcript needs.
    case 'stream_event':
    case 'control_response':
      return [];
    default:
      return [{ kind: 'RAW', type: String(line.type), line }];
  }
}

/** Token counts from a model call's message_start and message_delta; other partial events add nothing. */
function usageEvents(line: Json, call: { messageId?: string; model?: string }): AgentEvent[] {
  const event = isRecord(line.event) ? line.event : {};
  if (event.type === 'message_start' && isRecord(event.message)) {
    const usage = isRecord(event.message.usage) ? event.message.usage : {};
    call.messageId = optionalString(event.message.id) ?? optionalString(line.api_message_id);
    call.model = optionalString(event.message.model);
    return [{
      kind: 'USAGE',
      messageId: call.messageId ?? '',
      model: call.model,
      final: false,
      tokens: {
        inputTokens: Number(usage.input_tokens ?? 0),
        cacheReadTokens: Number(usage.cache_read_input_tokens ?? 0),
        cacheCreationTokens: Number(usage.cache_creation_input_tokens ?? 0),
        outputTokens: Number(usage.output_tokens ?? 0),
      },
    }];
  }
  if (event.type === 'message_delta' && isRecord(event.usage)) {
    return [{
      kind: 'USAGE',
      messageId: optionalString(line.api_message_id) ?? call.messageId ?? '',
      model: call.model,
      final: true,
      tokens: { outputTokens: Number(event.usage.output_tokens ?? 0) },
    }];
  }
  return [];
}

function systemEvents(line: Json): AgentEvent[] {
  switch (line.subtype) {
    case 'init':
      return [{
        kind: 'AGENT_STARTED',
        sessionId: String(line.session_id ?? ''),
        model: optionalString(line.model),
        cwd: optionalString(line.cwd),
        tools: Array.isArray(line.tools) ? line.tools.map(String) : undefined,
      }];
    case 'api_retry':
      return [{
        kind: 'RETRY',
        attempt: Number(line.attempt ?? 0),
        maxRetries: Number(line.max_retries ?? 0),
        status: typeof line.error_status === 'number' ? line.error_status : null,
        error: String(line.error ?? 'unknown'),
        delayMs: typeof line.retry_delay_ms === 'number' ? line.retry_delay_ms : undefined,
      }];
    case 'permission_denied':
      return [{
        kind: 'PERMISSION_DENIED',
        toolName: String(line.tool_name ?? ''),
        toolUseId: optionalString(line.tool_use_id),
        message: String(line.message ?? ''),
      }];
    // High-frequency status frames (thinking token estimates, session state) are not transcript.
    case 'status':
    case 'thinking_tokens':
    case 'session_state_changed':
      return [];
    default:
      return [{ kind: 'RAW', type: `system/${String(line.subtype)}`, line }];
  }
}

function contentBlocks(line: Json): unknown[] {
  const message = isRecord(line.message) ? line.message : {};
  const content = message.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content : [];
}

function assistantEvents(line: Json): AgentEvent[] {
  const message = isRecord(line.message) ? line.message : {};
  const messageId = optionalString(message.id);
  const parentToolUseId = optionalString(line.parent_tool_use_id) ?? null;
  const error = optionalString(line.error);
  return contentBlocks(line).flatMap((block): AgentEvent[] => {
    if (!isRecord(block)) return [];
    switch (block.type) {
      case 'text':
        return [{ kind: 'MESSAGE', role: 'assistant', text: String(block.text ?? ''), messageId, parentToolUseId, error }];
      case 'thinking':
        return [{ kind: 'THINKING', text: String(block.thinking ?? ''), messageId }];
      case 'tool_use':
        return [{ kind: 'TOOL_CALL', toolUseId: String(block.id ?? ''), name: String(block.name ?? ''), input: block.input ?? {}, parentToolUseId }];
      default:
        return [{ kind: 'RAW', type: `assistant/${String(block.type)}`, line: block }];
    }
  });
}

function userEvents(line: Json): AgentEvent[] {
  // Replayed prompts echo what we sent; they are already recorded as the turn's input.
  if (line.isReplay === true) return [];
  return contentBlocks(line).flatMap((block): AgentEvent[] => {
    if (!isRecord(block)) return [];
    if (block.type === 'tool_result') {
      return [{ kind: 'TOOL_RESULT', toolUseId: String(block.tool_use_id ?? ''), isError: block.is_error === true, content: block.content ?? null }];
    }
    if (block.type === 'text') return [{ kind: 'MESSAGE', role: 'user', text: String(block.text ?? '') }];
    return [];
  });
}

function turnOutcome(line: Json, lastApiError: string | undefined): TurnOutcome {
  const isError = line.is_error === true || line.subtype !== 'success';
  const text = optionalString(line.result);
  const errors = Array.isArray(line.errors) ? line.errors.map(String) : [];
  const outcome: TurnOutcome = {
    ok: !isError,
    text,
    cumulativeCostUsd: typeof line.total_cost_usd === 'number' ? line.total_cost_usd : undefined,
    cumulativeTokens: cumulativeTokens(line),
    numTurns: typeof line.num_turns === 'number' ? line.num_turns : undefined,
    durationMs: typeof line.duration_ms === 'number' ? line.duration_ms : undefined,
    permissionDenials: Array.isArray(line.permission_denials) ? line.permission_denials.length : undefined,
  };
  if (!isError) return outcome;
  outcome.errorType = classifyFailure(line, lastApiError, text);
  outcome.message = errors.join('; ') || text || `turn ended with ${String(line.subtype)}`;
  if (outcome.errorType === 'AUTHENTICATION_FAILED') outcome.hint = AUTHENTICATION_HINT;
  if (outcome.errorType === 'STARTUP_FAILED') {
    outcome.hint = `The CLI refused to start (${String(line.startup_failure_reason)}): fix the agent's configuration.`;
  }
  return outcome;
}

const AUTHENTICATION_HINT =
  "Give the server credentials for its agents: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN or CLAUDE_CODE_OAUTH_TOKEN) in its environment, or run `claude /login` as the server's user, then send the task again.";

/** Assistant `error` values that a person must fix on the account or credentials. */
const ACCOUNT_ERRORS = new Set(['authentication_failed', 'oauth_org_not_allowed', 'account_on_hold', 'verification_required', 'billing_error', 'cloud_credential_error']);
/** Assistant `error` values for a request the API will not accept as it is. */
const REJECTED_REQUEST_ERRORS = new Set(['invalid_request', 'model_not_found']);

function classifyFailure(line: Json, lastApiError: string | undefined, text: string | undefined): TaskErrorType {
  switch (line.subtype) {
    case 'error_max_turns':
      return 'MAX_TURNS';
    case 'error_max_budget_usd':
      return 'MAX_BUDGET';
    case 'error_during_execution': {
      if (line.startup_failure_reason) return 'STARTUP_FAILED';
      const reason = String(line.terminal_reason ?? '');
      return reason.startsWith('aborted') ? 'INTERRUPTED' : 'EXECUTION_ERROR';
    }
    case 'success': {
      const status = typeof line.api_error_status === 'number' ? line.api_error_status : undefined;
      const authFailed =
        ACCOUNT_ERRORS.has(lastApiError ?? '') ||
        status === 401 ||
        status === 403 ||
        /not logged in|invalid api key|\/login/i.test(text ?? '');
      if (authFailed) return 'AUTHENTICATION_FAILED';
      // The API refused the request itself: sending it again gets the same answer.
      const rejected =
        REJECTED_REQUEST_ERRORS.has(lastApiError ?? '') ||
        (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429);
      return rejected ? 'INVALID_REQUEST' : 'API_ERROR';
    }
    default:
      return 'UNKNOWN';
  }
}

/** Sums modelUsage over models: it includes subagents, unlike the main-loop `usage`. */
function cumulativeTokens(line: Json): TokenUsage | undefined {
  if (!isRecord(line.modelUsage)) return undefined;
  const total: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
  for (const usage of Object.values(line.modelUsage)) {
    if (!isRecord(usage)) continue;
    total.inputTokens += Number(usage.inputTokens ?? 0);
    total.outputTokens += Number(usage.outputTokens ?? 0);
    total.cacheReadTokens += Number(usage.cacheReadInputTokens ?? 0);
    total.cacheCreationTokens += Number(usage.cacheCreationInputTokens ?? 0);
  }
  return total;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
