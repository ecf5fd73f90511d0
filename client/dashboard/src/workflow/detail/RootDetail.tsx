import { StatusBadge } from '../../ui/StatusBadge';
import { PhaseBadge } from '../PhaseBadge';
import { displayedPhase, planSummary, progressPercent } from '../workflow-graph';
import type { WorkflowTreeView } from '../workflow-tree-view';
import { Stat } from '../../ui/Stat';
import { TaskFacts } from './TaskFacts';
import { TaskOutcome } from './TaskOutcome';

/** The root task with its manager, its phase and why a plan was rejected. */
export function RootDetail({ tree }: { tree: WorkflowTreeView }) {
  const { root, workflow } = tree;
  const manager = workflow?.manager;
  const summary = planSummary(workflow?.plan);
  return (
    <>
      <TaskFacts task={root}>
        {workflow ? (
          <Stat label="Phase">
            <PhaseBadge phase={displayedPhase(workflow.phase, root.status)} />
          </Stat>
        ) : null}
        <Stat label="Progress">{progressPercent(root.progress)}%</Stat>
        {manager ? (
          <Stat label="Manager">
            <a href={`#/agents/${encodeURIComponent(manager.id)}`}>{manager.name}</a> <StatusBadge status={manager.status} />
          </Stat>
        ) : null}
        {workflow ? <Stat label="Max workers">{workflow.maxWorkers}</Stat> : null}
        {workflow?.workerModel ? <Stat label="Worker model">{workflow.workerModel}</Stat> : null}
        {workflow && workflow.rejectedPlans > 0 ? <Stat label="Rejected plans">{workflow.rejectedPlans}</Stat> : null}
      </TaskFacts>
      {summary ? (
        <section>
          <h3>Plan</h3>
          <p>{summary}</p>
        </section>
      ) : null}
      {workflow && workflow.planErrors.length > 0 ? (
        <section>
          <h3>Why the last plan was rejected</h3>
          <ul className="wf-detail__list">
            {workflow.planErrors.map((planError) => (
              <li key={planError}>{planError}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <TaskOutcome task={root} />
      <p className="wf-detail__links">
        <a href={`#/tasks/${encodeURIComponent(root.id)}`}>Open the task page</a>
        {manager ? <a href={`#/agents/${encodeURIComponent(manager.id)}`}>Open the manager</a> : null}
      </p>
    </>
  );
}
