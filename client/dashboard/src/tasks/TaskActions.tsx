import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../../gql';
import { ErrorMessage } from '../ui/ErrorMessage';
import { describeTypedError } from '../ui/typed-errors';

const CancelTask = graphql(`
  mutation TaskActions_Cancel($id: ID!) {
    cancelTask(id: $id, reason: "cancelled from the dashboard") {
      __typename
      ... on CancelTaskSuccess {
        task {
          id
          status
          error {
            type
            message
          }
          finishedAt
          updatedAt
          agent {
            id
          }
          session {
            id
          }
          parentTask {
            id
          }
          requiredRole
          createdAt
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const RetryTask = graphql(`
  mutation TaskActions_Retry($id: ID!) {
    retryTask(id: $id) {
      __typename
      ... on RetryTaskSuccess {
        task {
          id
          status
          error {
            type
            message
          }
          attempts
          maxAttempts
          finishedAt
          updatedAt
          agent {
            id
          }
          session {
            id
          }
          parentTask {
            id
          }
          requiredRole
          createdAt
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const CANCELLABLE = new Set(['PENDING', 'QUEUED', 'RUNNING']);
const RETRYABLE = new Set(['FAILED', 'CANCELLED']);

/** Cancel a task that has not ended, or retry one that failed or was cancelled; refusals are shown. */
export function TaskActions({ taskId, status }: { taskId: string; status: string }) {
  const [cancelState, cancel] = useMutation(CancelTask);
  const [retryState, retry] = useMutation(RetryTask);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: 'cancel' | 'retry') => {
    setError(null);
    const result = action === 'cancel' ? await cancel({ id: taskId }) : await retry({ id: taskId });
    const outcome = result.data && ('cancelTask' in result.data ? result.data.cancelTask : result.data.retryTask);
    if (!outcome) setError(result.error?.message ?? 'The request failed.');
    else if (outcome.__typename !== 'CancelTaskSuccess' && outcome.__typename !== 'RetryTaskSuccess') setError(describeTypedError(outcome));
  };

  if (!CANCELLABLE.has(status) && !RETRYABLE.has(status) && !error) return null;
  return (
    <div className="task-actions">
      {CANCELLABLE.has(status) && (
        <button type="button" className="button button--small button--danger-outline" disabled={cancelState.fetching} onClick={() => void run('cancel')}>
          Cancel task
        </button>
      )}
      {RETRYABLE.has(status) && (
        <button type="button" className="button button--small" disabled={retryState.fetching} onClick={() => void run('retry')}>
          Retry task
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
