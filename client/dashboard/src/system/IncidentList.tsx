import { useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../../gql';
import type { IncidentList_ReportedSubscription, IncidentSeverity, IncidentType } from '../../../gql/graphql';
import { mergeById, newestFirst } from '../api/stream-cursor';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { useResubscribeOnError } from '../api/useResubscribeOnError';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatEnum } from '../ui/format';
import { LoadingState } from '../ui/LoadingState';
import { SelectFilter } from '../ui/SelectFilter';
import { IncidentItem } from './IncidentItem';

const RecentIncidents = graphql(`
  query IncidentList_Recent($filter: IncidentFilter) {
    incidents(last: 50, filter: $filter) {
      edges {
        node {
          id
          type
          severity
          createdAt
          ...IncidentItem_Incident
        }
      }
    }
  }
`);

const ReportedIncidents = graphql(`
  subscription IncidentList_Reported {
    incidentReported {
      id
      type
      severity
      createdAt
      ...IncidentItem_Incident
    }
  }
`);

const SEVERITIES: IncidentSeverity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const TYPES: IncidentType[] = [
  'AGENT_CRASH',
  'CLI_TIMEOUT',
  'COMMUNICATION_FAILURE',
  'NETWORK_ERROR',
  'RESOURCE_EXHAUSTION',
  'SYSTEM_OVERLOAD',
  'TASK_FAILURE',
  'UNKNOWN',
];
const SEVERITY_OPTIONS = SEVERITIES.map((severity) => ({ value: severity, label: formatEnum(severity) }));
const TYPE_OPTIONS = TYPES.map((type) => ({ value: type, label: formatEnum(type) }));

type ReportedIncident = IncidentList_ReportedSubscription['incidentReported'];

/** Recent incidents and every new one as it is reported, newest first, with the recovery taken. */
export function IncidentList() {
  const [severity, setSeverity] = useState('');
  const [type, setType] = useState('');
  const filter = { severity: (severity || undefined) as IncidentSeverity | undefined, type: (type || undefined) as IncidentType | undefined };
  const [{ data, fetching, error }, refetch] = useQuery({ query: RecentIncidents, variables: { filter }, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(refetch);
  // New incidents are kept here; the query's refetch after a reconnect covers any missed meanwhile.
  const [{ data: reported, error: reportedError }, resubscribe] = useSubscription(
    { query: ReportedIncidents },
    (kept: ReportedIncident[] = [], event) => [event.incidentReported, ...kept].slice(0, 200),
  );
  useResubscribeOnError(reportedError, resubscribe);
  const recent = (data?.incidents.edges ?? []).map((edge) => edge.node);
  const live = (reported ?? []).filter((incident) => (!severity || incident.severity === severity) && (!type || incident.type === type));
  const incidents = mergeById<(typeof recent)[number] | ReportedIncident>(recent, live, newestFirst);

  return (
    <div className="incidents">
      <div className="filters" role="search" aria-label="Filter incidents">
        <SelectFilter label="Severity" value={severity} options={SEVERITY_OPTIONS} anyLabel="Any severity" onChange={setSeverity} />
        <SelectFilter label="Kind" value={type} options={TYPE_OPTIONS} anyLabel="Any kind" onChange={setType} />
      </div>
      {error && !data && <ErrorMessage error={error} title="Incidents could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {!data && fetching && <LoadingState label="Loading incidents…" />}
      {data && incidents.length === 0 && <EmptyState title="No incidents.">Crashes, timeouts and limits show here with the recovery taken.</EmptyState>}
      {incidents.length > 0 && (
        <ol className="incident-list" aria-label="Incidents, newest first">
          {incidents.map((incident) => (
            <li key={incident.id}>
              <IncidentItem incident={incident} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
