import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Gauge } from 'prom-client';

/**
 * Keeps acp_graphql_subscriptions{transport="sse"} equal to the subscriptions running over
 * server-sent events on this node. A subscription counts from its first read to its end, however
 * it ends: completed, cancelled by the client (Yoga calls return()), or failed. graphql-ws
 * operations are counted by the WebSocket server from its own table of operations (see
 * http/websocket.ts), which drops an operation the moment its client completes it.
 */
export function useSseSubscriptionCount(gauge: Gauge<'transport'>): Plugin {
  return {
    onSubscribe({ args }) {
      // graphql-ws operations carry their socket in the context; HTTP ones do not.
      if ((args.contextValue as { socket?: unknown }).socket !== undefined) return undefined;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(counted(result, gauge));
        },
      };
    },
  };
}

/**
 * A hand-written iterator rather than an async generator: a generator's return() waits for the
 * pending next() (the next event, which may never come), while this one ends the count at once.
 */
function counted(source: AsyncIterable<ExecutionResult>, gauge: Gauge<'transport'>): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let state: 'unread' | 'open' | 'ended' = 'unread';
  const end = () => {
    if (state === 'open') gauge.dec({ transport: 'sse' });
    state = 'ended';
  };
  const counting: AsyncIterableIterator<ExecutionResult> = {
    next: () => {
      if (state === 'unread') {
        state = 'open';
        gauge.inc({ transport: 'sse' });
      }
      return iterator.next().then(
        (step) => {
          if (step.done) end();
          return step;
        },
        (error: unknown) => {
          end();
          throw error;
        },
      );
    },
    return: (value?: unknown) => {
      end();
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value: undefined });
    },
    throw: (error?: unknown) => {
      end();
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => counting,
  };
  return counting;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
