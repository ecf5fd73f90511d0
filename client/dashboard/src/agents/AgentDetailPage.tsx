import { useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../../../gql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { CommunicationFeed } from '../communications/CommunicationFeed';
import { SendMessageForm } from '../communications/SendMessageForm';
import { TaskList } from '../tasks/TaskList';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { LoadingState } from '../ui/LoadingState';
import { PageHeader } from '../ui/PageHeader';
import { usePageTitle } from '../ui/usePageTitle';
import { AgentCard } from './AgentCard';
import { AgentConfiguration } from './AgentConfiguration';
import { AgentStatusHistory } from './AgentStatusHistory';

const AgentQuery = graphql(`
  query AgentDetailPage_Agent($id: ID!) {
    agent(id: $id) {
      __typename
      ... on Agent {
        id
        name
        status
        ...AgentCard_Agent
        ...AgentConfiguration_Agent
        statusHistory(first: 100) {
          seq
          from
          to
          reason
          createdAt
        }
      }
      ... on Error {
        code
        message
      }
    }
    tasks(last: 20, filter: { agentId: $id }) {
      edges {
        node {
          id
          createdAt
          ...TaskRow_Task
        }
      }
    }
  }
`);

/** One agent in full: its live card, configuration, tasks, status history and messages. */
export function AgentDetailPage({ agentId }: { agentId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: AgentQuery, variables: { id: agentId }, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(refetch);
  const agent = data?.agent.__typename === 'Agent' ? data.agent : undefined;
  usePageTitle(agent ? agent.name : 'Agent');

  if (error && !data) return <ErrorMessage error={error} title="The agent could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data) return fetching ? <LoadingState label="Loading the agent…" /> : null;
  if (!agent) {
    return (
      <div className="page">
        <PageHeader title="Agent not found" />
        <ErrorMessage error={'message' in data.agent ? data.agent.message : 'No such agent.'} />
        <Link href="/">Back to the agent list</Link>
      </div>
    );
  }
  const tasks = data.tasks.edges.map((edge) => ({ id: edge.node.id, row: edge.node })).reverse();

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Agent list</Link> <span aria-hidden="true">/</span> <span aria-current="page">{agent.name}</span>
      </nav>
      <PageHeader title={agent.name} />
      <div className="detail-grid">
        <div className="detail-grid__main">
          <AgentCard agent={agent} headingLevel={3} />
          <section className="panel" aria-labelledby="agent-tasks-title">
            <h2 id="agent-tasks-title">Recent tasks</h2>
            {tasks.length === 0 ? <EmptyState title="No tasks yet." /> : <TaskList tasks={tasks} label="Recent tasks of this agent" />}
          </section>
          <section className="panel" aria-labelledby="agent-messages-title">
            <h2 id="agent-messages-title">Communications</h2>
            <CommunicationFeed filter={{ agentId: agent.id }} compact />
          </section>
        </div>
        <div className="detail-grid__side">
          <section className="panel">
            <SendMessageForm agentId={agent.id} />
          </section>
          <section className="panel" aria-labelledby="agent-config-title">
            <h2 id="agent-config-title">Configuration</h2>
            <AgentConfiguration agent={agent} />
          </section>
          <section className="panel" aria-labelledby="agent-history-title">
            <h2 id="agent-history-title">Status history</h2>
            <AgentStatusHistory agentId={agent.id} stored={agent.statusHistory} more={agent.statusHistory.length >= 100} />
          </section>
        </div>
      </div>
    </div>
  );
}
