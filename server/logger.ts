import { pino, type DestinationStream, type Logger } from 'pino';
import { logContextMixin } from './observability/log-context-mixin.js';

export type { Logger };

/**
 * JSON lines on stdout (or `destination`). Every line carries the ids of the work it was written
 * for (requestId, agentId, taskId, runId: see observability/log-context.ts).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'agent-control-plane' },
    mixin: logContextMixin,
    // Nothing logs these; if a future line does, the value still stays out of the log.
    redact: { paths: ['authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'connectionParams', '*.connectionParams'], censor: '***' },
  };
  return destination ? pino(options, destination) : pino(options);
}
