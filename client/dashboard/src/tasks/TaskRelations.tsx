import { Link } from 'wouter';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { StatusBadge } from '../ui/StatusBadge';

export const TaskRelationsFragment = graphql(`
  fragment TaskRelations_Task on Task {
    id
    parentTask {
      id
      title
      status
    }
    dependsOn {
      id
      title
      status
    }
    subtasks {
      id
      title
      status
    }
  }
`);

/** The tasks this one hangs together with: its parent, its dependencies and its subtasks. */
export function TaskRelations(props: { task: FragmentType<typeof TaskRelationsFragment> }) {
  const task = readFragment(TaskRelationsFragment, props.task);
  const groups = [
    { title: 'Part of', tasks: task.parentTask ? [task.parentTask] : [] },
    { title: 'Depends on', tasks: task.dependsOn },
    { title: 'Subtasks', tasks: task.subtasks },
  ].filter((group) => group.tasks.length > 0);
  if (groups.length === 0) return null;
  return (
    <section className="panel relations" aria-label="Related tasks">
      {groups.map((group) => (
        <div key={group.title} className="relations__group">
          <h2 className="relations__title">{group.title}</h2>
          <ul className="relations__list">
            {group.tasks.map((related) => (
              <li key={related.id}>
                <StatusBadge status={related.status} /> <Link href={`/tasks/${encodeURIComponent(related.id)}`}>{related.title}</Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
