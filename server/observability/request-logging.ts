import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.js';
import { withLogContext } from './log-context.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';

/** Probes and scrapes come every few seconds: their lines are debug, not info. */
const ROUTINE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const MAX_LOGGED_PATH = 200;

/**
 * Gives every HTTP request an id (the caller's sane x-request-id, else a new one), echoes it in
 * the response, runs the handler with it in the log context, and writes one line when the
 * response ends. The line has the path without its query string (a GET may carry variables) and
 * no headers (Authorization).
 */
export function withRequestLogging(
  log: Logger,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!.slice(0, MAX_LOGGED_PATH);
    res.once('close', () => {
      const line = {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (res.statusCode >= 500) log.warn(line, 'request failed');
      else if (ROUTINE_PATHS.has(path)) log.debug(line, 'request');
      else log.info(line, 'request');
    });
    return withLogContext({ requestId }, () => handle(req, res));
  };
}
