import { AsyncLocalStorage } from 'node:async_hooks';

/** The ids a log line is about; every field is optional, and only the ones that apply are set. */
export interface LogContext {
  /** One HTTP request or one WebSocket operation. */
  requestId?: string;
  /** The WebSocket connection an operation came in on. */
  connectionId?: string;
  agentId?: string;
  taskId?: string;
  runId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** The ids of the work running now (undefined outside any). */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs `work` with these ids added to the current ones (a request that touches an agent keeps its requestId). */
export function withLogContext<T>(ids: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...defined(ids) }, work);
}

/**
 * Runs `work` with only these ids. For work done on behalf of an agent or a run: it outlives the
 * request that happened to start it, and its lines must not carry that request's id forever.
 */
export function inOwnLogContext<T>(ids: LogContext, work: () => T): T {
  return storage.run(defined(ids), work);
}

/**
 * An async iterable whose steps run in the given context. An async generator's body runs in the
 * context of whoever calls next(), which for a subscription is the transport's loop, not the
 * operation that started it.
 */
export function iterateInLogContext<T>(source: AsyncIterable<T>, ids: LogContext): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const context = defined(ids);
  const wrapped: AsyncIterableIterator<T> = {
    next: (...args) => storage.run(context, () => iterator.next(...args)),
    return: (value?: unknown) =>
      storage.run(context, () => (iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value: undefined }))),
    throw: (error?: unknown) => storage.run(context, () => (iterator.throw ? iterator.throw(error) : Promise.reject(error))),
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}

function defined(ids: LogContext): LogContext {
  const out: LogContext = {};
  for (const [key, value] of Object.entries(ids) as [keyof LogContext, string | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}
