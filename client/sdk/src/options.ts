/** What createClient accepts, and the defaults. */
import type { TokenSource } from './transport/authorization.js';
import { DEFAULT_RECONNECT, type ReconnectPolicy } from './transport/reconnect.js';

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4005/graphql. */
  url: string;
  /** The WebSocket endpoint for subscriptions; defaults to `url` with ws: or wss:. */
  wsUrl?: string;
  /** Sent as `Authorization: Bearer <token>` and in the WebSocket's connectionParams. */
  token?: TokenSource;
  /** A WebSocket class for subscriptions; defaults to globalThis.WebSocket (Node 22+, browsers). On Node 20 pass the ws package's. */
  webSocketImpl?: unknown;
  /** The fetch to use for queries and mutations; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** How long a query or mutation may take (default 30 s). */
  requestTimeoutMs?: number;
  /** How subscriptions reconnect after the connection drops (default: 30 attempts in a row, waits up to 5 s). */
  reconnect?: Partial<ReconnectPolicy>;
  /** Ping interval of the WebSocket (default 10 s); a connection that misses a pong is reopened. */
  keepAliveMs?: number;
  /**
   * Events a stream holds for a reader that is behind (default 10000). At the bound it stops
   * receiving until the reader has caught up, then subscribes again: taskEvents and
   * agentCommunication from where they stood (nothing lost), the live-only streams from then on.
   */
  maxBufferedEvents?: number;
}

export type ResolvedOptions = Required<Omit<ClientOptions, 'token' | 'webSocketImpl' | 'reconnect'>> &
  Pick<ClientOptions, 'token' | 'webSocketImpl'> & { reconnect: ReconnectPolicy };

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    ...options,
    wsUrl: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
    // Bound, so that a fetch that reads `this` still finds globalThis.
    fetch: fetchImpl.bind(globalThis),
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    keepAliveMs: options.keepAliveMs ?? 10_000,
    maxBufferedEvents: Math.max(2, options.maxBufferedEvents ?? 10_000),
  };
}
