import type { Executor } from '../db/repositories/executor.js';
import { findChildren, findDependencies } from '../db/repositories/task.repository.js';
import { findWorkflowOfSubtask, findWorkflowsByIds } from '../db/repositories/workflow.repository.js';
import type { TaskRow } from '../db/types.js';
import { correctionPrompt, planningPrompt, subtaskPrompt, synthesisPrompt } from './workflow-prompts.js';

/** What an agent is told when it takes a task, and who is telling it (null: a person or the system). */
export interface Instruction {
  prompt: string;
  fromAgentId: string | null;
}

/**
 * The instruction of a workflow's task: its root asks the manager for a plan (or a corrected
 * one), then for the final answer; a subtask comes from the manager with the results of the
 * subtasks it waited for. Plain tasks are worded by the claim itself (claim.repository.ts),
 * which also gives the retry note.
 */
export async function instructionFor(trx: Executor, task: TaskRow, retryNote: string): Promise<Instruction> {
  const [workflow] = await findWorkflowsByIds(trx, [task.id]);
  if (workflow) {
    if (workflow.phase === 'SYNTHESIZING') {
      return { prompt: synthesisPrompt(task.title, await findChildren(trx, task.id)), fromAgentId: null };
    }
    const errors = workflow.planErrors ? workflow.planErrors.split('\n') : [];
    return {
      prompt: errors.length > 0 ? correctionPrompt(errors) : planningPrompt(workflow.description, workflow.maxWorkers),
      fromAgentId: null,
    };
  }
  const parentWorkflow = await findWorkflowOfSubtask(trx, task);
  if (!parentWorkflow) throw new Error(`task ${task.id} is not part of a workflow`);
  return { prompt: retryNote + subtaskPrompt(task, await findDependencies(trx, task.id)), fromAgentId: parentWorkflow.managerAgentId };
}
