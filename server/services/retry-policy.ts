import type { TaskErrorType } from '../db/types.js';

/**
 * Failures another attempt may cure: the process crashed or hung, the API was down or
 * overloaded, or the run was cut short from outside. The rest would fail the same way again
 * (credentials, a request the API rejects, a limit or budget) or were asked for (cancel).
 */
const RETRYABLE: ReadonlySet<TaskErrorType> = new Set<TaskErrorType>([
  'API_ERROR',
  'AGENT_EXITED',
  'EXECUTION_ERROR',
  'TIMEOUT',
  'SILENCE_TIMEOUT',
  'INTERRUPTED',
  'AGENT_TERMINATED',
  'UNKNOWN',
]);

/** Failures that were not the task's doing retry at once; the others wait out a backoff. */
const WITHOUT_BACKOFF: ReadonlySet<TaskErrorType> = new Set<TaskErrorType>(['INTERRUPTED', 'AGENT_TERMINATED']);

export function isRetryable(errorType: TaskErrorType): boolean {
  return RETRYABLE.has(errorType);
}

/**
 * When the next attempt may start: exponential backoff from the attempt that just failed
 * (1 -> base, 2 -> 2 x base, ...), capped, with up to 20% jitter so retries spread out.
 */
export function retryDelayMs(
  errorType: TaskErrorType,
  failedAttempt: number,
  policy: { backoffMs: number; maxBackoffMs: number },
  random: () => number = Math.random,
): number {
  if (WITHOUT_BACKOFF.has(errorType) || policy.backoffMs === 0) return 0;
  const exponential = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.round(exponential * (1 - 0.2 * random()));
}
