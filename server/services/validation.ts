import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';

/** Validates a service input; the first problem becomes an InvalidInputError naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'input';
  throw new InvalidInputError(field, issue?.message ?? 'invalid value');
}
