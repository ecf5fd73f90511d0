import { useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { formatCost, formatElapsed, formatEnum, formatTokens } from '../ui/format';
import { Stat } from '../ui/Stat';
import { StatusBadge } from '../ui/StatusBadge';
import { useNow } from '../ui/useNow';
import { AgentActions } from './AgentActions';
import { AgentLiveTail } from './AgentLiveTail';

export const AgentCardFragment = graphql(`
  fragment AgentCard_Agent on Agent {
    id
    name
    role
    model
    status
    pid
    restartCount
    totalCostUsd
    lastError
    createdAt
    updatedAt
    terminatedAt
    session {
      id
      name
    }
  }
`);

const AgentActivity = graphql(`
  query AgentCard_Activity($agentId: ID!) {
    running: tasks(filter: { agentId: $agentId, status: RUNNING }, last: 1) {
      edges {
        node {
          ...AgentCard_Task
        }
      }
      pageInfo {
        hasPreviousPage
        hasNextPage
      }
    }
    latest: tasks(filter: { agentId: $agentId }, last: 1) {
      edges {
        node {
          ...AgentCard_Task
        }
      }
      pageInfo {
        hasPreviousPage
        hasNextPage
      }
    }
    inputTokens: metrics(filter: { agentId: $agentId, name: "run.input_tokens" }, last: 100) {
      edges {
        node {
          id
          value
        }
      }
      pageInfo {
        hasPreviousPage
      }
    }
    outputTokens: metrics(filter: { agentId: $agentId, name: "run.output_tokens" }, last: 100) {
      edges {
        node {
          id
          value
        }
      }
      pageInfo {
        hasPreviousPage
      }
    }
  }
`);

const AgentCardTaskFragment = graphql(`
  fragment AgentCard_Task on Task {
    id
    title
    status
    lastEventSeq
    createdAt
    startedAt
    agent {
      id
    }
  }
`);

/** Statuses without a live process: the clock stops and the card dims. */
const GONE = new Set(['TERMINATED', 'FAILED']);

/** One agent: what it is, how it is doing, what it costs, and what it is writing right now. */
export function AgentCard(props: { agent: FragmentType<typeof AgentCardFragment>; headingLevel?: 2 | 3 }) {
  const agent = readFragment(AgentCardFragment, props.agent);
  const now = useNow();
  const [{ data }, refetch] = useQuery({ query: AgentActivity, variables: { agentId: agent.id } });
  useRefetchOnReconnect(refetch);

  const running = readFragment(AgentCardTaskFragment, data?.running.edges[0]?.node);
  const latest = readFragment(AgentCardTaskFragment, data?.latest.edges[0]?.node);
  const task = running ?? latest;
  const tokens = data ? sum(data.inputTokens.edges) + sum(data.outputTokens.edges) : undefined;
  const moreRuns = data ? data.inputTokens.pageInfo.hasPreviousPage || data.outputTokens.pageInfo.hasPreviousPage : false;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';

  return (
    <article
      className={`card agent-card${GONE.has(agent.status) ? ' agent-card--gone' : ''}`}
      data-testid="agent-card"
      data-agent-id={agent.id}
      data-status={agent.status}
      aria-labelledby={`agent-${agent.id}-name`}
    >
      <header className="agent-card__header">
        <Heading className="agent-card__name" id={`agent-${agent.id}-name`}>
          <Link href={`/agents/${encodeURIComponent(agent.id)}`}>{agent.name}</Link>
        </Heading>
        <StatusBadge status={agent.status} />
      </header>
      <p className="agent-card__meta">
        {formatEnum(agent.role)} · {agent.model ?? 'default model'} · {agent.session.name}
      </p>

      <dl className="stats agent-card__stats">
        <Stat label="Cost">{formatCost(agent.totalCostUsd)}</Stat>
        <Stat label="Tokens">{tokens === undefined ? '…' : `${formatTokens(tokens)}${moreRuns ? '+' : ''}`}</Stat>
        <Stat label="Uptime">{GONE.has(agent.status) && !agent.terminatedAt ? '—' : formatElapsed(agent.createdAt, agent.terminatedAt, now)}</Stat>
        <Stat label="Restarts">{agent.restartCount}</Stat>
      </dl>

      {agent.lastError && (agent.status === 'ERROR' || agent.status === 'FAILED' || agent.status === 'RESTARTING') && (
        <p className="agent-card__error" role="note">
          {agent.lastError}
        </p>
      )}

      <section className="agent-card__task" aria-label="Current task">
        {task ? (
          <p className="agent-card__task-title">
            <span className="muted">{running ? 'Current task' : 'Last task'}:</span>{' '}
            <Link href={`/tasks/${encodeURIComponent(task.id)}`}>{task.title}</Link>{' '}
            {!running && <StatusBadge status={task.status} />}
          </p>
        ) : (
          <p className="agent-card__task-title muted">{data ? 'No task yet.' : 'Loading…'}</p>
        )}
        {task && <AgentLiveTail key={task.id} taskId={task.id} taskStatus={task.status} lastEventSeq={task.lastEventSeq} agentName={agent.name} />}
      </section>

      <footer className="agent-card__footer">
        <AgentActions agentId={agent.id} agentName={agent.name} status={agent.status} />
      </footer>
    </article>
  );
}

function sum(edges: readonly { node: { value: number } }[]): number {
  return edges.reduce((total, edge) => total + edge.node.value, 0);
}
