import os from 'node:os';
import { countByStatus } from '../db/repositories/system-status.repository.js';
import { AGENT_STATUSES, type AgentStatus } from '../db/types.js';
import type { Subscription } from '../realtime/event-bus.js';
import { returningPromptly } from '../realtime/returning-promptly.js';
import type { ServiceDeps } from './deps.js';

export interface SystemStatus {
  at: Date;
  nodeId: string;
  /** Every agent status with its count, zeros included. */
  agents: { status: AgentStatus; count: number }[];
  tasks: { pending: number; queued: number; running: number };
  node: {
    loadAverage1m: number;
    cpus: number;
    rssMb: number;
    heapUsedMb: number;
    freeMemoryMb: number;
    totalMemoryMb: number;
    uptimeSeconds: number;
    agentProcesses: number;
    maxAgentProcesses: number;
    slowConnectionsCutOff: number;
  };
}

/** Changes closer together than this make one update. */
const COALESCE_MS = 250;
const MB = 1024 * 1024;

/**
 * What the system is doing now: agents by status, the queue, and this node's load. Streamed on
 * change (coalesced) and at a fixed interval, and computed only while someone is subscribed.
 */
export class SystemStatusService {
  private subscribers = 0;
  private watchers: Subscription<unknown>[] = [];
  private interval: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ServiceDeps) {}

  async current(): Promise<SystemStatus> {
    const { agents, tasks } = await countByStatus(this.deps.db, 'unfinished');
    const memory = process.memoryUsage();
    return {
      at: new Date(),
      nodeId: this.deps.config.nodeId,
      agents: AGENT_STATUSES.map((status) => ({ status, count: agents.get(status) ?? 0 })),
      tasks: { pending: tasks.get('PENDING') ?? 0, queued: tasks.get('QUEUED') ?? 0, running: tasks.get('RUNNING') ?? 0 },
      node: {
        loadAverage1m: os.loadavg()[0]!,
        cpus: os.cpus().length,
        rssMb: round(memory.rss / MB),
        heapUsedMb: round(memory.heapUsed / MB),
        freeMemoryMb: round(os.freemem() / MB),
        totalMemoryMb: round(os.totalmem() / MB),
        uptimeSeconds: Math.round(process.uptime()),
        agentProcesses: this.deps.supervisor.liveAgentIds().length,
        maxAgentProcesses: this.deps.config.claude.maxAgents,
        slowConnectionsCutOff: this.deps.connections.cutOff,
      },
    };
  }

  /** The status now, then after every change and every interval, until the subscriber leaves. */
  stream(): AsyncGenerator<SystemStatus> {
    // Scoped to this node: with Redis, other nodes' updates would otherwise arrive too.
    const updates = this.deps.bus.subscribe('systemStatus', this.deps.config.nodeId);
    return returningPromptly(this.currentThenUpdates(updates), () => updates.close());
  }

  private async *currentThenUpdates(updates: Subscription<SystemStatus>): AsyncGenerator<SystemStatus> {
    this.retain();
    try {
      yield await this.current();
      for await (const status of updates) yield status;
    } finally {
      updates.close();
      this.release();
    }
  }

  private retain(): void {
    if (this.subscribers++ > 0) return;
    for (const topic of ['agentStatus', 'task'] as const) {
      const changes = this.deps.bus.subscribe(topic, 'all');
      this.watchers.push(changes);
      void (async () => {
        for await (const _change of changes) this.changed();
      })().catch(() => {});
    }
    this.interval = setInterval(() => void this.publish(), this.deps.config.systemStatusIntervalMs);
    this.interval.unref();
  }

  private release(): void {
    if (--this.subscribers > 0) return;
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    clearInterval(this.interval);
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  private changed(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.publish();
    }, COALESCE_MS);
  }

  private async publish(): Promise<void> {
    try {
      this.deps.bus.publish('systemStatus', this.deps.config.nodeId, await this.current());
    } catch (error) {
      this.deps.log.warn({ err: error }, 'could not read the system status');
    }
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
