import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ENCRYPTION_KEY_BYTES } from './encryption-key.js';

const ALGORITHM = 'aes-256-gcm';
/** GCM's recommended nonce size; a fresh random one per seal. */
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

/** What is stored for one secret; none of it reveals the value. */
export interface SealedSecret {
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
}

/** The sealed value was altered, sealed for another context, or sealed under another key. */
export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
}

/**
 * AES-256-GCM with a random IV per seal. The associated data binds a ciphertext to where it
 * belongs (e.g. a session and a name): opened anywhere else, it fails instead of decrypting.
 * Seals with the current key; opens with it or with a previous one, so that a key can be
 * replaced while values sealed under the old one are re-sealed.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #previousKeys: Buffer[];

  constructor(key: Uint8Array, previousKeys: readonly Uint8Array[] = []) {
    for (const candidate of [key, ...previousKeys]) {
      if (candidate.length !== ENCRYPTION_KEY_BYTES) throw new RangeError(`an AES-256 key has ${ENCRYPTION_KEY_BYTES} bytes, not ${candidate.length}`);
    }
    this.#key = Buffer.from(key);
    this.#previousKeys = previousKeys.map((previous) => Buffer.from(previous));
  }

  seal(plaintext: string, associatedData: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext, iv, authTag: cipher.getAuthTag() };
  }

  /** The plaintext; throws SecretDecryptionError when the seal verifies under none of the keys. */
  open(sealed: SealedSecret, associatedData: string): string {
    for (const key of [this.#key, ...this.#previousKeys]) {
      const plaintext = openWith(key, sealed, associatedData);
      if (plaintext !== undefined) return plaintext;
    }
    // Node's own message ("Unsupported state or unable to authenticate data") helps nobody.
    throw new SecretDecryptionError('the secret could not be decrypted: it was altered, moved, or sealed under another ENCRYPTION_KEY');
  }
}

/** The plaintext, or undefined when the seal does not verify under this key. */
function openWith(key: Buffer, sealed: SealedSecret, associatedData: string): string | undefined {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv), { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.authTag));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
