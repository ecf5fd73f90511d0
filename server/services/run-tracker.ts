import { findAgentForUpdate, findAgentsByIds, updateAgent } from '../db/repositories/agent.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import { insertMetrics } from '../db/repositories/metric.repository.js';
import { findRunningRunForAgent, updateRun } from '../db/repositories/run.repository.js';
import { addTaskUsage, findTaskForUpdate, updateTask } from '../db/repositories/task.repository.js';
import { findWorkflowOfSubtask, findWorkflowsByIds } from '../db/repositories/workflow.repository.js';
import type { RunRow, TaskErrorType, TaskEventKind, TaskRow, TaskStatus } from '../db/types.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { inOwnLogContext, type LogContext } from '../observability/log-context.js';
import type { AgentEvent, TokenUsage, TurnOutcome } from '../supervisor/agent-events.js';
import type { AgentLifecycle } from './agent-lifecycle.js';
import type { BudgetService } from './budget.service.js';
import type { EventBatcher } from './event-batcher.js';
import { estimateCostUsd } from './cost-estimate.js';
import type { CommunicationService } from './communication.service.js';
import type { ServiceDeps } from './deps.js';
import { isRetryable, retryDelayMs } from './retry-policy.js';
import type { TaskEventService } from './task-event.service.js';
import { inTransaction, type AfterCommit } from './transaction.js';

export interface ActiveRun {
  runId: string;
  taskId: string;
  startedAt: number;
  /** Turns that must still end before the run does (a person's message adds one). */
  pendingResults: number;
  storedBytes: number;
  maxOutputBytes: number;
  turnTimeoutSeconds: number;
  truncated: boolean;
  droppedBytes: number;
  /** API retries the CLI reported during the run. */
  retries: number;
  /** Token counts of each model call so far, from the stream: the live estimate. */
  modelCalls: Map<string, { model?: string; tokens: TokenUsage }>;
  /** Lines about this run carry its agent, task and run ids. */
  log: Logger;
}

/** A run that ended on this node, as the metrics see it. */
export interface RunReport {
  agentId: string;
  taskId: string;
  runId: string;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  durationMs: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * How a run is to end when its turn stops, when something other than the agent decided it:
 * CANCELLED and FAILED end the task; INTERRUPTED requeues it while attempts remain.
 */
export interface RunEnding {
  status: 'FAILED' | 'CANCELLED' | 'INTERRUPTED';
  errorType: TaskErrorType;
  reason: string;
}

/** How a turn can end its task. */
type EndedStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Running totals the CLI reported for the session; per-turn usage is the difference. */
interface SessionTotals {
  costUsd: number;
  tokens: TokenUsage;
}

const ZERO_TOKENS: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
const TOKEN_KEYS = Object.keys(ZERO_TOKENS) as (keyof TokenUsage)[];

export interface RunHooks {
  /** The agent's turn ended and its run is settled: it may take the next task. */
  turnEnded(agentId: string): Promise<void>;
  /** A run's cost was committed (budgets are checked). */
  costAdded(taskId: string): void;
  /**
   * A turn succeeded. True when the task is a workflow's root whose phase this turn moved on
   * (its status, result and messages are then settled by the workflow).
   */
  managerTurnEnded(trx: Executor, afterCommit: AfterCommit, task: TaskRow, runId: string, answer: string): Promise<boolean>;
  /** The run wrote more than its output limit. */
  outputLimitReached(agentId: string, run: ActiveRun): void;
  /** A run ended here and what ended it is committed (metrics). */
  runEnded(run: RunReport): void;
}

/**
 * Turns what agent processes say into durable state: each event becomes a numbered task event
 * (up to the run's output limit), and a turn's result ends its run and task. Runs inside the
 * agent's work queue, so one agent's events apply in order.
 */
export class RunTracker {
  private readonly active = new Map<string, ActiveRun>();
  private readonly endings = new Map<string, RunEnding>();
  private readonly totals = new Map<string, SessionTotals>();
  hooks: RunHooks = {
    turnEnded: async () => {},
    costAdded: () => {},
    managerTurnEnded: async () => false,
    outputLimitReached: () => {},
    runEnded: () => {},
  };

