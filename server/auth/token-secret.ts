import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'acp_';

/** A new token: a recognisable prefix and 256 random bits. */
export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** What is stored for a token. Tokens carry 256 random bits, so a fast hash cannot be brute-forced. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token in an `Authorization: Bearer …` value, or undefined when there is none. */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
