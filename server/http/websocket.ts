import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Context as ConnectionContext, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { ExecutionResult } from 'graphql';
import { WebSocketServer, type VerifyClientCallbackAsync, type WebSocket } from 'ws';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { Logger } from '../logger.js';
import { inOwnLogContext, iterateInLogContext, withLogContext, type LogContext } from '../observability/log-context.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../observability/request-id.js';
import type { ConnectionStats } from '../realtime/connection-stats.js';
import { endWhenTooSlow } from './backpressure.js';
import type { OriginPolicy } from './origin-policy.js';
import type { Yoga } from './yoga.js';

interface EnvelopedRoot {
  execute: (args: unknown) => unknown;
  subscribe: (args: unknown) => unknown;
  /** The operation's ids: its own requestId and its connection's. */
  logContext: LogContext;
}

/**
 * graphql-ws on the same path as HTTP GraphQL. Every operation goes through
 * yoga.getEnveloped, so WebSocket and HTTP share one plugin stack and one context factory.
 * A connection's id (the upgrade's sane x-request-id, else a new one) is echoed in the upgrade
 * response; each operation gets a requestId of its own, on every line logged while it runs.
 */
export function attachWebSocketServer(
  httpServer: Server,
  yoga: Yoga,
  limits: { stallMs: number; maxPayloadBytes: number },
  stats: ConnectionStats,
  authenticator: Authenticator,
  origins: OriginPolicy,
  log: Logger,
) {
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: yoga.graphqlEndpoint,
    maxPayload: limits.maxPayloadBytes,
    verifyClient: refuseForeignPages(origins),
  });
  const callers = new Map<WebSocket, Caller>();
  const connectionIds = new WeakMap<IncomingMessage, string>();
  wsServer.on('headers', (headers, request) => {
    const connectionId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    connectionIds.set(request, connectionId);
    headers.push(`${REQUEST_ID_HEADER}: ${connectionId}`);
  });
  // Open connections, each with graphql-ws's table of its running operations.
  const connections = new Set<ConnectionContext>();
  const disposable = useServer(
    {
      // The token comes in connectionParams ({ authorization: 'Bearer …' }); false closes the socket with 4403.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const principal = await authenticator.authenticate(authorization, ctx.extra.request.headers.host);
        if (!principal) return false;
        Object.assign(ctx.extra, { principal });
        const socket = ctx.extra.socket;
        callers.set(socket, { principal, authorization });
        connections.add(ctx);
        socket.once('close', () => {
          callers.delete(socket);
          connections.delete(ctx);
        });
        return true;
      },
      execute: (args) => {
        const root = args.rootValue as EnvelopedRoot;
        return inOwnLogContext(root.logContext, () => root.execute(args)) as never;
      },
      subscribe: async (args) => {
        const root = args.rootValue as EnvelopedRoot;
        const result = await inOwnLogContext(root.logContext, () => root.subscribe(args));
        return (isAsyncIterable(result) ? iterateInLogContext(endWhenTooSlow(result), root.logContext) : result) as never;
      },
      onSubscribe: (ctx, _id, params) => {
        const logContext = { requestId: randomUUID(), connectionId: connectionIds.get(ctx.extra.request) };
        return withLogContext(logContext, () => prepareOperation(ctx, params, logContext));
      },
    },
    wsServer,
  );

  /** Parses and validates an operation through Yoga's plugin stack, and builds its context. */
  async function prepareOperation(ctx: ConnectionContext<Record<string, unknown>, Extra>, params: SubscribePayload, logContext: LogContext) {
    log.debug({ operationName: params.operationName ?? undefined }, 'graphql-ws operation');
    const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
      ...ctx,
      req: ctx.extra.request,
      socket: ctx.extra.socket,
      params,
    });
    let document;
    try {
      document = parse(params.query);
    } catch (error) {
      return [error as import('graphql').GraphQLError];
    }
    const errors = validate(schema, document);
    if (errors.length > 0) return errors;
    const rootValue: EnvelopedRoot = { execute: execute as EnvelopedRoot['execute'], subscribe: subscribe as EnvelopedRoot['subscribe'], logContext };
    return {
      schema,
      operationName: params.operationName,
      document,
      variableValues: params.variables,
      contextValue: await contextFactory(),
      rootValue,
    };
  }

  const watchdog = cutOffStalledSockets(wsServer, limits.stallMs, stats);
  const revalidation = closeRevokedSockets(callers, authenticator);
  return {
    async close(): Promise<void> {
      clearInterval(watchdog);
      clearInterval(revalidation);
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
    /** Open WebSocket connections. */
    connectionCount: () => wsServer.clients.size,
    /**
     * Subscriptions running on these connections: graphql-ws's own table, which drops an
     * operation as soon as its client completes it or goes (queries in flight are not counted).
     */
    subscriptionCount: () => {
      let count = 0;
      for (const ctx of connections) count += Object.values(ctx.subscriptions).filter(isAsyncIterable).length;
      return count;
    },
  };
}

