import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../../gql';
import { useResubscribeOnError } from '../api/useResubscribeOnError';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatCost, formatTime } from '../ui/format';
import { LoadingState } from '../ui/LoadingState';
import { StatusBadge } from '../ui/StatusBadge';
import { PhaseBadge } from './PhaseBadge';
import { useRefetchWhenLive } from './useRefetchWhenLive';
import { useThrottledRefetch } from './useThrottledRefetch';
import { displayedPhase, progressPercent } from './workflow-graph';

// Workflow roots are the session's manager tasks that carry a workflow.
const SessionWorkflows = graphql(`
  query WorkflowList_Workflows($sessionId: ID!) {
    tasks(filter: { sessionId: $sessionId, requiredRole: MANAGER }, last: 100) {
      edges {
        node {
          id
          title
          status
          progress
          costUsd
          createdAt
          subtasks {
            id
          }
          workflow {
            phase
            manager {
              id
              name
            }
          }
        }
      }
    }
  }
`);

// session, requiredRole and createdAt let the cache put a root started elsewhere into the list.
// The phase is not taken from the push (nested objects of a push can be stale, see
// useWorkflowLiveUpdates): a root's change has the list read again instead.
const SessionTaskUpdates = graphql(`
  subscription WorkflowList_Updates($sessionId: ID!) {
    taskUpdated(sessionId: $sessionId) {
      id
      status
      progress
      costUsd
      requiredRole
      createdAt
      session {
        id
      }
      parentTask {
        id
      }
    }
  }
`);

/** The session's workflows, newest first, with status, phase and progress kept live. */
export function WorkflowList({ sessionId }: { sessionId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: SessionWorkflows,
    variables: { sessionId },
    requestPolicy: 'cache-and-network',
  });
  const [{ data: update, error: updateError }, resubscribe] = useSubscription({ query: SessionTaskUpdates, variables: { sessionId } });
  useResubscribeOnError(updateError, resubscribe);
  const requestRefetch = useThrottledRefetch(refetch);
  useRefetchWhenLive(requestRefetch);

  const pushed = update?.taskUpdated;
  const rootChanged = pushed?.requiredRole === 'MANAGER' && !pushed.parentTask;
  useEffect(() => {
    if (rootChanged) requestRefetch();
  }, [pushed, rootChanged, requestRefetch]);

  const workflows = (data?.tasks.edges ?? []).map((edge) => edge.node).filter((task) => task.workflow !== null).reverse();

  if (error && !data) return <ErrorMessage error={error} />;
  if (!data && fetching) return <LoadingState label="Loading workflows…" />;
  if (workflows.length === 0) return <EmptyState title="No workflow in this session yet">Describe the work above and start one.</EmptyState>;
  return (
    <ul className="wf-list" aria-label="Workflows">
      {workflows.map((task) => (
        <li key={task.id} className="card wf-list__item" data-testid="workflow-list-item" data-task-id={task.id}>
          <a className="wf-list__title" href={`#/workflows/${encodeURIComponent(task.id)}`}>
            {task.title}
          </a>
          <div className="wf-list__facts">
            <StatusBadge status={task.status} />
            <PhaseBadge phase={displayedPhase(task.workflow?.phase ?? 'PLANNING', task.status)} />
            <span>{progressPercent(task.progress)}% done</span>
            <span className="wf-muted">
              {task.subtasks.length} subtask{task.subtasks.length === 1 ? '' : 's'}
              {task.workflow?.manager ? ` · ${task.workflow.manager.name}` : ''} · {formatCost(task.costUsd)} · {formatTime(task.createdAt)}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
