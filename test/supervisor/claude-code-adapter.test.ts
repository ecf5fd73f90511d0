/**
 * ClaudeCodeAdapter against real Claude Code CLI 2.1.332 output: the line parser over recorded
 * transcripts, the spawn command, the stdin turn line and the runnable check.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../server/db/types.js';
import { AgentRuntimeUnavailableError } from '../../server/errors.js';
import type { AgentEvent, AgentEventKind, TurnOutcome } from '../../server/supervisor/agent-events.js';
import { ClaudeCodeAdapter } from '../../server/supervisor/claude-code-adapter.js';
import type { AgentLaunchSpec } from '../../server/supervisor/runtime-adapter.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/claude-cli/', import.meta.url));
const FAKE_CLAUDE = fileURLToPath(new URL('../support/fake-claude.mjs', import.meta.url));

type Stream = 'in' | 'out' | 'err';

/** Lines of one stream of a transcript: `.log` rows are `seconds<TAB>stream<TAB>line`, `.jsonl` is stdout only. */
function transcript(name: string, stream: Stream = 'out'): string[] {
  const text = readFileSync(path.join(FIXTURES, name), 'utf8');
  const rows = text.split('\n').filter((row) => row.trim() !== '');
  const lines = name.endsWith('.jsonl')
    ? (stream === 'out' ? rows : [])
    : rows.flatMap((row) => {
        const first = row.indexOf('\t');
        const second = row.indexOf('\t', first + 1);
        return row.slice(first + 1, second) === stream ? [row.slice(second + 1)] : [];
      });
  // An empty or misread fixture must fail loudly, not pass vacuously.
  expect(lines.length, `${name} has no ${stream} lines`).toBeGreaterThan(0);
  return lines;
}

type Parser = (line: string) => AgentEvent[] | undefined;

function newParser(): Parser {
  return new ClaudeCodeAdapter().createLineParser();
}

/** Every line must be valid stream-json; returns the events in order. */
function parseAll(lines: string[], parse: Parser = newParser()): AgentEvent[] {
  return lines.flatMap((line) => {
    const events = parse(line);
    expect(events, `line was rejected: ${line.slice(0, 120)}`).toBeDefined();
    return events ?? [];
  });
}

function kinds(events: AgentEvent[]): AgentEventKind[] {
  return events.map((event) => event.kind);
}

function only<K extends AgentEventKind>(events: AgentEvent[], kind: K): Extract<AgentEvent, { kind: K }>[] {
  return events.filter((event): event is Extract<AgentEvent, { kind: K }> => event.kind === kind);
}

function outcomes(events: AgentEvent[]): TurnOutcome[] {
  return only(events, 'RESULT').map((event) => event.outcome);
}

function lastOutcome(events: AgentEvent[]): TurnOutcome {
  const all = outcomes(events);
  expect(all.length).toBeGreaterThan(0);
  return all[all.length - 1]!;
}

