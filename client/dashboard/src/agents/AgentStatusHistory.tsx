import { useSubscription } from 'urql';
import { graphql } from '../../../gql';
import type { AgentStatusHistory_LiveSubscription } from '../../../gql/graphql';
import { useResubscribeOnError } from '../api/useResubscribeOnError';
import { formatTime } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';

const LiveTransitions = graphql(`
  subscription AgentStatusHistory_Live($agentId: ID!) {
    agentStatusUpdated(agentId: $agentId) {
      seq
      from
      to
      reason
      createdAt
    }
  }
`);

type Transition = AgentStatusHistory_LiveSubscription['agentStatusUpdated'];

/** An agent's status transitions with their reasons, newest first; new ones arrive live. */
export function AgentStatusHistory({ agentId, stored, more }: { agentId: string; stored: readonly Transition[]; more: boolean }) {
  const [{ data: live, error }, resubscribe] = useSubscription({ query: LiveTransitions, variables: { agentId } }, (kept: Transition[] = [], event) =>
    [...kept, event.agentStatusUpdated].slice(-200),
  );
  useResubscribeOnError(error, resubscribe);
  // Stored and live transitions overlap around the moment the page opened: one row per seq.
  const bySeq = new Map<number, Transition>();
  for (const transition of [...stored, ...(live ?? [])]) bySeq.set(transition.seq, transition);
  const transitions = [...bySeq.values()].sort((a, b) => b.seq - a.seq);

  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">Status transitions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {transitions.map((transition) => (
            <tr key={transition.seq}>
              <td>{transition.seq}</td>
              <td>
                <time dateTime={transition.createdAt}>{formatTime(transition.createdAt)}</time>
              </td>
              <td>
                <StatusBadge status={transition.to} />
              </td>
              <td>{transition.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && <p className="muted small">Only the first 100 stored transitions and the ones since this page opened are shown.</p>}
    </div>
  );
}
