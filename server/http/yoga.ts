import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import type { Context } from '../context.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { schema } from '../schema/index.js';
import { GRAPHIQL_EXAMPLE_TABS } from './graphiql-examples.js';
import { useFreshLoadersPerEvent } from './fresh-loaders-per-event.js';
import { useRejectMalformedParams } from './reject-malformed-params.js';
import type { Services } from '../services/index.js';

export type Yoga = YogaServerInstance<Record<string, unknown>, Context>;

/**
 * The GraphQL server. Expected failures outside the typed error unions (a bad page size on a
 * list, an unknown task in a subscription) keep their message and carry their code; anything
 * else is masked so internals never leak.
 */
export function createGraphQLServer(services: Services, log: Logger): Yoga {
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
    context: () => ({ services }),
    plugins: [useRejectMalformedParams(), useFreshLoadersPerEvent()],
    logging: {
      debug: (...args) => log.debug(args),
      info: (...args) => log.info(args),
      warn: (...args) => log.warn(args),
      error: (...args) => log.error(args),
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
