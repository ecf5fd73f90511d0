import { findAgentForUpdate, updateAgent } from '../db/repositories/agent.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import { insertIncident } from '../db/repositories/incident.repository.js';
import { findRunningRunForAgent, updateRun } from '../db/repositories/run.repository.js';
import { addTaskUsage, findTaskForUpdate, updateTask } from '../db/repositories/task.repository.js';
import type { AgentStatus, RunRow, TaskErrorType } from '../db/types.js';
import { newId } from '../ids.js';
import type { AgentEvent, TokenUsage, TurnOutcome } from '../supervisor/agent-events.js';
import type { ProcessExit } from '../supervisor/agent-process.js';
import type { CommunicationService } from './communication.service.js';
import type { ServiceDeps } from './deps.js';
import type { TaskEventService } from './task-event.service.js';
import { inTransaction, type AfterCommit } from './transaction.js';

interface ActiveRun {
  runId: string;
  taskId: string;
}

/** Running totals the CLI reported so far in one process; per-turn usage is the difference. */
interface ProcessTotals {
  costUsd: number;
  tokens: TokenUsage;
}

const ZERO_TOKENS: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
const STDERR_IN_MESSAGE = 1000;

/**
 * Turns what agent processes say and do into durable state: each event becomes a numbered
 * task event, a turn's result ends its run and task, and a process exit settles whatever
 * was running. Called from the agent's work queue, so one agent's events apply in order.
 */
export class RunTracker {
  private readonly active = new Map<string, ActiveRun>();
  /** Per agent: the timer that stops a turn running past its time limit. */
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  private readonly timedOut = new Map<string, number>();
  private readonly totals = new Map<string, ProcessTotals>();
  /** Set by the composition root: what to do when an agent becomes idle again. */
  onAgentIdle: (agentId: string) => Promise<void> = async () => {};

  constructor(
    private readonly deps: ServiceDeps,
    private readonly events: TaskEventService,
    private readonly communications: CommunicationService,
  ) {}

  /** A fresh process starts its cost counters at zero. */
  processStarted(agentId: string): void {
    this.totals.set(agentId, { costUsd: 0, tokens: { ...ZERO_TOKENS } });
  }

  /** A turn started; past timeoutSeconds the agent's process tree is stopped and the run fails TIMEOUT. */
  begin(agentId: string, run: ActiveRun, timeoutSeconds: number): void {
    this.active.set(agentId, run);
    this.clearDeadline(agentId);
    const timer = setTimeout(() => {
      this.timedOut.set(agentId, timeoutSeconds);
      this.deps.log.warn({ agentId, taskId: run.taskId, timeoutSeconds }, 'turn timed out; stopping the agent');
      void this.deps.supervisor.stop(agentId);
    }, timeoutSeconds * 1000);
    timer.unref();
    this.deadlines.set(agentId, timer);
  }

  private clearDeadline(agentId: string): void {
    clearTimeout(this.deadlines.get(agentId));
    this.deadlines.delete(agentId);
  }

  handleEvent(agentId: string, event: AgentEvent): Promise<void> {
    return this.deps.queue.run(agentId, async () => {
      const run = this.active.get(agentId);
      if (!run) {
        this.deps.log.debug({ agentId, kind: event.kind }, 'agent event outside a task; not recorded');
        return;
      }
      if (event.kind === 'RESULT') {
        await this.finishRun(agentId, run, event.outcome);
        return;
      }
      await inTransaction(this.deps.db, (trx, afterCommit) =>
        this.events.append(trx, afterCommit, { taskId: run.taskId, runId: run.runId, kind: event.kind, payload: eventPayload(event) }),
      );
    });
  }

  handleExit(agentId: string, exit: ProcessExit): Promise<void> {
    return this.deps.queue.run(agentId, () => this.settleExit(agentId, exit));
  }

