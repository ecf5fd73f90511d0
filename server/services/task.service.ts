import { z } from 'zod';
import { findAgentForUpdate, findAgentsByIds, findIdleAgentsForTask, findIdleAgentsWithWork } from '../db/repositories/agent.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import { claimNextTaskFor } from '../db/repositories/claim.repository.js';
import { findRunningRunForAgent } from '../db/repositories/run.repository.js';
import {
  countUnfinishedDependencies,
  findChildren,
  findDependencies,
  findDependencyEdges,
  findDependentsForUpdate,
  findTaskForUpdate,
  findTasksByIds,
  findTasksForShare,
  findUnfinishedChildren,
  hasClaimableTask,
  insertDependencies,
  insertTask,
  listTasks,
  updateTask,
  type TaskFilter,
} from '../db/repositories/task.repository.js';
import { AGENT_ROLES, type AgentRow, type RunRow, type TaskErrorType, type TaskRow, type TaskStatus, type WorkflowRow } from '../db/types.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { AgentLifecycle } from './agent-lifecycle.js';
import type { AgentManager } from './agent-manager.js';
import type { BudgetService } from './budget.service.js';
import type { CommunicationService } from './communication.service.js';
import type { ServiceDeps } from './deps.js';
import type { RunTracker } from './run-tracker.js';
import type { SessionService } from './session.service.js';
import type { TaskEventService } from './task-event.service.js';
import { inTransaction, type AfterCommit } from './transaction.js';
import { findWorkflowsByIds, setWorkflowManager, updateWorkflow } from '../db/repositories/workflow.repository.js';
import type { Subscription, Topics } from '../realtime/event-bus.js';
import { instructionFor } from './task-instructions.js';
import { parseInput } from './validation.js';

const createTaskInput = z.object({
  sessionId: z.string(),
  title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  description: z.string().max(100_000, 'must be at most 100000 characters').default(''),
  priority: z.number().int().min(-1000).max(1000).default(0),
  agentId: z.string().optional(),
  parentTaskId: z.string().optional(),
  requiredRole: z.enum(AGENT_ROLES).optional(),
  maxAttempts: z.number().int().min(1, 'must be at least 1').max(10, 'must be at most 10').default(1),
  timeoutSeconds: z.number().int().min(1, 'must be at least 1').max(86_400, 'must be at most 86400').optional(),
  dependsOn: z.array(z.string()).max(100, 'at most 100 dependencies').default([]),
  maxBudgetUsd: z.number().positive('must be positive').max(10_000, 'must be at most 10000').optional(),
});
export type CreateTaskInput = z.input<typeof createTaskInput>;

/** A task to insert, already validated. */
export type NewTaskFields = Omit<z.output<typeof createTaskInput>, 'description'> & { description: string };

/** How a task that has not finished is ended from outside: cancelled, or failed (a spent budget). */
export interface TaskStop {
  status: 'CANCELLED' | 'FAILED';
  errorType: TaskErrorType;
  reason: string;
}

/** A task an agent has just taken: its new run and the prompt to send. */
export interface ClaimedTask {
  task: TaskRow;
  run: Pick<RunRow, 'id' | 'attempt'>;
  prompt: string;
}

/** How soon an agent looks again for a task it had to skip because the row was locked. */
const CLAIM_RETRY_MS = 25;

/** Statuses from which a task may still be handed to an agent or cancelled. */
const WAITING_STATUSES = ['PENDING', 'QUEUED'] as const;

