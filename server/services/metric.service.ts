import { listMetrics, type MetricFilter } from '../db/repositories/metric.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import type { MetricRow } from '../db/types.js';
import type { ServiceDeps } from './deps.js';

/** Measurements recorded as runs end: duration, cost and tokens per run. */
export class MetricService {
  constructor(private readonly deps: ServiceDeps) {}

  list(filter: MetricFilter, page: PageQuery): Promise<MetricRow[]> {
    return listMetrics(this.deps.db, filter, page);
  }
}