  constructor(
    private readonly deps: ServiceDeps,
    private readonly events: TaskEventService,
    private readonly communications: CommunicationService,
    private readonly lifecycle: AgentLifecycle,
    private readonly budgets: BudgetService,
    private readonly batcher: EventBatcher,
  ) {}

  /** A new process: its running totals start from what the session had (0 for a new session). */
  processStarted(agentId: string, sessionTotals: { costUsd: number; tokens: Partial<TokenUsage> }): void {
    this.totals.set(agentId, { costUsd: sessionTotals.costUsd, tokens: { ...ZERO_TOKENS, ...sessionTotals.tokens } });
  }

  begin(agentId: string, run: Pick<ActiveRun, 'runId' | 'taskId' | 'maxOutputBytes' | 'turnTimeoutSeconds'>): void {
    const log = this.deps.log.child({ agentId, taskId: run.taskId, runId: run.runId });
    this.active.set(agentId, { ...run, startedAt: Date.now(), pendingResults: 1, storedBytes: 0, truncated: false, droppedBytes: 0, retries: 0, modelCalls: new Map(), log });
    log.info('run started');
  }

  activeRun(agentId: string): ActiveRun | undefined {
    return this.active.get(agentId);
  }

  /** The ids the agent's work is about now: its running task and run, if any. */
  logContextOf(agentId: string): LogContext {
    const run = this.active.get(agentId);
    return { agentId, taskId: run?.taskId, runId: run?.runId };
  }

  /** Another turn was queued into the running session (a person's message): the run ends after it. */
  expectAnotherResult(agentId: string): boolean {
    const run = this.active.get(agentId);
    if (!run) return false;
    run.pendingResults += 1;
    return true;
  }

  /** Decides how the run ends if its turn is stopped (cancel, limit) rather than finished. */
  setEnding(runId: string, ending: RunEnding): void {
    if (!this.endings.has(runId)) this.endings.set(runId, ending);
  }

  /** Must run inside the agent's work queue. */
  async record(agentId: string, event: AgentEvent): Promise<void> {
    const run = this.active.get(agentId);
    if (!run) {
      this.deps.log.debug({ agentId, kind: event.kind }, 'agent event outside a task; not recorded');
      return;
    }
    // The CLI writes its session transcript as a turn begins, so from here on a new process must
    // --resume it (--session-id is refused as "already in use"), even if this turn never ends.
    if (event.kind === 'AGENT_STARTED') await updateAgent(this.deps.db, agentId, { sessionStarted: true });
    if (event.kind === 'RETRY') run.retries += 1;
    if (event.kind === 'RESULT') {
      run.pendingResults -= 1;
      if (run.pendingResults > 0 && event.outcome.ok) {
        this.store(run, 'RESULT', { ...event.outcome, intermediate: true });
        return;
      }
      await this.finish(agentId, run, event.outcome);
      return;
    }
    let payload = eventPayload(event);
    if (event.kind === 'USAGE') {
      // The start of a model call only updates the estimate; its end records it.
      if (!this.trackUsage(run, event)) return;
      payload = liveEstimate(run);
    }
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    if (run.truncated) {
      run.droppedBytes += bytes;
      return;
    }
    if (run.storedBytes + bytes > run.maxOutputBytes) {
      run.truncated = true;
      run.droppedBytes += bytes;
      this.store(run, 'OUTPUT_TRUNCATED', { storedBytes: run.storedBytes, limitBytes: run.maxOutputBytes });
      this.hooks.outputLimitReached(agentId, run);
      return;
    }
    run.storedBytes += bytes;
    this.store(run, event.kind, payload);
  }

  private trackUsage(run: ActiveRun, event: Extract<AgentEvent, { kind: 'USAGE' }>): boolean {
    const call = run.modelCalls.get(event.messageId) ?? { model: event.model, tokens: { ...ZERO_TOKENS } };
    call.model ??= event.model;
    for (const key of TOKEN_KEYS) if (event.tokens[key] !== undefined) call.tokens[key] = event.tokens[key]!;
    run.modelCalls.set(event.messageId, call);
    return event.final;
  }

