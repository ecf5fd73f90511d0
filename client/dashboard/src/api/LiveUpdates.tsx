import { useSubscription } from 'urql';
import { graphql } from '../../../gql';
import { useResubscribeOnError } from './useResubscribeOnError';

/**
 * Every task change and every agent status transition, for the whole app: graphcache writes them
 * into the objects every page shows, and its list updates add or drop them from filtered lists.
 */
const TaskUpdatedSubscription = graphql(`
  subscription LiveUpdates_TaskUpdated {
    taskUpdated {
      id
      title
      status
      priority
      progress
      result
      costUsd
      attempts
      maxAttempts
      requiredRole
      lastEventSeq
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
      }
      parentTask {
        id
      }
      error {
        type
        message
      }
      usage {
        inputTokens
        outputTokens
        cacheReadTokens
        cacheCreationTokens
      }
    }
  }
`);

const AgentStatusSubscription = graphql(`
  subscription LiveUpdates_AgentStatus {
    agentStatusUpdated {
      seq
      from
      to
      reason
      createdAt
      agent {
        id
        status
        role
        pid
        restartCount
        lastError
        totalCostUsd
        createdAt
        updatedAt
        terminatedAt
        session {
          id
        }
      }
    }
  }
`);

/** Renders nothing; keeps the cache live while the app is open. */
export function LiveUpdates() {
  const [{ error: taskError }, resubscribeTasks] = useSubscription({ query: TaskUpdatedSubscription });
  const [{ error: agentError }, resubscribeAgents] = useSubscription({ query: AgentStatusSubscription });
  useResubscribeOnError(taskError, resubscribeTasks);
  useResubscribeOnError(agentError, resubscribeAgents);
  return null;
}
