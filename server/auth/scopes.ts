import type { Principal } from './authenticator.js';

/**
 * What each role may do: a viewer reads (queries and subscriptions), an operator also runs agents
 * and tasks (the mutations), an admin also manages tokens and reads the audit log. A token limited
 * to some sessions lacks allSessions: it cannot create sessions or read the system-wide views.
 */
export interface AuthScopes {
  viewer: boolean;
  operator: boolean;
  admin: boolean;
  allSessions: boolean;
}

export function scopesOf(principal: Principal): AuthScopes {
  return {
    viewer: true,
    operator: principal.role === 'operator' || principal.role === 'admin',
    admin: principal.role === 'admin',
    allSessions: principal.sessionIds === null,
  };
}