  private async finishRun(agentId: string, run: ActiveRun, outcome: TurnOutcome): Promise<void> {
    const usage = this.turnUsage(agentId, outcome);
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const task = await findTaskForUpdate(trx, run.taskId);
      if (!task) return;
      await this.events.append(trx, afterCommit, {
        taskId: run.taskId,
        runId: run.runId,
        kind: 'RESULT',
        payload: { ...outcome, costUsd: usage.costUsd, tokens: usage.tokens },
      });
      const status = outcome.ok ? 'SUCCEEDED' : 'FAILED';
      await updateRun(trx, run.runId, {
        state: status,
        finishedAt: new Date(),
        reason: outcome.ok ? 'completed' : `${outcome.errorType}: ${outcome.message ?? ''}`,
        costUsd: usage.costUsd,
        usage: JSON.stringify({ ...usage.tokens, numTurns: outcome.numTurns, durationMs: outcome.durationMs }),
      });
      await addTaskUsage(trx, run.taskId, { costUsd: usage.costUsd, ...usage.tokens });
      await updateTask(trx, run.taskId, {
        status,
        result: outcome.text ?? null,
        errorType: outcome.ok ? null : (outcome.errorType ?? 'UNKNOWN'),
        errorMessage: outcome.ok ? null : (outcome.message ?? null),
        progress: outcome.ok ? 1 : task.progress,
        finishedAt: new Date(),
      });
      await this.events.appendStatus(trx, afterCommit, run.taskId, run.runId, {
        from: task.status,
        to: status,
        reason: outcome.ok ? 'the agent finished its turn' : `${outcome.errorType}: ${outcome.message ?? ''}`,
      });
      await this.communications.record(trx, {
        sessionId: task.sessionId,
        fromAgentId: agentId,
        toAgentId: null,
        taskId: task.id,
        messageType: 'TASK_RESULT',
        content: outcome.text ?? outcome.message ?? '',
      });
      const agent = await findAgentForUpdate(trx, agentId);
      if (agent) {
        await updateAgent(trx, agentId, {
          status: agent.status === 'BUSY' ? 'IDLE' : agent.status,
          totalCostUsd: agent.totalCostUsd + usage.costUsd,
          // Every later task would fail the same way: say so on the agent, where people look.
          lastError: outcome.errorType === 'AUTHENTICATION_FAILED' ? (outcome.message ?? null) : agent.lastError,
        });
      }
    });
    this.active.delete(agentId);
    this.clearDeadline(agentId);
    await this.onAgentIdle(agentId);
  }

  /** The process is gone: interrupt its run, and record why the agent stopped. */
  private async settleExit(agentId: string, exit: ProcessExit): Promise<void> {
    this.active.delete(agentId);
    this.totals.delete(agentId);
    this.clearDeadline(agentId);
    const timeoutSeconds = this.timedOut.get(agentId);
    this.timedOut.delete(agentId);
    const exitText = describeExit(exit);
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const agent = await findAgentForUpdate(trx, agentId);
      if (!agent) return;
      const run = await findRunningRunForAgent(trx, agentId);
      const timeoutReason =
        timeoutSeconds === undefined ? undefined : `the turn ran past its ${timeoutSeconds} s limit; the agent process was stopped`;
      if (run) {
        await this.interruptRun(trx, afterCommit, run, timeoutReason
          ? { errorType: 'TIMEOUT', reason: timeoutReason, exit }
          : {
              errorType: exit.requested ? 'AGENT_TERMINATED' : 'AGENT_EXITED',
              reason: exit.requested ? `the agent was stopped (${exitText})` : `the agent process ${exitText}`,
              exit,
            });
      }
      const crashed = !exit.requested && agent.status !== 'TERMINATING';
      const nextStatus: AgentStatus = crashed || timeoutReason ? 'ERROR' : 'TERMINATED';
      await updateAgent(trx, agentId, {
        status: nextStatus,
        pid: null,
        lastError: timeoutReason ?? (crashed ? `The agent process ${exitText}` : agent.lastError),
        terminatedAt: nextStatus === 'TERMINATED' ? new Date() : agent.terminatedAt,
      });
      if (crashed) {
        await insertIncident(trx, {
          id: newId(),
          type: 'AGENT_CRASH',
          severity: run ? 'HIGH' : 'MEDIUM',
          agentId,
          taskId: run?.taskId ?? null,
          message: `Agent ${agent.name}: the process ${exitText}`,
          recoveryAction: run ? 'run interrupted; task requeued or failed by its attempt policy' : 'none',
          recoveryResult: null,
        });
      }
    });
  }

  /**
   * Ends a live run that was cut short. Its task goes back to the queue (unassigned) while
   * attempts remain, else fails with the reason. Used on process exit and on recovery.
   */
  async interruptRun(
    trx: Executor,
    afterCommit: AfterCommit,
    run: RunRow,
    why: { errorType: TaskErrorType; reason: string; exit?: ProcessExit },
  ): Promise<void> {
    await updateRun(trx, run.id, {
      state: 'INTERRUPTED',
      finishedAt: new Date(),
      exitCode: why.exit?.exitCode ?? null,
      signal: why.exit?.signal ?? null,
      reason: why.reason,
    });
    const task = await findTaskForUpdate(trx, run.taskId);
    if (!task || task.status !== 'RUNNING') return;
    const retry = task.attempts < task.maxAttempts;
    await updateTask(trx, task.id, retry
      ? { status: 'QUEUED', agentId: null, errorType: why.errorType, errorMessage: why.reason }
      : { status: 'FAILED', errorType: why.errorType, errorMessage: why.reason, finishedAt: new Date() });
    await this.events.appendStatus(trx, afterCommit, task.id, run.id, {
      from: 'RUNNING',
      to: retry ? 'QUEUED' : 'FAILED',
      reason: retry ? `${why.reason}; ${task.maxAttempts - task.attempts} attempt(s) left` : why.reason,
    });
  }

  /** This turn's share of the process's running totals. */
  private turnUsage(agentId: string, outcome: TurnOutcome): { costUsd: number; tokens: TokenUsage } {
    const previous = this.totals.get(agentId) ?? { costUsd: 0, tokens: { ...ZERO_TOKENS } };
    const costNow = outcome.cumulativeCostUsd ?? previous.costUsd;
    const tokensNow = outcome.cumulativeTokens ?? previous.tokens;
    this.totals.set(agentId, { costUsd: costNow, tokens: tokensNow });
    const tokens = {} as TokenUsage;
    for (const key of Object.keys(ZERO_TOKENS) as (keyof TokenUsage)[]) {
      tokens[key] = Math.max(0, tokensNow[key] - previous.tokens[key]);
    }
    return { costUsd: Math.max(0, costNow - previous.costUsd), tokens };
  }
}

function eventPayload(event: AgentEvent): Record<string, unknown> {
  const { kind: _kind, ...payload } = event;
  return payload;
}

function describeExit(exit: ProcessExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  const stderr = exit.stderrTail.trim();
  return stderr ? `${how}: ${stderr.slice(-STDERR_IN_MESSAGE)}` : how;
}
