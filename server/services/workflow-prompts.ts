import type { TaskRow } from '../db/types.js';
import { MAX_PLAN_SUBTASKS } from './workflow-plan.js';

/**
 * The delegation protocol, as the manager reads it on its first turn. README.md documents the
 * same format for people.
 */
export function planningPrompt(description: string, maxWorkers: number): string {
  return `You are the manager of a team of worker agents. Plan the work below so that workers can do it; do not do the work yourself.

## The work

${description}

## How to answer

Reply with a short analysis, then exactly one fenced JSON block in this format:

\`\`\`json
{
  "plan": {
    "summary": "one or two sentences on the approach",
    "subtasks": [
      { "key": "research", "title": "Short title", "instructions": "Everything the worker needs to know", "role": "WORKER", "dependsOn": [] },
      { "key": "write", "title": "Short title", "instructions": "...", "role": "WORKER", "dependsOn": ["research"] }
    ]
  }
}
\`\`\`

Rules:
- 1 to ${MAX_PLAN_SUBTASKS} subtasks. Each key is unique (letters, digits, "_" and "-").
- A worker sees only its subtask's instructions and the results of the subtasks it depends on, so make the instructions self-contained.
- dependsOn lists the keys of subtasks that must finish first; there must be no cycle. Subtasks without a dependency between them run in parallel (up to ${maxWorkers} at a time).
- When every subtask has ended you will get their results and write the final answer.`;
}

export function correctionPrompt(errors: readonly string[]): string {
  return `Your plan could not be used:

${errors.map((error) => `- ${error}`).join('\n')}

Reply again with the whole corrected plan as one fenced JSON block, in the format described before. This is the last chance: another invalid plan fails the work.`;
}

/** The manager's last turn: what each subtask returned, and the request for the final answer. */
export function synthesisPrompt(title: string, subtasks: readonly TaskRow[]): string {
  const sections = subtasks.map((task, index) => {
    const outcome = task.status === 'SUCCEEDED' ? task.result ?? '' : `(${task.status}: ${task.errorMessage ?? 'no reason given'})`;
    return `### ${index + 1}. ${task.title} — ${task.status}\n\n${outcome}`;
  });
  return `Every subtask of "${title}" has ended. Their results:

${sections.join('\n\n')}

Now write the final answer to the original request, using these results. If a subtask failed, say what is missing. Answer with the final result only; do not plan again.`;
}

/** A worker's instructions, with the results of the subtasks it waited for. */
export function subtaskPrompt(task: Pick<TaskRow, 'title' | 'description'>, dependencies: readonly TaskRow[]): string {
  const body = `${task.title}\n\n${task.description}`;
  if (dependencies.length === 0) return body;
  const results = dependencies.map((d) => `### ${d.title}\n\n${d.result ?? ''}`).join('\n\n');
  return `${body}\n\n## Results of the subtasks this one depends on\n\n${results}`;
}
