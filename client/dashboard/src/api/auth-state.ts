import type { SignInReason } from './auth-token.js';

/**
 * Whether the server has turned the dashboard away, and why: the shell shows the sign-in screen
 * instead of the page while it has. Only signing in (which reloads the page) clears it.
 */
export class AuthState {
  private reason: SignInReason | null = null;
  private readonly listeners = new Set<() => void>();

  get = (): SignInReason | null => this.reason;

  /** The first refusal decides the reason: the requests that fail after it were sent with the same token. */
  requireSignIn(reason: SignInReason): void {
    if (this.reason) return;
    this.reason = reason;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
