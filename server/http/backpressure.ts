import { GraphQLError, type ExecutionResult } from 'graphql';
import { ConsumerTooSlowError } from '../errors.js';
import { returningPromptly } from '../realtime/returning-promptly.js';

/**
 * A subscription whose server-side queue overflowed (its client is too far behind) ends with a
 * CONSUMER_TOO_SLOW error as its last result, so the client knows to resubscribe from its cursor.
 * Ending it from the client ends the source at once (not at its next event).
 */
export function endWhenTooSlow(results: AsyncIterable<ExecutionResult>): AsyncGenerator<ExecutionResult> {
  const iterator = results[Symbol.asyncIterator]();
  return returningPromptly(untilTooSlow(iterator), () => void iterator.return?.()?.catch(() => {}));
}

async function* untilTooSlow(iterator: AsyncIterator<ExecutionResult>): AsyncGenerator<ExecutionResult> {
  try {
    for (;;) {
      let next: IteratorResult<ExecutionResult>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (!(error instanceof ConsumerTooSlowError)) throw error;
        yield { errors: [new GraphQLError(error.message, { extensions: { code: error.code } })] };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
