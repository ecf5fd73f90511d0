import { Link } from 'wouter';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { AgentLink } from '../ui/AgentLink';
import { formatEnum, formatTime } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';

export const IncidentItemFragment = graphql(`
  fragment IncidentItem_Incident on Incident {
    id
    type
    severity
    message
    recoveryAction
    recoveryResult
    createdAt
    agent {
      id
      name
    }
    task {
      id
      title
    }
  }
`);

/** One incident: what happened, to whom, and what recovery was taken with what result. */
export function IncidentItem(props: { incident: FragmentType<typeof IncidentItemFragment> }) {
  const incident = readFragment(IncidentItemFragment, props.incident);
  return (
    <article className={`incident incident--${incident.severity.toLowerCase()}`} data-testid="incident">
      <header className="incident__header">
        <StatusBadge status={incident.severity} />
        <strong>{formatEnum(incident.type)}</strong>
        <time dateTime={incident.createdAt} className="muted">
          {formatTime(incident.createdAt)}
        </time>
      </header>
      <p className="incident__message">{incident.message}</p>
      <p className="incident__subjects muted">
        {incident.agent && (
          <span>
            Agent <AgentLink agent={incident.agent} fallback="" />
          </span>
        )}
        {incident.task && (
          <span>
            Task <Link href={`/tasks/${encodeURIComponent(incident.task.id)}`}>{incident.task.title}</Link>
          </span>
        )}
      </p>
      <p className="incident__recovery">
        <span className="muted">Recovery:</span> {incident.recoveryAction ?? 'none taken'}
        {incident.recoveryResult && <span> → {incident.recoveryResult}</span>}
      </p>
    </article>
  );
}
