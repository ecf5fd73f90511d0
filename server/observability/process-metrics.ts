import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * Node.js's own metrics (event-loop lag, heap, GC, CPU, handles): one set per process, made on
 * first use. Not prom-client's global registry, and not one per app: tests start many apps in
 * one process, and each set starts an event-loop monitor and a GC observer that never stop.
 */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
