import { GraphQLError, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { rootFieldNames } from './root-fields.js';
import { TokenBuckets } from './token-buckets.js';

/** extensions.code of a mutation refused because its caller sent too many too fast. */
export const RATE_LIMITED = 'RATE_LIMITED';

const MINUTE_MS = 60_000;

/**
 * Mutations start agents and spend money, so each caller gets `perMinute` of them (a burst of
 * that many, then that steady rate): per token, or in local mode per remote address. Every
 * mutation field counts, so aliases do not multiply the allowance. A refused operation runs no
 * resolver and gets a RATE_LIMITED error with HTTP 429 and Retry-After (over WebSocket, the error
 * alone). Queries and subscriptions are not limited here (the query limits bound their size).
 */
export function useMutationRateLimit(perMinute: number): Plugin<Context> {
  if (perMinute <= 0) return {};
  const buckets = new TokenBuckets(perMinute, MINUTE_MS);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const taken = buckets.take(callerKey(args.contextValue as Context), rootFieldNames(operation.selectionSet, args.document).length);
      if (taken.ok) return;
      setResultAndStopExecution({ errors: [rateLimited(perMinute, Math.ceil(taken.retryAfterMs / 1000))] });
    },
  };
}

export function rateLimited(perMinute: number, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `Too many mutations: a caller may run ${perMinute} a minute. Try again in ${retryAfterSeconds} s.`,
    {
      extensions: {
        code: RATE_LIMITED,
        retryAfterSeconds,
        http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
      },
    },
  );
}

/** A token's holder, or in local mode (no token) the address the request came from. */
function callerKey(context: Context): string {
  if (context.principal.tokenId !== null) return `token:${context.principal.tokenId}`;
  // Node's request: in the HTTP server context, or the WebSocket's upgrade request.
  const request = (context as { req?: { socket?: { remoteAddress?: string } } }).req;
  return `address:${request?.socket?.remoteAddress ?? 'unknown'}`;
}
