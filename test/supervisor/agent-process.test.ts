/**
 * Real agent processes (the fake Claude CLI) through Supervisor and AgentProcess: event order,
 * stream robustness, stop escalation, process-group cleanup, crashes, and what the child is given.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../server/db/types.js';
import type { AgentEvent, AgentEventKind, TurnOutcome } from '../../server/supervisor/agent-events.js';
import { AgentProcess, type ProcessExit } from '../../server/supervisor/agent-process.js';
import { ClaudeCodeAdapter } from '../../server/supervisor/claude-code-adapter.js';
import type { AgentLaunchSpec } from '../../server/supervisor/runtime-adapter.js';
import { Supervisor } from '../../server/supervisor/supervisor.js';

const FAKE_CLAUDE = fileURLToPath(new URL('../support/fake-claude.mjs', import.meta.url));
const GRACE_MS = 500;
const WAIT_MS = 20_000;

/** Collects what a Supervisor reports, per agent, and lets a test wait for it. */
class Recorder {
  readonly events = new Map<string, AgentEvent[]>();
  readonly exits = new Map<string, ProcessExit[]>();
  private waiters: Array<() => void> = [];

  readonly handlers = {
    onEvent: (agentId: string, event: AgentEvent) => {
      // Live usage estimates (from partial messages) are covered by the adapter's tests.
      if (event.kind === 'USAGE') return;
      this.eventsOf(agentId).push(event);
      this.wake();
    },
    onExit: (agentId: string, exit: ProcessExit) => {
      const list = this.exits.get(agentId) ?? [];
      list.push(exit);
      this.exits.set(agentId, list);
      this.wake();
    },
  };

  eventsOf(agentId: string): AgentEvent[] {
    let list = this.events.get(agentId);
    if (!list) this.events.set(agentId, (list = []));
    return list;
  }

  kindsOf(agentId: string): AgentEventKind[] {
    return this.eventsOf(agentId).map((event) => event.kind);
  }

