import { useEffect } from 'react';
import type { CombinedError } from 'urql';

/** Wait before resubscribing after the server ended a stream with an error (e.g. CONSUMER_TOO_SLOW). */
export const RESUBSCRIBE_MS = 1500;
/** Errors that another attempt cannot cure. */
const FINAL_ERROR_CODES = new Set(['INVALID_INPUT', 'NOT_FOUND']);

export function isFinalError(error: CombinedError): boolean {
  return error.graphQLErrors.some((graphQLError) => FINAL_ERROR_CODES.has(String(graphQLError.extensions?.code)));
}

/**
 * Subscribes again a little after a subscription ended with an error another attempt may cure: a
 * subscriber the server cut off for falling behind (CONSUMER_TOO_SLOW) is not resubscribed by
 * graphql-ws, and urql's useSubscription would stay silent from then on. Pass useSubscription's
 * error and its execute function.
 */
export function useResubscribeOnError(error: CombinedError | undefined, resubscribe: () => void): void {
  useEffect(() => {
    if (!error || isFinalError(error)) return;
    const timer = setTimeout(resubscribe, RESUBSCRIBE_MS);
    return () => clearTimeout(timer);
  }, [error, resubscribe]);
}
