import type { TaskNodeView } from '../workflow-tree-view';

/** A task's error and result, once it has them. */
export function TaskOutcome({ task }: { task: TaskNodeView }) {
  return (
    <>
      {task.error ? (
        <section>
          <h3>Error</h3>
          <p className="wf-error">
            <strong>{task.error.type}</strong>: {task.error.message}
          </p>
        </section>
      ) : null}
      {task.result ? (
        <section>
          <h3>Result</h3>
          <pre className="wf-detail__result">{task.result}</pre>
        </section>
      ) : null}
    </>
  );
}
