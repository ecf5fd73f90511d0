/**
 * A graphql-ws server on the checked-in schema whose subscriptions follow a script, for what the
 * real server never does on purpose: repeat events after a resume, close the socket with a given
 * code, end a subscription with CONSUMER_TOO_SLOW. Each subscribe message is handed to the script
 * with its index (1 for the first), and the script's async generator yields the events.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildSchema, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';

const SCHEMA = buildSchema(readFileSync(path.resolve(import.meta.dirname, '../../schema/schema.graphql'), 'utf8'));

export interface Subscribed {
  /** 1 for the first subscribe message of this field, 2 for the next, ... */
  index: number;
  args: Record<string, unknown>;
  /** The socket the subscription came on: the script may close or terminate it. */
  socket: WebSocket;
}

/**
 * Events of one subscription field, each the field's object (a TaskEvent, a Communication, ...);
 * a GraphQLError among them becomes an error result. A script that returns an error instead of
 * events fails the subscribe itself, which the server answers with an error result, then complete.
 */
export type Script = (subscribed: Subscribed) => AsyncGenerator<unknown> | GraphQLError;

export interface ScriptedServer {
  url: string;
  /** The arguments of each subscribe message, per field, in order. */
  subscribed: Record<string, Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Ends a subscription the way the real server does when its client fell behind. */
export function consumerTooSlow(): GraphQLError {
  return new GraphQLError('Subscriber fell behind', { extensions: { code: 'CONSUMER_TOO_SLOW' } });
}

/** A subscription field of the root value, as graphql-js calls it: arguments, then the context (graphql-ws's). */
type RootField = (args: Record<string, unknown>, context: { extra: { socket: WebSocket } }) => AsyncGenerator<unknown>;

export async function startScriptedServer(scripts: Record<string, Script>): Promise<ScriptedServer> {
  const httpServer = createServer();
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const subscribed: Record<string, Record<string, unknown>[]> = {};
  const subscription: Record<string, RootField> = {};
  for (const [field, script] of Object.entries(scripts)) {
    subscription[field] = (args, context) => {
      const calls = (subscribed[field] ??= []);
      calls.push(args);
      const events = script({ index: calls.length, args, socket: context.extra.socket });
      if (events instanceof GraphQLError) throw events;
      // graphql-js executes each event with it as the root value: the field reads itself from it.
      return (async function* () {
        for await (const value of events) yield { [field]: value };
      })();
    };
  }
  const disposable = useServer({ schema: SCHEMA, roots: { subscription }, context: (ctx) => ctx }, wsServer);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    subscribed,
    async close() {
      for (const socket of wsServer.clients) socket.terminate();
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
