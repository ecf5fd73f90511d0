import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../logger.js';
import type { AgentEvent } from './agent-events.js';
import { readBoundedLines } from './bounded-line-reader.js';
import { readStartTime } from './process-table.js';
import { signalProcessGroup } from './process-group.js';
import { killTreeAndWait, signalTree, signalTreeShared } from './process-tree.js';
import type { SpawnCommand } from './runtime-adapter.js';

export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
  /** The last few KB of stderr: the CLI writes usage and startup errors there. */
  stderrTail: string;
  /** True when the supervisor asked the process to stop. */
  requested: boolean;
  /** The last step of the stop ladder that was taken, if any. */
  ladderStep?: LadderStep;
}

/**
 * Steps of the stop ladder, each given a grace period: interrupt (control request: the turn ends,
 * the process stays), eof (stdin closed: an idle CLI exits), close (both at once), then signals.
 */
export type LadderStep = 'interrupt' | 'eof' | 'close' | 'SIGINT' | 'SIGTERM' | 'SIGKILL';

export interface AgentProcessHandlers {
  /** Awaited before more output is read, so a slow consumer slows the agent instead of queueing. */
  onEvent(event: AgentEvent): void | Promise<void>;
  onExit(exit: ProcessExit): void;
}

export interface AgentProcessOptions {
  maxLineBytes: number;
  /** AGENT_RUN_TAG value: finds descendants that left the process group. */
  tag: string;
  /** Writes the runtime's interrupt request for the running turn. */
  encodeInterrupt?: (requestId: string) => string;
  /** Hides secret values in everything the process writes (stdout lines, stderr), before anything reads it. */
  mask?: (text: string) => string;
}

const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * One agent CLI process in its own process group: lines in on stdin, parsed events out of
 * stdout (lines bounded in size), stderr drained into a rolling tail, and a stop ladder that
 * reaches the whole tree, including descendants that left the group.
 */
export class AgentProcess {
  private child?: ResultPromise;
  private stderrTail = '';
  private stopRequested = false;
  private lastStep?: LadderStep;
  private readonly exited: Promise<ProcessExit>;
  private resolveExited!: (exit: ProcessExit) => void;
  private resultWaiters: (() => void)[] = [];
  private interrupts = 0;
  /** Date.now() of the last stdout line: a silent agent with no tool running is hung. */
  lastOutputAt = Date.now();
  /** Tool calls without a result yet: silence while a tool runs is expected. */
  readonly toolsRunning = new Set<string>();
  startTime?: number;

  constructor(
    private readonly command: SpawnCommand,
    private readonly parseLine: (line: string) => AgentEvent[] | undefined,
    private readonly handlers: AgentProcessHandlers,
    private readonly log: Logger,
    private readonly options: AgentProcessOptions,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child?.pid !== undefined && !this.finished;
  }

  private finished = false;

  /** Spawns the process; rejects when it cannot be started at all. */
  async start(): Promise<number> {
    const child = execa(this.command.file, this.command.args, {
      cwd: this.command.cwd,
      env: this.command.env,
      extendEnv: false,
      detached: true,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: false,
      stripFinalNewline: false,
    });
    this.child = child;
    // Neither a closed stdin nor a broken pipe may throw out of the server.
    child.stdin?.on('error', (err) => this.log.debug({ err }, 'agent stdin error'));

    let spawnFailed!: (error: Error) => void;
    const spawned = new Promise<number>((resolve, reject) => {
      spawnFailed = reject;
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', reject);
    });

    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    const stdoutDone = this.readStdout(child).catch((err: unknown) => this.log.warn({ err }, 'agent stdout failed'));

    void child.then(async (result) => {
      // Deliver every line the process wrote before reporting its exit.
      await stdoutDone;
      this.finished = true;
      const exit: ProcessExit = {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        stderrTail: this.masked(this.stderrTail),
        requested: this.stopRequested,
        ladderStep: this.lastStep,
      };
      // Tools the agent started outlive it in its group, or outside it; none may stay. The group
      // goes at once; escapees are found by their tag in a scan shared with other exits.
      if (child.pid !== undefined) {
        signalProcessGroup(child.pid, 'SIGKILL');
        await signalTreeShared(child.pid, this.options.tag, 'SIGKILL').catch((err: unknown) =>
          this.log.warn({ err }, 'could not sweep the tree of an exited agent'),
        );
      }
      this.releaseResultWaiters();
      this.resolveExited(exit);
      // A process that never started has no exit to report: start() rejects instead.
      if (child.pid !== undefined) this.handlers.onExit(exit);
      // A spawn that failed synchronously (E2BIG: an argument over 128 KiB) gets neither a
      // 'spawn' nor an 'error' event from execa, only this failed result. (A no-op after 'error'.)
      else {
        const code = (result as { code?: string }).code ?? 'failed';
        spawnFailed(Object.assign(new Error(`spawn ${this.command.file} ${code}`), { code }));
      }
    });

    try {
      const pid = await spawned;
      this.startTime = readStartTime(pid);
      return pid;
    } catch (error) {
      await this.exited;
      throw error;
    }
  }

