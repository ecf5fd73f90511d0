import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import type { AgentStatus } from '../../../gql/graphql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { SessionFilter } from '../sessions/SessionFilter';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatEnum } from '../ui/format';
import { JumpButton } from '../ui/JumpButton';
import { LoadingState } from '../ui/LoadingState';
import { PageHeader } from '../ui/PageHeader';
import { SelectFilter } from '../ui/SelectFilter';
import { usePageTitle } from '../ui/usePageTitle';
import { AgentCard } from './AgentCard';
import { CreateAgentForm } from './CreateAgentForm';

const AgentsQuery = graphql(`
  query AgentsPage_Agents($filter: AgentFilter) {
    agents(last: 100, filter: $filter) {
      edges {
        node {
          id
          createdAt
          ...AgentCard_Agent
        }
      }
      pageInfo {
        hasPreviousPage
        hasNextPage
      }
    }
  }
`);

const AGENT_STATUSES: AgentStatus[] = ['STARTING', 'IDLE', 'BUSY', 'RESTARTING', 'ERROR', 'FAILED', 'TERMINATING', 'TERMINATED'];
const STATUS_OPTIONS = AGENT_STATUSES.map((status) => ({ value: status, label: formatEnum(status) }));

/** Every agent as a live card, newest first, and the form that creates one. */
export function AgentsPage() {
  usePageTitle('Agents');
  const [sessionId, setSessionId] = useState('');
  const [status, setStatus] = useState('');
  const filter = { sessionId: sessionId || undefined, status: (status || undefined) as AgentStatus | undefined };
  const [{ data, fetching, error }, refetch] = useQuery({ query: AgentsQuery, variables: { filter }, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(refetch);
  const agents = (data?.agents.edges ?? []).map((edge) => edge.node).reverse();

  return (
    <div className="page page--with-aside">
      <div className="page__main">
        <PageHeader title="Agents" meta={data ? `${agents.length}${data.agents.pageInfo.hasPreviousPage ? '+' : ''} shown` : undefined}>
          <SessionFilter value={sessionId} onChange={setSessionId} />
          <SelectFilter label="Status" value={status} options={STATUS_OPTIONS} anyLabel="Any status" onChange={setStatus} />
          <JumpButton targetId="new-agent">New agent ↓</JumpButton>
        </PageHeader>
        {error && <ErrorMessage error={error} title="Agents could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
        {!data && fetching && <LoadingState label="Loading agents…" />}
        {data && agents.length === 0 && (
          <EmptyState title={sessionId || status ? 'No agent matches these filters.' : 'No agents yet.'}>
            {!sessionId && !status && 'Create one with the form: it starts a Claude Code process that waits for tasks.'}
          </EmptyState>
        )}
        {agents.length > 0 && (
          <ul className="card-grid" aria-label="Agents">
            {agents.map((agent) => (
              <li key={agent.id}>
                <AgentCard agent={agent} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <aside className="page__aside panel" id="new-agent" aria-label="Create an agent">
        <CreateAgentForm preferredSessionId={sessionId || undefined} />
      </aside>
    </div>
  );
}