describe('createLineParser over real CLI transcripts', () => {
  it('tool_allowed: a tool round trip, then a successful result with the cumulative cost and tokens', () => {
    const events = parseAll(transcript('tool_allowed.log'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'MESSAGE', 'RESULT']);

    expect(events[0]).toEqual({
      kind: 'AGENT_STARTED',
      sessionId: '5c2b139c-2de3-430e-b2fe-aaf554d3cdb0',
      model: 'claude-opus-5-5',
      cwd: '/home/dev/w3',
      tools: expect.arrayContaining(['Bash', 'Read', 'Write']),
    });
    expect(events[1]).toMatchObject({ kind: 'MESSAGE', role: 'assistant', text: 'I will run a command.', messageId: 'msg_mock_5', parentToolUseId: null });
    expect(events[2]).toEqual({
      kind: 'TOOL_CALL',
      toolUseId: 'toolu_mock_5',
      name: 'Bash',
      input: { command: 'echo hello-from-tool', description: 'Print a greeting' },
      parentToolUseId: null,
    });
    expect(events[3]).toEqual({ kind: 'TOOL_RESULT', toolUseId: 'toolu_mock_5', isError: false, content: 'hello-from-tool' });
    expect(events[4]).toMatchObject({ kind: 'MESSAGE', role: 'assistant', text: 'The command printed hello-from-tool. Done.', messageId: 'msg_mock_6' });
    // A normal answer carries no API error.
    expect((events[4] as Extract<AgentEvent, { kind: 'MESSAGE' }>).error).toBeUndefined();

    const outcome = lastOutcome(events);
    expect(outcome).toEqual({
      ok: true,
      text: 'The command printed hello-from-tool. Done.',
      cumulativeCostUsd: 0.016908,
      cumulativeTokens: { inputTokens: 32, outputTokens: 59, cacheReadTokens: 18000, cacheCreationTokens: 2400 },
      numTurns: 2,
      durationMs: 435,
      permissionDenials: 0,
    });
  });

  it('multiturn: two turns on one process, each opened by AGENT_STARTED; the totals are running totals from modelUsage', () => {
    const events = parseAll(transcript('multiturn.log'));
    expect(kinds(events)).toEqual([
      'AGENT_STARTED', 'MESSAGE', 'RESULT',
      'AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'MESSAGE', 'RESULT',
    ]);
    const started = only(events, 'AGENT_STARTED');
    expect(started.map((e) => e.sessionId)).toEqual(['395bacd4-2342-4060-bfaf-ed07c469601b', '395bacd4-2342-4060-bfaf-ed07c469601b']);

    const [first, second] = outcomes(events);
    expect(first).toMatchObject({ ok: true, text: 'Hello! You said: ', cumulativeCostUsd: 0.008187999999999999 });
    expect(first!.cumulativeTokens).toEqual({ inputTokens: 12, outputTokens: 17, cacheReadTokens: 9000, cacheCreationTokens: 1200 });
    // The second result's `usage` covers only its own turn (32 in); modelUsage is the process total.
    expect(second).toMatchObject({ ok: true, text: 'The command printed hello-from-tool. Done.', cumulativeCostUsd: 0.025096 });
    expect(second!.cumulativeTokens).toEqual({ inputTokens: 44, outputTokens: 76, cacheReadTokens: 27000, cacheCreationTokens: 3600 });
  });

  it('tool_denied: a PERMISSION_DENIED event, an error tool result, and the denial counted on a successful result', () => {
    const events = parseAll(transcript('tool_denied.log'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'PERMISSION_DENIED', 'TOOL_RESULT', 'MESSAGE', 'RESULT']);
    const [denied] = only(events, 'PERMISSION_DENIED');
    expect(denied).toEqual({
      kind: 'PERMISSION_DENIED',
      toolName: 'Bash',
      toolUseId: 'toolu_mock_2',
      message: expect.stringContaining("touch in '/home/dev/w3/made-by-tool.txt' needs approval"),
    });
    const [toolResult] = only(events, 'TOOL_RESULT');
    expect(toolResult).toMatchObject({ toolUseId: 'toolu_mock_2', isError: true });
    expect(String(toolResult!.content)).toContain('needs approval');

    const outcome = lastOutcome(events);
    // The turn "succeeds" without doing the work; the count is what exposes that.
    expect(outcome.ok).toBe(true);
    expect(outcome.errorType).toBeUndefined();
    expect(outcome.permissionDenials).toBe(1);
  });

  it('max_turns: MAX_TURNS with the CLI error text and the cost so far', () => {
    const events = parseAll(transcript('max_turns.log'));
    expect(kinds(events)).toEqual([
      'AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'RESULT',
    ]);
    const outcome = lastOutcome(events);
    expect(outcome).toMatchObject({
      ok: false,
      errorType: 'MAX_TURNS',
      message: 'Reached maximum number of turns (2)',
      cumulativeCostUsd: 0.017439999999999997,
      numTurns: 3,
    });
    expect(outcome.cumulativeTokens).toEqual({ inputTokens: 40, outputTokens: 84, cacheReadTokens: 18000, cacheCreationTokens: 2400 });
    expect(outcome.text).toBeUndefined();
  });

  it('budget: MAX_BUDGET, ending right after a tool call that got no result', () => {
    const events = parseAll(transcript('budget.log'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'MESSAGE', 'TOOL_CALL', 'RESULT']);
    expect(lastOutcome(events)).toMatchObject({
      ok: false,
      errorType: 'MAX_BUDGET',
      message: 'Reached maximum budget ($0.01)',
      cumulativeCostUsd: 0.017439999999999997,
    });
  });

  it('http500: RETRY events from api_retry, then API_ERROR carrying the synthetic error text', () => {
    const events = parseAll(transcript('http500.log'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'RETRY', 'RETRY', 'MESSAGE', 'RESULT']);
    expect(only(events, 'RETRY')).toEqual([
      { kind: 'RETRY', attempt: 1, maxRetries: 2, status: 500, error: 'server_error', delayMs: 623 },
      { kind: 'RETRY', attempt: 2, maxRetries: 2, status: 500, error: 'server_error', delayMs: 1212 },
    ]);
    const [message] = only(events, 'MESSAGE');
    expect(message).toMatchObject({ role: 'assistant', error: 'server_error' });
    expect(message!.text).toMatch(/^API Error: 500 Internal server error/);

    const outcome = lastOutcome(events);
    expect(outcome).toMatchObject({ ok: false, errorType: 'API_ERROR', cumulativeCostUsd: 0 });
    expect(outcome.message).toMatch(/^API Error: 500 Internal server error/);
    expect(outcome.text).toBe(outcome.message);
  });

  it('http401: an invalid key is AUTHENTICATION_FAILED (api_error_status 401), after a RETRY with status 401', () => {
    const events = parseAll(transcript('http401.log'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'RETRY', 'MESSAGE', 'RESULT']);
    expect(only(events, 'RETRY')[0]).toMatchObject({ attempt: 1, maxRetries: 1, status: 401, error: 'authentication_failed' });
    expect(lastOutcome(events)).toMatchObject({ ok: false, errorType: 'AUTHENTICATION_FAILED', message: 'Invalid API key · Fix external API key' });
  });

  it('nokey: "Not logged in" is AUTHENTICATION_FAILED with zero cost and zero tokens', () => {
    const events = parseAll(transcript('nokey.stdout.jsonl'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'MESSAGE', 'RESULT']);
    expect(events[1]).toMatchObject({ kind: 'MESSAGE', role: 'assistant', text: 'Not logged in · Please run /login', error: 'authentication_failed' });
    expect(lastOutcome(events)).toEqual({
      ok: false,
      errorType: 'AUTHENTICATION_FAILED',
      message: 'Not logged in · Please run /login',
      text: 'Not logged in · Please run /login',
      hint: expect.stringContaining('ANTHROPIC_API_KEY'),
      cumulativeCostUsd: 0,
      cumulativeTokens: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
      numTurns: 1,
      durationMs: expect.any(Number),
      permissionDenials: 0,
    });
  });

  it('fakekey-nonetwork: ten RETRY events without an HTTP status, then API_ERROR (not an auth failure)', () => {
    const events = parseAll(transcript('fakekey-nonetwork.stdout.jsonl'));
    expect(kinds(events)).toEqual(['AGENT_STARTED', ...Array<AgentEventKind>(10).fill('RETRY'), 'MESSAGE', 'RESULT']);
    const retries = only(events, 'RETRY');
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const retry of retries) expect(retry).toMatchObject({ maxRetries: 10, status: null, error: 'unknown' });
    const outcome = lastOutcome(events);
    expect(outcome).toMatchObject({ ok: false, errorType: 'API_ERROR' });
    expect(outcome.message).toContain("Can't reach the API server");
  });

  it('interrupt: INTERRUPTED (aborted_streaming) with the partial call billed; the next turn on the same process succeeds', () => {
    const all = parseAll(transcript('interrupt.log'));
    // The cut-off call still reported its start; the live estimate counts it.
    expect(all.filter((e) => e.kind === 'USAGE').length).toBeGreaterThan(0);
    const events = all.filter((e) => e.kind !== 'USAGE');
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'MESSAGE', 'MESSAGE', 'RESULT', 'AGENT_STARTED', 'MESSAGE', 'RESULT']);
    expect(events[1]).toMatchObject({ kind: 'MESSAGE', role: 'assistant', text: 'This is a slow reply tha' });
    expect(events[2]).toEqual({ kind: 'MESSAGE', role: 'user', text: '[Request interrupted by user]' });

    const [interrupted, next] = outcomes(events);
    expect(interrupted).toMatchObject({ ok: false, errorType: 'INTERRUPTED', cumulativeCostUsd: 0.008008 });
    expect(interrupted!.message).toContain('[ede_diagnostic]');
    expect(interrupted!.cumulativeTokens).toEqual({ inputTokens: 12, outputTokens: 8, cacheReadTokens: 9000, cacheCreationTokens: 1200 });
    expect(next).toMatchObject({ ok: true, cumulativeCostUsd: 0.016196 });
    expect(next!.errorType).toBeUndefined();
  });

  it('partial: a model call\'s message_start and message_delta give USAGE; other stream, status and thinking_tokens frames give nothing', () => {
    const lines = transcript('partial.log');
    const parse = newParser();
    const perLine = lines.map((line) => ({ line, type: (JSON.parse(line) as { type: string }).type, events: parse(line) }));
    const streamEvents = perLine.filter((l) => l.type === 'stream_event');
    expect(streamEvents.length).toBeGreaterThan(10);
    for (const { line, events } of streamEvents) {
      const { event } = JSON.parse(line) as { event: { type: string } };
      // Recognised and dropped: an empty list, not undefined (which would mean "not valid").
      if (event.type !== 'message_start' && event.type !== 'message_delta') expect(events).toEqual([]);
    }
    const usage = perLine.flatMap((l) => l.events ?? []).filter((e) => e.kind === 'USAGE');
    expect(usage).toEqual([
      { kind: 'USAGE', messageId: 'msg_mock_4', model: 'claude-opus-5-5', final: false,
        tokens: { inputTokens: 12, cacheReadTokens: 9000, cacheCreationTokens: 1200, outputTokens: 1 } },
      { kind: 'USAGE', messageId: 'msg_mock_4', model: 'claude-opus-5-5', final: true, tokens: { outputTokens: 17 } },
    ]);

    const events = perLine.flatMap((l) => l.events ?? []).filter((e) => e.kind !== 'USAGE');
    expect(kinds(events)).toEqual(['AGENT_STARTED', 'THINKING', 'MESSAGE', 'RESULT']);
    expect(events[1]).toEqual({ kind: 'THINKING', text: 'Simple greeting.', messageId: 'msg_mock_4' });
    expect(lastOutcome(events).ok).toBe(true);
  });

  it('interrupt: the control_response and the partial frames around it (but usage) give no events', () => {
    const parse = newParser();
    const silent = transcript('interrupt.log').filter((line) => {
      const { type, event } = JSON.parse(line) as { type: string; event?: { type: string } };
      return (type === 'stream_event' && event?.type !== 'message_start' && event?.type !== 'message_delta') || type === 'control_response';
    });
    expect(silent.some((line) => line.includes('"control_response"'))).toBe(true);
    for (const line of silent) expect(parse(line)).toEqual([]);
  });

  it('replay_state: unknown line types become RAW with the parsed line; replayed prompts and session state frames are dropped', () => {
    const lines = transcript('replay_state.log');
    const events = parseAll(lines);
    expect(kinds(events)).toEqual(['RAW', 'RAW', 'AGENT_STARTED', 'MESSAGE', 'RESULT', 'RAW']);
    const raws = only(events, 'RAW');
    expect(raws.map((r) => r.type)).toEqual(['command_lifecycle', 'command_lifecycle', 'command_lifecycle']);
    expect(raws.map((r) => (r.line as { state: string }).state)).toEqual(['queued', 'started', 'completed']);
    const lifecycleLines = lines.filter((line) => line.includes('"command_lifecycle"'));
    expect(raws.map((r) => r.line)).toEqual(lifecycleLines.map((line) => JSON.parse(line) as unknown));
    // The echoed prompt "first" must not show up as a user message.
    expect(only(events, 'MESSAGE').map((m) => m.role)).toEqual(['assistant']);
  });

  it('an unknown system subtype becomes RAW named system/<subtype>', () => {
    const line = '{"type":"system","subtype":"compact_boundary","session_id":"c5e7ab2d-d51d-40a6-8221-ed820e10962c","uuid":"3abad46b-95ec-45d3-bde0-4e026ef848e1"}';
    expect(newParser()(line)).toEqual([{ kind: 'RAW', type: 'system/compact_boundary', line: JSON.parse(line) as unknown }]);
  });

  it('lines that are not stream-json objects give undefined, and the parser keeps working afterwards', () => {
    const parse = newParser();
    const realResult = transcript('tool_allowed.log').at(-1)!;
    const malformed = [
      'not json {',
      '',
      '   ',
      realResult.slice(0, Math.floor(realResult.length / 2)),
      'null',
      '42',
      '"result"',
      '[{"type":"result"}]',
      '{"subtype":"success"}',
      '{"type":7}',
    ];
    for (const line of malformed) expect(parse(line), JSON.stringify(line)).toBeUndefined();
    expect(kinds(parse(realResult) ?? [])).toEqual(['RESULT']);
  });

  it('remembers the last API error until the result: the same 500 result reads as an auth failure after authentication_failed', () => {
    const [, nokeyAssistant, nokeyResult] = transcript('nokey.stdout.jsonl');
    const http500Result = transcript('http500.log').at(-1)!;

    const fresh = newParser();
    expect(lastOutcome(fresh(http500Result) ?? []).errorType).toBe('API_ERROR');

    const afterAuthError = newParser();
    afterAuthError(nokeyAssistant!);
    expect(lastOutcome(afterAuthError(http500Result) ?? []).errorType).toBe('AUTHENTICATION_FAILED');

    // A result clears it: the next turn's failure is judged on its own.
    const cleared = newParser();
    cleared(nokeyAssistant!);
    cleared(nokeyResult!);
    expect(lastOutcome(cleared(http500Result) ?? []).errorType).toBe('API_ERROR');

    // Each parser has its own state.
    expect(lastOutcome(newParser()(http500Result) ?? []).errorType).toBe('API_ERROR');
  });
});

