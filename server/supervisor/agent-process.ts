import readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../logger.js';
import type { AgentEvent } from './agent-events.js';
import { signalProcessGroup } from './process-group.js';
import type { SpawnCommand } from './runtime-adapter.js';

export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
  /** The last few KB of stderr: the CLI writes usage and startup errors there. */
  stderrTail: string;
  /** True when the supervisor asked the process to stop. */
  requested: boolean;
}

export interface AgentProcessHandlers {
  onEvent(event: AgentEvent): void;
  onExit(exit: ProcessExit): void;
}

const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * One agent CLI process in its own process group: lines in on stdin, parsed events out of
 * stdout, stderr drained into a rolling tail, and a stop that reaches the whole tree.
 */
export class AgentProcess {
  private child?: ResultPromise;
  private stderrTail = '';
  private stopRequested = false;
  private readonly exited: Promise<ProcessExit>;
  private resolveExited!: (exit: ProcessExit) => void;

  constructor(
    private readonly command: SpawnCommand,
    private readonly parseLine: (line: string) => AgentEvent[] | undefined,
    private readonly handlers: AgentProcessHandlers,
    private readonly log: Logger,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

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

    const spawned = new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', reject);
    });

    const lines = readline.createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => this.handleLine(line));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });

    const stdoutClosed = new Promise<void>((resolve) => lines.once('close', resolve));
    void child.then(async (result) => {
      // Deliver every line the process wrote before reporting its exit.
      await stdoutClosed;
      const exit: ProcessExit = {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        stderrTail: this.stderrTail,
        requested: this.stopRequested,
      };
      // Tools the agent started stay in its group after it dies; none may outlive it.
      if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
      this.resolveExited(exit);
      // A process that never started has no exit to report: start() rejects instead.
      if (child.pid !== undefined) this.handlers.onExit(exit);
    });

    try {
      return await spawned;
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

  /**
   * Ends the process and its tree: close stdin, SIGTERM the group, SIGKILL the group after
   * the grace period. Resolves when the process has exited.
   */
  async stop(graceMs: number): Promise<ProcessExit> {
    this.stopRequested = true;
    const pid = this.child?.pid;
    if (pid === undefined) return this.exited;
    this.child?.stdin?.end();
    signalProcessGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalProcessGroup(pid, 'SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last-resort kill when the server itself is exiting. */
  killNow(): void {
    const pid = this.child?.pid;
    if (pid !== undefined) signalProcessGroup(pid, 'SIGKILL');
  }

  waitForExit(): Promise<ProcessExit> {
    return this.exited;
  }

  private handleLine(line: string): void {
    if (line.trim() === '') return;
    const events = this.parseLine(line);
    if (events === undefined) {
      this.log.warn({ line: line.slice(0, 500) }, 'agent wrote a line that is not valid stream-json; skipped');
      return;
    }
    for (const event of events) this.handlers.onEvent(event);
  }
}
