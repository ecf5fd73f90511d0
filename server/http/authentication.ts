import type { Plugin } from 'graphql-yoga';
import type { Authenticator, Principal } from '../auth/authenticator.js';

export const UNAUTHENTICATED_MESSAGE =
  'An API token is required (Authorization: Bearer <token>); this one is missing, unknown or revoked.';

/**
 * Every GraphQL request over HTTP carries a valid token (in local mode none is needed); the
 * caller is remembered for the request's context. GraphiQL's page itself holds no data, so it
 * loads without one (its requests then carry the token set in its headers).
 */
export function useAuthentication(authenticator: Authenticator, callers: WeakMap<Request, Principal>): Plugin {
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      if (request.method === 'GET' && request.headers.get('accept')?.includes('text/html')) return;
      const principal = await authenticator.authenticate(
        request.headers.get('authorization'),
        // The adapter builds the URL from the Host header (in-process fetches have only the URL).
        new URL(request.url).host,
      );
      if (principal) {
        callers.set(request, principal);
        return;
      }
      const body = JSON.stringify({ errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] });
      endResponse(new fetchAPI.Response(body, { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' } }));
    },
  };
}
