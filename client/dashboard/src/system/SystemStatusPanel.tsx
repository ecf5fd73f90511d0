import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../../gql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { useResubscribeOnError } from '../api/useResubscribeOnError';
import { ErrorMessage } from '../ui/ErrorMessage';
import { LoadingState } from '../ui/LoadingState';
import { SystemStatusView } from './SystemStatusView';

const SystemStatusQuery = graphql(`
  query SystemStatusPanel_Current {
    systemStatus {
      ...SystemStatusView_Status
    }
  }
`);

const SystemStatusSubscription = graphql(`
  subscription SystemStatusPanel_Live {
    systemStatus {
      ...SystemStatusView_Status
    }
  }
`);

/** Agents by status, the task queue and the node's load: the query at first, then every pushed update. */
export function SystemStatusPanel() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: SystemStatusQuery, requestPolicy: 'network-only' });
  useRefetchOnReconnect(refetch);
  const [{ data: live, error: liveError }, resubscribe] = useSubscription({ query: SystemStatusSubscription });
  useResubscribeOnError(liveError, resubscribe);
  const masked = live?.systemStatus ?? data?.systemStatus;

  if (error && !masked) return <ErrorMessage error={error} title="The system status could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!masked) return fetching ? <LoadingState label="Loading the system status…" /> : null;
  return <SystemStatusView status={masked} />;
}
