import type { CORSOptions } from 'graphql-yoga';
import { CSRF_HEADER } from './csrf.js';
import type { OriginPolicy } from './origin-policy.js';

/**
 * Yoga's CORS answer for a request: pages of an origin in CORS_ORIGINS may call (with a bearer
 * token, never cookies: no credentials); any other origin gets no CORS headers, so the browser
 * keeps its response from the page and refuses to send a preflighted request at all. Same-origin
 * pages need no CORS headers. (Yoga's default would allow every origin.)
 */
export function corsFor(policy: OriginPolicy): (request: Request) => CORSOptions {
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !policy.isListed(origin)) return false;
    return {
      origin: [origin],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept', CSRF_HEADER],
      credentials: false,
      maxAge: 600,
    };
  };
}
