/** AES-256 takes exactly this many key bytes. */
export const ENCRYPTION_KEY_BYTES = 32;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
/** Standard or URL-safe base64 of 32 bytes: 43 characters, then one optional "=". */
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * The key ENCRYPTION_KEY names: 32 bytes written as 64 hex characters or as base64.
 * Undefined when the text is neither (the caller reports it without echoing the value).
 */
export function decodeEncryptionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!BASE64_KEY.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return key.length === ENCRYPTION_KEY_BYTES ? key : undefined;
}
