import { cacheExchange } from '@urql/exchange-graphcache';
import { Client, fetchExchange, mapExchange, subscriptionExchange, type ExecutionResult } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';
import schema from 'virtual:graphql-introspection';
import { AuthState } from './auth-state';
import { authorizationHeader, isAuthFailure, isForbiddenClose, signInReason, type TokenStore } from './auth-token';
import { cacheOptions } from './cache-config';
import { ConnectionState } from './connection-state';

interface DashboardClients {
  client: Client;
  streamClient: Client;
  connection: ConnectionState;
  auth: AuthState;
}

/**
 * The dashboard's urql client: graphcache normalises what queries and subscriptions return, so a
 * status pushed by a subscription updates every view of that object; subscriptions go over
 * graphql-ws on the page's own origin and retry forever after a drop (streams with a cursor then
 * resume from it: see useResumableStream), unless the server refused the token.
 *
 * Both send the stored token, if any; a refusal (HTTP 401, UNAUTHENTICATED, close 4403) asks for
 * a sign-in.
 */
export function createDashboardClient(tokens: TokenStore): DashboardClients {
  const connection = new ConnectionState();
  const auth = new AuthState();
  const requireSignIn = () => {
    auth.requireSignIn(signInReason(tokens.read()));
    connection.set('unauthorized');
  };
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = createWsClient({
    url: url.toString(),
    // A function, so every reconnection sends the token stored now.
    connectionParams: () => {
      const authorization = authorizationHeader(tokens.read());
      return authorization ? { authorization } : undefined;
    },
    retryAttempts: Infinity,
    // Retrying a refused token would only be refused again, forever.
    shouldRetry: (closeEventOrError) => !isForbiddenClose(closeEventOrError),
    keepAlive: 10_000,
    // graphql-ws doubles its wait without bound; a dashboard should be back within seconds of the server.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 10_000) + Math.random() * 500)),
    on: {
      connecting: () => connection.set('connecting'),
      connected: () => connection.set('connected'),
      closed: (event) => (isForbiddenClose(event) ? requireSignIn() : connection.set('disconnected')),
    },
  });
  const signInOnAuthFailure = mapExchange({
    onError: (error) => {
      if (isAuthFailure(error)) requireSignIn();
    },
  });
  // A function, so every request sends the token stored now. urql sends queries as GETs, which the
  // server refuses without the CSRF header (a page elsewhere cannot set it without a preflight).
  const fetchOptions = (): RequestInit => {
    const authorization = authorizationHeader(tokens.read());
    return { headers: { 'x-graphql-yoga-csrf': '1', ...(authorization ? { authorization } : {}) } };
  };
  const overWebSocket = subscriptionExchange({
    forwardSubscription: (request) => ({
      subscribe: (sink) => {
        let received = false;
        let unsubscribed = false;
        const dispose = ws.subscribe(
          { ...request, query: request.query ?? '' },
          {
            next: (result: ExecutionResult) => {
              received = true;
              sink.next(result);
            },
            error: (error) => sink.error(error),
            complete: () => {
              // urql marks the end of a stream (hasNext: false) only on a result it already had: a stream
              // the server completes before sending anything (taskEvents resumed at the end of a task that
              // has ended) must say so itself, or useResumableStream would wait for it forever.
              if (!received && !unsubscribed) sink.next({ data: null, hasNext: false });
              sink.complete();
            },
          },
        );
        return {
          unsubscribe: () => {
            unsubscribed = true;
            dispose();
          },
        };
      },
    }),
  });
  const client = new Client({
    url: '/graphql',
    fetchOptions,
    exchanges: [signInOnAuthFailure, cacheExchange({ ...cacheOptions, schema }), fetchExchange, overWebSocket],
  });
  // Transcripts and message feeds are logs the streams keep themselves: normalising each of their
  // events into the cache (hundreds a second with many agents) would only cost the main thread.
  const streamClient = new Client({ url: '/graphql', exchanges: [signInOnAuthFailure, overWebSocket] });
  return { client, streamClient, connection, auth };
}
