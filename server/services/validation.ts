import { z } from 'zod';
import { InvalidInputError } from '../errors.js';

/** NUL, or half of a surrogate pair: Postgres cannot store either (text and jsonb reject NUL, jsonb a lone surrogate). */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A model name or alias, as agents and workflows take it (never a flag). */
export const modelName = z
  .string()
  .trim()
  .max(100)
  .regex(/^[A-Za-z0-9][\w.:[\]-]*$/, 'must be a model name or alias such as sonnet');

/** Validates a service input; the first problem becomes an InvalidInputError naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : 'input';
    throw new InvalidInputError(field, issue?.message ?? 'invalid value');
  }
  const unstorable = findUnstorable(parsed.data, []);
  if (unstorable) {
    throw new InvalidInputError(unstorable.join('.') || 'input', 'must not contain NUL characters or unpaired surrogates');
  }
  return parsed.data;
}

/** The path of the first string that cannot be stored as given. */
function findUnstorable(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorable(item, [...path, index]);
      if (found) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnstorable(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
