import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/** Where `npm run dashboard:build` (run by `npm start`) writes the dashboard. */
export const DASHBOARD_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client/dashboard/dist');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Dashboard not built</title>
<p>The dashboard has not been built. Run <code>npm run dashboard:build</code> (<code>npm start</code> does it), then reload.
The GraphQL API and GraphiQL are at <a href="/graphql">/graphql</a>.</p>`;

/**
 * Serves the built dashboard: hashed assets cached for good, every other path answered with
 * index.html (the app routes on the client). Without a build, a page that says how to make one.
 */
export function createDashboardHandler(dist = DASHBOARD_DIST): (req: IncomingMessage, res: ServerResponse) => void {
  if (!existsSync(path.join(dist, 'index.html'))) {
    return (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(NOT_BUILT);
    };
  }
  const serve = sirv(dist, {
    single: true,
    etag: true,
    setHeaders(res, pathname) {
      // Vite names assets by content hash; index.html must always be revalidated.
      res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (req, res) =>
    serve(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    });
}
