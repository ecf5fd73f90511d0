import type { Executor } from '../db/repositories/executor.js';
import { findBudgetedAncestors, sumSubtreeCost } from '../db/repositories/task.repository.js';
import { ConflictError } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import type { TaskStop } from './task.service.js';

/**
 * `maxBudgetUsd` on a task covers its whole subtree: once the subtree's summed cost reaches it,
 * the running runs under it are stopped with BUDGET_EXCEEDED and nothing new starts there.
 */
export class BudgetService {
  /** Ends a task (if it has not ended) and its unfinished subtree: TaskService.stopTree. */
  stopTree: (taskId: string, stop: TaskStop) => Promise<void> = async () => {};

  constructor(private readonly deps: ServiceDeps) {}

  /** Called once a run's cost is committed: enforces every budget above the task. */
  async costAdded(taskId: string): Promise<void> {
    for (const budgeted of await findBudgetedAncestors(this.deps.db, taskId)) {
      const spent = await sumSubtreeCost(this.deps.db, budgeted.id);
      if (spent < budgeted.maxBudgetUsd) continue;
      const reason = spentReason(budgeted, spent);
      this.deps.log.info({ taskId: budgeted.id, spent, budget: budgeted.maxBudgetUsd }, 'budget spent; stopping the subtree');
      await this.stopTree(budgeted.id, { status: 'FAILED', errorType: 'BUDGET_EXCEEDED', reason });
    }
  }

  /** Why nothing may start under this task: its budget, or an ancestor's, is spent. */
  async spentAbove(trx: Executor, taskId: string): Promise<string | undefined> {
    for (const budgeted of await findBudgetedAncestors(trx, taskId)) {
      const spent = await sumSubtreeCost(trx, budgeted.id);
      if (spent >= budgeted.maxBudgetUsd) return spentReason(budgeted, spent);
    }
    return undefined;
  }

  /** Refuses new work under a task whose budget (or an ancestor's) is spent. */
  async refuseIfSpent(trx: Executor, parentTaskId: string, field: string): Promise<void> {
    const reason = await this.spentAbove(trx, parentTaskId);
    if (reason) throw new ConflictError(field, reason);
  }
}

function spentReason(task: { title: string; maxBudgetUsd: number }, spent: number): string {
  return `the budget of task ${JSON.stringify(task.title)} is spent: $${spent.toFixed(4)} of $${task.maxBudgetUsd.toFixed(4)}`;
}
