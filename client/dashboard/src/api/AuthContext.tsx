import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { AuthState } from './auth-state';
import type { SignInReason, TokenStore } from './auth-token';

interface Auth {
  state: AuthState;
  tokens: TokenStore;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ state, tokens, children }: Auth & { children: ReactNode }) {
  return <AuthContext.Provider value={{ state, tokens }}>{children}</AuthContext.Provider>;
}

function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an AuthProvider');
  return auth;
}

/** Why the server wants a sign-in, or null while it serves the dashboard. */
export function useSignInReason(): SignInReason | null {
  const { state } = useAuth();
  return useSyncExternalStore(state.subscribe, state.get);
}

export interface TokenActions {
  hasToken: boolean;
  /** Throws when the browser will not store the token. */
  signIn: (token: string) => void;
  signOut: () => void;
}

/**
 * Signing in or out reloads the page: the socket reconnects with the new token (or none) and every
 * query and subscription starts afresh, nothing left subscribed under the old one.
 */
export function useTokenActions(): TokenActions {
  const { tokens } = useAuth();
  return {
    hasToken: tokens.read() !== undefined,
    signIn: (token) => {
      tokens.save(token);
      window.location.reload();
    },
    signOut: () => {
      tokens.clear();
      window.location.reload();
    },
  };
}
