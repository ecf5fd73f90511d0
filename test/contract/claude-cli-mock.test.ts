/**
 * Contract test: the real `claude` binary runs offline against the loopback Messages API mock.
 * It pins the stream-json events the supervisor depends on (init, tool round trip, result, api_retry).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startMockMessagesApi } from '../support/mock-messages-api.js';
import type { MockMessagesApi } from '../support/mock-messages-api.js';

const CLAUDE_BIN = fileURLToPath(
  new URL('../../node_modules/@anthropic-ai/claude-code/bin/claude.exe', import.meta.url),
);
const TEST_TIMEOUT_MS = 30_000;

type Json = Record<string, unknown>;

interface ClaudeRun {
  sessionId: string;
  lines: Json[];
  result: Json | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

let api: MockMessagesApi;
const tempDirs: string[] = [];

beforeAll(async () => {
  api = await startMockMessagesApi();
});

afterAll(async () => {
  await api?.close();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function waitForExit(child: ChildProcessWithoutNullStreams): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode]);
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}

/** Sends one stream-json user message, reads stdout until the turn's `result`, then closes stdin and waits for exit. */
async function runClaude(prompt: string, extraEnv: Record<string, string> = {}): Promise<ClaudeRun> {
  // A missing binary must fail the suite, not skip it: the contract cannot be checked without it.
  expect(existsSync(CLAUDE_BIN), `claude binary not found at ${CLAUDE_BIN}`).toBe(true);

  const sessionId = randomUUID();
  const cwd = await freshDir('claude-mock-cwd-');
  const home = await freshDir('claude-mock-home-');
  const child = spawn(
    CLAUDE_BIN,
    [
      '-p',
      '--input-format', 'stream-json',
      '--output-format', 'stream-json',
      '--verbose',
      '--session-id', sessionId,
      '--allowedTools', 'Bash',
    ],
    {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'test-key',
        CLAUDE_CODE_MAX_RETRIES: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        ...extraEnv,
      },
    },
  );

  try {
    const lines: Json[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    // Writes after an early exit would raise EPIPE; the exit itself is what the assertions report.
    child.stdin.on('error', () => undefined);

    const exited = waitForExit(child);
    const sawResult = new Promise<Json | undefined>((resolve) => {
      const reader = createInterface({ input: child.stdout, crlfDelay: Infinity });
      reader.on('line', (line) => {
        if (line.trim() === '') return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return; // Non-JSON noise is tolerated, as a supervisor would.
        }
        if (typeof parsed !== 'object' || parsed === null) return;
        const event = parsed as Json;
        lines.push(event);
        if (event.type === 'result') resolve(event);
      });
      reader.on('close', () => resolve(undefined));
    });

    child.stdin.write(
      `${JSON.stringify({
        type: 'user',
        session_id: '',
        message: { role: 'user', content: [{ type: 'text', text: prompt }] },
        parent_tool_use_id: null,
      })}\n`,
    );

    const result = await Promise.race([sawResult, exited.then(() => sawResult)]);
    // stdin EOF once idle makes the stream-json process exit.
    child.stdin.end();
    const [exitCode, signal] = await exited;
    return { sessionId, lines, result, exitCode, signal, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function contentBlocks(event: Json): Json[] {
  const message = event.message as { content?: unknown } | undefined;
  return Array.isArray(message?.content) ? (message.content as Json[]) : [];
}

function describeRun(run: ClaudeRun): string {
  return `exit=${run.exitCode} signal=${run.signal} stderr=${run.stderr.slice(-2000)}\n` +
    run.lines.map((l) => JSON.stringify(l).slice(0, 400)).join('\n');
}

describe('claude CLI against the loopback Messages API mock', () => {
  it(
    'runs a Bash tool round trip and reports success',
    async () => {
      const run = await runClaude('USE_TOOL please');
      const context = describeRun(run);

      const init = run.lines.find((l) => l.type === 'system' && l.subtype === 'init');
      expect(init, context).toBeDefined();
      expect(init?.session_id).toBe(run.sessionId);

      const toolUse = run.lines
        .filter((l) => l.type === 'assistant')
        .flatMap(contentBlocks)
        .find((b) => b.type === 'tool_use');
      expect(toolUse, context).toMatchObject({ type: 'tool_use', name: 'Bash' });

      const toolResult = run.lines
        .filter((l) => l.type === 'user')
        .flatMap(contentBlocks)
        .find((b) => b.type === 'tool_result');
      expect(toolResult, context).toBeDefined();
      expect(JSON.stringify(toolResult?.content)).toContain('hello-from-tool');
      expect(toolResult?.tool_use_id).toBe(toolUse?.id);

      expect(run.result, context).toMatchObject({ type: 'result', subtype: 'success', is_error: false });
      expect(run.result?.result).toEqual(expect.stringContaining('hello-from-tool'));
      expect(run.result?.total_cost_usd).toEqual(expect.any(Number));
      expect(run.result?.total_cost_usd as number).toBeGreaterThan(0);
      expect(run.exitCode, context).toBe(0);

      // The CLI talked to the mock with the headers the reference documents.
      const calls = api.requests.filter(
        (r) => r.path.startsWith('/v1/messages') && r.headers['x-claude-code-session-id'] === run.sessionId,
      );
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls[0]?.headers['x-api-key']).toBe('test-key');
      expect(calls[0]?.headers['anthropic-version']).toBe('2023-06-01');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'echoes the plain prompt, not the text the CLI injects around it',
    async () => {
      const prompt = 'Tell me something about otters';
      const run = await runClaude(prompt);
      const context = describeRun(run);

      const text = run.lines
        .filter((l) => l.type === 'assistant')
        .flatMap(contentBlocks)
        .find((b) => b.type === 'text');
      expect(text?.text, context).toBe(`Hello! You said: ${prompt}`);
      expect(run.result, context).toMatchObject({
        subtype: 'success',
        is_error: false,
        result: `Hello! You said: ${prompt}`,
      });
      expect(run.exitCode, context).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'retries a 500 once and then reports an API error result',
    async () => {
      const run = await runClaude('FAIL_500 please', { CLAUDE_CODE_MAX_RETRIES: '1' });
      const context = describeRun(run);

      const retries = run.lines.filter((l) => l.type === 'system' && l.subtype === 'api_retry');
      expect(retries.length, context).toBeGreaterThanOrEqual(1);
      expect(retries[0]).toMatchObject({ error_status: 500, max_retries: 1 });

      expect(run.result, context).toMatchObject({ type: 'result', is_error: true, api_error_status: 500 });
      expect(run.exitCode, context).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});
