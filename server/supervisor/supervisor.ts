import type { Logger } from '../logger.js';
import type { AgentEvent } from './agent-events.js';
import { AgentProcess, type ProcessExit } from './agent-process.js';
import type { AgentLaunchSpec, RuntimeAdapter } from './runtime-adapter.js';

export interface SupervisorHandlers {
  onEvent(agentId: string, event: AgentEvent): void;
  onExit(agentId: string, exit: ProcessExit): void;
}

/**
 * Owns the agent processes this node started. It knows nothing of tasks or the database:
 * it reports what processes say and do through the handlers, and obeys start/send/stop.
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
    private readonly graceMs: number,
  ) {
    // If the server exits without a graceful shutdown, no agent tree may outlive it.
    process.on('exit', this.killAllOnExit);
  }

  setHandlers(handlers: SupervisorHandlers): void {
    this.handlers = handlers;
  }

  async launch(agentId: string, spec: AgentLaunchSpec): Promise<number> {
    if (this.processes.has(agentId)) throw new Error(`agent ${agentId} already has a process`);
    const log = this.log.child({ agentId });
    const agentProcess = new AgentProcess(this.adapter.buildSpawn(spec), this.adapter.createLineParser(), {
      onEvent: (event) => this.handlers?.onEvent(agentId, event),
      onExit: (exit) => {
        if (this.processes.get(agentId) === agentProcess) this.processes.delete(agentId);
        log.info({ exit: { ...exit, stderrTail: exit.stderrTail.slice(-500) } }, 'agent process exited');
        this.handlers?.onExit(agentId, exit);
      },
    }, log);
    this.processes.set(agentId, agentProcess);
    try {
      const pid = await agentProcess.start();
      log.info({ pid, file: spec.binaryPath }, 'agent process started');
      return pid;
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

  async stop(agentId: string): Promise<ProcessExit | undefined> {
    const agentProcess = this.processes.get(agentId);
    if (!agentProcess) return undefined;
    return agentProcess.stop(this.graceMs);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop(this.graceMs)));
  }

  liveAgentIds(): string[] {
    return [...this.processes.keys()];
  }

  dispose(): void {
    process.off('exit', this.killAllOnExit);
  }
}
