/**
 * Session secrets, on the server's own database (DATABASE_URL / DATA_DIR as the server reads them):
 *
 *   npm run secrets -- rotate
 *
 * Re-seals every stored secret under ENCRYPTION_KEY, reading each with ENCRYPTION_KEY or
 * ENCRYPTION_KEY_PREVIOUS. To replace a key: restart the servers with the new ENCRYPTION_KEY and
 * the old one as ENCRYPTION_KEY_PREVIOUS, run this, then drop ENCRYPTION_KEY_PREVIOUS. On PostgreSQL it
 * may run while servers do; the embedded database must be closed (the server stopped).
 */
import { loadConfig } from '../server/config.js';
import { DataDirInUseError } from '../server/db/data-dir-in-use.js';
import { openForCommand } from '../server/db/open-for-command.js';
import { createLogger } from '../server/logger.js';
import { resealSessionSecrets } from '../server/security/reseal-session-secrets.js';
import { sessionSecretBox } from '../server/security/session-secret-seal.js';
import { runCommand } from './run-command.js';

const USAGE = 'usage: npm run secrets -- rotate   (with ENCRYPTION_KEY, and the old key as ENCRYPTION_KEY_PREVIOUS)';

class UsageError extends Error {}

/** The exit code: 0, or 1 when some secret could not be re-sealed. */
async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'rotate' || rest.length > 0) throw new UsageError(USAGE);
  const config = loadConfig();
  const box = sessionSecretBox(config);
  if (!box) throw new UsageError('ENCRYPTION_KEY is not set: there is no key to seal the secrets under.');

  const log = createLogger('warn');
  const database = await openForCommand(config, log, 'Stop the server, run this, then start it again.');
  try {
    const report = await resealSessionSecrets(database.db, box);
    console.log(`Re-sealed ${report.resealed} secret(s) under ENCRYPTION_KEY.`);
    if (report.unreadable.length > 0) {
      for (const { sessionId, name } of report.unreadable) console.error(`  not readable with either key: session ${sessionId}, ${name}`);
      console.error(`${report.unreadable.length} secret(s) opened under neither key and were left as they are: set them again or delete them.`);
      return 1;
    }
    console.log('ENCRYPTION_KEY_PREVIOUS is no longer needed.');
    return 0;
  } finally {
    await database.close();
  }
}

runCommand(main, (error) => error instanceof UsageError || error instanceof DataDirInUseError);
