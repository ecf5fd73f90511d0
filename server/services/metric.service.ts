import { deleteMetricsRecordedBefore, listMetrics, type MetricFilter } from '../db/repositories/metric.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import type { MetricRow } from '../db/types.js';
import type { ServiceDeps } from './deps.js';
import { HourlyJob } from './hourly-job.js';

const DAY_MS = 86_400_000;
/** Rows deleted per statement while pruning. */
const PRUNE_BATCH = 10_000;

/** Measurements recorded as runs end: duration, cost and tokens per run. */
export class MetricService {
  private readonly retention = new HourlyJob(
    () => this.pruneExpired(),
    (error) => this.deps.log.warn({ err: error }, 'pruning metrics failed'),
  );

  constructor(private readonly deps: ServiceDeps) {}

  list(filter: MetricFilter, page: PageQuery): Promise<MetricRow[]> {
    return listMetrics(this.deps.db, filter, page);
  }

  /** Prunes measurements past METRICS_RETENTION_DAYS, at start and hourly; 0 days keeps them forever. */
  startRetention(): void {
    if (this.deps.config.metricsRetentionDays > 0) this.retention.start();
  }

  stopRetention(): void {
    this.retention.stop();
  }

  /** Deletes the measurements older than the retention period (none when it is 0); returns how many went. */
  async pruneExpired(now = new Date()): Promise<number> {
    const days = this.deps.config.metricsRetentionDays;
    if (days === 0) return 0;
    const before = new Date(now.getTime() - days * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await deleteMetricsRecordedBefore(this.deps.db, before, PRUNE_BATCH);
      deleted += batch;
      if (batch < PRUNE_BATCH) break;
    }
    if (deleted > 0) this.deps.log.info({ deleted, before }, 'pruned old metrics');
    return deleted;
  }
}
