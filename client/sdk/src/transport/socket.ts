/** The one graphql-ws connection a client's subscriptions share. */
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { TransportError } from '../errors.js';
import type { Authorization } from './authorization.js';
import { retryWait, shouldRetry, type ReconnectPolicy } from './reconnect.js';

export interface SocketOptions {
  url: string;
  webSocketImpl: unknown;
  authorization: Authorization;
  reconnect: ReconnectPolicy;
  /** Ping interval; a pong missing for as long again means a dead connection, which is dropped and reopened. */
  keepAliveMs: number;
}

/** How long the server may take to acknowledge a new connection before it is retried. */
const ACK_TIMEOUT_MS = 10_000;

export class Socket {
  private client: WsClient | undefined;
  /** Whether the server has acknowledged the current connection. */
  private acknowledged = false;

  constructor(private readonly options: SocketOptions) {}

  /**
   * The graphql-ws client, created on first use, so that programs that only query need no
   * WebSocket implementation. It opens the socket with the first subscription and closes it when
   * the last one ends.
   */
  get(): WsClient {
    this.client ??= this.create();
    return this.client;
  }

  /** Closes the socket; a later subscription opens a new one. */
  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // graphql-ws's dispose waits for a pending connection to settle; a dead server would hold it.
    const disposed = Promise.resolve(client.dispose()).catch(() => {});
    if (!this.acknowledged) client.terminate();
    await disposed;
  }

  private create(): WsClient {
    const { url, authorization, reconnect, keepAliveMs } = this.options;
    const webSocketImpl = this.options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
    if (!webSocketImpl) {
      throw new TransportError('no WebSocket implementation: pass webSocketImpl to createClient (on Node 20, the ws package)');
    }
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    const client: WsClient = createWsClient({
      url,
      webSocketImpl,
      lazy: true,
      connectionParams: async () => {
        const value = await authorization();
        return value ? { authorization: value } : undefined;
      },
      retryAttempts: reconnect.attempts,
      retryWait: retryWait(reconnect),
      shouldRetry,
      keepAlive: keepAliveMs,
      connectionAckWaitTimeout: ACK_TIMEOUT_MS,
      on: {
        connected: () => {
          this.acknowledged = true;
        },
        ping: (received) => {
          // terminate() reports the socket closed at once (4499) and graphql-ws reconnects.
          if (!received) pongTimer = setTimeout(() => client.terminate(), keepAliveMs);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: () => {
          this.acknowledged = false;
          clearTimeout(pongTimer);
        },
      },
    });
    return client;
  }
}
