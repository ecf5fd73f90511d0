import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabaseHandle, PoolStats } from '../db/database.js';
import { countByStatus } from '../db/repositories/system-status.repository.js';
import { AGENT_STATUSES, TASK_STATUSES, type TaskEventRow } from '../db/types.js';
import type { Logger } from '../logger.js';
import type { RunReport } from '../services/run-tracker.js';
import { processMetrics } from './process-metrics.js';

/** What the scrape reads from the rest of the node. */
export interface MetricSources {
  nodeId: string;
  database: DatabaseHandle;
  /** Open graphql-ws connections on this node (API and dashboard ports). */
  websocketConnections(): number;
  /** Subscriptions running on those connections. */
  websocketSubscriptions(): number;
  /** Connections closed so far because their client stopped reading. */
  slowConnectionsCutOff(): number;
  log: Logger;
}

/** Turns last seconds to an hour; the fake CLI's turns in tests land in the first buckets. */
const RUN_DURATION_BUCKETS_SECONDS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 3600];

type StatusCounts = Awaited<ReturnType<typeof countByStatus>>;

/**
 * The node's Prometheus metrics, in a registry of its own (tests run many apps in one process).
 * Agents and tasks by status are read from the shared database when scraped, so they are the
 * whole cluster's and every node reports the same figures (aggregate them with max, not sum);
 * everything else is this node's: runs that ended here, events it stored and published, its
 * subscribers, its database pool, its process.
 */
export class PrometheusMetrics {
  private readonly registry = new Registry();
  private readonly runDuration: Histogram<'outcome'>;
  private readonly runCost: Counter;
  private readonly runTokens: Counter<'direction'>;
  private readonly eventsStored: Counter<'kind'>;
  /** Publications on the event bus by topic (MeteredEventBus counts them). */
  readonly eventsPublished: Counter<'topic'>;
  /** Live GraphQL subscriptions by transport: sse kept by useSseSubscriptionCount, websocket read when scraped. */
  readonly subscriptions: Gauge<'transport'>;
  /** One database read per scrape, shared by the agent and task gauges. */
  private statusCounts: Promise<StatusCounts | undefined> | undefined;

