import type { Counter } from 'prom-client';
import { EventBus, type Topics } from '../realtime/event-bus.js';

/** The event bus, counting what this node publishes by topic (acp_events_published_total). */
export class MeteredEventBus extends EventBus {
  constructor(
    bufferLimit: number,
    private readonly published: Counter<'topic'>,
  ) {
    super(bufferLimit);
  }

  override publish<K extends keyof Topics>(topic: K, scope: string, payload: Topics[K]): void {
    this.published.inc({ topic });
    super.publish(topic, scope, payload);
  }
}
