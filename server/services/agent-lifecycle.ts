import { findAgentForUpdate, updateAgent } from '../db/repositories/agent.repository.js';
import { insertAgentEvent, listAgentEvents } from '../db/repositories/agent-event.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import type { AgentEventRow, AgentRow, AgentStatus, AgentUpdate } from '../db/types.js';
import { newId } from '../ids.js';
import { releaseWaitingTasksOf } from '../db/repositories/task.repository.js';
import type { ServiceDeps } from './deps.js';
import type { TaskEventService } from './task-event.service.js';
import { inTransaction, type AfterCommit } from './transaction.js';

/**
 * The only way an agent's status changes: the row, a numbered event with the reason, and
 * (after commit) an agentStatusUpdated publication, together.
 */
export class AgentLifecycle {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly taskEvents: TaskEventService,
  ) {}

  async transition(
    trx: Executor,
    afterCommit: AfterCommit,
    agentId: string,
    to: AgentStatus,
    reason: string,
    patch: AgentUpdate = {},
  ): Promise<AgentRow> {
    const current = await findAgentForUpdate(trx, agentId);
    if (!current) throw new Error(`agent ${agentId} vanished`);
    if (current.status === to) return Object.keys(patch).length ? updateAgent(trx, agentId, patch) : current;
    const seq = current.lastEventSeq + 1;
    const agent = await updateAgent(trx, agentId, { ...patch, status: to, lastEventSeq: seq });
    const event = await insertAgentEvent(trx, { id: newId(), agentId, seq, fromStatus: current.status, toStatus: to, reason });
    afterCommit(() => this.deps.bus.publish('agentStatus', 'all', { event, agent }));
    if (to === 'TERMINATED' || to === 'FAILED') await this.releaseTasks(trx, afterCommit, agent, reason);
    return agent;
  }

  /**
   * An agent that will take no more work gives back the tasks waiting for it: they return to
   * the session's queue for their role (the scheduler's sweep hands them on).
   */
  private async releaseTasks(trx: Executor, afterCommit: AfterCommit, agent: AgentRow, reason: string): Promise<void> {
    for (const task of await releaseWaitingTasksOf(trx, agent.id)) {
      await this.taskEvents.append(trx, afterCommit, {
        taskId: task.id,
        runId: null,
        kind: 'STATUS',
        payload: { from: task.status, to: task.status, reason: `agent ${agent.name} is ${agent.status} (${reason}); any agent of the session may take it` },
      });
    }
  }

  /** Publishes a transition another statement wrote (the claim). */
  transitionWritten(event: AgentEventRow, agent: AgentRow): void {
    this.deps.bus.publish('agentStatus', 'all', { event, agent });
  }

  /** A transition in a transaction of its own. */
  move(agentId: string, to: AgentStatus, reason: string, patch: AgentUpdate = {}): Promise<AgentRow> {
    return inTransaction(this.deps.db, (trx, afterCommit) => this.transition(trx, afterCommit, agentId, to, reason, patch));
  }

  history(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]> {
    return listAgentEvents(this.deps.db, agentId, afterSeq, limit);
  }
}
