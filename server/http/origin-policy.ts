/**
 * Which web pages may call the API from a browser: pages of the server's own origin (the
 * dashboard, GraphiQL) and those listed in CORS_ORIGINS. Programs that are not browsers send no
 * Origin header and are not concerned: their token (or local mode) is what lets them in.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  /** `allowed`: origins such as https://ops.example.com (normalised by config). */
  constructor(allowed: readonly string[]) {
    this.allowed = new Set(allowed);
  }

  /** Whether a page of `origin` may call, for a request that arrived with this Host header. */
  allows(origin: string, host: string | undefined): boolean {
    return this.isListed(origin) || isSameOrigin(origin, host);
  }

  /** Whether `origin` is one of CORS_ORIGINS (a page elsewhere that may call cross-origin). */
  isListed(origin: string): boolean {
    return this.allowed.has(origin);
  }
}

/**
 * The page was served by this very server: the Origin's host:port is the Host the browser sent
 * (through a proxy that keeps Host, such as Vite's dev server, too). "null" origins never are.
 */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
