import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Plugin } from 'graphql-yoga';

/** The header every GraphQL request that a browser could send without a preflight must carry. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * A page elsewhere may make the browser send "simple" requests (a GET, a form POST) to this
 * server without asking it first; in local mode no token is needed, so such a request would act
 * as the local user. Requiring a custom header forces a CORS preflight, which only the server's
 * own pages and CORS_ORIGINS pass. POSTs of application/json are preflighted already and need
 * no header (the SDK and most tools send them).
 */
export function useCsrfPrevention(): Plugin {
  return useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }) as Plugin;
}