  constructor(private readonly sources: MetricSources) {
    // Started now, so that the first scrape has event-loop samples to report.
    processMetrics();
    const registers = [this.registry];
    new Gauge({
      name: 'acp_node_info',
      help: 'Always 1; names this node and its database driver (postgres or pglite).',
      labelNames: ['node_id', 'database'],
      registers,
    }).set({ node_id: sources.nodeId, database: sources.database.kind }, 1);

    // Read from the shared database at scrape time (one count for both): every node reports the same value.
    const statusGauge = (name: string, what: string, statuses: readonly string[], pick: (counts: StatusCounts) => Map<string, number>) => {
      const gauge: Gauge<'status'> = new Gauge({
        name,
        help: `${what} in each status in the whole cluster (read from the shared database at scrape time; every node reports the same value).`,
        labelNames: ['status'],
        registers,
        collect: async () => {
          const counts = await this.readStatusCounts();
          gauge.reset();
          if (counts) for (const status of statuses) gauge.set({ status }, pick(counts).get(status) ?? 0);
        },
      });
    };
    statusGauge('acp_agents', 'Agents', AGENT_STATUSES, (counts) => counts.agents);
    statusGauge('acp_tasks', 'Tasks', TASK_STATUSES, (counts) => counts.tasks);

    this.runDuration = new Histogram({
      name: 'acp_run_duration_seconds',
      help: 'Duration of the runs (task attempts) that ended on this node, by outcome: succeeded, failed, cancelled or interrupted.',
      labelNames: ['outcome'],
      buckets: RUN_DURATION_BUCKETS_SECONDS,
      registers,
    });
    this.runCost = new Counter({
      name: 'acp_run_cost_usd_total',
      help: 'Cost the CLI reported for the runs that ended on this node, in US dollars.',
      registers,
    });
    this.runTokens = new Counter({
      name: 'acp_run_tokens_total',
      help: 'Model tokens of the runs that ended on this node, by direction (input: uncached prompt tokens; output).',
      labelNames: ['direction'],
      registers,
    });
    this.eventsStored = new Counter({
      name: 'acp_task_events_stored_total',
      help: 'Task events (agent output and lifecycle) this node stored, by kind; rate() gives events per second.',
      labelNames: ['kind'],
      registers,
    });
    this.eventsPublished = new Counter({
      name: 'acp_events_published_total',
      help: 'Events this node published to subscribers (through Redis when several nodes share it), by topic.',
      labelNames: ['topic'],
      registers,
    });

    const connections: Gauge = new Gauge({
      name: 'acp_websocket_connections',
      help: 'Open graphql-ws connections on this node.',
      registers,
      collect: () => connections.set(sources.websocketConnections()),
    });
    const subscriptions: Gauge<'transport'> = new Gauge({
      name: 'acp_graphql_subscriptions',
      help: 'GraphQL subscriptions running on this node, by transport (websocket or sse).',
      labelNames: ['transport'],
      registers,
      collect: () => subscriptions.set({ transport: 'websocket' }, sources.websocketSubscriptions()),
    });
    // Appears from the start, at 0.
    subscriptions.set({ transport: 'sse' }, 0);
    this.subscriptions = subscriptions;
    const cutOff: Counter = new Counter({
      name: 'acp_websocket_slow_consumers_cut_off_total',
      help: 'WebSocket connections this node closed because their client stopped reading (CONSUMER_TOO_SLOW).',
      registers,
      collect: () => {
        // A mirror of the node's own count, which only grows.
        cutOff.reset();
        cutOff.inc(sources.slowConnectionsCutOff());
      },
    });

    // Only the figures the driver has: PGlite has neither idle connections nor waiting clients to report.
    const pool = (name: string, help: string, read: (stats: PoolStats) => number | undefined) => {
      if (read(sources.database.poolStats()) === undefined) return;
      const gauge: Gauge = new Gauge({ name, help, registers, collect: () => gauge.set(read(sources.database.poolStats()) ?? 0) });
    };
    pool('acp_db_pool_max_connections', 'Size of this node\'s database pool (PGlite: one connection in the process).', (stats) => stats.max);
    pool('acp_db_pool_connections', 'Open connections of this node\'s database pool.', (stats) => stats.total);
    pool('acp_db_pool_idle_connections', 'Open connections no statement is using (PostgreSQL only).', (stats) => stats.idle);
    pool('acp_db_pool_waiting_clients', 'Callers waiting for a connection: all are busy, or one is being opened (PostgreSQL only).', (stats) => stats.waiting);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: this app's metrics and the process's. */
  text(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  /** A run ended (after its transaction committed). */
  runEnded(run: RunReport): void {
    this.runDuration.observe({ outcome: run.outcome }, run.durationMs / 1000);
    if (run.costUsd > 0) this.runCost.inc(run.costUsd);
    if (run.inputTokens > 0) this.runTokens.inc({ direction: 'input' }, run.inputTokens);
    if (run.outputTokens > 0) this.runTokens.inc({ direction: 'output' }, run.outputTokens);
  }

  /** Task events were committed. */
  eventsCommitted(rows: readonly Pick<TaskEventRow, 'kind'>[]): void {
    const byKind = new Map<string, number>();
    for (const row of rows) byKind.set(row.kind, (byKind.get(row.kind) ?? 0) + 1);
    for (const [kind, count] of byKind) this.eventsStored.inc({ kind }, count);
  }

  /** Undefined when the database cannot be read: the gauges are left out of this scrape, which still answers. */
  private readStatusCounts(): Promise<StatusCounts | undefined> {
    this.statusCounts ??= countByStatus(this.sources.database.db)
      .catch((error: unknown) => {
        this.sources.log.warn({ err: error }, 'metrics: could not count agents and tasks');
        return undefined;
      })
      .finally(() => {
        this.statusCounts = undefined;
      });
    return this.statusCounts;
  }
}
