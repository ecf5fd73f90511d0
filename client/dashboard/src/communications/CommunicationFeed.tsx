import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import type { CommunicationType } from '../../../gql/graphql';
import { IdCursor, mergeById, newestFirst } from '../api/stream-cursor';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { useResumableStream } from '../api/useResumableStream';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { LoadingState } from '../ui/LoadingState';
import { CommunicationItem } from './CommunicationItem';

const RecentCommunications = graphql(`
  query CommunicationFeed_Recent($filter: CommunicationFilter) {
    communications(last: 50, filter: $filter) {
      edges {
        node {
          id
          createdAt
          messageType
          ...CommunicationItem_Communication
        }
      }
      pageInfo {
        hasPreviousPage
      }
    }
  }
`);

const LiveCommunications = graphql(`
  subscription CommunicationFeed_Live($after: ID, $sessionId: ID, $agentId: ID, $taskId: ID) {
    agentCommunication(after: $after, sessionId: $sessionId, agentId: $agentId, taskId: $taskId) {
      id
      createdAt
      messageType
      ...CommunicationItem_Communication
    }
  }
`);

export interface CommunicationFeedFilter {
  sessionId?: string;
  agentId?: string;
  taskId?: string;
  messageType?: CommunicationType;
}

/**
 * The messages between agents and from people, newest first: the recent ones from the
 * `communications` query, then every new one from `agentCommunication`, which resumes after the
 * last message seen when the link comes back, so none is lost or shown twice.
 */
export function CommunicationFeed({ filter, compact }: { filter: CommunicationFeedFilter; compact?: boolean }) {
  const { sessionId, agentId, taskId, messageType } = filter;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RecentCommunications,
    variables: { filter: { sessionId, agentId, taskId, messageType } },
    requestPolicy: 'cache-and-network',
  });
  // With no message yet the stream has no cursor and starts live only: what was said while the link
  // was down is read again instead.
  useRefetchOnReconnect(refetch);
  const recent = data?.communications.edges.map((edge) => edge.node) ?? [];
  const newestRecent = recent.at(-1)?.id ?? null;

  const stream = useResumableStream({
    query: LiveCommunications,
    // The type is filtered here, not by the server: the stream does not take it.
    streamKey: JSON.stringify({ sessionId, agentId, taskId }),
    // Starts once the recent messages are known, right after the newest of them.
    pause: !data,
    createCursor: () => new IdCursor(newestRecent, recent.map((message) => message.id)),
    variables: (after: string | null) => ({ after, sessionId, agentId, taskId }),
    select: (result) => result.agentCommunication,
    keyOf: (message) => message.id,
    maxItems: 500,
  });

  const live = messageType ? stream.items.filter((message) => message.messageType === messageType) : stream.items;
  const messages = mergeById(recent, live, newestFirst);

  if (error && !data) return <ErrorMessage error={error} title="Messages could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data && fetching) return <LoadingState label="Loading messages…" />;
  return (
    <div className="feed">
      <ErrorMessage error={stream.error} title="The live feed was interrupted." onRetry={stream.status === 'failed' ? stream.resume : undefined} />
      {messages.length === 0 ? (
        <EmptyState title="No messages yet.">{!compact && 'Instructions, results, plans and people’s messages show here as they are sent.'}</EmptyState>
      ) : (
        <ol className="feed__list" aria-label="Communications, newest first">
          {messages.map((message) => (
            <li key={message.id}>
              <CommunicationItem communication={message} />
            </li>
          ))}
        </ol>
      )}
      {data?.communications.pageInfo.hasPreviousPage && <p className="muted feed__more">Older messages are not shown.</p>}
    </div>
  );
}
