/**
 * Replacing ENCRYPTION_KEY: with the old key as ENCRYPTION_KEY_PREVIOUS, stored secrets still
 * open; `npm run secrets -- rotate` re-seals them under the new key, leaves unreadable ones as
 * they are (exit 1), and never overwrites a value set while it runs.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { findSessionSecrets, replaceSecretSeal, upsertSessionSecret } from '../../server/db/repositories/session-secret.repository.js';
import { insertSession } from '../../server/db/repositories/session.repository.js';
import { newId } from '../../server/ids.js';
import { createLogger } from '../../server/logger.js';
import { SecretBox, SecretDecryptionError } from '../../server/security/secret-box.js';
import { secretAssociatedData } from '../../server/security/session-secret-seal.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const [oldKey, newKey, strayKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];

describe('SecretBox with a previous key', () => {
  it('opens what either key sealed, and seals with the current one only', () => {
    const context = secretAssociatedData(newId(), 'API_KEY');
    const sealedBefore = new SecretBox(oldKey).seal('old value', context);
    const rotating = new SecretBox(newKey, [oldKey]);
    expect(rotating.open(sealedBefore, context)).toBe('old value');
    const sealedNow = rotating.seal('new value', context);
    expect(new SecretBox(newKey).open(sealedNow, context)).toBe('new value');
    expect(() => new SecretBox(oldKey).open(sealedNow, context)).toThrow(SecretDecryptionError);
    expect(() => rotating.open(new SecretBox(strayKey).seal('x', context), context)).toThrow(SecretDecryptionError);
  });
});

describe('npm run secrets -- rotate', () => {
  let scratch: string;
  const sessionId = newId();
  const dataDir = () => path.join(scratch, 'data');
  const open = () => openDatabase({ dataDir: dataDir(), statementTimeoutMs: 10_000, logger: createLogger('silent') });
  const seal = async (db: DatabaseHandle, key: Buffer, name: string, value: string) =>
    upsertSessionSecret(db.db, { sessionId, name, ...new SecretBox(key).seal(value, secretAssociatedData(sessionId, name)) });
  const rotate = (environment: Record<string, string>) =>
    execa('npx', ['tsx', 'scripts/secrets.ts', 'rotate'], { cwd: ROOT, reject: false, env: { DATA_DIR: dataDir(), ...environment } });

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-rotate-'));
    const database = await open();
    try {
      await migrateToLatest(database.db);
      await insertSession(database.db, { id: sessionId, name: 'rotating', workingDirectory: scratch, status: 'ACTIVE', config: '{}' });
      await seal(database, oldKey, 'API_KEY', 'sk-old-1');
      await seal(database, oldKey, 'GITHUB_TOKEN', 'ghp-old-2');
      await seal(database, newKey, 'ALREADY_NEW', 'already under the new key');
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('re-seals every secret under the new key; the old key is then not needed', async () => {
    const result = await rotate({ ENCRYPTION_KEY: newKey.toString('hex'), ENCRYPTION_KEY_PREVIOUS: oldKey.toString('hex') });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Re-sealed 3 secret(s)');
    const database = await open();
    try {
      const onlyNew = new SecretBox(newKey);
      const values = Object.fromEntries((await findSessionSecrets(database.db, sessionId)).map((row) => [row.name, onlyNew.open(row, secretAssociatedData(sessionId, row.name))]));
      expect(values).toEqual({ API_KEY: 'sk-old-1', GITHUB_TOKEN: 'ghp-old-2', ALREADY_NEW: 'already under the new key' });
    } finally {
      await database.close();
    }
  }, 60_000);

  it('leaves a secret that opens under neither key as it is, and says so (exit 1)', async () => {
    const database = await open();
    let stray;
    try {
      await seal(database, strayKey, 'STRAY', 'sealed elsewhere');
      stray = (await findSessionSecrets(database.db, sessionId)).find((row) => row.name === 'STRAY')!;
    } finally {
      await database.close();
    }
    const result = await rotate({ ENCRYPTION_KEY: newKey.toString('hex'), ENCRYPTION_KEY_PREVIOUS: oldKey.toString('hex') });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`session ${sessionId}, STRAY`);
    const after = await open();
    try {
      const row = (await findSessionSecrets(after.db, sessionId)).find((r) => r.name === 'STRAY')!;
      expect(Buffer.from(row.ciphertext).equals(Buffer.from(stray.ciphertext))).toBe(true);
    } finally {
      await after.close();
    }
  }, 60_000);

  it('without ENCRYPTION_KEY, or with other arguments, it is a usage error (exit 2)', async () => {
    expect((await rotate({})).exitCode).toBe(2);
    const wrong = await execa('npx', ['tsx', 'scripts/secrets.ts', 'spin'], { cwd: ROOT, reject: false, env: { DATA_DIR: dataDir() } });
    expect(wrong.exitCode).toBe(2);
  }, 60_000);

  it('does not overwrite a value set since it was read (the seal is replaced only if unchanged)', async () => {
    const database = await open();
    try {
      const [read] = (await findSessionSecrets(database.db, sessionId)).filter((row) => row.name === 'API_KEY');
      await seal(database, newKey, 'API_KEY', 'set meanwhile');
      const stale = new SecretBox(newKey).seal('sk-old-1', secretAssociatedData(sessionId, 'API_KEY'));
      expect(await replaceSecretSeal(database.db, read!, stale)).toBe(false);
      const [now] = (await findSessionSecrets(database.db, sessionId)).filter((row) => row.name === 'API_KEY');
      expect(new SecretBox(newKey).open(now!, secretAssociatedData(sessionId, 'API_KEY'))).toBe('set meanwhile');
    } finally {
      await database.close();
    }
  });
});
