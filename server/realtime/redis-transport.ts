import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { BusTransport, EventBus, Topics } from './event-bus.js';

const TOPICS: (keyof Topics)[] = ['taskEvent', 'agentStatus', 'incident', 'task', 'communication', 'systemStatus', 'stopTurn'];
const CHANNEL_PREFIX = 'acp:';

/**
 * Publications through Redis pub/sub, so that a subscriber on any node receives what every node
 * publishes. One connection publishes, one listens (a subscribed Redis connection can do nothing
 * else). Payloads are JSON with dates tagged, so they arrive as they left.
 */
export class RedisTransport implements BusTransport {
  private constructor(
    private readonly publisher: Redis,
    private readonly listener: Redis,
    private readonly log: Logger,
  ) {}

  /** Connects both connections and listens on every topic; rejects if Redis cannot be reached. */
  static async connect(url: string, bus: EventBus, log: Logger): Promise<RedisTransport> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    const publisher = new Redis(url, options);
    const listener = new Redis(url, options);
    const transport = new RedisTransport(publisher, listener, log);
    for (const connection of [publisher, listener]) {
      // Reconnection is ioredis's own; an error event must not crash the server.
      connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
    }
    try {
      await Promise.all([publisher.connect(), listener.connect()]);
    } catch (error) {
      publisher.disconnect();
      listener.disconnect();
      const where = new URL(url);
      throw new Error(`Redis at ${where.hostname}:${where.port || 6379} (REDIS_URL) cannot be reached: ${(error as Error).message}`, { cause: error });
    }
    listener.on('message', (channel: string, message: string) => {
      const topic = channel.slice(CHANNEL_PREFIX.length) as keyof Topics;
      try {
        const { scope, payload } = JSON.parse(message, reviveDates) as { scope: string; payload: unknown };
        bus.receive(topic, scope, payload);
      } catch (error) {
        log.warn({ err: error, channel }, 'unreadable message from redis');
      }
    });
    await listener.subscribe(...TOPICS.map((topic) => CHANNEL_PREFIX + topic));
    return transport;
  }

  send(topic: keyof Topics, scope: string, payload: unknown): boolean {
    if (this.publisher.status !== 'ready' || this.listener.status !== 'ready') return false;
    const message = JSON.stringify({ scope, payload }, tagDates);
    this.publisher.publish(CHANNEL_PREFIX + topic, message).catch((error: unknown) => {
      this.log.warn({ err: error, topic }, 'could not publish to redis');
    });
    return true;
  }

  /** Both connections answer. */
  ready(): boolean {
    return this.publisher.status === 'ready' && this.listener.status === 'ready';
  }

  async close(): Promise<void> {
    this.listener.disconnect();
    this.publisher.disconnect();
  }
}

function tagDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? { $date: raw.toISOString() } : value;
}

function reviveDates(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$date' in value && Object.keys(value).length === 1) {
    return new Date((value as { $date: string }).$date);
  }
  return value;
}
