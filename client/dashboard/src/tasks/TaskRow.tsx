import { Link } from 'wouter';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { formatCost, formatElapsed, formatEnum, formatRelative } from '../ui/format';
import { ProgressBar } from '../ui/ProgressBar';
import { StatusBadge } from '../ui/StatusBadge';
import { useNow } from '../ui/useNow';
import { TaskActions } from './TaskActions';

export const TaskRowFragment = graphql(`
  fragment TaskRow_Task on Task {
    id
    title
    description
    status
    priority
    progress
    attempts
    maxAttempts
    costUsd
    requiredRole
    createdAt
    updatedAt
    startedAt
    finishedAt
    retryAt
    agent {
      id
      name
    }
    session {
      id
      name
    }
    parentTask {
      id
    }
    error {
      type
      message
    }
    workflow {
      phase
    }
  }
`);

/** One task in a list or on the board: status, who runs it, cost, time, and its actions. */
export function TaskRow(props: { task: FragmentType<typeof TaskRowFragment>; compact?: boolean }) {
  const task = readFragment(TaskRowFragment, props.task);
  const now = useNow();
  const ran = task.startedAt ? formatElapsed(task.startedAt, task.finishedAt, now) : null;
  return (
    <article className={`task-row${props.compact ? ' task-row--compact' : ''}`} data-testid="task-row" data-task-id={task.id} data-status={task.status}>
      <div className="task-row__main">
        <div className="task-row__title-line">
          <StatusBadge status={task.status} />
          <Link href={`/tasks/${encodeURIComponent(task.id)}`} className="task-row__title">
            {task.title}
          </Link>
          {task.workflow && (
            <Link href={`/workflows/${encodeURIComponent(task.id)}`} className="tag">
              Workflow · {formatEnum(task.workflow.phase)}
            </Link>
          )}
        </div>
        <p className="task-row__meta">
          <span>{task.agent ? task.agent.name : task.requiredRole ? `any ${task.requiredRole.toLowerCase()}` : 'any agent'}</span>
          {!props.compact && <span>{task.session.name}</span>}
          <span>priority {task.priority}</span>
          <span>
            attempt {task.attempts}/{task.maxAttempts}
          </span>
          <span>{formatCost(task.costUsd)}</span>
          {ran && <span>ran {ran}</span>}
          <span title={task.createdAt}>created {formatRelative(task.createdAt, now)}</span>
        </p>
        {task.error && (
          <p className="task-row__error">
            {formatEnum(task.error.type)}: {task.error.message}
          </p>
        )}
        {task.status === 'RUNNING' && task.progress > 0 && <ProgressBar value={task.progress} label={`Progress of ${task.title}`} />}
      </div>
      <TaskActions taskId={task.id} status={task.status} />
    </article>
  );
}
