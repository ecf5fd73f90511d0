import type { Executor } from '../db/repositories/executor.js';
import { findDependencyEdges, findTasksByIds, listTasks } from '../db/repositories/task.repository.js';
import { findWorkflowOfSubtask, findWorkflowsByIds } from '../db/repositories/workflow.repository.js';
import type { TaskRow } from '../db/types.js';
import { correctionPrompt, planningPrompt, subtaskPrompt, synthesisPrompt } from './workflow-prompts.js';

/** What an agent is told when it takes a task, and who is telling it (null: a person or the system). */
export interface Instruction {
  prompt: string;
  fromAgentId: string | null;
}

/**
 * The prompt of a task's next run. A workflow's root asks its manager for a plan (or a corrected
 * one), then for the final answer; a workflow's subtask comes from the manager with the results
 * of the subtasks it waited for; any other task is its title and description.
 */
export async function instructionFor(trx: Executor, task: TaskRow, attempt: number): Promise<Instruction> {
  const [workflow] = await findWorkflowsByIds(trx, [task.id]);
  if (workflow) {
    if (workflow.phase === 'SYNTHESIZING') {
      const subtasks = await listTasks(trx, { parentTaskId: task.id }, { limit: 1000, inverted: false });
      return { prompt: synthesisPrompt(task.title, subtasks), fromAgentId: null };
    }
    const errors = workflow.planErrors ? workflow.planErrors.split('\n') : [];
    return {
      prompt: errors.length > 0 ? correctionPrompt(errors) : planningPrompt(workflow.description, workflow.maxWorkers),
      fromAgentId: null,
    };
  }
  const parentWorkflow = await findWorkflowOfSubtask(trx, task);
  if (parentWorkflow) {
    const edges = await findDependencyEdges(trx, [task.id]);
    const dependencies = await findTasksByIds(trx, edges.map((e) => e.dependsOnTaskId));
    return { prompt: retryNote(task, attempt) + subtaskPrompt(task, dependencies), fromAgentId: parentWorkflow.managerAgentId };
  }
  const body = task.description ? `${task.title}\n\n${task.description}` : task.title;
  return { prompt: retryNote(task, attempt) + body, fromAgentId: null };
}

/** A retry says why the previous attempt ended, since the agent's resumed session has seen it. */
function retryNote(task: Pick<TaskRow, 'errorMessage'>, attempt: number): string {
  if (attempt <= 1) return '';
  return `(Attempt ${attempt}: the previous attempt was cut short${task.errorMessage ? ` (${task.errorMessage})` : ''}. Continue the task.)\n\n`;
}
