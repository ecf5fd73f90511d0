import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateDown, migrateToLatest } from '../server/db/migrator.js';
import { createLogger } from '../server/logger.js';

/** `npm run migrate` runs pending migrations; `npm run migrate -- down` reverts the latest one. */
const config = loadConfig();
const log = createLogger(config.logLevel);
const database = await openDatabase({
  url: config.database.url,
  dataDir: config.database.dataDir,
  statementTimeoutMs: config.database.statementTimeoutMs,
  logger: log,
});
try {
  const direction = process.argv[2] === 'down' ? 'down' : 'up';
  const { results = [] } = direction === 'down' ? await migrateDown(database.db) : await migrateToLatest(database.db);
  for (const result of results) log.info({ migration: result.migrationName, direction: result.direction }, result.status);
  if (results.length === 0) log.info('nothing to migrate');
} catch (error) {
  log.error({ err: error }, 'migration failed');
  process.exitCode = 1;
} finally {
  await database.close();
}
