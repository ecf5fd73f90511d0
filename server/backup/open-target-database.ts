import fs from 'node:fs/promises';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import type { Logger } from '../logger.js';
import { BackupRefusal } from './backup-refusal.js';
import { refuseIfDataDirInUse } from '../db/data-dir-in-use.js';

export interface TargetDatabase {
  handle: DatabaseHandle;
  /** Where it is, for messages: the PGlite folder, or the PostgreSQL URL without its password. */
  description: string;
}

/**
 * Opens the database the server's configuration names (DATABASE_URL, else PGlite in DATA_DIR),
 * after the checks a backup or restore needs: the embedded database must be on disk and no other
 * process may have it open; a backup needs one to exist, a restore creates the folder if need be.
 */
export async function openTargetDatabase(config: Config, purpose: 'backup' | 'restore', logger: Logger): Promise<TargetDatabase> {
  const { url, dataDir, statementTimeoutMs } = config.database;
  if (url) {
    return { handle: await openDatabase({ url, dataDir, statementTimeoutMs, logger }), description: `PostgreSQL at ${withoutPassword(url)}` };
  }
  if (dataDir === 'memory://') {
    throw new BackupRefusal('DATA_DIR=memory:// keeps the database in memory only: set DATA_DIR to the folder of the embedded database, or DATABASE_URL.');
  }
  const entries = await fs.readdir(dataDir).catch(() => undefined);
  const isDatabase = entries?.includes('PG_VERSION') ?? false;
  if (purpose === 'backup' && !isDatabase) throw new BackupRefusal(`No embedded database in ${dataDir} (DATA_DIR): nothing to back up.`);
  if (purpose === 'restore' && entries && entries.length > 0 && !isDatabase) {
    throw new BackupRefusal(`${dataDir} (DATA_DIR) holds files but no embedded database: choose an empty or new folder.`);
  }
  await refuseIfDataDirInUse(dataDir, 'Stop the server first.');
  return { handle: await openDatabase({ url, dataDir, statementTimeoutMs, logger }), description: `PGlite in ${dataDir}` };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
