import type { ReactNode } from 'react';
import { StatusBadge } from '../../ui/StatusBadge';
import type { TaskNodeView } from '../workflow-tree-view';
import { Stat } from '../../ui/Stat';
import { formatCost, formatTime } from '../../ui/format';

/** What every task node's detail lists, followed by the facts of its kind. */
export function TaskFacts({ task, children }: { task: TaskNodeView; children?: ReactNode }) {
  return (
    <dl className="stats stats--wide">
      <Stat label="Status">
        <StatusBadge status={task.status} />
      </Stat>
      <Stat label="Attempts">
        {task.attempts} of {task.maxAttempts}
      </Stat>
      <Stat label="Cost">{formatCost(task.costUsd)}</Stat>
      {task.startedAt ? <Stat label="Started">{formatTime(task.startedAt)}</Stat> : null}
      {task.finishedAt ? <Stat label="Finished">{formatTime(task.finishedAt)}</Stat> : null}
      {children}
    </dl>
  );
}
