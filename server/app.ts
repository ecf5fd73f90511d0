import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogEvent } from 'kysely';
import type { Config } from './config.js';
import { Authenticator } from './auth/authenticator.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { createDashboardHandler } from './http/dashboard.js';
import { handleHealth } from './http/health.js';
import { OriginPolicy } from './http/origin-policy.js';
import { attachWebSocketServer } from './http/websocket.js';
import { createGraphQLServer, type Yoga } from './http/yoga.js';
import type { Logger } from './logger.js';
import { ConnectionStats } from './realtime/connection-stats.js';
import { MeteredEventBus } from './observability/metered-event-bus.js';
import { handleMetrics } from './observability/metrics-endpoint.js';
import { PrometheusMetrics } from './observability/prometheus-metrics.js';
import { withRequestLogging } from './observability/request-logging.js';
import type { EventBus } from './realtime/event-bus.js';
import { RedisTransport } from './realtime/redis-transport.js';
import { AgentWorkQueue } from './services/agent-work-queue.js';
import { createServices, type Services } from './services/index.js';
import { ClaudeCodeAdapter } from './supervisor/claude-code-adapter.js';
import type { RuntimeAdapter } from './supervisor/runtime-adapter.js';
import { Supervisor } from './supervisor/supervisor.js';

export interface AppOptions {
  config: Config;
  log: Logger;
  adapter?: RuntimeAdapter;
  /** Called for every SQL statement. */
  onQuery?: (event: LogEvent) => void;
}

export interface App {
  config: Config;
  database: DatabaseHandle;
  services: Services;
  yoga: Yoga;
  supervisor: Supervisor;
  bus: EventBus;
  /** Listens on config.host:config.apiPort (0 picks a free port); resolves with the port. */
  listen(): Promise<number>;
  /**
   * Serves the dashboard on config.host:config.dashboardPort, with /graphql (HTTP and WebSocket)
   * beside it so the page talks to its own origin; resolves with the port.
   */
  listenDashboard(): Promise<number>;
  /** Stops accepting, ends agent processes, closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** Builds the whole server: database (migrated), services, supervisor and HTTP/WebSocket. */
export async function createApp({ config, log, adapter = new ClaudeCodeAdapter(), onQuery }: AppOptions): Promise<App> {
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    statementTimeoutMs: config.database.statementTimeoutMs,
    logger: log,
    onQuery,
  });
  await migrateToLatest(database.db);
  const authenticator = new Authenticator(database.db, config.host, log.child({ component: 'auth' }));
  try {
    const mode = await authenticator.checkStart();
    if (mode === 'local') log.warn(`local mode: no API token exists, so anyone on this machine may use the API (bound to ${config.host})`);
  } catch (error) {
    await database.close();
    throw error;
  }

  // Read when scraped, so the sources named here may be made further down.
  const metrics = new PrometheusMetrics({
    nodeId: config.nodeId,
    database,
    log,
    websocketConnections: () => websocket.connectionCount() + dashboardWebsocket.connectionCount(),
    websocketSubscriptions: () => websocket.subscriptionCount() + dashboardWebsocket.subscriptionCount(),
    slowConnectionsCutOff: () => connections.cutOff,
  });
  const bus: EventBus = new MeteredEventBus(config.websocket.maxQueuedEvents, metrics.eventsPublished);
  // With Redis, a subscriber on any node receives what every node publishes.
  const redis = config.redisUrl ? await RedisTransport.connect(config.redisUrl, bus, log.child({ component: 'redis' })) : undefined;
  if (redis) bus.useTransport(redis);
  const supervisor = new Supervisor(adapter, log.child({ component: 'supervisor' }), {
    graceMs: config.claude.stopGraceMs,
    maxLineBytes: config.claude.maxLineBytes,
  });
  const queue = new AgentWorkQueue((agentId, error) => log.error({ err: error, agentId }, 'agent work failed'));
  const connections = new ConnectionStats();
  const services = createServices({ db: database.db, bus, supervisor, queue, config, log, connections });
  services.runs.hooks.runEnded = (run) => metrics.runEnded(run);
  services.taskEvents.onStored = (events) => metrics.eventsCommitted(events);
  // Before listening: nothing an earlier life of this node left may keep running.
  await services.manager.recoverAfterRestart();
  await services.manager.start();
  await services.workflows.start();
  services.tasks.startScheduler();
  services.taskEvents.startRetention();
  services.metrics.startRetention();

  const origins = new OriginPolicy(config.corsOrigins);
  const yoga = createGraphQLServer(services, authenticator, log, {
    origins,
    mutationsPerMinute: config.rateLimit.mutationsPerMinute,
    subscriptionGauge: metrics.subscriptions,
  });
  let stopping = false;
  const handleApi = withRequestLogging(log, async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const probes = {
      ready: async () => {
        const databaseUp = await database.ping();
        const redisUp = redis ? redis.ready() : undefined;
        const transcripts = !services.batcher.behind();
        return {
          ok: databaseUp && redisUp !== false && transcripts && !stopping,
          checks: { database: databaseUp, ...(redis ? { redis: redisUp } : {}), transcripts, accepting: !stopping },
        };
      },
    };
    if (await handleHealth(req, res, probes)) return;
    if (await handleMetrics(req, res, { authenticator, metrics, log })) return;
    await yoga.requestListener(req, res);
  });
  const httpServer: Server = createServer(handleApi);
  const websocket = attachWebSocketServer(httpServer, yoga, config.websocket, connections, authenticator, origins, log);
  const serveDashboard = createDashboardHandler();
  const dashboardServer: Server = createServer((req, res) => {
    if (req.url === yoga.graphqlEndpoint || req.url?.startsWith(`${yoga.graphqlEndpoint}?`)) return void handleApi(req, res);
    serveDashboard(req, res);
  });
  const dashboardWebsocket = attachWebSocketServer(dashboardServer, yoga, config.websocket, connections, authenticator, origins, log);
  const listenOn = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, () => resolve((server.address() as AddressInfo).port));
    });

  let stopped: Promise<void> | undefined;
  return {
    config,
    database,
    services,
    yoga,
    supervisor,
    bus,
    listen: () => listenOn(httpServer, config.apiPort),
    listenDashboard: () => listenOn(dashboardServer, config.dashboardPort),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        services.tasks.stopScheduler();
        services.workflows.stop();
        services.taskEvents.stopRetention();
        services.metrics.stopRetention();
        const closed = Promise.all(
          [httpServer, dashboardServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
        );
        await Promise.all([websocket.close(), dashboardWebsocket.close()]);
        httpServer.closeAllConnections();
        dashboardServer.closeAllConnections();
        await services.manager.shutdown();
        await closed;
        supervisor.dispose();
        await redis?.close();
        await database.close();
      })();
      return stopped;
    },
  };
}
