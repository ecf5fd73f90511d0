import { z } from 'zod';
import { findAgentsByIds, findAgentsBySessionIds } from '../db/repositories/agent.repository.js';
import type { Executor } from '../db/repositories/executor.js';
import { findChildren, findTaskForUpdate, findTasksByIds, updateTask } from '../db/repositories/task.repository.js';
import {
  findWorkflowForUpdate,
  findRunningWorkflowsOnNode,
  findWorkflowsByIds,
  findWorkflowsWithoutManager,
  insertWorkflow,
  updateWorkflow,
} from '../db/repositories/workflow.repository.js';
import { TERMINAL_TASK_STATUSES, type AgentRow, type TaskRow, type TaskStatus, type WorkflowRow } from '../db/types.js';
import { CapacityReachedError, InvalidInputError } from '../errors.js';
import type { AgentService } from './agent.service.js';
import type { CommunicationService } from './communication.service.js';
import type { ServiceDeps } from './deps.js';
import type { SessionService } from './session.service.js';
import type { TaskEventService } from './task-event.service.js';
import type { TaskService } from './task.service.js';
import { inTransaction, type AfterCommit } from './transaction.js';
import { modelName, parseInput } from './validation.js';
import { inDependencyOrder, parsePlan, type Plan } from './workflow-plan.js';

const startWorkflowInput = z.object({
  sessionId: z.string(),
  description: z.string().trim().min(1, 'must not be empty').max(100_000, 'must be at most 100000 characters'),
  title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
  managerAgentId: z.string().optional(),
  maxWorkers: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').optional(),
  workerModel: modelName.optional(),
  subtaskMaxAttempts: z.number().int().min(1, 'must be at least 1').max(10, 'must be at most 10').default(3),
  maxBudgetUsd: z.number().positive('must be positive').max(10_000, 'must be at most 10000').optional(),
  priority: z.number().int().min(-1000).max(1000).default(0),
});
export type StartWorkflowInput = z.input<typeof startWorkflowInput>;

/** Attempts each manager turn (plan, correction, final answer) may take when it fails retryably. */
const ATTEMPTS_PER_MANAGER_TURN = 3;

/**
 * The manager-worker workflow: the manager plans (one correction allowed), the plan's subtasks
 * run on workers (created on demand), and the manager turns their results into the root task's
 * result. Every step is a committed state change, so a restart resumes where it stopped.
 */
