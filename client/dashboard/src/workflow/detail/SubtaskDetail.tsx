import { StatusBadge } from '../../ui/StatusBadge';
import type { TaskNodeView, WorkflowTreeView } from '../workflow-tree-view';
import { Stat } from '../../ui/Stat';
import { TaskFacts } from './TaskFacts';
import { TaskOutcome } from './TaskOutcome';

/** One subtask: its worker, what it waits for, its outcome. */
export function SubtaskDetail({ task, tree }: { task: TaskNodeView; tree: WorkflowTreeView }) {
  const prerequisites = task.dependsOn.flatMap((dependency) => tree.subtasks.filter((subtask) => subtask.id === dependency.id));
  return (
    <>
      <TaskFacts task={task}>
        <Stat label="Worker">
          {task.agent ? (
            <>
              <a href={`#/agents/${encodeURIComponent(task.agent.id)}`}>{task.agent.name}</a> <StatusBadge status={task.agent.status} />
            </>
          ) : (
            'not assigned yet'
          )}
        </Stat>
        {prerequisites.length > 0 ? (
          <Stat label="Waits for">{prerequisites.map((prerequisite) => prerequisite.title).join(', ')}</Stat>
        ) : null}
      </TaskFacts>
      <TaskOutcome task={task} />
      <p className="wf-detail__links">
        <a href={`#/tasks/${encodeURIComponent(task.id)}`}>Open the task page</a>
      </p>
    </>
  );
}
