import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorCallbackConfiguration } from '@escape.tech/graphql-armor-types';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * How big one operation may be. Each is set above the largest operation the project ships or
 * tests (the dashboard's, the SDK's, GraphiQL's examples and introspection, the tests'; the
 * hardening test measures them all again), with room for hand-written queries. Depth and cost
 * count fields only: fragments and type conditions are free, so typed-error unions cost nothing.
 */
export const QUERY_LIMITS = {
  /** Nested fields. Deepest real operation: 7 (a test following every relation); the dashboard's: 6. */
  depth: 8,
  /**
   * graphql-armor's cost: 2 per object and 1 per scalar field, 1.5x per level, times a literal
   * `first` / `last`. Dearest real operation: the dashboard's task list, 15,875. Two nested lists
   * of 100 go far beyond it.
   */
  cost: 30_000,
  /** Aliased fields. A test polls 40 tasks in one query; the dashboard uses at most 4. */
  aliases: 50,
  /** No shipped operation uses a directive; room for @include / @skip by hand. */
  directives: 20,
  /** Lexical tokens, counted while parsing. Largest real operation: 723 (the 40 aliases). */
  tokens: 2_000,
  /** Characters of the document, comments included. Largest real operation: 3,599. */
  characters: 20_000,
} as const;

export type QueryLimit = keyof typeof QUERY_LIMITS;

/** extensions.code of an operation refused for its size. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

const WHAT: Record<QueryLimit, string> = {
  depth: 'its fields are nested too deeply',
  cost: 'it asks for too much at once (its cost is too high)',
  aliases: 'it has too many aliases',
  directives: 'it has too many directives',
  tokens: 'it is too long (too many tokens)',
  characters: 'it is too long (too many characters)',
};

/**
 * Says which limit an operation broke, not its value (as armor's exposeLimits: false), so that
 * nobody tunes an operation to sit just below it.
 * HTTP 400 as for any invalid request (`spec`: for application/graphql-response+json), set here
 * because Yoga caches parse errors and would not mark one first met over WebSocket.
 */
export function queryTooComplex(limit: QueryLimit): GraphQLError {
  return new GraphQLError(`The operation was refused: ${WHAT[limit]}.`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, http: { spec: true, status: 400 } },
  });
}

/**
 * Refuses oversized operations while they are parsed and validated, so none reaches a resolver:
 * graphql-armor's limits, a character limit, and "Did you mean …" suggestions hidden from
 * validation errors. Runs for HTTP and WebSocket alike (both parse and validate through Yoga).
 */
export function useQueryLimits(): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        EnvelopArmorPlugin({
          maxDepth: { n: QUERY_LIMITS.depth, flattenFragments: true, ...refuseWith('depth') },
          costLimit: { maxCost: QUERY_LIMITS.cost, flattenFragments: true, ...refuseWith('cost') },
          maxAliases: { n: QUERY_LIMITS.aliases, ...refuseWith('aliases') },
          maxDirectives: { n: QUERY_LIMITS.directives, ...refuseWith('directives') },
          maxTokens: { n: QUERY_LIMITS.tokens, ...refuseWith('tokens') },
          blockFieldSuggestion: { mask: '' },
        }) as Plugin,
      );
      // After armor: its token counter replaces the parser, and this wraps whichever is in place.
      addPlugin(useCharacterLimit(QUERY_LIMITS.characters));
    },
  };
}

/**
 * armor's own errors start "Syntax Error:" and carry no code; ours say which limit, with a code.
 * Validation rules report to their context (every error comes back at once); the token counter
 * runs inside the parser, which has no context, so it throws.
 */
function refuseWith(limit: QueryLimit): GraphQLArmorCallbackConfiguration & { exposeLimits: false } {
  return {
    exposeLimits: false,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null) => {
        const error = queryTooComplex(limit);
        if (!context) throw error;
        context.reportError(error);
      },
    ],
  };
}

/**
 * Refuses a document longer than `maxLength` before the parser reads it. Inside the parse
 * function, so Yoga answers it as the parse error it is (HTTP 400 for graphql-response+json).
 */
function useCharacterLimit(maxLength: number): Plugin {
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        const text = typeof source === 'string' ? source : source.body;
        if (text.length > maxLength) throw queryTooComplex('characters');
        return parseFn(source, options);
      });
    },
  };
}
