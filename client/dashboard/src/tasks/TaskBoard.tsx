import type { FragmentType } from '../../../gql';
import { formatEnum } from '../ui/format';
import { TaskRow, type TaskRowFragment } from './TaskRow';

export const TASK_STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;

interface BoardTask {
  id: string;
  status: string;
  row: FragmentType<typeof TaskRowFragment>;
}

/** The tasks in one column per status, in the order work flows through them. */
export function TaskBoard({ tasks }: { tasks: readonly BoardTask[] }) {
  return (
    <div className="board">
      {TASK_STATUSES.map((status) => {
        const column = tasks.filter((task) => task.status === status);
        return (
          <section key={status} className="board__column" aria-labelledby={`board-${status}`}>
            <h2 className="board__title" id={`board-${status}`}>
              {formatEnum(status)} <span className="count">{column.length}</span>
            </h2>
            {column.length === 0 ? (
              <p className="board__empty">None</p>
            ) : (
              <ul className="board__list">
                {column.map((task) => (
                  <li key={task.id}>
                    <TaskRow task={task.row} compact />
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
