import type { Services } from './services/index.js';

/** Per-request context, the same for HTTP and WebSocket operations. */
export interface Context {
  services: Services;
}
