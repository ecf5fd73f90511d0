import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { ConnectionStats } from '../realtime/connection-stats.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { AgentWorkQueue } from './agent-work-queue.js';

export interface ServiceDeps {
  db: Database;
  bus: EventBus;
  supervisor: Supervisor;
  queue: AgentWorkQueue;
  config: Config;
  log: Logger;
  connections: ConnectionStats;
}
