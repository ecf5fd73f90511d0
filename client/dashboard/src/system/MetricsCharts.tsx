import { useEffect } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatCost, formatDuration, formatTokens } from '../ui/format';
import { LoadingState } from '../ui/LoadingState';
import { useNow } from '../ui/useNow';
import { BarChart } from './BarChart';
import { bucketize, timeWindow, type MetricPoint } from './metric-buckets';

const RunMetrics = graphql(`
  query MetricsCharts_RunMetrics($since: DateTime!) {
    durations: metrics(filter: { name: "run.duration", recordedAfter: $since }, last: 100) {
      edges {
        node {
          id
          value
          recordedAt
        }
      }
      pageInfo {
        hasPreviousPage
      }
    }
    costs: metrics(filter: { name: "run.cost", recordedAfter: $since }, last: 100) {
      edges {
        node {
          id
          value
          recordedAt
        }
      }
    }
    inputTokens: metrics(filter: { name: "run.input_tokens", recordedAfter: $since }, last: 100) {
      edges {
        node {
          id
          value
          recordedAt
        }
      }
    }
    outputTokens: metrics(filter: { name: "run.output_tokens", recordedAfter: $since }, last: 100) {
      edges {
        node {
          id
          value
          recordedAt
        }
      }
    }
  }
`);

const BUCKETS = 24;
/** The time window the charts show, ending now. */
const CHART_WINDOW_MS = 60 * 60_000;
/** Metrics are written when runs end; a refresh this often keeps the charts current without a stream. */
const REFRESH_MS = 15_000;

/**
 * Runs, cost, tokens and run time of the last hour, bucketed over time. The server sends only the
 * window's measurements, at most the latest 100 runs of it.
 */
export function MetricsCharts() {
  const now = useNow();
  // Whole minutes, so that the window (and with it the query) moves once a minute, not every second.
  const end = Math.ceil(now / 60_000) * 60_000;
  const since = new Date(end - CHART_WINDOW_MS).toISOString();
  const [{ data, fetching, error }, refetch] = useQuery({ query: RunMetrics, variables: { since }, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(refetch);

  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);

  if (error && !data) return <ErrorMessage error={error} title="Metrics could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data) return fetching ? <LoadingState label="Loading metrics…" /> : null;

  const points = (connection: { edges: readonly { node: MetricPoint }[] }) => connection.edges.map((edge) => edge.node);
  const durations = points(data.durations);
  if (durations.length === 0) return <EmptyState title="No runs finished in the last hour.">Charts appear once agents have finished turns.</EmptyState>;

  // One window for every series, so the charts line up: the hour asked for or, when it held more
  // runs than one page, the span of the runs fetched (an empty start would suggest an idle system).
  const truncated = data.durations.pageInfo.hasPreviousPage;
  const fetched = timeWindow(durations, end)!;
  const window = truncated ? fetched : { start: Date.parse(since), end: fetched.end };
  const runs = bucketize(durations, BUCKETS, window);
  const cost = bucketize(points(data.costs), BUCKETS, window);
  const tokens = bucketize([...points(data.inputTokens), ...points(data.outputTokens)], BUCKETS, window);
  const sum = (list: readonly MetricPoint[]) => list.reduce((total, point) => total + point.value, 0);

  return (
    <div className="charts">
      <BarChart title="Runs" buckets={runs} value={(bucket) => bucket.count} format={(value) => String(Math.round(value))} total={`${durations.length}${truncated ? '+' : ''}`} />
      <BarChart title="Cost" buckets={cost} value={(bucket) => bucket.sum} format={formatCost} total={formatCost(sum(points(data.costs)))} />
      <BarChart
        title="Tokens"
        buckets={tokens}
        value={(bucket) => bucket.sum}
        format={formatTokens}
        total={formatTokens(sum(points(data.inputTokens)) + sum(points(data.outputTokens)))}
      />
      <BarChart
        title="Average run time"
        buckets={runs}
        value={(bucket) => (bucket.count > 0 ? bucket.sum / bucket.count : 0)}
        format={formatDuration}
        total={formatDuration(sum(durations) / durations.length)}
      />
    </div>
  );
}
