import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../../gql';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { describeTypedError } from '../ui/typed-errors';

const TerminateAgent = graphql(`
  mutation AgentActions_Terminate($id: ID!) {
    terminateAgent(id: $id) {
      __typename
      ... on TerminateAgentSuccess {
        agent {
          id
          status
          pid
          terminatedAt
          updatedAt
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const RestartAgent = graphql(`
  mutation AgentActions_Restart($id: ID!) {
    restartAgent(id: $id) {
      __typename
      ... on RestartAgentSuccess {
        agent {
          id
          status
          pid
          restartCount
          lastError
          terminatedAt
          updatedAt
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** Statuses in which the server refuses a restart until the transition has settled. */
const SETTLING = new Set(['STARTING', 'RESTARTING', 'TERMINATING']);

type Action = 'terminate' | 'restart';

/** Terminate and Restart, each behind a confirmation that shows the server's refusal, if any. */
export function AgentActions({ agentId, agentName, status }: { agentId: string; agentName: string; status: string }) {
  const [pending, setPending] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [terminateState, terminate] = useMutation(TerminateAgent);
  const [restartState, restart] = useMutation(RestartAgent);
  const busy = terminateState.fetching || restartState.fetching;

  const close = () => {
    setPending(null);
    setError(null);
  };

  const confirm = async () => {
    const result = pending === 'terminate' ? await terminate({ id: agentId }) : await restart({ id: agentId });
    const outcome = result.data && ('terminateAgent' in result.data ? result.data.terminateAgent : result.data.restartAgent);
    if (!outcome) {
      setError(result.error?.message ?? 'The request failed.');
      return;
    }
    if (outcome.__typename === 'TerminateAgentSuccess' || outcome.__typename === 'RestartAgentSuccess') close();
    else setError(describeTypedError(outcome));
  };

  return (
    <div className="agent-actions">
      <button
        type="button"
        className="button button--small button--danger-outline"
        disabled={status === 'TERMINATED' || status === 'TERMINATING'}
        onClick={() => setPending('terminate')}
      >
        Terminate
      </button>
      <button type="button" className="button button--small" disabled={SETTLING.has(status)} onClick={() => setPending('restart')}>
        Restart
      </button>
      <ConfirmDialog
        open={pending !== null}
        title={pending === 'terminate' ? `Terminate ${agentName}?` : `Restart ${agentName}?`}
        danger={pending === 'terminate'}
        busy={busy}
        error={error}
        onConfirm={confirm}
        onClose={close}
      >
        {pending === 'terminate' ? (
          <p>Its process tree is stopped. A task it is running is interrupted and goes back to the queue while attempts remain.</p>
        ) : (
          <p>Its process starts again and resumes its Claude session; its crash record is cleared.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
