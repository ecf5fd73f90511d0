import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthProbes {
  /** Ready to serve: the database answers and the server is not shutting down. */
  ready(): Promise<{ ok: boolean; checks: Record<string, boolean> }>;
}

/** Answers /healthz (the process is up) and /readyz (it can do work); false for other paths. */
export async function handleHealth(req: IncomingMessage, res: ServerResponse, probes: HealthProbes): Promise<boolean> {
  const url = req.url?.split('?')[0];
  if (url === '/healthz') {
    send(res, 200, { status: 'ok' });
    return true;
  }
  if (url === '/readyz') {
    const { ok, checks } = await probes.ready();
    send(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
