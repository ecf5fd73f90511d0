import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticator.js';
import { UNAUTHENTICATED_MESSAGE } from '../http/authentication.js';
import type { Logger } from '../logger.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

export const METRICS_PATH = '/metrics';

/**
 * Answers GET /metrics in Prometheus's text format; false for other paths. It tells how busy the
 * system is and what it costs, so it takes the same bearer token as the API (any role, not limited
 * to sessions); in local mode (loopback, no token yet) it is open like the API.
 */
export async function handleMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { authenticator: Authenticator; metrics: PrometheusMetrics; log: Logger },
): Promise<boolean> {
  if (req.url?.split('?')[0] !== METRICS_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method Not Allowed\n');
    return true;
  }
  try {
    const principal = await deps.authenticator.authenticate(req.headers.authorization, req.headers.host);
    if (!principal) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer', 'cache-control': 'no-store' });
      res.end(`${UNAUTHENTICATED_MESSAGE}\n`);
      return true;
    }
    // The figures span every session, like the systemStatus and metrics queries.
    if (principal.sessionIds !== null) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('This token is limited to some sessions; metrics span them all. Use a token of any role without a session limit.\n');
      return true;
    }
    const body = await deps.metrics.text();
    res.writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    // The token check reads the database: when it cannot, the scrape fails rather than the server.
    deps.log.warn({ err: error }, 'metrics could not be served');
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('Metrics are unavailable right now.\n');
  }
  return true;
}