export class TaskService {
  private tick: NodeJS.Timeout | undefined;
  private stopRequests: Subscription<Topics['stopTurn']> | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly sessions: SessionService,
    private readonly events: TaskEventService,
    private readonly communications: CommunicationService,
    private readonly runs: RunTracker,
    private readonly lifecycle: AgentLifecycle,
    private readonly manager: AgentManager,
    private readonly budgets: BudgetService,
  ) {}

  async createTask(input: CreateTaskInput): Promise<TaskRow> {
    const parsed = parseInput(createTaskInput, input);
    const session = await this.sessions.getSession(parsed.sessionId, 'sessionId');
    if (parsed.parentTaskId) {
      const parent = await this.getTask(parsed.parentTaskId, 'parentTaskId');
      if (parent.sessionId !== session.id) {
        throw new InvalidInputError('parentTaskId', 'the parent task belongs to another session');
      }
    }
    const task = await inTransaction(this.deps.db, async (trx, afterCommit) => {
      if (parsed.parentTaskId) await this.budgets.refuseIfSpent(trx, parsed.parentTaskId, 'parentTaskId');
      return this.insertTaskIn(trx, afterCommit, parsed);
    });
    if (task.agentId) await this.dispatch(task.agentId);
    return this.getTask(task.id);
  }

  /**
   * Inserts a validated task in the caller's transaction: dependencies checked under a share
   * lock, the agent (if any) checked under lock, and the first status event.
   */
  async insertTaskIn(trx: Executor, afterCommit: AfterCommit, fields: NewTaskFields, reason?: string): Promise<TaskRow> {
    const dependsOn = [...new Set(fields.dependsOn)];
    // Held until commit: a dependency cannot finish between this check and the insert, which
    // would leave the new task waiting on an event that has already passed.
    const dependencies = await findTasksForShare(trx, dependsOn);
    for (const id of dependsOn) {
      const dependency = dependencies.find((d) => d.id === id);
      if (!dependency) throw new NotFoundError('Task', 'dependsOn', id);
      if (dependency.sessionId !== fields.sessionId) throw new InvalidInputError('dependsOn', `task ${JSON.stringify(dependency.title)} belongs to another session`);
      // A new task only depends on existing ones, so no cycle can form; a dead end can.
      if (dependency.status === 'FAILED' || dependency.status === 'CANCELLED') {
        throw new InvalidInputError('dependsOn', `task ${JSON.stringify(dependency.title)} is ${dependency.status}; retry it first`);
      }
    }
    const waiting = dependencies.filter((d) => d.status !== 'SUCCEEDED');
    if (fields.agentId) await this.lockAssignableAgent(trx, fields.agentId, fields.sessionId, fields.requiredRole);
    const created = await insertTask(trx, {
      id: newId(),
      sessionId: fields.sessionId,
      parentTaskId: fields.parentTaskId ?? null,
      agentId: fields.agentId ?? null,
      title: fields.title,
      description: fields.description,
      status: waiting.length > 0 ? 'PENDING' : 'QUEUED',
      priority: fields.priority,
      requiredRole: fields.requiredRole ?? null,
      maxAttempts: fields.maxAttempts,
      timeoutSeconds: fields.timeoutSeconds ?? null,
      maxBudgetUsd: fields.maxBudgetUsd ?? null,
      // Its first event (the creation) is numbered here rather than by a second update.
      lastEventSeq: 1,
    });
    await insertDependencies(trx, created.id, dependsOn);
    await this.events.recordCreation(
      trx,
      afterCommit,
      created,
      created.status === 'PENDING'
        ? `${reason ?? 'created'}; waiting for ${waiting.map((d) => JSON.stringify(d.title)).join(', ')}`
        : (reason ?? (fields.agentId ? 'created and assigned to an agent' : 'created; waiting for an agent')),
    );
    return created;
  }

  async assignTask(taskId: string, agentId: string): Promise<TaskRow> {
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const task = await findTaskForUpdate(trx, taskId);
      if (!task) throw new NotFoundError('Task', 'taskId', taskId);
      if (!(WAITING_STATUSES as readonly string[]).includes(task.status)) {
        throw new ConflictError('taskId', `Task is ${task.status}; only PENDING or QUEUED tasks can be assigned.`);
      }
      const agent = await this.lockAssignableAgent(trx, agentId, task.sessionId, task.requiredRole ?? undefined);
      await updateTask(trx, task.id, { agentId: agent.id });
      await this.events.append(trx, afterCommit, {
        taskId: task.id,
        runId: null,
        kind: 'STATUS',
        payload: { from: task.status, to: task.status, reason: `assigned to agent ${agent.name}` },
      });
    });
    await this.dispatch(agentId);
    return this.getTask(taskId);
  }

  /**
   * Cancels a waiting task at once, or stops a running one by the ladder (interrupt, SIGINT,
   * SIGTERM, SIGKILL) and records how it ended. Its unfinished subtasks are cancelled too.
   */
  async cancelTask(taskId: string, reason: string | undefined): Promise<TaskRow> {
    const why = reason?.trim() || 'cancelled by request';
    if (why.length > 1000) throw new InvalidInputError('reason', 'must be at most 1000 characters');
    await this.stopTask(taskId, { status: 'CANCELLED', errorType: 'CANCELLED', reason: why });
    return this.getTask(taskId);
  }

  /**
   * Ends a task that has not finished, and every unfinished task under it: waiting ones at once,
   * running ones through the supervisor (or, with no live process here, in the database).
   */
  async stopTask(taskId: string, stop: TaskStop): Promise<void> {
    const verb = stop.status === 'CANCELLED' ? 'cancelled' : 'failed';
    const running = await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const task = await findTaskForUpdate(trx, taskId);
      // Named after cancelTask's argument, `id`.
      if (!task) throw new NotFoundError('Task', 'id', taskId);
      if (task.status === 'RUNNING') return task;
      if (!(WAITING_STATUSES as readonly string[]).includes(task.status)) {
        throw new ConflictError('id', `Task is ${task.status}; only PENDING, QUEUED or RUNNING tasks can be ${verb}.`);
      }
      await updateTask(trx, task.id, { status: stop.status, errorType: stop.errorType, errorMessage: stop.reason, finishedAt: new Date(), retryAt: null });
      await this.events.appendStatus(trx, afterCommit, task.id, null, { from: task.status, to: stop.status, reason: stop.reason });
      return undefined;
    });
    if (running?.agentId) {
      const agentId = running.agentId;
      if (this.deps.supervisor.isRunning(agentId) && this.runs.activeRun(agentId)?.taskId === taskId) {
        await this.manager.stopTurn(agentId, { kind: stop.status === 'CANCELLED' ? 'cancel' : 'limit', errorType: stop.errorType, reason: stop.reason });
      } else {
        // No live process here holds the run (another node's, or a crash being settled): end it
        // in the database at once, and ask the node that supervises it to stop its process.
        const elsewhere = await this.deps.queue.run(agentId, () =>
          inTransaction(this.deps.db, async (trx, afterCommit) => {
            const run = await findRunningRunForAgent(trx, agentId);
            if (run?.taskId !== taskId) return false;
            await this.runs.interruptRun(trx, afterCommit, run, {
              errorType: stop.errorType,
              reason: stop.reason,
              cancel: stop.status === 'CANCELLED',
              fail: stop.status === 'FAILED',
            });
            return run.nodeId !== this.deps.config.nodeId;
          }),
        );
        if (elsewhere) this.deps.bus.publish('stopTurn', 'all', { agentId, taskId, stop });
      }
    }
    await this.stopSubtree(taskId, stop);
  }

  /** Stops the task if it has not ended, and in any case everything under it that has not. */
  async stopTree(taskId: string, stop: TaskStop): Promise<void> {
    try {
      await this.stopTask(taskId, stop);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      await this.stopSubtree(taskId, stop);
    }
  }

  /** Every subtask under a stopped parent that has not ended is stopped the same way. */
  private async stopSubtree(parentId: string, stop: TaskStop): Promise<void> {
    const [parent] = await findTasksByIds(this.deps.db, [parentId]);
    const reason =
      stop.errorType === 'CANCELLED'
        ? `its parent task ${JSON.stringify(parent?.title ?? parentId)} was cancelled: ${stop.reason}`.slice(0, 1000)
        : stop.reason;
    // Waiting subtasks first: a running one that ends would otherwise fail its dependents
    // (DEPENDENCY_FAILED) before they are reached here.
    const children = await findUnfinishedChildren(this.deps.db, parentId);
    children.sort((x, y) => Number(x.status === 'RUNNING') - Number(y.status === 'RUNNING'));
    for (const child of children) {
      try {
        await this.stopTask(child.id, { ...stop, reason });
      } catch (error) {
        // A subtask that ended meanwhile is not an error of the parent's stop.
        if (!(error instanceof ConflictError)) throw error;
        await this.stopSubtree(child.id, { ...stop, reason });
      }
    }
  }

  /**
   * Queues a FAILED or CANCELLED task again (its transcript and attempts are kept), and puts back
   * the dependents that failed because of it.
   */
  async retryTask(taskId: string): Promise<TaskRow> {
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const task = await findTaskForUpdate(trx, taskId);
      if (!task) throw new NotFoundError('Task', 'id', taskId);
      if (task.status !== 'FAILED' && task.status !== 'CANCELLED') {
        throw new ConflictError('id', `Task is ${task.status}; only FAILED or CANCELLED tasks can be retried.`);
      }
      const [deadDependency] = (await findDependencies(trx, task.id)).filter((d) => d.status === 'FAILED' || d.status === 'CANCELLED');
      if (deadDependency) {
        throw new ConflictError('id', `Its dependency ${JSON.stringify(deadDependency.title)} is ${deadDependency.status}; retry that one first.`);
      }
      const [workflow] = await findWorkflowsByIds(trx, [task.id]);
      if (workflow) await this.retryWorkflow(trx, afterCommit, task, workflow);
      else await this.requeue(trx, afterCommit, task, 'retried by request');
    });
    return this.getTask(taskId);
  }

  /**
   * A workflow resumes where it stopped: without an accepted plan the manager plans again (with a
   * correction allowed again); with one, its failed and cancelled subtasks run again and the
   * manager answers once all have ended (at once, when none needs running again).
   */
  private async retryWorkflow(trx: Executor, afterCommit: AfterCommit, root: TaskRow, workflow: WorkflowRow): Promise<void> {
    if (!workflow.plan) {
      await updateWorkflow(trx, workflow.id, { phase: 'PLANNING', rejectedPlans: 0, planErrors: null });
      await this.requeue(trx, afterCommit, root, 'retried by request; the manager plans again', 'QUEUED');
      return;
    }
    let again = 0;
    for (const { id } of await findChildren(trx, root.id)) {
      // Read under lock: retrying one subtask may already have brought back its dependents.
      const subtask = await findTaskForUpdate(trx, id);
      if (subtask?.status !== 'FAILED' && subtask?.status !== 'CANCELLED') continue;
      await this.requeue(trx, afterCommit, subtask, `its workflow ${JSON.stringify(root.title)} was retried`);
      again += 1;
    }
    await updateWorkflow(trx, workflow.id, { phase: again > 0 ? 'RUNNING' : 'SYNTHESIZING' });
    await this.requeue(
      trx,
      afterCommit,
      root,
      again > 0 ? `retried by request; ${again} subtask(s) run again` : 'retried by request; the manager answers again',
      again > 0 ? 'PENDING' : 'QUEUED',
    );
  }

  private async requeue(trx: Executor, afterCommit: AfterCommit, task: TaskRow, reason: string, status?: 'PENDING' | 'QUEUED'): Promise<void> {
    const to = status ?? ((await countUnfinishedDependencies(trx, task.id)) > 0 ? 'PENDING' : 'QUEUED');
    await updateTask(trx, task.id, {
      status: to,
      maxAttempts: Math.max(task.maxAttempts, task.attempts + 1),
      errorType: null,
      errorMessage: null,
      finishedAt: null,
      retryAt: null,
    });
    await this.events.appendStatus(trx, afterCommit, task.id, null, { from: task.status, to, reason });
    for (const dependent of await findDependentsForUpdate(trx, task.id)) {
      if (dependent.status === 'FAILED' && dependent.errorType === 'DEPENDENCY_FAILED') {
        await this.requeue(trx, afterCommit, dependent, `its dependency ${JSON.stringify(task.title)} was retried`);
      }
    }
  }

  /**
   * Reacts to a committed status change: a task that succeeded releases the dependents that
   * waited only on it; one that failed or was cancelled fails its waiting dependents (and theirs)
   * with a reason naming it; a queued task wakes the idle agents that could take it.
   */
  async statusChanged(taskId: string, to: TaskStatus): Promise<void> {
    if (to === 'QUEUED') {
      await this.wakeAgentsFor(taskId);
      return;
    }
    if (to !== 'SUCCEEDED' && to !== 'FAILED' && to !== 'CANCELLED') return;
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const [task] = await findTasksByIds(trx, [taskId]);
      if (!task || task.status !== to) return;
      for (const dependent of await findDependentsForUpdate(trx, taskId)) {
        if (dependent.status !== 'PENDING') continue;
        if (to === 'SUCCEEDED') {
          if ((await countUnfinishedDependencies(trx, dependent.id)) > 0) continue;
          await updateTask(trx, dependent.id, { status: 'QUEUED' });
          await this.events.appendStatus(trx, afterCommit, dependent.id, null, { from: 'PENDING', to: 'QUEUED', reason: 'its dependencies succeeded' });
        } else {
          const reason = `its dependency ${JSON.stringify(task.title)} ${to === 'FAILED' ? 'failed' : 'was cancelled'}${task.errorMessage ? `: ${task.errorMessage}` : ''}`;
          await updateTask(trx, dependent.id, { status: 'FAILED', errorType: 'DEPENDENCY_FAILED', errorMessage: reason.slice(0, 2000), finishedAt: new Date() });
          // The FAILED transition comes back here and fails the dependents' dependents in turn.
          await this.events.appendStatus(trx, afterCommit, dependent.id, null, { from: 'PENDING', to: 'FAILED', reason: reason.slice(0, 2000) });
        }
      }
    });
  }

  /**
   * Every interval, the idle agents of this node look for work they were not woken for: a
   * backoff that ended after a restart, a wake-up lost with a crash, a task queued on another node.
   */
  startScheduler(): void {
    this.tick ??= setInterval(() => void this.sweep(), this.deps.config.tasks.schedulerIntervalMs);
    this.tick.unref();
    this.listenForStops();
  }

  stopScheduler(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    this.stopRequests?.close();
    this.stopRequests = undefined;
  }

  /** Another node ended a run this node supervises: stop the turn's process by the ladder. */
  private listenForStops(): void {
    if (this.stopRequests) return;
    const requests = this.deps.bus.subscribe('stopTurn', 'all');
    this.stopRequests = requests;
    void (async () => {
      for await (const { agentId, taskId, stop } of requests) {
        if (!this.deps.supervisor.isRunning(agentId) || this.runs.activeRun(agentId)?.taskId !== taskId) continue;
        void this.manager
          .stopTurn(agentId, { kind: stop.status === 'CANCELLED' ? 'cancel' : 'limit', errorType: stop.errorType, reason: stop.reason })
          .catch((error: unknown) => this.deps.log.error({ err: error, agentId }, 'could not stop a turn for another node'));
      }
    })().catch((error: unknown) => this.deps.log.warn({ err: error }, 'stop requests stopped'));
  }

  private async sweep(): Promise<void> {
    try {
      for (const agent of await findIdleAgentsWithWork(this.deps.db, this.deps.config.nodeId)) {
        if (!this.deps.queue.isBusy(agent.id)) void this.dispatch(agent.id, agent);
      }
    } catch (error) {
      this.deps.log.warn({ err: error }, 'scheduler sweep failed');
    }
  }

  /** Idle agents of this node that may take the task try to claim it. */
  private async wakeAgentsFor(taskId: string): Promise<void> {
    const candidates = await findIdleAgentsForTask(this.deps.db, taskId, this.deps.config.nodeId);
    const retryAt = candidates[0]?.taskRetryAt;
    const wait = retryAt ? retryAt.getTime() - Date.now() : 0;
    if (wait > 0) {
      // Backing off: look again when the wait is over (the scheduler's sweep covers a restart).
      setTimeout(() => void this.wakeAgentsFor(taskId).catch((error: unknown) => this.deps.log.error({ err: error, taskId }, 'waking agents failed')), wait + 5).unref();
      return;
    }
    // One agent is enough: the others would only race it. An agent already looking (its queue is
    // busy) will find the task itself; the scheduler's sweep covers a wake-up that misses.
    const agent = candidates.find((a) => !this.deps.queue.isBusy(a.id)) ?? candidates[0];
    if (agent) void this.dispatch(agent.id, agent);
  }

  async getTask(id: string, field = 'id'): Promise<TaskRow> {
    const [task] = await findTasksByIds(this.deps.db, [id]);
    if (!task) throw new NotFoundError('Task', field, id);
    return task;
  }

  /** For each task id, the tasks it depends on (one query for the edges, one for the tasks). */
  async dependenciesOf(taskIds: readonly string[]): Promise<TaskRow[][]> {
    const edges = await findDependencyEdges(this.deps.db, taskIds);
    const tasks = await findTasksByIds(this.deps.db, [...new Set(edges.map((e) => e.dependsOnTaskId))]);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return taskIds.map((id) => edges.filter((e) => e.taskId === id).map((e) => byId.get(e.dependsOnTaskId)!).filter(Boolean));
  }

  subtasksOf(taskId: string): Promise<TaskRow[]> {
    return findChildren(this.deps.db, taskId);
  }

  loadTasks(ids: readonly string[]): Promise<TaskRow[]> {
    return findTasksByIds(this.deps.db, ids);
  }

  listTasks(filter: TaskFilter, page: PageQuery): Promise<TaskRow[]> {
    return listTasks(this.deps.db, filter, page);
  }

  /** Starts the agent's next queued task if it is idle; serialised with the agent's other work. */
  dispatch(agentId: string, known?: AgentRow): Promise<void> {
    return this.deps.queue.run(agentId, () => this.dispatchNow(agentId, known));
  }

  /** Must run inside the agent's work queue. */
  async dispatchNow(agentId: string, known?: AgentRow): Promise<void> {
    const { supervisor, db } = this.deps;
    // A row read just before (by the wake-up) saves a read: the claim checks IDLE itself.
    const agent = known && supervisor.isRunning(agentId) ? known : (await findAgentsByIds(db, [agentId]))[0];
    // Another node's agent is that node's to start: its scheduler's sweep finds the work.
    if (!agent || agent.status !== 'IDLE' || agent.nodeId !== this.deps.config.nodeId) return;
    // Starting a process is worth it only for work that is there.
    if (!supervisor.isRunning(agentId) && !(await hasClaimableTask(db, agent))) return;
    if (!(await this.manager.ensureProcess(agent))) return;
    const started = await this.claimNext(agent);
    if (!started) {
      // Nothing, or only rows another transaction held for a moment (numbering an event, being
      // depended on) and SKIP LOCKED passed over: look again shortly if there is work.
      if (await hasClaimableTask(db, agent)) setTimeout(() => void this.dispatch(agentId), CLAIM_RETRY_MS).unref();
      return;
    }
    const limits = this.manager.limitsOf(agent);
    this.runs.begin(agentId, {
      runId: started.run.id,
      taskId: started.task.id,
      maxOutputBytes: limits.maxOutputBytes,
      turnTimeoutSeconds: started.task.timeoutSeconds ?? limits.turnTimeoutSeconds,
    });
    // If the process died in between, its exit (queued behind us) settles the run.
    supervisor.sendTurn(agentId, started.prompt, started.run.id);
  }

  /**
   * The claim (claimNextTaskFor: one statement): the idle agent's next task becomes RUNNING with
   * a new run and its instruction recorded, and the agent BUSY; then all of it is published.
   * Undefined when there was nothing to take.
   */
  async claimNext(agent: AgentRow): Promise<ClaimedTask | undefined> {
    const { supervisor, config, db } = this.deps;
    const ids = { runId: newId(), statusEventId: newId(), agentEventId: newId(), communicationId: newId() };
    const claimed = await claimNextTaskFor(db, {
      ...ids,
      agentId: agent.id,
      agentName: agent.name,
      nodeId: config.nodeId,
      pid: supervisor.pidOf(agent.id) ?? null,
    });
    if (!claimed) return undefined;
    const { statusSeq, statusReason, claimedAt, agentSeq, prompt: plainPrompt, retryNote, ...task } = claimed;
    this.lifecycle.transitionWritten(
      { id: ids.agentEventId, agentId: agent.id, seq: agentSeq, fromStatus: 'IDLE', toStatus: 'BUSY', reason: `running task ${JSON.stringify(task.title.slice(0, 80))}`, createdAt: claimedAt },
      { ...agent, status: 'BUSY', lastEventSeq: agentSeq, updatedAt: claimedAt },
    );
    this.events.statusWritten(
      { id: ids.statusEventId, taskId: task.id, runId: ids.runId, seq: statusSeq, kind: 'STATUS', payload: { from: 'QUEUED', to: 'RUNNING', reason: statusReason }, createdAt: claimedAt },
      task,
    );
    let prompt = plainPrompt;
    if (prompt === null) {
      try {
        prompt = await this.recordWorkflowInstruction(task, agent, retryNote);
      } catch (error) {
        // Claimed but not started: the run ends at once (and is retried), the agent is free again.
        this.deps.log.error({ err: error, taskId: task.id }, 'could not prepare the instruction');
        await inTransaction(db, async (trx, afterCommit) => {
          const run = await findRunningRunForAgent(trx, agent.id);
          if (run) await this.runs.interruptRun(trx, afterCommit, run, { errorType: 'INTERRUPTED', reason: `the instruction could not be prepared: ${(error as Error).message}` });
          await this.lifecycle.transition(trx, afterCommit, agent.id, 'IDLE', 'the claimed task could not start');
        });
        return undefined;
      }
    } else {
      this.communications.recordedElsewhere({
        id: ids.communicationId, sessionId: task.sessionId, fromAgentId: null, toAgentId: agent.id, taskId: task.id,
        messageType: 'TASK_ASSIGNMENT', content: prompt, createdAt: claimedAt,
      });
    }
    return { task, run: { id: ids.runId, attempt: task.attempts }, prompt };
  }

  /** A workflow's root or subtask: the workflow words the instruction, and names who gives it. */
  private recordWorkflowInstruction(task: TaskRow, agent: AgentRow, retryNote: string): Promise<string> {
    return inTransaction(this.deps.db, async (trx, afterCommit) => {
      // Another manager may have taken a root whose first manager is gone.
      if (task.requiredRole === 'MANAGER') await setWorkflowManager(trx, task.id, agent.id);
      const instruction = await instructionFor(trx, task, retryNote);
      await this.communications.record(trx, afterCommit, {
        sessionId: task.sessionId,
        fromAgentId: instruction.fromAgentId,
        toAgentId: agent.id,
        taskId: task.id,
        messageType: 'TASK_ASSIGNMENT',
        content: instruction.prompt,
      });
      return instruction.prompt;
    });
  }

  /** Checks, under lock, that an agent exists in the session, is alive and fits the role. */
  private async lockAssignableAgent(
    trx: Executor,
    agentId: string,
    sessionId: string,
    requiredRole: string | undefined,
  ): Promise<AgentRow> {
    const agent = await findAgentForUpdate(trx, agentId);
    if (!agent) throw new NotFoundError('Agent', 'agentId', agentId);
    if (agent.sessionId !== sessionId) throw new InvalidInputError('agentId', 'the agent belongs to another session');
    if (!['STARTING', 'IDLE', 'BUSY'].includes(agent.status)) {
      throw new ConflictError('agentId', `Agent ${agent.name} is ${agent.status} and cannot take tasks.`);
    }
    if (requiredRole && agent.role !== requiredRole) {
      throw new InvalidInputError('agentId', `the task requires a ${requiredRole} agent; this one is a ${agent.role}`);
    }
    return agent;
  }
}
