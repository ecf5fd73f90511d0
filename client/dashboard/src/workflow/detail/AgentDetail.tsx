import { StatusBadge } from '../../ui/StatusBadge';
import type { AgentView, WorkflowTreeView } from '../workflow-tree-view';
import { Stat } from '../../ui/Stat';
import { formatCost } from '../../ui/format';

/** A worker: its state, its spend, and the subtasks of this workflow it has run. */
export function AgentDetail({ agent, tree }: { agent: AgentView; tree: WorkflowTreeView }) {
  const ran = tree.subtasks.filter((subtask) => subtask.agent?.id === agent.id);
  return (
    <>
      <dl className="stats stats--wide">
        <Stat label="Status">
          <StatusBadge status={agent.status} />
        </Stat>
        <Stat label="Role">{agent.role.toLowerCase()}</Stat>
        <Stat label="Model">{agent.model ?? 'CLI default'}</Stat>
        <Stat label="Cost">{formatCost(agent.totalCostUsd)}</Stat>
        {agent.lastError ? <Stat label="Last error">{agent.lastError}</Stat> : null}
      </dl>
      <section>
        <h3>Subtasks of this workflow</h3>
        <ul className="wf-detail__list">
          {ran.map((subtask) => (
            <li key={subtask.id}>
              <a href={`#/tasks/${encodeURIComponent(subtask.id)}`}>{subtask.title}</a> <StatusBadge status={subtask.status} />
            </li>
          ))}
        </ul>
      </section>
      <p className="wf-detail__links">
        <a href={`#/agents/${encodeURIComponent(agent.id)}`}>Open the agent page</a>
      </p>
    </>
  );
}
