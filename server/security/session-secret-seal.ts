import type { Config } from '../config.js';
import { SecretBox } from './secret-box.js';

/** What binds a ciphertext to its session and name: opened for any other, it does not decrypt. */
export function secretAssociatedData(sessionId: string, name: string): string {
  return `session-secret:${sessionId}:${name}`;
}

/** The box for session secrets: ENCRYPTION_KEY seals, ENCRYPTION_KEY_PREVIOUS still opens; none without a key. */
export function sessionSecretBox(config: Pick<Config, 'encryptionKey' | 'previousEncryptionKey'>): SecretBox | undefined {
  if (!config.encryptionKey) return undefined;
  return new SecretBox(config.encryptionKey, config.previousEncryptionKey ? [config.previousEncryptionKey] : []);
}
