import { pino, type Logger } from 'pino';
import { currentLogContext, type LogContext } from './log-context.js';

/** Per child logger: the keys it already binds (a child with { agentId } needs none from the context). */
const boundKeys = new WeakMap<Logger, { chindings: unknown; keys: Set<string> }>();

/**
 * pino's mixin: the current ids on every line. Ids a child logger binds, or the call passes
 * itself, win (pino merges the call's object over this one), so no key is written twice.
 */
export function logContextMixin(_mergeObject: object, _level: number, logger: Logger): object {
  const context = currentLogContext();
  // A new object every time: pino merges the line's own fields into what this returns.
  if (!context) return {};
  const bound = keysBoundBy(logger);
  const ids: LogContext = {};
  for (const [key, value] of Object.entries(context) as [keyof LogContext, string][]) {
    if (!bound.has(key)) ids[key] = value;
  }
  return ids;
}

function keysBoundBy(logger: Logger): Set<string> {
  const chindings = (logger as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym];
  const cached = boundKeys.get(logger);
  if (cached && cached.chindings === chindings) return cached.keys;
  const keys = new Set(Object.keys(logger.bindings()));
  boundKeys.set(logger, { chindings, keys });
  return keys;
}
