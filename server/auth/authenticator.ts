import { isIP } from 'node:net';
import { findLiveTokenByHash, hasLiveToken, touchApiToken } from '../db/repositories/api-token.repository.js';
import type { Database } from '../db/database.js';
import type { TokenRole } from '../db/types.js';
import type { Logger } from '../logger.js';
import { bearerToken, hashToken } from './token-secret.js';

/** Who is calling: a token's holder, or anyone on this machine in local mode. */
export interface Principal {
  /** The token's id; null in local mode. */
  tokenId: string | null;
  name: string;
  role: TokenRole;
  /** The sessions the token is limited to; null = every session. */
  sessionIds: readonly string[] | null;
}

export const LOCAL_PRINCIPAL: Principal = { tokenId: null, name: 'local', role: 'admin', sessionIds: null };

/** Started on a non-loopback address with no token: anyone who can reach it could run agents. */
export class AuthenticationRequiredError extends Error {}

/** How long a token check (or local mode's "is there still no token?") is reused. */
const CACHE_MS = 2_000;

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Whether a Host header names this machine by a loopback name or address (any port). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return isLoopback(name.toLowerCase());
}

/**
 * Checks bearer tokens against the stored hashes. Local mode (a loopback address and no token
 * yet) lets every caller in as admin; it ends by itself once a token exists. A revoked token
 * stops working within CACHE_MS.
 */
export class Authenticator {
  private readonly checked = new Map<string, { principal: Principal | undefined; at: number }>();
  private local: { value: boolean; at: number } | undefined;

  constructor(
    private readonly db: Database,
    private readonly host: string,
    private readonly log: Logger,
  ) {}

  /** Refuses a server that would be reachable from elsewhere with nobody able to sign in. */
  async checkStart(): Promise<'local' | 'tokens'> {
    if (await hasLiveToken(this.db)) return 'tokens';
    if (isLoopback(this.host)) return 'local';
    throw new AuthenticationRequiredError(
      `HOST=${this.host} is reachable from other machines and no API token exists. Create one first:\n` +
        `  npm run token -- create --role admin\n` +
        'or bind to a loopback address (HOST=127.0.0.1) to run in local mode.',
    );
  }

  /**
   * The caller of a request with this Authorization value and Host header, or undefined when it
   * may not call. Local mode admits only requests addressed to a loopback name: a page elsewhere
   * that rebinds its own domain to 127.0.0.1 sends its domain as Host, and is refused.
   */
  async authenticate(authorization: unknown, host: string | undefined): Promise<Principal | undefined> {
    const token = bearerToken(authorization);
    if (token === undefined) return isLoopbackHostHeader(host) && (await this.isLocalMode()) ? LOCAL_PRINCIPAL : undefined;
    const { principal, looked } = await this.lookUp(token);
    // Recorded when the token is looked up, so at most once per CACHE_MS, not on every request.
    if (principal?.tokenId && looked) {
      void touchApiToken(this.db, principal.tokenId).catch((error: unknown) => this.log.warn({ err: error }, 'could not record token use'));
    }
    return principal;
  }

  /** Whether a principal found earlier (an open WebSocket's) may still call; not a use of its token. */
  async stillValid(principal: Principal, authorization: unknown): Promise<boolean> {
    if (principal.tokenId === null) return this.isLocalMode();
    const token = bearerToken(authorization);
    return token !== undefined && (await this.lookUp(token)).principal?.tokenId === principal.tokenId;
  }

  /** The live token's holder, from the cache or the database (`looked`: it was read just now). */
  private async lookUp(token: string): Promise<{ principal: Principal | undefined; looked: boolean }> {
    const hash = hashToken(token);
    const cached = this.checked.get(hash);
    if (cached && Date.now() - cached.at < CACHE_MS) return { principal: cached.principal, looked: false };
    const row = await findLiveTokenByHash(this.db, hash);
    const principal = row ? { tokenId: row.id, name: row.name, role: row.role, sessionIds: row.sessionIds } : undefined;
    // Bounded: a flood of random tokens must not grow memory.
    if (this.checked.size > 10_000) this.checked.clear();
    this.checked.set(hash, { principal, at: Date.now() });
    return { principal, looked: true };
  }

  private async isLocalMode(): Promise<boolean> {
    if (!isLoopback(this.host)) return false;
    if (this.local && Date.now() - this.local.at < CACHE_MS) return this.local.value;
    const value = !(await hasLiveToken(this.db));
    this.local = { value, at: Date.now() };
    return value;
  }
}