  /** Queued for the next batch (see EventBatcher); the turn's end flushes it first. */
  private store(run: ActiveRun, kind: TaskEventKind, payload: Record<string, unknown>): void {
    this.batcher.add(run.taskId, run.runId, kind, payload);
  }

  /** Stores what the agent's live run has said so far; before anything settles the run. */
  async flushEvents(agentId: string): Promise<void> {
    const run = this.active.get(agentId);
    if (run) await this.batcher.flush(run.taskId);
  }

  private async finish(agentId: string, run: ActiveRun, outcome: TurnOutcome): Promise<void> {
    await this.batcher.flush(run.taskId);
    const usage = this.turnUsage(agentId, outcome);
    const ending = this.endings.get(run.runId);
    const durationMs = Date.now() - run.startedAt;
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const task = await findTaskForUpdate(trx, run.taskId);
      if (!task) return;
      // A stop we asked for decides the reason; a turn that completed anyway keeps its success,
      // except a workflow's root, whose completed turn would move the cancelled workflow on.
      // A limit wins even over a turn that completed: its transcript was cut short or it overran.
      const cancelWins = ending?.status === 'CANCELLED' && (await findWorkflowsByIds(trx, [task.id])).length > 0;
      const ok = outcome.ok && ending?.status !== 'FAILED' && !cancelWins;
      const status: EndedStatus = ok ? 'SUCCEEDED' : ending?.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
      const errorType = ok ? null : (ending?.errorType ?? outcome.errorType ?? 'UNKNOWN');
      const message = ok ? null : (ending?.reason ?? failureMessage(outcome, run.retries));
      const endedAs = ok ? 'succeeded' : ending?.status === 'INTERRUPTED' ? 'interrupted' : status === 'CANCELLED' ? 'cancelled' : 'failed';
      afterCommit(() => this.reportEnded(agentId, run, { outcome: endedAs, durationMs, usage, errorType }));
      await this.events.append(trx, afterCommit, {
        taskId: run.taskId,
        runId: run.runId,
        kind: 'RESULT',
        payload: { ...outcome, costUsd: usage.costUsd, tokens: usage.tokens, droppedBytes: run.droppedBytes },
      });
      await addTaskUsage(trx, run.taskId, { costUsd: usage.costUsd, ...usage.tokens });
      await insertMetrics(trx, runMetrics(agentId, run.taskId, durationMs, usage));
      await this.settleAgentAfterTurn(trx, afterCommit, agentId, task.title, usage.costUsd, errorType, message);
      await this.settleTask(trx, afterCommit, { agentId, run, outcome, usage, durationMs, task, ending, ok, status, errorType, message });
      // Last, so that what the turn settled (a plan's subtasks, a requeue) is covered too.
      if (usage.costUsd > 0) {
        await this.budgets.failWaitingIfSpent(trx, afterCommit, run.taskId);
        afterCommit(() => this.hooks.costAdded(run.taskId));
      }
    });
    this.active.delete(agentId);
    this.endings.delete(run.runId);
    // What the agent does next (its next task, an idle close) is no longer this run's.
    await inOwnLogContext({ agentId }, () => this.hooks.turnEnded(agentId));
  }

  /** The run's last line, and its figures for the metrics. */
  private reportEnded(
    agentId: string,
    run: ActiveRun,
    ended: { outcome: RunReport['outcome']; durationMs: number; usage?: { costUsd: number; tokens: TokenUsage }; errorType: TaskErrorType | null },
  ): void {
    const { outcome, durationMs, usage, errorType } = ended;
    const report: RunReport = {
      agentId,
      taskId: run.taskId,
      runId: run.runId,
      outcome,
      durationMs,
      costUsd: usage?.costUsd ?? 0,
      inputTokens: usage?.tokens.inputTokens ?? 0,
      outputTokens: usage?.tokens.outputTokens ?? 0,
    };
    run.log.info(
      { outcome, durationMs, costUsd: report.costUsd, inputTokens: report.inputTokens, outputTokens: report.outputTokens, ...(errorType ? { errorType } : {}) },
      'run ended',
    );
    this.hooks.runEnded(report);
  }

  /** The run and its task after a turn: ended, requeued by the retry policy, or moved on by a workflow. */
  private async settleTask(
    trx: Executor,
    afterCommit: AfterCommit,
    turn: {
      agentId: string;
      run: ActiveRun;
      outcome: TurnOutcome;
      usage: { costUsd: number; tokens: TokenUsage };
      durationMs: number;
      task: TaskRow;
      ending: RunEnding | undefined;
      ok: boolean;
      status: EndedStatus;
      errorType: TaskErrorType | null;
      message: string | null;
    },
  ): Promise<void> {
    const { agentId, run, outcome, usage, task, ending, ok, status, errorType, message } = turn;
    const runUsage = { ...usage.tokens, numTurns: outcome.numTurns, durationMs: turn.durationMs, droppedBytes: run.droppedBytes };
    if (task.status !== 'RUNNING') {
      // Ended meanwhile from elsewhere (a cancel through another node, a stop that found no live
      // process here): the turn's transcript and cost count, its outcome does not.
      const runRow = await updateRun(trx, run.runId, { costUsd: usage.costUsd, usage: JSON.stringify(runUsage) });
      if (runRow.state === 'RUNNING') {
        await updateRun(trx, run.runId, { state: 'INTERRUPTED', finishedAt: new Date(), reason: `the task was ${task.status} meanwhile` });
      }
      return;
    }
    // Cut short from outside, or a failure another attempt may cure: the policy decides.
    const mayRetry = !ok && (ending?.status === 'INTERRUPTED' || (!ending && isRetryable(errorType!)));
    if (mayRetry) {
      const runRow = await updateRun(trx, run.runId, { costUsd: usage.costUsd, usage: JSON.stringify(runUsage) });
      await this.interruptRun(trx, afterCommit, runRow, {
        errorType: errorType!,
        reason: message ?? 'interrupted',
        runState: ending ? 'INTERRUPTED' : 'FAILED',
      });
      return;
    }
    await updateRun(trx, run.runId, {
      state: status,
      finishedAt: new Date(),
      reason: ok ? 'completed' : `${errorType}: ${message ?? ''}`,
      costUsd: usage.costUsd,
      usage: JSON.stringify(runUsage),
    });
    // A workflow's manager turn may not end its task (a plan starts the subtasks).
    if (ok && (await this.hooks.managerTurnEnded(trx, afterCommit, task, run.runId, outcome.text ?? ''))) return;
    await updateTask(trx, run.taskId, {
      status,
      result: outcome.text ?? null,
      errorType,
      errorMessage: message,
      progress: ok ? 1 : task.progress,
      finishedAt: new Date(),
      retryAt: null,
    });
    await this.events.appendStatus(trx, afterCommit, run.taskId, run.runId, {
      from: task.status,
      to: status,
      reason: ok ? 'the agent finished its turn' : `${errorType}: ${message ?? ''}`,
    });
    await this.reportResult(trx, afterCommit, task, agentId, outcome.text ?? message ?? '');
  }

  /** The task's outcome, told to whoever gave it: the workflow's manager, or a person (null). */
  private async reportResult(trx: Executor, afterCommit: AfterCommit, task: TaskRow, agentId: string | null, content: string): Promise<void> {
    const workflow = await findWorkflowOfSubtask(trx, task);
    await this.communications.record(trx, afterCommit, {
      sessionId: task.sessionId,
      fromAgentId: agentId,
      toAgentId: workflow?.managerAgentId ?? null,
      taskId: task.id,
      messageType: 'TASK_RESULT',
      content,
    });
  }

  /** The agent is idle again: its status, its spend and its CLI session's running totals. */
  private async settleAgentAfterTurn(
    trx: Executor,
    afterCommit: AfterCommit,
    agentId: string,
    taskTitle: string,
    costUsd: number,
    errorType: TaskErrorType | null,
    message: string | null,
  ): Promise<void> {
    const agent = await findAgentForUpdate(trx, agentId);
    if (!agent) return;
    if (agent.status === 'BUSY') {
      await this.lifecycle.transition(trx, afterCommit, agentId, 'IDLE', `finished task ${JSON.stringify(taskTitle.slice(0, 80))}`);
    }
    const totals = this.totals.get(agentId);
    await updateAgent(trx, agentId, {
      totalCostUsd: agent.totalCostUsd + costUsd,
      sessionCostUsd: totals?.costUsd ?? agent.sessionCostUsd,
      sessionTokens: JSON.stringify(totals?.tokens ?? agent.sessionTokens),
      sessionStarted: true,
      // Every later task would fail the same way: say so on the agent, where people look.
      lastError: errorType === 'AUTHENTICATION_FAILED' ? message : agent.lastError,
    });
  }

  /**
   * The process is gone with its turn unfinished: end the live run (the in-memory one, or the
   * one the database says is running) by its ending, or as interrupted.
   */
  async processGone(
    trx: Executor,
    afterCommit: AfterCommit,
    agentId: string,
    fallback: { errorType: TaskErrorType; reason: string; exitCode?: number | null; signal?: string | null; ladderStep?: string },
  ): Promise<void> {
    const active = this.active.get(agentId);
    this.active.delete(agentId);
    this.totals.delete(agentId);
    const run = await findRunningRunForAgent(trx, agentId);
    if (!run) return;
    const ending = this.endings.get(run.id);
    this.endings.delete(run.id);
    if (active?.runId === run.id) {
      const outcome = ending?.status === 'CANCELLED' ? 'cancelled' : ending?.status === 'FAILED' ? 'failed' : 'interrupted';
      const durationMs = Date.now() - active.startedAt;
      // The turn never reported its cost: the run ends with none of its own.
      afterCommit(() => this.reportEnded(agentId, active, { outcome, durationMs, errorType: ending?.errorType ?? fallback.errorType }));
    }
    await this.interruptRun(trx, afterCommit, run, {
      errorType: ending?.errorType ?? fallback.errorType,
      reason: `${ending?.reason ?? fallback.reason}${fallback.ladderStep ? ` (stopped at ${fallback.ladderStep})` : ''}`,
      cancel: ending?.status === 'CANCELLED',
      fail: ending?.status === 'FAILED',
      exitCode: fallback.exitCode,
      signal: fallback.signal,
      droppedBytes: active?.droppedBytes,
    });
  }

  /**
   * Ends a live run that was cut short or failed. A cancelled one cancels its task; otherwise the
   * task goes back to the queue (keeping its agent, whose session resumes) when the failure is
   * retryable and attempts remain, after a backoff; else it fails with the reason.
   */
  async interruptRun(
    trx: Executor,
    afterCommit: AfterCommit,
    run: RunRow,
    why: {
      errorType: TaskErrorType;
      reason: string;
      /** Cancel the task, or fail it without a retry (a limit), instead of requeueing it. */
      cancel?: boolean;
      fail?: boolean;
      /** How the run itself is recorded (default INTERRUPTED; a failed turn is FAILED). */
      runState?: 'INTERRUPTED' | 'FAILED';
      exitCode?: number | null;
      signal?: string | null;
      droppedBytes?: number;
    },
  ): Promise<void> {
    await updateRun(trx, run.id, {
      state: why.cancel ? 'CANCELLED' : (why.runState ?? 'INTERRUPTED'),
      finishedAt: new Date(),
      exitCode: why.exitCode ?? null,
      signal: why.signal ?? null,
      reason: `${why.errorType}: ${why.reason}`,
      ...(why.droppedBytes ? { usage: JSON.stringify({ ...run.usage, droppedBytes: why.droppedBytes }) } : {}),
    });
    const task = await findTaskForUpdate(trx, run.taskId);
    if (!task || task.status !== 'RUNNING') return;
    const attemptsLeft = task.maxAttempts - task.attempts;
    const retry = !why.cancel && !why.fail && attemptsLeft > 0 && isRetryable(why.errorType);
    const to: TaskStatus = why.cancel ? 'CANCELLED' : retry ? 'QUEUED' : 'FAILED';
    const delayMs = retry ? retryDelayMs(why.errorType, task.attempts, this.deps.config.tasks.retry) : 0;
    // Requeued from an agent that is going away: any agent of the session may take it.
    const [agent] = retry ? await findAgentsByIds(trx, [run.agentId]) : [];
    const untie = agent !== undefined && ['TERMINATING', 'TERMINATED', 'FAILED'].includes(agent.status);
    await updateTask(trx, task.id, {
      ...(untie ? { agentId: null } : {}),
      status: to,
      errorType: why.errorType,
      errorMessage: why.reason,
      finishedAt: to === 'QUEUED' ? null : new Date(),
      retryAt: delayMs > 0 ? new Date(Date.now() + delayMs) : null,
    });
    const next = delayMs > 0 ? `retrying in ${(delayMs / 1000).toFixed(1)} s` : 'retrying';
    const reason = retry
      ? `${why.reason}; ${next} (${attemptsLeft} attempt(s) left)`
      : !why.cancel && !why.fail && attemptsLeft > 0
        ? `${why.reason} (${why.errorType} is not retried)`
        : why.reason;
    await this.events.appendStatus(trx, afterCommit, task.id, run.id, { from: 'RUNNING', to, reason });
    if (to !== 'QUEUED') await this.reportResult(trx, afterCommit, task, run.agentId, why.reason);
  }

  /** This turn's share of the session's running totals. */
  private turnUsage(agentId: string, outcome: TurnOutcome): { costUsd: number; tokens: TokenUsage } {
    const previous = this.totals.get(agentId) ?? { costUsd: 0, tokens: { ...ZERO_TOKENS } };
    const costNow = outcome.cumulativeCostUsd ?? previous.costUsd;
    const tokensNow = outcome.cumulativeTokens ?? previous.tokens;
    this.totals.set(agentId, { costUsd: costNow, tokens: tokensNow });
    // A counter below its baseline was reset (a process that did not carry the session's totals).
    const tokens = {} as TokenUsage;
    for (const key of TOKEN_KEYS) {
      tokens[key] = tokensNow[key] >= previous.tokens[key] ? tokensNow[key] - previous.tokens[key] : tokensNow[key];
    }
    const costUsd = costNow >= previous.costUsd ? costNow - previous.costUsd : costNow;
    return { costUsd, tokens };
  }
}

