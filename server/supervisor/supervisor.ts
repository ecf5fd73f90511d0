import type { Logger } from '../logger.js';
import { inOwnLogContext } from '../observability/log-context.js';
import { secretMasker } from '../security/secret-mask.js';
import type { AgentEvent } from './agent-events.js';
import { AgentProcess, type LadderStep, type ProcessExit } from './agent-process.js';
import { readProcessTable } from './process-table.js';
import type { AgentLaunchSpec, RuntimeAdapter } from './runtime-adapter.js';

export interface SupervisorHandlers {
  onEvent(agentId: string, event: AgentEvent): void | Promise<void>;
  onExit(agentId: string, exit: ProcessExit): void;
}

export interface SupervisorOptions {
  /** Time each step of the stop ladder gets. */
  graceMs: number;
  maxLineBytes: number;
}

export interface LiveProcess {
  agentId: string;
  pid: number;
  startTime?: number;
  lastOutputAt: number;
  toolRunning: boolean;
  /** RSS of the whole tree, from one shared /proc scan. */
  rssBytes: number;
}

/**
 * Owns the agent processes this node started. It knows nothing of tasks or the database:
 * it reports what processes say and do through the handlers, and obeys start, send, cancel
 * and stop.
 */
export class Supervisor {
  private readonly processes = new Map<string, AgentProcess>();
  private handlers?: SupervisorHandlers;
  private readonly killAllOnExit = () => {
    for (const agentProcess of this.processes.values()) agentProcess.killNow();
  };

  constructor(
    readonly adapter: RuntimeAdapter,
    private readonly log: Logger,
    private readonly options: SupervisorOptions,
  ) {
    // If the server exits without a graceful shutdown, no agent tree may outlive it.
    process.on('exit', this.killAllOnExit);
  }

  setHandlers(handlers: SupervisorHandlers): void {
    this.handlers = handlers;
  }

  async launch(agentId: string, spec: AgentLaunchSpec): Promise<{ pid: number; startTime?: number }> {
    if (this.processes.has(agentId)) throw new Error(`agent ${agentId} already has a process`);
    const log = this.log.child({ agentId });
    const agentProcess: AgentProcess = new AgentProcess(
      this.adapter.buildSpawn(spec),
      this.adapter.createLineParser(),
      {
        onEvent: (event) => this.handlers?.onEvent(agentId, event),
        onExit: (exit) => {
          if (this.processes.get(agentId) === agentProcess) this.processes.delete(agentId);
          log.info({ exit: { ...exit, stderrTail: exit.stderrTail.slice(-500) } }, 'agent process exited');
          this.handlers?.onExit(agentId, exit);
        },
      },
      log,
      {
        maxLineBytes: this.options.maxLineBytes,
        tag: spec.runTag,
        encodeInterrupt: this.adapter.encodeInterrupt?.bind(this.adapter),
        mask: secretMasker(spec.maskedValues ?? []),
      },
    );
    this.processes.set(agentId, agentProcess);
    try {
      // The process's streams keep the context they were opened in: the agent's own, not that of
      // the request that happened to start it, whose id would otherwise mark the agent's lines for good.
      const pid = await inOwnLogContext({ agentId }, () => agentProcess.start());
      log.info({ pid, file: spec.binaryPath, resume: spec.resume }, 'agent process started');
      return { pid, startTime: agentProcess.startTime };
    } catch (error) {
      this.processes.delete(agentId);
      throw error;
    }
  }

  /** Sends a turn to the agent; false when it has no live process. */
  sendTurn(agentId: string, text: string, turnId: string): boolean {
    const agentProcess = this.processes.get(agentId);
    return agentProcess ? agentProcess.send(this.adapter.encodeTurn(text, turnId)) : false;
  }

  isRunning(agentId: string): boolean {
    return this.processes.has(agentId);
  }

  pidOf(agentId: string): number | undefined {
    return this.processes.get(agentId)?.pid;
  }

  /**
   * Ends the running turn, keeping the process when it can: interrupt, then SIGINT, SIGTERM and
   * SIGKILL of the tree. Returns the step that ended it.
   */
  async cancelTurn(agentId: string): Promise<LadderStep | undefined> {
    const agentProcess = this.processes.get(agentId);
    if (!agentProcess) return undefined;
    return agentProcess.escalate(['interrupt', 'SIGINT', 'SIGTERM', 'SIGKILL'], this.options.graceMs, agentProcess.nextResult());
  }

  /** Ends the process and its whole tree, gracefully first. */
  async stop(agentId: string, steps?: readonly LadderStep[]): Promise<ProcessExit | undefined> {
    const agentProcess = this.processes.get(agentId);
    if (!agentProcess) return undefined;
    return agentProcess.stop(this.options.graceMs, steps);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop(this.options.graceMs)));
  }

  liveAgentIds(): string[] {
    return [...this.processes.keys()];
  }

  /**
   * Every live process with what a watchdog needs. With withMemory, one /proc scan gives every
   * tree's RSS (the scan blocks the event loop, so callers sample memory less often than time).
   */
  liveProcesses(withMemory = true): LiveProcess[] {
    if (this.processes.size === 0) return [];
    // Groups and descendants carry nearly all of a tree's memory; reading every environ for
    // the rare escapee would double the cost of a scan that blocks the event loop.
    const table = withMemory ? readProcessTable('AGENT_RUN_TAG', { readTags: false }) : undefined;
    const live: LiveProcess[] = [];
    for (const [agentId, agentProcess] of this.processes) {
      const pid = agentProcess.pid;
      if (pid === undefined || !agentProcess.alive) continue;
      live.push({
        agentId,
        pid,
        startTime: agentProcess.startTime,
        lastOutputAt: agentProcess.lastOutputAt,
        toolRunning: agentProcess.toolsRunning.size > 0,
        rssBytes: table ? table.treeRssBytes(pid, agentId) : 0,
      });
    }
    return live;
  }

  dispose(): void {
    process.off('exit', this.killAllOnExit);
  }
}
