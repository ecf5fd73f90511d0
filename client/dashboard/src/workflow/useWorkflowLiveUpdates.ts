import { useEffect, useRef } from 'react';
import { useSubscription } from 'urql';
import { graphql } from '../../../gql';
import { useResubscribeOnError } from '../api/useResubscribeOnError';
import { useRefetchWhenLive } from './useRefetchWhenLive';
import { useThrottledRefetch } from './useThrottledRefetch';

// A pushed task's own fields are current and land in graphcache at once. The objects nested in a
// push (its agent, its workflow) are not trusted: the server resolves them through loaders that
// live as long as the subscription, so they can be stale. Each push therefore also asks for the
// tree to be read again, which brings the agents, the phase and new subtasks.
graphql(`
  fragment WorkflowLiveUpdates_TaskFields on Task {
    id
    status
    progress
    attempts
    maxAttempts
    costUsd
    result
    startedAt
    finishedAt
    error {
      type
      message
    }
  }
`);

const RootUpdates = graphql(`
  subscription WorkflowLiveUpdates_Root($taskId: ID!) {
    taskUpdated(taskId: $taskId) {
      ...WorkflowLiveUpdates_TaskFields
    }
  }
`);

const SubtaskUpdates = graphql(`
  subscription WorkflowLiveUpdates_Subtasks($taskId: ID!) {
    taskUpdated(parentTaskId: $taskId) {
      ...WorkflowLiveUpdates_TaskFields
    }
  }
`);

const AgentUpdates = graphql(`
  subscription WorkflowLiveUpdates_Agents($sessionId: ID!) {
    agentStatusUpdated(sessionId: $sessionId) {
      seq
      to
      agent {
        id
      }
    }
  }
`);

interface LiveUpdateTarget {
  rootTaskId: string;
  sessionId: string | undefined;
  /** The manager and workers on the canvas: other agents of the session change nothing here. */
  agentIds: ReadonlySet<string>;
  refetch: (options: { requestPolicy: 'network-only' }) => void;
}

/** Keeps a workflow's tree live: the root, its subtasks and the agents on the canvas. */
export function useWorkflowLiveUpdates({ rootTaskId, sessionId, agentIds, refetch }: LiveUpdateTarget): void {
  const requestRefetch = useThrottledRefetch(refetch);
  useRefetchWhenLive(requestRefetch);

  const [{ data: rootUpdate, error: rootError }, resubscribeRoot] = useSubscription({ query: RootUpdates, variables: { taskId: rootTaskId } });
  const [{ data: subtaskUpdate, error: subtaskError }, resubscribeSubtasks] = useSubscription({ query: SubtaskUpdates, variables: { taskId: rootTaskId } });
  const [{ data: agentUpdate, error: agentError }, resubscribeAgents] = useSubscription({
    query: AgentUpdates,
    variables: { sessionId: sessionId ?? '' },
    pause: !sessionId,
  });
  useResubscribeOnError(rootError, resubscribeRoot);
  useResubscribeOnError(subtaskError, resubscribeSubtasks);
  useResubscribeOnError(agentError, resubscribeAgents);

  useEffect(() => {
    if (rootUpdate || subtaskUpdate) requestRefetch();
  }, [rootUpdate, subtaskUpdate, requestRefetch]);

  // Read when an agent changes, not a reason to act by itself: each refetch gives a new set.
  const canvasAgents = useRef(agentIds);
  useEffect(() => {
    canvasAgents.current = agentIds;
  }, [agentIds]);
  useEffect(() => {
    const changedAgentId = agentUpdate?.agentStatusUpdated.agent.id;
    if (changedAgentId && canvasAgents.current.has(changedAgentId)) requestRefetch();
  }, [agentUpdate, requestRefetch]);
}
