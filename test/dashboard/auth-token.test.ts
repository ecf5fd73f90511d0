/**
 * The dashboard's token handling: where the token is kept, what the sign-in form accepts, and which
 * failures mean "sign in" (401, UNAUTHENTICATED, close 4403) as opposed to any other error.
 */
import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { AuthState } from '../../client/dashboard/src/api/auth-state.js';
import {
  authorizationHeader,
  isAuthFailure,
  isForbiddenClose,
  parseTokenInput,
  signInReason,
  TOKEN_STORAGE_KEY,
  TokenStore,
  type TokenStorage,
} from '../../client/dashboard/src/api/auth-token.js';
import { ConnectionState } from '../../client/dashboard/src/api/connection-state.js';

const TOKEN = `acp_${'A'.repeat(20)}-_${'z9'.repeat(10)}x`;

/** localStorage's contract, over a Map. */
function memoryStorage(): TokenStorage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, value),
    removeItem: (key) => void entries.delete(key),
  };
}

/** A browser that blocks site data: every access throws. */
const blockedStorage: TokenStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('SecurityError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};

describe('TokenStore', () => {
  it('keeps the token under acp.token until it is cleared', () => {
    const storage = memoryStorage();
    const tokens = new TokenStore(storage);
    expect(tokens.read()).toBeUndefined();
    tokens.save(TOKEN);
    expect(storage.entries.get(TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(tokens.read()).toBe(TOKEN);
    tokens.clear();
    expect(tokens.read()).toBeUndefined();
    expect(storage.entries.has(TOKEN_STORAGE_KEY)).toBe(false);
  });

  it('reads what another tab stored since: each request sends the current token', () => {
    const storage = memoryStorage();
    const tokens = new TokenStore(storage);
    storage.setItem(TOKEN_STORAGE_KEY, TOKEN);
    expect(tokens.read()).toBe(TOKEN);
  });

  it('treats an empty value as no token', () => {
    const storage = memoryStorage();
    storage.setItem(TOKEN_STORAGE_KEY, '');
    expect(new TokenStore(storage).read()).toBeUndefined();
  });

  it('runs without a token where storage is blocked, and says so when asked to store one', () => {
    for (const tokens of [new TokenStore(blockedStorage), new TokenStore(undefined)]) {
      expect(tokens.read()).toBeUndefined();
      expect(() => tokens.clear()).not.toThrow();
      expect(() => tokens.save(TOKEN)).toThrow();
    }
  });
});

describe('authorizationHeader', () => {
  it('is a bearer token, and absent without a token (local mode)', () => {
    expect(authorizationHeader(TOKEN)).toBe(`Bearer ${TOKEN}`);
    expect(authorizationHeader(undefined)).toBeUndefined();
  });
});

describe('parseTokenInput', () => {
  it('accepts acp_ and 43 base64url characters', () => {
    expect(TOKEN).toHaveLength(47);
    expect(parseTokenInput(TOKEN)).toEqual({ ok: true, token: TOKEN });
  });

  it('drops surrounding space and a pasted "Bearer " prefix', () => {
    expect(parseTokenInput(`  ${TOKEN}\n`)).toEqual({ ok: true, token: TOKEN });
    expect(parseTokenInput(`Bearer ${TOKEN}`)).toEqual({ ok: true, token: TOKEN });
  });

  it('refuses nothing, and anything that is not a token', () => {
    expect(parseTokenInput('   ')).toEqual({ ok: false, message: 'Enter an API token.' });
    for (const input of [TOKEN.slice(0, -1), `${TOKEN}A`, TOKEN.replace('acp_', 'acx_'), `${TOKEN.slice(0, -1)}=`, `${TOKEN.slice(0, -1)}+`]) {
      expect(parseTokenInput(input).ok, input).toBe(false);
    }
  });
});

describe('isForbiddenClose', () => {
  it('is a close with 4403 and nothing else', () => {
    expect(isForbiddenClose({ code: 4403, reason: 'Forbidden' })).toBe(true);
    expect(isForbiddenClose({ code: 1006, reason: '' })).toBe(false);
    expect(isForbiddenClose({ code: 4500, reason: 'Internal error' })).toBe(false);
    expect(isForbiddenClose(new Error('socket hang up'))).toBe(false);
    expect(isForbiddenClose(undefined)).toBe(false);
    expect(isForbiddenClose(null)).toBe(false);
  });
});

describe('isAuthFailure', () => {
  const unauthenticated = { message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } };

  it('is an HTTP 401, with the GraphQL-shaped body or without a body urql could read', () => {
    expect(isAuthFailure(new CombinedError({ graphQLErrors: [unauthenticated], response: { status: 401 } }))).toBe(true);
    expect(isAuthFailure(new CombinedError({ networkError: new Error('Unauthorized'), response: { status: 401 } }))).toBe(true);
  });

  it('is an UNAUTHENTICATED error without a response (over the socket)', () => {
    expect(isAuthFailure(new CombinedError({ graphQLErrors: [unauthenticated] }))).toBe(true);
  });

  it('is a subscription ended by the socket closing with 4403', () => {
    expect(isAuthFailure(new CombinedError({ networkError: { code: 4403, reason: 'Forbidden' } as unknown as Error }))).toBe(true);
  });

  it('is not a missing role, a server error, a validation error or a dropped link', () => {
    const forbidden = { message: 'Needs the operator role', extensions: { code: 'FORBIDDEN' } };
    expect(isAuthFailure(new CombinedError({ graphQLErrors: [forbidden], response: { status: 200 } }))).toBe(false);
    expect(isAuthFailure(new CombinedError({ graphQLErrors: [forbidden], response: { status: 403 } }))).toBe(false);
    expect(isAuthFailure(new CombinedError({ networkError: new Error('Internal Server Error'), response: { status: 500 } }))).toBe(false);
    expect(isAuthFailure(new CombinedError({ graphQLErrors: [{ message: 'bad', extensions: { code: 'INVALID_INPUT' } }] }))).toBe(false);
    expect(isAuthFailure(new CombinedError({ networkError: new Error('Failed to fetch') }))).toBe(false);
    expect(isAuthFailure(new CombinedError({ networkError: { code: 1006, reason: '' } as unknown as Error }))).toBe(false);
  });
});

describe('signInReason', () => {
  it('says the stored token was refused only when there was one', () => {
    expect(signInReason(TOKEN)).toBe('token-refused');
    expect(signInReason(undefined)).toBe('token-required');
  });
});

describe('AuthState', () => {
  it('keeps the first refusal and tells its listeners once', () => {
    const auth = new AuthState();
    let notified = 0;
    auth.subscribe(() => (notified += 1));
    expect(auth.get()).toBeNull();
    auth.requireSignIn('token-refused');
    auth.requireSignIn('token-required');
    expect(auth.get()).toBe('token-refused');
    expect(notified).toBe(1);
  });
});

describe('ConnectionState after a refusal', () => {
  it('stays unauthorized when the socket closes afterwards, so the indicator does not claim to reconnect', () => {
    const connection = new ConnectionState();
    connection.set('unauthorized');
    connection.set('disconnected');
    connection.set('connecting');
    expect(connection.get()).toBe('unauthorized');
  });
});