describe('buildSpawn', () => {
  const adapter = new ClaudeCodeAdapter();
  const sessionId = randomUUID();
  const baseEnvironment = { PATH: '/usr/bin:/bin', HOME: '/srv/agents/home', ANTHROPIC_API_KEY: 'sk-test' };
  const spec = (config: Partial<AgentConfig> = {}, overrides: Partial<AgentLaunchSpec> = {}): AgentLaunchSpec => ({
    binaryPath: '/opt/claude/bin/claude',
    cliSessionId: sessionId,
    resume: false,
    model: null,
    config: { workingDirectory: '/srv/agents/work', ...config },
    environment: { ...baseEnvironment },
    runTag: 'agent-0193',
    ...overrides,
  });
  // Flags that take no value; every other flag must carry its value after "=".
  const BOOLEAN_FLAGS = new Set(['-p', '--verbose', '--include-partial-messages']);

  it('runs the binary in the working directory, headless over stream-json, with --flag=value forms only', () => {
    const command = adapter.buildSpawn(spec({ allowedTools: ['Bash', 'Read', 'Edit'], disallowedTools: ['WebFetch', 'WebSearch'] }));
    expect(command.file).toBe('/opt/claude/bin/claude');
    expect(command.cwd).toBe('/srv/agents/work');
    expect(command.args[0]).toBe('-p');
    expect(command.args).toEqual(expect.arrayContaining([
      '--input-format=stream-json',
      '--output-format=stream-json',
      '--verbose',
      `--session-id=${sessionId}`,
      '--allowedTools=Bash,Read,Edit',
      '--disallowedTools=WebFetch,WebSearch',
    ]));
    // No separate value words: a variadic flag such as --allowedTools could swallow them.
    for (const arg of command.args) {
      expect(arg.startsWith('-'), `bare word ${arg}`).toBe(true);
      if (!BOOLEAN_FLAGS.has(arg)) expect(arg, `${arg} has no =value`).toMatch(/^--[A-Za-z-]+=/);
    }
    expect(command.args.some((arg) => arg.startsWith('--resume'))).toBe(false);
  });

  it('passes no --permission-mode for DEFAULT (explicit or absent), and the CLI names for the others', () => {
    expect(adapter.buildSpawn(spec()).args.some((arg) => arg.startsWith('--permission-mode'))).toBe(false);
    expect(adapter.buildSpawn(spec({ permissionMode: 'DEFAULT' })).args.some((arg) => arg.startsWith('--permission-mode'))).toBe(false);
    expect(adapter.buildSpawn(spec({ permissionMode: 'ACCEPT_EDITS' })).args).toContain('--permission-mode=acceptEdits');
    expect(adapter.buildSpawn(spec({ permissionMode: 'DONT_ASK' })).args).toContain('--permission-mode=dontAsk');
    expect(adapter.buildSpawn(spec({ permissionMode: 'PLAN' })).args).toContain('--permission-mode=plan');
  });

  it('appends the system prompt as one argument, newlines and all, and passes model and limits', () => {
    const systemPrompt = 'You are WORKER.\nAnswer briefly; use --no-tricks.';
    const { args } = adapter.buildSpawn(spec({ systemPrompt, maxTurns: 7, maxBudgetUsd: 1.5 }, { model: 'sonnet' }));
    expect(args).toContain(`--append-system-prompt=${systemPrompt}`);
    expect(args).toContain('--model=sonnet');
    expect(args).toContain('--max-turns=7');
    expect(args).toContain('--max-budget-usd=1.5');
    // Appended, never replacing the CLI's own prompt.
    expect(args.some((arg) => arg.startsWith('--system-prompt'))).toBe(false);
  });

  it('omits optional flags that were not configured', () => {
    const { args } = adapter.buildSpawn(spec());
    expect(args).toEqual([
      '-p',
      '--input-format=stream-json',
      '--output-format=stream-json',
      '--verbose',
      '--include-partial-messages',
      `--session-id=${sessionId}`,
    ]);
  });

  it('resumes the CLI transcript with --resume=<id> instead of --session-id', () => {
    const { args } = adapter.buildSpawn(spec({}, { resume: true }));
    expect(args).toContain(`--resume=${sessionId}`);
    expect(args.some((arg) => arg.startsWith('--session-id'))).toBe(false);
  });

  it('builds the environment from what was passed plus the quiet headless variables and the run tag, nothing from the server', () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://server:secret@db/control-plane';
    try {
      const { env } = adapter.buildSpawn(spec());
      expect(env).toEqual({
        ...baseEnvironment,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        CLAUDE_CODE_STARTUP_FAILURE_RESULTS: '1',
        CLAUDE_CODE_MAX_RETRIES: '3',
        AGENT_RUN_TAG: 'agent-0193',
      });
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it('keeps a configured retry count, and does not share the environment object it was given', () => {
    const launch = spec();
    launch.environment.CLAUDE_CODE_MAX_RETRIES = '1';
    const { env } = adapter.buildSpawn(launch);
    expect(env.CLAUDE_CODE_MAX_RETRIES).toBe('1');
    env.EXTRA = 'x';
    expect(launch.environment).not.toHaveProperty('EXTRA');
    expect(launch.environment).not.toHaveProperty('AGENT_RUN_TAG');
  });
});

describe('encodeTurn', () => {
  const adapter = new ClaudeCodeAdapter();

  it('writes one stream-json user line with the turn id as uuid', () => {
    const turnId = randomUUID();
    const text = 'Line one\nline "two"\twith a tab';
    const line = adapter.encodeTurn(text, turnId);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      type: 'user',
      session_id: '',
      parent_tool_use_id: null,
      uuid: turnId,
      message: { role: 'user', content: [{ type: 'text', text }] },
    });
  });

  it('matches the stdin line the CLI accepted in the recorded multi-turn session', () => {
    const accepted = JSON.parse(transcript('multiturn.log', 'in')[1]!) as Record<string, unknown>;
    const encoded = JSON.parse(adapter.encodeTurn('second message USE_TOOL', randomUUID())) as Record<string, unknown>;
    const { uuid, ...rest } = encoded;
    expect(typeof uuid).toBe('string');
    expect(rest).toEqual(accepted);
  });
});

