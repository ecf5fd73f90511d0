import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretDecryptionError } from '../../server/security/secret-box.js';

const context = 'session-secret:0190a1b2-0000-7000-8000-000000000001:ANTHROPIC_API_KEY';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, for the same associated data', () => {
    for (const value of ['sk-ant-api03-abc', 'ü ✓ 🎉 and "quotes"\n', 'x'.repeat(32 * 1024)]) {
      expect(box.open(box.seal(value, context), context)).toBe(value);
    }
  });

  it('uses a fresh 12-byte IV per seal, so equal values give unrelated ciphertexts', () => {
    const first = box.seal('same value', context);
    const second = box.seal('same value', context);
    expect(first.iv).toHaveLength(12);
    expect(first.authTag).toHaveLength(16);
    expect(Buffer.from(first.iv).equals(Buffer.from(second.iv))).toBe(false);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
    expect(Buffer.from(first.ciphertext).toString('utf8')).not.toContain('same value');
  });

  it('refuses a seal opened for other associated data (another session or name)', () => {
    const sealed = box.seal('sk-ant-moved', context);
    expect(() => box.open(sealed, context.replace('0001', '0002'))).toThrow(SecretDecryptionError);
    expect(() => box.open(sealed, context.replace('ANTHROPIC_API_KEY', 'GITHUB_TOKEN'))).toThrow(SecretDecryptionError);
  });

  it('refuses an altered ciphertext, IV or tag, and another key', () => {
    const sealed = box.seal('sk-ant-altered', context);
    const flipped = (bytes: Uint8Array) => {
      const copy = Buffer.from(bytes);
      copy[0]! ^= 1;
      return copy;
    };
    expect(() => box.open({ ...sealed, ciphertext: flipped(sealed.ciphertext) }, context)).toThrow(SecretDecryptionError);
    expect(() => box.open({ ...sealed, iv: flipped(sealed.iv) }, context)).toThrow(SecretDecryptionError);
    expect(() => box.open({ ...sealed, authTag: flipped(sealed.authTag) }, context)).toThrow(SecretDecryptionError);
    expect(() => box.open({ ...sealed, authTag: sealed.authTag.subarray(0, 4) }, context)).toThrow(SecretDecryptionError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, context)).toThrow(SecretDecryptionError);
  });

  it("the error says what happened, not Node's cipher message, and never holds the value", () => {
    const sealed = box.seal('sk-ant-never-in-errors', context);
    try {
      box.open(sealed, 'elsewhere');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/could not be decrypted/);
      expect(String(error)).not.toContain('sk-ant-never-in-errors');
    }
  });

  it('takes only a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(RangeError);
    expect(() => new SecretBox(randomBytes(33))).toThrow(RangeError);
  });
});
