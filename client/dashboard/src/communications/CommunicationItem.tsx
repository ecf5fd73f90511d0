import { Link } from 'wouter';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { AgentLink } from '../ui/AgentLink';
import { formatEnum, formatTime } from '../ui/format';

export const CommunicationItemFragment = graphql(`
  fragment CommunicationItem_Communication on Communication {
    id
    messageType
    content
    createdAt
    fromAgent {
      id
      name
      role
    }
    toAgent {
      id
      name
      role
    }
    task {
      id
      title
    }
  }
`);

/** Long messages (a worker's full result) start folded. */
const FOLD_AT_CHARS = 600;

/** One message: who to whom, what kind, about which task, and what was said. */
export function CommunicationItem(props: { communication: FragmentType<typeof CommunicationItemFragment> }) {
  const message = readFragment(CommunicationItemFragment, props.communication);
  const long = message.content.length > FOLD_AT_CHARS;
  return (
    <article className={`communication communication--${message.messageType.toLowerCase()}`} data-testid="communication" data-communication-id={message.id}>
      <header className="communication__header">
        <span className="communication__parties">
          <AgentLink agent={message.fromAgent} fallback={message.messageType === 'MESSAGE' ? 'A person' : 'The system'} />{' '}
          <span aria-label="to">→</span> <AgentLink agent={message.toAgent} fallback="The requester" />
        </span>
        <span className="tag">{formatEnum(message.messageType)}</span>
        {message.task && (
          <Link href={`/tasks/${encodeURIComponent(message.task.id)}`} className="communication__task">
            {message.task.title}
          </Link>
        )}
        <time className="communication__time" dateTime={message.createdAt}>
          {formatTime(message.createdAt)}
        </time>
      </header>
      {long ? (
        <details className="communication__fold">
          <summary>{message.content.slice(0, 160).trimEnd()}…</summary>
          <div className="communication__content">{message.content}</div>
        </details>
      ) : (
        <div className="communication__content">{message.content}</div>
      )}
    </article>
  );
}

