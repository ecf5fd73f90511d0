import { AsyncLocalStorage } from 'node:async_hooks';

/** What an executing mutation has met so far: the typed errors its fields returned. */
export interface MutationTrace {
  typedErrorCodes: string[];
}

const current = new AsyncLocalStorage<MutationTrace>();

/** Runs a mutation's execution with a trace its typed errors are noted in. */
export function traceMutation<T>(trace: MutationTrace, execute: () => T): T {
  return current.run(trace, execute);
}

/**
 * Called by the errors plugin for every expected failure it turns into a typed result (not
 * raised as a GraphQL error, so the execution result alone does not show it).
 */
export function noteTypedError(error: Error): void {
  const code = (error as { code?: unknown }).code;
  current.getStore()?.typedErrorCodes.push(typeof code === 'string' ? code : error.name);
}
