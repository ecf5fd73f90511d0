/**
 * The examples' client: the API at ACP_URL (default http://127.0.0.1:4005/graphql), with the
 * token in ACP_TOKEN if set. The ws package gives Node 20 a WebSocket for the subscriptions.
 *
 * In a project of your own, import from '@agent-control-plane/sdk' instead.
 */
import WebSocket from 'ws';
import { createClient, type Client } from '../client/sdk/src/index.js';

export const DEFAULT_URL = 'http://127.0.0.1:4005/graphql';

export function connect(): Client {
  return createClient({
    url: process.env.ACP_URL || DEFAULT_URL,
    token: process.env.ACP_TOKEN || undefined,
    webSocketImpl: WebSocket,
  });
}
