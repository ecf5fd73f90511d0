import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { refuseIfDataDirInUse } from './data-dir-in-use.js';
import { openDatabase, type DatabaseHandle } from './database.js';
import { migrateToLatest } from './migrator.js';

/**
 * The server's own database (DATABASE_URL, else PGlite in DATA_DIR) for a command-line tool,
 * migrated. An embedded database that a running server has open is refused (two processes would
 * corrupt it); `remedy` says what to do instead.
 */
export async function openForCommand(config: Config, logger: Logger, remedy: string): Promise<DatabaseHandle> {
  const { url, dataDir, statementTimeoutMs } = config.database;
  if (!url) await refuseIfDataDirInUse(dataDir, remedy);
  const database = await openDatabase({ url, dataDir, statementTimeoutMs, logger });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