  async waitFor(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the agent has reported `count` RESULT events; returns the last outcome. */
  async result(agentId: string, count = 1): Promise<TurnOutcome> {
    const results = () => this.eventsOf(agentId).filter((e): e is Extract<AgentEvent, { kind: 'RESULT' }> => e.kind === 'RESULT');
    await this.waitFor(`${count} RESULT event(s) from ${agentId}`, () => results().length >= count);
    return results()[count - 1]!.outcome;
  }

  async started(agentId: string, count = 1): Promise<void> {
    await this.waitFor(`AGENT_STARTED from ${agentId}`, () => this.kindsOf(agentId).filter((k) => k === 'AGENT_STARTED').length >= count);
  }

  async exit(agentId: string): Promise<ProcessExit> {
    await this.waitFor(`the exit of ${agentId}`, () => (this.exits.get(agentId)?.length ?? 0) > 0);
    return this.exits.get(agentId)![0]!;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Rejects instead of hanging the suite when a promise does not settle. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * True once the pid no longer runs. A reparented child is reaped by the machine's init; where
 * init does not reap (some containers) it stays a zombie: dead, but still answering kill(pid, 0).
 */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  return isZombie(pid);
}

async function waitUntilGone(pid: number, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isGone(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return isGone(pid);
}

/** Process group id from /proc (Linux), or undefined where /proc is not available. */
function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid pgrp ...
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** SIGKILLs a fake-CLI sleeper if it still runs; checks the command first, as the pid may have been reused. */
function killSleeper(pid: number): void {
  if (isGone(pid)) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\0')) return;
  } catch {
    // No /proc: the pid was alive a moment ago and came from this test.
  }
  killQuietly(pid);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('Supervisor with real fake-CLI processes', () => {
  const recorder = new Recorder();
  let supervisor: Supervisor;
  let root: string;
  let home: string;
  let workingDirectory: string;
  const otherSupervisors: Supervisor[] = [];

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'agent-process-')));
    home = path.join(root, 'home');
    workingDirectory = path.join(root, 'work');
    await mkdir(home);
    await mkdir(workingDirectory);
    supervisor = new Supervisor(new ClaudeCodeAdapter(), pino({ level: 'silent' }), { graceMs: GRACE_MS, maxLineBytes: 1024 * 1024 });
    supervisor.setHandlers(recorder.handlers);
  });

  afterAll(async () => {
    for (const s of [supervisor, ...otherSupervisors]) {
      if (!s) continue;
      // Bounded: a stop that hangs must not keep the suite (and its processes) alive.
      await within(s.stopAll(), 10_000, 'stopAll').catch(() => {
        for (const id of s.liveAgentIds()) {
          const pid = s.pidOf(id);
          if (pid !== undefined) killQuietly(-pid);
        }
      });
      s.dispose();
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  function launchSpec(options: { config?: Partial<AgentConfig>; environment?: Record<string, string>; binaryPath?: string } = {}): AgentLaunchSpec {
    return {
      binaryPath: options.binaryPath ?? FAKE_CLAUDE,
      cliSessionId: randomUUID(),
      resume: false,
      model: null,
      config: { workingDirectory, ...options.config },
      environment: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_API_KEY: 'k',
        ...options.environment,
      },
      runTag: `run-${randomUUID()}`,
    };
  }

  /** Starts an agent and sends it one turn; returns its id and pid. */
  async function startWithTurn(prompt: string, spec = launchSpec(), on = supervisor): Promise<{ agentId: string; pid: number; spec: AgentLaunchSpec }> {
    const agentId = `agent-${randomUUID()}`;
    const { pid } = await on.launch(agentId, spec);
    expect(pid).toBeGreaterThan(1);
    expect(on.sendTurn(agentId, prompt, randomUUID())).toBe(true);
    return { agentId, pid, spec };
  }

  it('delivers a turn\'s events in order, keeps the process for the next turn, and reports a requested stop', async () => {
    const spec = launchSpec({ config: { allowedTools: ['Bash'] } });
    const { agentId, pid } = await startWithTurn('USE_TOOL please', spec);
    expect(supervisor.isRunning(agentId)).toBe(true);
    expect(supervisor.pidOf(agentId)).toBe(pid);

    const outcome = await recorder.result(agentId);
    expect(recorder.kindsOf(agentId)).toEqual(['AGENT_STARTED', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'MESSAGE', 'RESULT']);
    const [started, , toolCall, toolResult] = recorder.eventsOf(agentId);
    expect(started).toMatchObject({ kind: 'AGENT_STARTED', sessionId: spec.cliSessionId, cwd: workingDirectory });
    expect(toolCall).toMatchObject({ kind: 'TOOL_CALL', name: 'Bash', input: { command: 'echo hello-from-tool' } });
    expect(toolResult).toMatchObject({ kind: 'TOOL_RESULT', toolUseId: (toolCall as { toolUseId: string }).toolUseId, isError: false, content: 'hello-from-tool' });
    expect(outcome).toMatchObject({ ok: true, text: 'The command printed hello-from-tool. Done.' });
    expect(outcome.cumulativeCostUsd).toBeGreaterThan(0);

    // Same process, second turn: a new AGENT_STARTED and a larger running total.
    expect(supervisor.sendTurn(agentId, 'hello again', randomUUID())).toBe(true);
    const second = await recorder.result(agentId, 2);
    expect(recorder.kindsOf(agentId).slice(6)).toEqual(['AGENT_STARTED', 'MESSAGE', 'RESULT']);
    expect(second).toMatchObject({ ok: true, text: 'Hello! You said: hello again' });
    expect(second.cumulativeCostUsd!).toBeGreaterThan(outcome.cumulativeCostUsd!);
    expect(recorder.exits.has(agentId)).toBe(false);

    const exit = await within(supervisor.stop(agentId).then((e) => e!), 5_000, 'stop');
    expect(exit.requested).toBe(true);
    expect(supervisor.isRunning(agentId)).toBe(false);
    expect(supervisor.liveAgentIds()).not.toContain(agentId);
    expect(supervisor.sendTurn(agentId, 'anyone there?', randomUUID())).toBe(false);
    expect(await waitUntilGone(pid)).toBe(true);
    // The handler saw the same exit, once.
    expect(await recorder.exit(agentId)).toEqual(exit);
    expect(recorder.exits.get(agentId)).toHaveLength(1);
  });

  it('passes the built argv and only the given environment (FAKE_CLAUDE_ARGV_FILE)', async () => {
    const argvFile = path.join(root, `argv-${randomUUID()}.jsonl`);
    const systemPrompt = 'You are WORKER.\nKeep answers short.';
    const spec = launchSpec({
      config: { allowedTools: ['Bash', 'Read'], systemPrompt, maxTurns: 4 },
      environment: { FAKE_CLAUDE_ARGV_FILE: argvFile },
    });
    // Server-side secrets and CLI-looking variables of the server process must not reach the agent.
    const planted = { DATABASE_URL: 'postgres://server:secret@db/control-plane', CLAUDE_LEAK_CANARY: 'leaked', ANTHROPIC_LEAK_CANARY: 'leaked' };
    const previous = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
    Object.assign(process.env, planted);
    let agentId: string;
    let pid: number;
    try {
      ({ agentId, pid } = await startWithTurn('hi', spec));
    } finally {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    await recorder.result(agentId);

    const logged = (await readFile(argvFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as {
      argv: string[]; cwd: string; env: Record<string, string>; pid: number;
    });
    expect(logged).toHaveLength(1);
    const [run] = logged;
    expect(run!.pid).toBe(pid);
    expect(run!.cwd).toBe(workingDirectory);
    expect(run!.argv).toEqual(supervisor.adapter.buildSpawn(spec).args);
    expect(run!.argv).toEqual(expect.arrayContaining([
      '-p', '--input-format=stream-json', '--output-format=stream-json', '--verbose',
      `--session-id=${spec.cliSessionId}`, '--allowedTools=Bash,Read', `--append-system-prompt=${systemPrompt}`, '--max-turns=4',
    ]));
    // The fake logs every ANTHROPIC_*, CLAUDE_*, DISABLE_* and FAKE_CLAUDE_* variable it sees, plus HOME.
    expect(run!.env).toEqual({
      ANTHROPIC_API_KEY: 'k',
      HOME: home,
      FAKE_CLAUDE_ARGV_FILE: argvFile,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_STARTUP_FAILURE_RESULTS: '1',
      CLAUDE_CODE_MAX_RETRIES: '3',
    });

    // The whole environment, where the kernel shows it (Linux).
    if (existsSync(`/proc/${pid}/environ`)) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      const names = environ.map((entry) => entry.slice(0, entry.indexOf('='))).sort();
      expect(names).toEqual([
        'AGENT_RUN_TAG', 'ANTHROPIC_API_KEY', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', 'CLAUDE_CODE_MAX_RETRIES',
        'CLAUDE_CODE_STARTUP_FAILURE_RESULTS', 'DISABLE_AUTOUPDATER', 'DISABLE_ERROR_REPORTING', 'DISABLE_TELEMETRY',
        'FAKE_CLAUDE_ARGV_FILE', 'HOME', 'PATH',
      ]);
      expect(environ).toContain(`AGENT_RUN_TAG=${spec.runTag}`);
    }
    await within(supervisor.stop(agentId), 5_000, 'stop');
  });

  it('skips MALFORMED stdout lines (logged) without breaking the stream', async () => {
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logged = new Supervisor(new ClaudeCodeAdapter(), pino({ level: 'warn' }, sink), { graceMs: GRACE_MS, maxLineBytes: 1024 * 1024 });
    otherSupervisors.push(logged);
    logged.setHandlers(recorder.handlers);

    const { agentId } = await startWithTurn('MALFORMED please', launchSpec(), logged);
    const outcome = await recorder.result(agentId);
    expect(recorder.kindsOf(agentId)).toEqual(['AGENT_STARTED', 'MESSAGE', 'RESULT']);
    expect(outcome).toMatchObject({ ok: true, text: 'Hello! You said: MALFORMED please' });
    // Both "not json {" lines were seen and reported; blank lines are not worth a warning.
    const skipped = logLines.map((line) => JSON.parse(line) as { msg: string; line?: string }).filter((entry) => entry.msg.includes('not valid stream-json'));
    expect(skipped.map((entry) => entry.line)).toEqual(['not json {', 'not json {']);

    // The process still reads and answers.
    logged.sendTurn(agentId, 'still there?', randomUUID());
    expect(await recorder.result(agentId, 2)).toMatchObject({ ok: true, text: 'Hello! You said: still there?' });
    await within(logged.stop(agentId), 5_000, 'stop');
  });

  it('drains stderr: STDERR_NOISE (more than a pipe buffer) does not block the turn; the tail is bounded', async () => {
    const { agentId } = await startWithTurn('STDERR_NOISE please');
    // Without draining, the fake blocks on stderr and never writes a result.
    const outcome = await recorder.result(agentId);
    expect(outcome.ok).toBe(true);
    expect(recorder.kindsOf(agentId)).toEqual(['AGENT_STARTED', 'MESSAGE', 'RESULT']);

    const exit = (await within(supervisor.stop(agentId), 5_000, 'stop'))!;
    expect(exit.stderrTail).toContain('noisy diagnostic output from the agent process');
    expect(exit.stderrTail.length).toBeLessThanOrEqual(8 * 1024);
    expect(exit.stderrTail.length).toBeGreaterThan(4 * 1024);
  });

  it('FLOOD 2000: delivers every line, in order, before the result', async () => {
    const { agentId } = await startWithTurn('FLOOD 2000');
    await recorder.result(agentId);
    const events = recorder.eventsOf(agentId);
    expect(events[0]!.kind).toBe('AGENT_STARTED');
    expect(events.at(-1)!.kind).toBe('RESULT');
    const texts = events.filter((e): e is Extract<AgentEvent, { kind: 'MESSAGE' }> => e.kind === 'MESSAGE').map((e) => e.text);
    expect(texts).toHaveLength(2000);
    texts.forEach((text, i) => {
      if (!text.startsWith(`Flood line ${i + 1} of 2000: `)) expect.fail(`message ${i} is out of order: ${text.slice(0, 40)}`);
    });
    expect(events).toHaveLength(2002);
    await within(supervisor.stop(agentId), 5_000, 'stop');
  });

  it('stop() ends a HANG process (SIGTERM) and reports requested = true', async () => {
    const { agentId, pid } = await startWithTurn('HANG');
    await recorder.started(agentId);
    const exit = (await within(supervisor.stop(agentId, ['SIGTERM', 'SIGKILL']), 5_000, 'stop of a hung process'))!;
    expect(exit).toMatchObject({ requested: true, exitCode: 143, signal: null, ladderStep: 'SIGTERM' });
    expect(recorder.kindsOf(agentId)).not.toContain('RESULT');
    expect(supervisor.isRunning(agentId)).toBe(false);
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it('stop() SIGKILLs a process that ignores SIGTERM and stdin EOF after the grace period', async () => {
    const { agentId, pid } = await startWithTurn('IGNORE_SIGTERM HANG');
    await recorder.started(agentId);
    // The fake arms its SIGTERM guard a few ms after init.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const began = Date.now();
    const exit = (await within(supervisor.stop(agentId), 5_000, 'stop of a SIGTERM-ignoring process'))!;
    const took = Date.now() - began;
    expect(exit).toMatchObject({ requested: true, exitCode: null, signal: 'SIGKILL' });
    expect(took).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(took).toBeLessThan(GRACE_MS + 3_000);
    expect(supervisor.isRunning(agentId)).toBe(false);
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it('GRANDCHILD: the tool child in the agent\'s process group is gone after stop()', async () => {
    const { agentId, pid } = await startWithTurn('GRANDCHILD');
    await recorder.result(agentId);
    const toolResult = recorder.eventsOf(agentId).find((e): e is Extract<AgentEvent, { kind: 'TOOL_RESULT' }> => e.kind === 'TOOL_RESULT');
    expect(toolResult).toBeDefined();
    const { pids } = JSON.parse(String(toolResult!.content)) as { pids: number[] };
    const [inGroup, escapee] = pids as [number, number];
    expect(inGroup).toBeGreaterThan(1);
    expect(escapee).toBeGreaterThan(1);
    try {
      expect(isGone(inGroup)).toBe(false);
      const group = processGroupOf(inGroup);
      if (group !== undefined) {
        expect(group).toBe(pid);
        expect(processGroupOf(escapee)).not.toBe(pid);
      }

      const exit = (await within(supervisor.stop(agentId), 5_000, 'stop'))!;
      expect(exit.requested).toBe(true);
      expect(await waitUntilGone(pid)).toBe(true);
      expect(await waitUntilGone(inGroup)).toBe(true);
    } finally {
      // The sleeper that started its own session is out of a group kill's reach (handled elsewhere);
      // the in-group one only survives if the assertion above failed.
      for (const sleeper of [escapee, inGroup]) killSleeper(sleeper);
    }
  });

  it('a crash takes the tool processes in the agent\'s group with it', async () => {
    const { agentId, pid } = await startWithTurn('GRANDCHILD');
    await recorder.result(agentId);
    const toolResult = recorder.eventsOf(agentId).find((e): e is Extract<AgentEvent, { kind: 'TOOL_RESULT' }> => e.kind === 'TOOL_RESULT');
    const [inGroup, escapee] = (JSON.parse(String(toolResult!.content)) as { pids: [number, number] }).pids;
    try {
      expect(isGone(inGroup)).toBe(false);
      expect(supervisor.sendTurn(agentId, 'CRASH now', randomUUID())).toBe(true);
      const exit = await recorder.exit(agentId);
      expect(exit).toMatchObject({ exitCode: 3, requested: false });
      expect(await waitUntilGone(pid)).toBe(true);
      expect(await waitUntilGone(inGroup)).toBe(true);
    } finally {
      for (const sleeper of [escapee, inGroup]) killSleeper(sleeper);
    }
  });

  it('CRASH: onExit reports exit code 3, not requested, with the stderr tail; the supervisor forgets the agent', async () => {
    const { agentId, pid } = await startWithTurn('CRASH');
    const exit = await recorder.exit(agentId);
    expect(exit).toMatchObject({ exitCode: 3, signal: null, requested: false });
    expect(exit.stderrTail).toContain('simulated crash');
    // What it said before crashing was delivered; it never finished the turn.
    expect(recorder.kindsOf(agentId)).toEqual(['AGENT_STARTED', 'MESSAGE']);
    expect(supervisor.isRunning(agentId)).toBe(false);
    expect(supervisor.liveAgentIds()).not.toContain(agentId);
    expect(supervisor.pidOf(agentId)).toBeUndefined();
    expect(supervisor.sendTurn(agentId, 'hello?', randomUUID())).toBe(false);
    await expect(supervisor.stop(agentId)).resolves.toBeUndefined();
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it('reports the exit only after every line the process wrote has been delivered', async () => {
    // One-shot mode: the fake writes ~3 MB and exits as soon as the pipe has taken it.
    const events: AgentEvent[] = [];
    let deliveredAtExit = -1;
    const agentProcess = new AgentProcess(
      {
        file: FAKE_CLAUDE,
        args: ['-p', '--output-format=stream-json', '--verbose', 'FLOOD 3000'],
        cwd: workingDirectory,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANTHROPIC_API_KEY: 'k' },
      },
      new ClaudeCodeAdapter().createLineParser(),
      { onEvent: (event) => void (event.kind === 'USAGE' || events.push(event)), onExit: () => (deliveredAtExit = events.length) },
      pino({ level: 'silent' }),
      { maxLineBytes: 1024 * 1024, tag: `one-shot-${randomUUID()}` },
    );
    try {
      await agentProcess.start();
      const exit = await within(agentProcess.waitForExit(), WAIT_MS, 'the one-shot run');
      expect(exit).toMatchObject({ exitCode: 0, signal: null, requested: false });
      expect(deliveredAtExit).toBe(3002);
      expect(events.at(-1)!.kind).toBe('RESULT');
    } finally {
      // Only a run that never exited still has a group to kill.
      if (deliveredAtExit === -1) agentProcess.killNow();
    }
  });

  it('a missing binary: launch() rejects and leaves no entry in the supervisor', async () => {
    const agentId = `agent-${randomUUID()}`;
    const missing = path.join(root, 'no-such-claude');
    await expect(within(supervisor.launch(agentId, launchSpec({ binaryPath: missing })), 5_000, 'launch')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(supervisor.isRunning(agentId)).toBe(false);
    expect(supervisor.liveAgentIds()).not.toContain(agentId);
    expect(supervisor.pidOf(agentId)).toBeUndefined();
    expect(supervisor.sendTurn(agentId, 'hello?', randomUUID())).toBe(false);
    // The id is free again: a later launch with a working binary succeeds.
    const { pid } = await supervisor.launch(agentId, launchSpec());
    expect(pid).toBeGreaterThan(1);
    expect(supervisor.isRunning(agentId)).toBe(true);
    await within(supervisor.stop(agentId), 5_000, 'stop');
  });

  it('refuses a second process for the same agent id', async () => {
    const agentId = `agent-${randomUUID()}`;
    const { pid } = await supervisor.launch(agentId, launchSpec());
    await expect(supervisor.launch(agentId, launchSpec())).rejects.toThrow(/already has a process/);
    expect(supervisor.pidOf(agentId)).toBe(pid);
    await within(supervisor.stop(agentId), 5_000, 'stop');
  });
});
