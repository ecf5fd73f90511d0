import { CloseCode } from 'graphql-ws';
import type { CombinedError } from 'urql';

/**
 * The dashboard's API token: kept in localStorage, sent as `Authorization: Bearer <token>` over
 * HTTP and in graphql-ws connectionParams, and the rules for telling that the server refused it.
 * No DOM here (the tests run in Node): storage is passed in.
 */

export const TOKEN_STORAGE_KEY = 'acp.token';

/** What the token store needs of localStorage. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** `acp_` and 43 base64url characters, as `npm run token -- create` prints it. */
const TOKEN_PATTERN = /^acp_[A-Za-z0-9_-]{43}$/;

/** The code graphql-ws closes with when the server refuses the token in connectionParams. */
export const FORBIDDEN_CLOSE_CODE = CloseCode.Forbidden;

/** localStorage, or none where the browser blocks site storage (reading the property then throws). */
export function browserTokenStorage(): TokenStorage | undefined {
  try {
    return (globalThis as { localStorage?: TokenStorage }).localStorage;
  } catch {
    return undefined;
  }
}

export class TokenStore {
  private readonly storage: TokenStorage | undefined;

  constructor(storage: TokenStorage | undefined) {
    this.storage = storage;
  }

  /** The stored token, read afresh each time so every request and reconnection sends the current one. */
  read(): string | undefined {
    try {
      return this.storage?.getItem(TOKEN_STORAGE_KEY) || undefined;
    } catch {
      return undefined;
    }
  }

  /** Throws when the browser will not store it, so the sign-in form can say so. */
  save(token: string): void {
    if (!this.storage) throw new Error('this browser does not let the dashboard store the token');
    this.storage.setItem(TOKEN_STORAGE_KEY, token);
  }

  clear(): void {
    try {
      this.storage?.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      // Storage blocked: there is nothing stored to clear.
    }
  }
}

/** The Authorization value for a token, or none without one (local mode needs no token). */
export function authorizationHeader(token: string | undefined): string | undefined {
  return token ? `Bearer ${token}` : undefined;
}

export type TokenInput = { ok: true; token: string } | { ok: false; message: string };

/** What was typed or pasted into the sign-in form, checked before it is stored. */
export function parseTokenInput(input: string): TokenInput {
  // Copied from a terminal or a header: surrounding space and a "Bearer " prefix are not the token.
  const token = input.trim().replace(/^bearer\s+/i, '');
  if (!token) return { ok: false, message: 'Enter an API token.' };
  if (!TOKEN_PATTERN.test(token)) {
    return { ok: false, message: 'That is not an API token: a token is acp_ followed by 43 letters, digits, "-" or "_".' };
  }
  return { ok: true, token };
}

/** Whether graphql-ws's closed event (or the error it ends subscriptions with) is the server refusing the token. */
export function isForbiddenClose(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { code?: unknown }).code === FORBIDDEN_CLOSE_CODE;
}

/**
 * Whether a request failed because the token is missing, unknown or revoked: HTTP 401, an
 * UNAUTHENTICATED GraphQL error, or a socket closed with 4403. A token without the role an
 * operation needs is a different error (FORBIDDEN) and keeps the page.
 */
export function isAuthFailure(error: CombinedError): boolean {
  const response = error.response as { status?: unknown } | undefined;
  if (response?.status === 401) return true;
  if (error.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === 'UNAUTHENTICATED')) return true;
  return isForbiddenClose(error.networkError);
}

/** Why the sign-in screen is shown: no token was stored, or the stored one was refused. */
export type SignInReason = 'token-required' | 'token-refused';

export function signInReason(storedToken: string | undefined): SignInReason {
  return storedToken ? 'token-refused' : 'token-required';
}
