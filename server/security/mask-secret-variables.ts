import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { secretMasker } from './secret-mask.js';

/** Mutation fields whose arguments carry a secret value. */
const SECRET_FIELDS = new Set(['setSessionSecret']);

/**
 * GraphQL's own errors for a malformed variable (an unknown or missing input field, a wrong
 * type) print the variable's value, input object and all, so a request that sets a secret
 * would get it back in its errors. In operations that call a secret field, every string of the
 * variables is masked in the error messages; the messages still name the field and the fault.
 */
export function useMaskSecretVariables(): Plugin {
  return {
    onExecute({ args }) {
      if (!callsSecretField(args.document)) return undefined;
      const strings = stringsIn(args.variableValues);
      if (strings.length === 0) return undefined;
      const mask = maskerFor(strings);
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.length) return;
          setResult({ ...result, errors: result.errors.map((error) => maskedError(error, mask)) });
        },
      };
    },
  };
}

function callsSecretField(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (SECRET_FIELDS.has(node.name.value)) found = true;
    },
  });
  return found;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Strings as GraphQL prints them (quoted, whatever their length), then long ones anywhere. */
function maskerFor(strings: string[]): (text: string) => string {
  const quoted = [...new Set(strings)].sort((a, b) => b.length - a.length).map((text) => JSON.stringify(text));
  const anywhere = secretMasker(strings);
  return (text) => {
    let masked = text;
    for (const needle of quoted) masked = masked.replaceAll(needle, '"***"');
    return anywhere ? anywhere(masked) : masked;
  };
}

function maskedError(error: GraphQLError, mask: (text: string) => string): GraphQLError {
  // The original error (a scalar's parse error) may quote the value too: it is left behind.
  return new GraphQLError(mask(error.message), { nodes: error.nodes, path: error.path, extensions: error.extensions, originalError: error.originalError ?? undefined });
}