  /** Writes one line to stdin; false when the process no longer reads. */
  send(line: string): boolean {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  /** Resolves when the next turn result has been handled, or the process has exited. */
  nextResult(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => this.resultWaiters.push(resolve));
  }

  waitForExit(): Promise<ProcessExit> {
    return this.exited;
  }

  /**
   * Walks the ladder from its first step until `settled` resolves or the process exits; each
   * step gets graceMs. Returns the step that settled it.
   */
  async escalate(steps: readonly LadderStep[], graceMs: number, settled: Promise<unknown>): Promise<LadderStep | undefined> {
    let outcome: 'settled' | 'exited' | 'timeout' = 'timeout';
    const done = Promise.race([settled.then(() => 'settled' as const), this.exited.then(() => 'exited' as const)]);
    void done.then((value) => (outcome = value));
    for (const step of steps) {
      if (outcome !== 'timeout') return this.lastStep;
      this.take(step);
      const abort = new AbortController();
      await Promise.race([done, delay(graceMs, undefined, { signal: abort.signal }).catch(() => {})]);
      abort.abort();
      if (outcome !== 'timeout') return step;
    }
    return this.lastStep;
  }

  /** Stops the process and its tree: the ladder from the interrupt, with stdin closed. */
  async stop(graceMs: number, steps: readonly LadderStep[] = ['close', 'SIGINT', 'SIGTERM', 'SIGKILL']): Promise<ProcessExit> {
    this.stopRequested = true;
    if (!this.alive) return this.exited;
    await this.escalate(steps, graceMs, this.exited);
    return this.exited;
  }

  /** Last-resort kill when the server itself is exiting. */
  killNow(): void {
    const pid = this.child?.pid;
    if (pid !== undefined) signalTree(pid, this.options.tag, 'SIGKILL');
  }

  private take(step: LadderStep): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    this.lastStep = step;
    this.log.debug({ pid, step }, 'stop ladder step');
    switch (step) {
      case 'interrupt':
        if (this.options.encodeInterrupt) this.send(this.options.encodeInterrupt(`interrupt-${++this.interrupts}`));
        return;
      case 'eof':
        this.child?.stdin?.end();
        return;
      case 'close':
        this.take('interrupt');
        this.take('eof');
        this.lastStep = 'close';
        return;
      case 'SIGINT':
        // Like Ctrl-C in a terminal: the CLI and the tools in its group end the turn gracefully.
        signalProcessGroup(pid, 'SIGINT');
        return;
      case 'SIGTERM':
        signalProcessGroup(pid, 'SIGTERM');
        void signalTreeShared(pid, this.options.tag, 'SIGTERM').catch(() => {});
        return;
      case 'SIGKILL':
        void killTreeAndWait(pid, this.options.tag, { graceMs: 2_000 });
        return;
    }
  }

  private async readStdout(child: ResultPromise): Promise<void> {
    const pending: AgentEvent[] = [];
    await readBoundedLines(child.stdout!, {
      maxLineBytes: this.options.maxLineBytes,
      onLine: (written) => {
        this.lastOutputAt = Date.now();
        const line = this.masked(written);
        const events = this.parseLine(line);
        if (events === undefined) {
          this.log.warn({ line: line.slice(0, 500) }, 'agent wrote a line that is not valid stream-json; skipped');
          return;
        }
        pending.push(...events);
      },
      onOversizedLine: ({ bytes, head }) => {
        this.lastOutputAt = Date.now();
        pending.push({ kind: 'RAW', type: 'oversized_line', line: { bytes, head: this.masked(head) } });
      },
      drain: async () => {
        while (pending.length > 0) await this.deliver(pending.shift()!);
      },
    });
  }

  private masked(text: string): string {
    return this.options.mask ? this.options.mask(text) : text;
  }

  private async deliver(event: AgentEvent): Promise<void> {
    if (event.kind === 'TOOL_CALL') this.toolsRunning.add(event.toolUseId);
    if (event.kind === 'TOOL_RESULT') this.toolsRunning.delete(event.toolUseId);
    await this.handlers.onEvent(event);
    if (event.kind === 'RESULT') {
      this.toolsRunning.clear();
      this.releaseResultWaiters();
    }
  }

  private releaseResultWaiters(): void {
    const waiters = this.resultWaiters;
    this.resultWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
