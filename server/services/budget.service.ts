import type { Executor } from '../db/repositories/executor.js';
import { findBudgetedAncestors, findWaitingInSubtreeForUpdate, sumSubtreeCost, updateTask } from '../db/repositories/task.repository.js';
import { ConflictError } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import type { TaskEventService } from './task-event.service.js';
import type { TaskStop } from './task.service.js';
import type { AfterCommit } from './transaction.js';

/**
 * `maxBudgetUsd` on a task covers its whole subtree: once the subtree's summed cost reaches it,
 * the running runs under it are stopped with BUDGET_EXCEEDED and nothing new starts there.
 */
export class BudgetService {
  /** Ends a task (if it has not ended) and its unfinished subtree: TaskService.stopTree. */
  stopTree: (taskId: string, stop: TaskStop) => Promise<void> = async () => {};

  constructor(
    private readonly deps: ServiceDeps,
    private readonly events: TaskEventService,
  ) {}

  /** Called once a run's cost is committed: enforces every budget above the task. */
  async costAdded(taskId: string): Promise<void> {
    for await (const { budgeted, spent, reason } of spentBudgets(this.deps.db, taskId)) {
      this.deps.log.info({ taskId: budgeted.id, spent, budget: budgeted.maxBudgetUsd }, 'budget spent; stopping the subtree');
      await this.stopTree(budgeted.id, { status: 'FAILED', errorType: 'BUDGET_EXCEEDED', reason });
    }
  }

  /**
   * In the transaction that adds a run's cost: when that spends a budget above the task, the
   * waiting tasks under it fail at once, so no agent can claim one after this commit. Running
   * ones are stopped after it (costAdded).
   */
  async failWaitingIfSpent(trx: Executor, afterCommit: AfterCommit, taskId: string): Promise<void> {
    for await (const { budgeted, reason } of spentBudgets(trx, taskId)) {
      for (const task of await findWaitingInSubtreeForUpdate(trx, budgeted.id)) {
        await updateTask(trx, task.id, { status: 'FAILED', errorType: 'BUDGET_EXCEEDED', errorMessage: reason, finishedAt: new Date(), retryAt: null });
        await this.events.appendStatus(trx, afterCommit, task.id, null, { from: task.status, to: 'FAILED', reason });
      }
    }
  }

  /** Why nothing may start under this task: its budget, or an ancestor's, is spent. */
  async spentAbove(trx: Executor, taskId: string): Promise<string | undefined> {
    for await (const { reason } of spentBudgets(trx, taskId)) return reason;
    return undefined;
  }

  /** Refuses new work under a task whose budget (or an ancestor's) is spent. */
  async refuseIfSpent(trx: Executor, parentTaskId: string, field: string): Promise<void> {
    const reason = await this.spentAbove(trx, parentTaskId);
    if (reason) throw new ConflictError(field, reason);
  }
}

/** The budgets above the task (its own included) that are spent, nearest first, read one at a time. */
async function* spentBudgets(db: Executor, taskId: string) {
  for (const budgeted of await findBudgetedAncestors(db, taskId)) {
    const spent = await sumSubtreeCost(db, budgeted.id);
    if (spent >= budgeted.maxBudgetUsd) yield { budgeted, spent, reason: spentReason(budgeted, spent) };
  }
}

function spentReason(task: { title: string; maxBudgetUsd: number }, spent: number): string {
  return `the budget of task ${JSON.stringify(task.title)} is spent: $${spent.toFixed(4)} of $${task.maxBudgetUsd.toFixed(4)}`;
}
