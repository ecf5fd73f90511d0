import type { Principal } from './auth/authenticator.js';
import type { Services } from './services/index.js';

/** Per-request context, the same for HTTP and WebSocket operations. */
export interface Context {
  services: Services;
  /** Who is calling (a token's holder, or the local user in local mode). */
  principal: Principal;
}
