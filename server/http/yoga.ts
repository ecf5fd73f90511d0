import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import type { Context } from '../context.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { schema } from '../schema/index.js';
import { GRAPHIQL_EXAMPLE_TABS } from './graphiql-examples.js';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import { useAuditLog } from './audit.js';
import { useAuthentication } from './authentication.js';
import { corsFor } from './cors.js';
import { useCsrfPrevention } from './csrf.js';
import { useFreshLoadersPerEvent } from './fresh-loaders-per-event.js';
import { useMaskSecretVariables } from '../security/mask-secret-variables.js';
import type { OriginPolicy } from './origin-policy.js';
import { useQueryLimits } from './query-limits.js';
import { useMutationRateLimit } from './rate-limit-mutations.js';
import { useRejectMalformedParams } from './reject-malformed-params.js';
import type { Services } from '../services/index.js';
import { useSseSubscriptionCount } from '../observability/sse-subscription-count.js';
import type { Gauge } from 'prom-client';

export type Yoga = YogaServerInstance<Record<string, unknown>, Context>;

export interface GraphQLServerOptions {
  /** Which web pages may call from a browser (CORS). */
  origins: OriginPolicy;
  /** Mutations per minute per caller; 0 = no limit. */
  mutationsPerMinute: number;
  /** acp_graphql_subscriptions: kept current for server-sent events (graphql-ws counts its own). */
  subscriptionGauge: Gauge<'transport'>;
}

/**
 * The GraphQL server. Expected failures outside the typed error unions (a bad page size on a
 * list, an unknown task in a subscription) keep their message and carry their code; anything
 * else is masked so internals never leak.
 */
export function createGraphQLServer(services: Services, authenticator: Authenticator, log: Logger, options: GraphQLServerOptions): Yoga {
  // HTTP callers, by request (set by the authentication plugin); WebSocket callers come in the connection's extra.
  const callers = new WeakMap<Request, Principal>();
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: {
      title: 'Agent control plane',
      // Subscriptions from GraphiQL go over graphql-ws, the same socket clients use.
      subscriptionsProtocol: 'WS',
      defaultTabs: [...GRAPHIQL_EXAMPLE_TABS],
    },
    // Bundled assets: GraphiQL works on machines with no internet access.
    renderGraphiQL,
    landingPage: false,
    context: (initial) => ({ services, principal: callerOf(initial, callers) }),
    cors: corsFor(options.origins),
    plugins: [
      useAuthentication(authenticator, callers),
      useRejectMalformedParams(),
      useCsrfPrevention(),
      useQueryLimits(),
      useFreshLoadersPerEvent(),
      useMaskSecretVariables(),
      useAuditLog(),
      // After the audit log, so that a refused mutation is recorded too (ERROR, RATE_LIMITED).
      useMutationRateLimit(options.mutationsPerMinute),
      useSseSubscriptionCount(options.subscriptionGauge),
    ],
    logging: {
      debug: (...args) => logYoga(log, 'debug', args),
      info: (...args) => logYoga(log, 'info', args),
      warn: (...args) => logYoga(log, 'warn', args),
      error: (...args) => logYoga(log, 'error', args),
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        // Read originalError structurally: an error may come from another copy of graphql.
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (original instanceof DomainError) {
          return new GraphQLError(original.message, {
            nodes: error instanceof GraphQLError ? error.nodes : undefined,
            path: error instanceof GraphQLError ? error.path : undefined,
            extensions: { code: original.code, ...('field' in original ? { field: original.field } : {}) },
          });
        }
        return maskError(error, message, isDev);
      },
    },
  });
}

/** The caller the authentication step found: for HTTP by request, for WebSocket in the connection's extra. */
function callerOf(initial: { request?: Request; extra?: unknown }, callers: WeakMap<Request, Principal>): Principal {
  const principal = (initial.request && callers.get(initial.request)) ?? (initial.extra as { principal?: Principal } | undefined)?.principal;
  // Unreachable: both transports authenticate before any operation runs.
  if (!principal) throw new Error('an operation reached the schema without an authenticated caller');
  return principal;
}

/** Yoga logs a message or an error (an unexpected one, before it is masked): one JSON line each, the error under `err`. */
function logYoga(log: Logger, level: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void {
  const [first, ...rest] = args;
  const details = rest.length > 0 ? { details: rest } : {};
  if (first instanceof Error) log[level]({ err: first, ...details }, first.message);
  else log[level](details, String(first));
}
