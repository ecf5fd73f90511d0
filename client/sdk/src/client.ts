/** createClient: typed queries and mutations over fetch, subscriptions over one graphql-ws socket. */
import { mutationMethods } from './operations/mutations.js';
import { queryMethods } from './operations/queries.js';
import { subscriptionMethods, type OpenStream } from './operations/subscriptions.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { EventStream } from './streams/event-stream.js';
import { bearerAuthorization } from './transport/authorization.js';
import { documentText } from './transport/document-text.js';
import { httpExecutor } from './transport/http.js';
import { Socket } from './transport/socket.js';

export type Client = ReturnType<typeof queryMethods> &
  ReturnType<typeof mutationMethods> &
  ReturnType<typeof subscriptionMethods> & {
    /** Ends every open stream and closes the socket. Queries still work; a new stream opens a new socket. */
    dispose(): Promise<void>;
  };

export function createClient(options: ClientOptions): Client {
  const resolved = resolveOptions(options);
  const authorization = bearerAuthorization(resolved.token);
  const execute = httpExecutor({ url: resolved.url, fetch: resolved.fetch, authorization, timeoutMs: resolved.requestTimeoutMs });
  const socket = new Socket({
    url: resolved.wsUrl,
    webSocketImpl: resolved.webSocketImpl,
    authorization,
    reconnect: resolved.reconnect,
    keepAliveMs: resolved.keepAliveMs,
  });
  const open = new Set<EventStream<unknown>>();

  const openStream: OpenStream = (document, variables, select, position) => {
    const { query, operationName } = documentText(document);
    const stream = new EventStream(
      () => socket.get(),
      {
        query,
        operationName,
        variables: { ...variables } as Record<string, unknown>,
        // The document's type is the shape of its results.
        select: (data) => select(data as Parameters<typeof select>[0]),
        position,
      },
      resolved.maxBufferedEvents,
      () => open.delete(stream),
    );
    open.add(stream);
    return stream;
  };

  return {
    ...queryMethods(execute),
    ...mutationMethods(execute),
    ...subscriptionMethods(openStream),
    async dispose() {
      for (const stream of [...open]) await stream.return();
      await socket.dispose();
    },
  };
}
