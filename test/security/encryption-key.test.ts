import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { decodeEncryptionKey } from '../../server/security/encryption-key.js';

describe('ENCRYPTION_KEY', () => {
  const key = randomBytes(32);

  it('is read as 64 hex characters, or as base64 (standard or URL-safe, padded or not)', () => {
    for (const text of [
      key.toString('hex'),
      key.toString('hex').toUpperCase(),
      key.toString('base64'),
      key.toString('base64url'),
      ` ${key.toString('base64')}\n`,
    ]) {
      expect(decodeEncryptionKey(text), text).toEqual(key);
    }
  });

  it('anything but 32 bytes is refused', () => {
    for (const text of ['', 'secret', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'z'.repeat(64)]) {
      expect(decodeEncryptionKey(text), text).toBeUndefined();
    }
  });

  it('loadConfig decodes it; unset leaves session secrets off; the server needs nothing else', () => {
    expect(loadConfig({ ENCRYPTION_KEY: key.toString('hex') }).encryptionKey).toEqual(key);
    expect(loadConfig({}).encryptionKey).toBeUndefined();
    expect(loadConfig({ ENCRYPTION_KEY: '  ' }).encryptionKey).toBeUndefined();
  });

  it('a bad key stops the server with a ConfigError that does not repeat the value', () => {
    const bad = `not-a-key-${randomBytes(8).toString('hex')}`;
    let error: unknown;
    try {
      loadConfig({ ENCRYPTION_KEY: bad });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('ENCRYPTION_KEY=(value not shown)');
    expect((error as Error).message).toContain('64 hex characters or base64');
    expect((error as Error).message).not.toContain(bad);
  });

  it('is not passed on to agent processes', () => {
    expect(loadConfig({ ENCRYPTION_KEY: key.toString('hex') }).agentEnvironment).not.toHaveProperty('ENCRYPTION_KEY');
  });
});
