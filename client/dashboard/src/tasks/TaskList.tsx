import type { FragmentType } from '../../../gql';
import { TaskRow, type TaskRowFragment } from './TaskRow';

/** Tasks one under another, newest first. */
export function TaskList({ tasks, label = 'Tasks' }: { tasks: readonly { id: string; row: FragmentType<typeof TaskRowFragment> }[]; label?: string }) {
  return (
    <ul className="task-list" aria-label={label}>
      {tasks.map((task) => (
        <li key={task.id}>
          <TaskRow task={task.row} />
        </li>
      ))}
    </ul>
  );
}
