import type { AgentConfig } from '../db/types.js';
import type { AgentEvent } from './agent-events.js';

/** Everything needed to start one agent process. */
export interface AgentLaunchSpec {
  binaryPath: string;
  cliSessionId: string;
  /** Resume the CLI's own transcript instead of starting a new one. */
  resume: boolean;
  model: string | null;
  config: AgentConfig;
  environment: Record<string, string>;
  /** Values in the environment that must not leave the process: masked in its output (transcripts, logs, errors). */
  maskedValues?: readonly string[];
  /** Tags the process tree so a reaper can find it again. */
  runTag: string;
  /** Put in front of the command (e.g. a PID-namespace wrapper with a parent-death signal). */
  wrapperPrefix?: string[];
}

export interface SpawnCommand {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * One agent CLI (Claude Code today; Codex or Gemini later): where its binary is, how it is
 * started, how a turn is written to it, and how its output lines become AgentEvents.
 */
export interface RuntimeAdapter {
  readonly runtime: string;
  /** Environment variables the adapter sets in every agent process itself (a session secret may not take these names). */
  readonly controlledEnvironment: readonly string[];
  /** The binary to run: the configured path, else the pinned dependency. */
  resolveBinary(configuredPath: string | undefined): string;
  /** Throws AgentRuntimeUnavailableError (saying how to fix it) when the binary cannot run. */
  checkRunnable(binaryPath: string): Promise<{ version: string }>;
  buildSpawn(spec: AgentLaunchSpec): SpawnCommand;
  /** The stdin line that starts one turn. */
  encodeTurn(text: string, turnId: string): string;
  /** The stdin line that interrupts the running turn, when the runtime has one. */
  encodeInterrupt?(requestId: string): string;
  /**
   * A parser for one process's stdout: it may keep state across lines (e.g. the last API
   * error, to classify the turn's end). Returns undefined for a line that is not valid.
   */
  createLineParser(): (line: string) => AgentEvent[] | undefined;
}