export class WorkflowService {
  /** One worker top-up at a time per workflow, so two subtasks queued together do not both create. */
  private readonly staffing = new Map<string, Promise<void>>();
  private tick: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly sessions: SessionService,
    private readonly agents: AgentService,
    private readonly tasks: TaskService,
    private readonly events: TaskEventService,
    private readonly communications: CommunicationService,
  ) {}

  /** Creates the root task for a manager (an idle one of the session, else a new one) and starts planning. */
  async startWorkflow(input: StartWorkflowInput): Promise<TaskRow> {
    const parsed = parseInput(startWorkflowInput, input);
    const session = await this.sessions.getSession(parsed.sessionId, 'sessionId');
    const manager = parsed.managerAgentId
      ? await this.agents.getAgent(parsed.managerAgentId, 'managerAgentId')
      : await this.findOrCreateManager(session.id, parsed.workerModel);
    if (manager.sessionId !== session.id) throw new InvalidInputError('managerAgentId', 'the agent belongs to another session');
    if (manager.role !== 'MANAGER') throw new InvalidInputError('managerAgentId', `agent ${manager.name} is a ${manager.role}, not a manager`);
    const title = parsed.title ?? firstLine(parsed.description);
    const root = await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const task = await this.tasks.insertTaskIn(
        trx,
        afterCommit,
        {
          sessionId: session.id,
          title,
          description: parsed.description,
          priority: parsed.priority,
          agentId: manager.id,
          requiredRole: 'MANAGER',
          maxAttempts: ATTEMPTS_PER_MANAGER_TURN,
          maxBudgetUsd: parsed.maxBudgetUsd,
          dependsOn: [],
        },
        `workflow started; manager ${manager.name} plans it`,
      );
      await insertWorkflow(trx, {
        id: task.id,
        sessionId: session.id,
        managerAgentId: manager.id,
        phase: 'PLANNING',
        description: parsed.description,
        maxWorkers: parsed.maxWorkers ?? this.deps.config.tasks.workflowMaxWorkers,
        workerModel: parsed.workerModel ?? null,
        subtaskMaxAttempts: parsed.subtaskMaxAttempts,
      });
      return task;
    });
    await this.tasks.dispatch(manager.id);
    return this.tasks.getTask(root.id);
  }

  /**
   * A manager turn of a workflow's root succeeded. Planning: a valid plan creates the subtasks
   * and the root waits for them (PENDING); an invalid one is sent back once, then fails the
   * workflow. Synthesis: the answer is the root's result (returns false: the usual ending).
   */
  async managerTurnEnded(trx: Executor, afterCommit: AfterCommit, root: TaskRow, answer: string): Promise<boolean> {
    const workflow = await findWorkflowForUpdate(trx, root.id);
    if (!workflow) return false;
    if (workflow.phase === 'SYNTHESIZING') {
      await updateWorkflow(trx, workflow.id, { phase: 'DONE' });
      return false;
    }
    if (workflow.phase !== 'PLANNING') return false;
    await this.communications.record(trx, afterCommit, {
      sessionId: root.sessionId,
      fromAgentId: workflow.managerAgentId,
      toAgentId: null,
      taskId: root.id,
      messageType: 'PLAN',
      content: answer,
    });
    const parsed = parsePlan(answer);
    if (parsed.ok) {
      await this.createSubtasks(trx, afterCommit, workflow, root, parsed.plan);
      return true;
    }
    const errors = parsed.errors.join('\n');
    if (workflow.rejectedPlans >= 1) {
      const message = `the manager's plan was invalid twice: ${parsed.errors.join('; ')}`.slice(0, 2000);
      await updateWorkflow(trx, workflow.id, { rejectedPlans: workflow.rejectedPlans + 1, planErrors: errors, phase: 'DONE' });
      await updateTask(trx, root.id, { status: 'FAILED', errorType: 'INVALID_PLAN', errorMessage: message, finishedAt: new Date() });
      await this.events.appendStatus(trx, afterCommit, root.id, null, { from: root.status, to: 'FAILED', reason: `INVALID_PLAN: ${message}` });
      return true;
    }
    await updateWorkflow(trx, workflow.id, { rejectedPlans: workflow.rejectedPlans + 1, planErrors: errors });
    await updateTask(trx, root.id, { status: 'QUEUED', maxAttempts: root.attempts + ATTEMPTS_PER_MANAGER_TURN, retryAt: null });
    await this.events.appendStatus(trx, afterCommit, root.id, null, {
      from: root.status,
      to: 'QUEUED',
      reason: `the plan was invalid; the manager is asked to correct it: ${parsed.errors.join('; ')}`.slice(0, 2000),
    });
    return true;
  }

  private async createSubtasks(trx: Executor, afterCommit: AfterCommit, workflow: WorkflowRow, root: TaskRow, plan: Plan): Promise<void> {
    const idsByKey = new Map<string, string>();
    for (const step of inDependencyOrder(plan.subtasks)) {
      const subtask = await this.tasks.insertTaskIn(
        trx,
        afterCommit,
        {
          sessionId: root.sessionId,
          parentTaskId: root.id,
          title: step.title,
          description: step.instructions,
          priority: root.priority,
          requiredRole: 'WORKER',
          maxAttempts: workflow.subtaskMaxAttempts,
          dependsOn: step.dependsOn.map((key) => idsByKey.get(key)!),
        },
        `planned by the manager as step "${step.key}"`,
      );
      idsByKey.set(step.key, subtask.id);
    }
    await updateWorkflow(trx, workflow.id, { plan: JSON.stringify(plan), planErrors: null, phase: 'RUNNING' });
    await updateTask(trx, root.id, { status: 'PENDING', progress: 0 });
    await this.events.appendStatus(trx, afterCommit, root.id, null, {
      from: root.status,
      to: 'PENDING',
      reason: `the manager planned ${plan.subtasks.length} subtask(s); waiting for them`,
    });
  }

  /**
   * Reacts to a committed status change: a queued subtask may need a worker; an ended one moves
   * the root's progress, and the last one hands the results to the manager; an ended root closes
   * its workflow.
   */
  async statusChanged(taskId: string, to: TaskStatus): Promise<void> {
    if (to !== 'QUEUED' && !TERMINAL_TASK_STATUSES.includes(to)) return;
    const [task] = await findTasksByIds(this.deps.db, [taskId]);
    if (!task) return;
    // The task's own workflow (it is a root) and its parent's (it is a subtask), in one read.
    const workflows = await findWorkflowsByIds(this.deps.db, task.parentTaskId ? [task.id, task.parentTaskId] : [task.id]);
    const own = workflows.find((w) => w.id === task.id);
    const parent = workflows.find((w) => w.id === task.parentTaskId);
    if (TERMINAL_TASK_STATUSES.includes(to) && own && own.phase !== 'DONE') await updateWorkflow(this.deps.db, own.id, { phase: 'DONE' });
    if (!parent) return;
    if (to === 'QUEUED') await this.ensureWorkers(parent.id);
    else await this.subtaskEnded(parent.id);
  }

  private async subtaskEnded(workflowId: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      // The workflow row serialises subtasks ending together: one of them hands over.
      const workflow = await findWorkflowForUpdate(trx, workflowId);
      const root = await findTaskForUpdate(trx, workflowId);
      if (!workflow || !root || TERMINAL_TASK_STATUSES.includes(root.status)) return;
      const subtasks = await findChildren(trx, workflowId);
      const ended = subtasks.filter((t) => TERMINAL_TASK_STATUSES.includes(t.status));
      // The final answer is the last step, so progress reaches 1 only with it.
      await updateTask(trx, root.id, { progress: ended.length / (subtasks.length + 1) });
      await this.events.taskChanged(trx, afterCommit, root.id);
      if (ended.length < subtasks.length || workflow.phase !== 'RUNNING' || root.status !== 'PENDING') return;
      const succeeded = ended.filter((t) => t.status === 'SUCCEEDED').length;
      await updateWorkflow(trx, workflow.id, { phase: 'SYNTHESIZING' });
      await updateTask(trx, root.id, { status: 'QUEUED', maxAttempts: root.attempts + ATTEMPTS_PER_MANAGER_TURN, retryAt: null });
      await this.events.appendStatus(trx, afterCommit, root.id, null, {
        from: 'PENDING',
        to: 'QUEUED',
        reason: `all ${subtasks.length} subtask(s) have ended (${succeeded} succeeded); the manager writes the final answer`,
      });
    });
  }

  /**
   * Staffs every running workflow of this node, at start and then every scheduler interval:
   * workers are created after the plan's commit (a server that died in between left subtasks
   * with nobody to run them), and a node at CLAUDE_MAX_AGENTS creates them once a slot frees up.
   */
  async start(): Promise<void> {
    await this.staffRunningWorkflows();
    this.tick ??= setInterval(() => void this.staffRunningWorkflows(), this.deps.config.tasks.schedulerIntervalMs);
    this.tick.unref();
  }

  stop(): void {
    clearInterval(this.tick);
    this.tick = undefined;
  }

  private async staffRunningWorkflows(): Promise<void> {
    try {
      for (const workflow of await findRunningWorkflowsOnNode(this.deps.db, this.deps.config.nodeId)) {
        await this.ensureWorkers(workflow.id);
      }
      // A root whose manager is gone waits in the session's queue for managers: make sure one exists.
      for (const workflow of await findWorkflowsWithoutManager(this.deps.db, this.deps.config.nodeId)) {
        await this.findOrCreateManager(workflow.sessionId, workflow.workerModel ?? undefined).catch((error: unknown) => {
          if (!(error instanceof CapacityReachedError)) throw error;
        });
      }
    } catch (error) {
      this.deps.log.warn({ err: error }, 'staffing workflows failed');
    }
  }

  /** Creates workers while subtasks wait and no worker is free, up to the workflow's maximum. */
  ensureWorkers(workflowId: string): Promise<void> {
    const previous = this.staffing.get(workflowId) ?? Promise.resolve();
    const next = previous
      .then(() => this.topUpWorkers(workflowId))
      .catch((error: unknown) => this.deps.log.error({ err: error, workflowId }, 'could not create workers'))
      .finally(() => {
        if (this.staffing.get(workflowId) === next) this.staffing.delete(workflowId);
      });
    this.staffing.set(workflowId, next);
    return next;
  }

  private async topUpWorkers(workflowId: string): Promise<void> {
    const [workflow] = await findWorkflowsByIds(this.deps.db, [workflowId]);
    if (!workflow || workflow.phase !== 'RUNNING') return;
    // Only the manager's node staffs a workflow, so two nodes never both create its workers.
    const [manager] = workflow.managerAgentId ? await findAgentsByIds(this.deps.db, [workflow.managerAgentId]) : [];
    if (manager && manager.nodeId !== this.deps.config.nodeId) return;
    const waiting = (await findChildren(this.deps.db, workflowId)).filter((t) => t.status === 'QUEUED' && !t.agentId).length;
    const workers = (await findAgentsBySessionIds(this.deps.db, [workflow.sessionId])).filter(
      (a) => a.role === 'WORKER' && !['TERMINATING', 'TERMINATED', 'FAILED'].includes(a.status),
    );
    const free = workers.filter((a) => a.status === 'IDLE' || a.status === 'STARTING' || a.status === 'RESTARTING').length;
    const wanted = Math.min(waiting - free, workflow.maxWorkers - workers.length);
    for (let i = 0; i < wanted; i++) {
      try {
        await this.agents.createAgent({
          sessionId: workflow.sessionId,
          name: nextWorkerName(workers, i),
          role: 'WORKER',
          model: workflow.workerModel ?? undefined,
        });
      } catch (error) {
        // The node is full: the subtasks wait for a worker to come free.
        if (error instanceof CapacityReachedError) return;
        throw error;
      }
    }
  }

  loadWorkflows(ids: readonly string[]): Promise<WorkflowRow[]> {
    return findWorkflowsByIds(this.deps.db, ids);
  }

  private async findOrCreateManager(sessionId: string, model: string | undefined): Promise<AgentRow> {
    const managers = (await findAgentsBySessionIds(this.deps.db, [sessionId])).filter(
      (a) => a.role === 'MANAGER' && ['IDLE', 'STARTING', 'BUSY'].includes(a.status),
    );
    const idle = managers.find((a) => a.status === 'IDLE') ?? managers[0];
    if (idle) return idle;
    const all = await findAgentsBySessionIds(this.deps.db, [sessionId]);
    return this.agents.createAgent({ sessionId, name: uniqueName(all, 'manager'), role: 'MANAGER', model });
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.trim().slice(0, 120);
}

function nextWorkerName(workers: readonly AgentRow[], offset: number): string {
  const numbers = workers.map((a) => /^worker-(\d+)$/.exec(a.name)?.[1]).filter(Boolean).map(Number);
  return `worker-${Math.max(0, ...numbers) + 1 + offset}`;
}

function uniqueName(agents: readonly AgentRow[], base: string): string {
  const names = new Set(agents.map((a) => a.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}-${i}`)) return `${base}-${i}`;
}