describe('checkRunnable and resolveBinary', () => {
  const adapter = new ClaudeCodeAdapter();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'adapter-check-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function rejection(binaryPath: string): Promise<AgentRuntimeUnavailableError> {
    const error: unknown = await adapter.checkRunnable(binaryPath).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AgentRuntimeUnavailableError);
    return error as AgentRuntimeUnavailableError;
  }

  it('a missing binary: AgentRuntimeUnavailableError naming the path and how to fix it', async () => {
    const missing = path.join(dir, 'no-such-claude');
    const error = await rejection(missing);
    expect(error.code).toBe('AGENT_RUNTIME_UNAVAILABLE');
    expect(error.runtime).toBe('claude-code');
    expect(error.binaryPath).toBe(missing);
    expect(error.message).toContain(`${missing} was not found`);
    expect(error.message).toContain('npm install');
    expect(error.message).toContain('CLAUDE_CLI_PATH');
  });

  it('a file without execute permission: AgentRuntimeUnavailableError saying so', async () => {
    const file = path.join(dir, 'claude-not-executable');
    await writeFile(file, '#!/bin/sh\necho "2.1.332 (Claude Code)"\n');
    await chmod(file, 0o644);
    const error = await rejection(file);
    expect(error.binaryPath).toBe(file);
    expect(error.message).toContain('is not executable');
    expect(error.message).toContain('CLAUDE_CLI_PATH');
  });

  it('a binary that fails --version: AgentRuntimeUnavailableError with its exit code and output', async () => {
    const file = path.join(dir, 'claude-broken');
    await writeFile(file, '#!/bin/sh\necho "error: missing shared library" >&2\nexit 2\n');
    await chmod(file, 0o755);
    const error = await rejection(file);
    expect(error.message).toContain('failed to start (exit 2)');
    expect(error.message).toContain('missing shared library');
  });

  it('the fake CLI answers --version and passes', async () => {
    await expect(adapter.checkRunnable(FAKE_CLAUDE)).resolves.toEqual({ version: '2.1.332 (Claude Code)' });
  });

  it('resolveBinary: a configured path is made absolute; otherwise the pinned package binary', () => {
    expect(adapter.resolveBinary('bin/claude')).toBe(path.resolve('bin/claude'));
    expect(adapter.resolveBinary(undefined)).toMatch(/node_modules\/@anthropic-ai\/claude-code\/bin\/claude\.exe$/);
  });
});