/** What the run has used so far while its turn streams; the turn's result gives the real figures. */
function liveEstimate(run: ActiveRun): Record<string, unknown> {
  const tokens = { ...ZERO_TOKENS };
  let estimatedCostUsd: number | null = 0;
  for (const call of run.modelCalls.values()) {
    for (const key of TOKEN_KEYS) tokens[key] += call.tokens[key];
    const cost = estimateCostUsd(call.model, call.tokens);
    estimatedCostUsd = cost === undefined || estimatedCostUsd === null ? null : estimatedCostUsd + cost;
  }
  return { modelCalls: run.modelCalls.size, tokens, estimatedCostUsd };
}

/** The CLI's error text, how often it retried, and what a person should do when retrying will not help. */
function failureMessage(outcome: TurnOutcome, retries: number): string {
  const parts = [outcome.message ?? 'the turn failed'];
  if (outcome.errorType === 'API_ERROR') parts.push(`(after ${retries} API ${retries === 1 ? 'retry' : 'retries'})`);
  if (outcome.hint) parts.push(`— ${outcome.hint}`);
  return parts.join(' ');
}

function runMetrics(agentId: string, taskId: string, durationMs: number, usage: { costUsd: number; tokens: TokenUsage }) {
  const metric = (name: string, value: number, unit: string) => ({ id: newId(), name, value, unit, agentId, taskId });
  return [
    metric('run.duration', durationMs, 'ms'),
    metric('run.cost', usage.costUsd, 'usd'),
    metric('run.input_tokens', usage.tokens.inputTokens, 'tokens'),
    metric('run.output_tokens', usage.tokens.outputTokens, 'tokens'),
  ];
}

function eventPayload(event: AgentEvent): Record<string, unknown> {
  const { kind: _kind, ...payload } = event;
  return payload;
}