/**
 * Browsers let any page open a WebSocket to any server (no same-origin policy, no preflight), and
 * Yoga's CSRF and CORS checks do not see the upgrade: a page that is neither the server's own
 * (same host:port as the Host header) nor in CORS_ORIGINS gets HTTP 403. Programs that are not
 * browsers send no Origin and pass (their token is checked in connection_init).
 */
function refuseForeignPages(origins: OriginPolicy): VerifyClientCallbackAsync {
  return ({ origin, req }, done) => {
    // Typed as a string, but absent when the client sent none.
    if (!origin || origins.allows(origin, req.headers.host)) return done(true);
    done(false, 403, 'Forbidden: this page\'s origin may not open a WebSocket here');
  };
}

interface Caller {
  principal: Principal;
  authorization: unknown;
}

/** Close code for a connection whose token is missing, unknown or revoked (as graphql-ws's own Forbidden). */
export const FORBIDDEN_CLOSE_CODE = 4403;
/** How often open connections' tokens are checked again. */
const REVALIDATE_MS = 5_000;

/**
 * An open subscription does not ask for its token again, so a revoked token would keep its
 * streams: every few seconds each connection's token is checked, and a revoked one's socket is
 * closed with 4403.
 */
function closeRevokedSockets(callers: Map<WebSocket, Caller>, authenticator: Authenticator): NodeJS.Timeout {
  const timer = setInterval(() => {
    for (const [socket, caller] of callers) {
      void authenticator.stillValid(caller.principal, caller.authorization).then(
        (valid) => {
          if (!valid && socket.readyState === socket.OPEN) socket.close(FORBIDDEN_CLOSE_CODE, 'Forbidden: the token was revoked');
        },
        () => {},
      );
    }
  }, REVALIDATE_MS);
  timer.unref();
  return timer;
}

/** Close code for a connection cut off because its client stopped reading (retried by graphql-ws clients). */
export const CONSUMER_TOO_SLOW_CLOSE_CODE = 4010;
/** How long a cut-off client has to read what is queued (the close frame last) before the socket is dropped. */
const CLOSE_GRACE_MS = 10_000;

/** Per connection: the bytes it had flushed to the network at the last check, and since when. */
const progress = new WeakMap<WebSocket, { bytes: number; since: number }>();

/**
 * graphql-ws waits for each message to be written before it sends the next, so a client that
 * stops reading stalls its subscriptions rather than the server's memory (their queues are
 * bounded). A connection that has had unsent data and sent nothing for `stallMs` is closed with
 * CONSUMER_TOO_SLOW (the client reconnects and resumes from its cursors), then dropped.
 */
function cutOffStalledSockets(wsServer: WebSocketServer, stallMs: number, stats: ConnectionStats): NodeJS.Timeout {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socket of wsServer.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      const bytes = (socket as unknown as { _socket?: { bytesWritten: number } })._socket?.bytesWritten ?? 0;
      const last = progress.get(socket);
      if (socket.bufferedAmount === 0 || !last || bytes !== last.bytes) {
        progress.set(socket, { bytes, since: now });
        continue;
      }
      if (now - last.since < stallMs) continue;
      stats.cutOff += 1;
      socket.close(CONSUMER_TOO_SLOW_CLOSE_CODE, `CONSUMER_TOO_SLOW: nothing could be sent for ${Math.round((now - last.since) / 1000)} s; resume from your cursor`);
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }
  }, Math.min(1000, stallMs / 4));
  timer.unref();
  return timer;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
