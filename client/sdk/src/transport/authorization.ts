/** The bearer token, sent as the Authorization header over HTTP and in graphql-ws connectionParams. */

/** A fixed token, or a function asked before each request and each (re)connection (for tokens that expire). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export type Authorization = () => Promise<string | undefined>;

export function bearerAuthorization(token: TokenSource | undefined): Authorization {
  return async () => {
    const value = typeof token === 'function' ? await token() : token;
    return value ? `Bearer ${value}` : undefined;
  };
}
