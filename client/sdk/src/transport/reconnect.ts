/**
 * When a subscription's connection drops (a server restart, 1006; a graceful shutdown, 1001; a
 * cut-off for reading too slowly, 4010 CONSUMER_TOO_SLOW; a refused connection while the server is
 * down), graphql-ws reconnects and sends every open subscription again. graphql-ws itself gives up
 * at once on close codes that say retrying cannot help (4400 bad request, 4401 unauthorized, ...),
 * before asking shouldRetry; everything else is worth another attempt.
 */
export interface ReconnectPolicy {
  /** Attempts in a row before the streams fail with a TransportError; the count restarts on each connection. */
  attempts: number;
  /** The longest wait between attempts; waits double from 250 ms up to it, with jitter. */
  maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 30, maxDelayMs: 5_000 };

const FIRST_DELAY_MS = 250;

export function shouldRetry(): boolean {
  return true;
}

export function retryWait(policy: ReconnectPolicy): (retries: number) => Promise<void> {
  return (retries) => {
    const ceiling = Math.min(policy.maxDelayMs, FIRST_DELAY_MS * 2 ** retries);
    // Half to all of the ceiling, so clients cut off together do not all come back together.
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    return new Promise((resolve) => setTimeout(resolve, delay));
  };
}
