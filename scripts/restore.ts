/**
 * Restores a file of npm run backup into the server's database (DATABASE_URL, else PGlite in
 * DATA_DIR, as the server reads them), which may be PostgreSQL or PGlite whichever it came from:
 *
 *   npm run restore -- FILE [--force]
 *
 * A database that holds rows is refused unless --force (which replaces everything in it). Stop
 * every server using the database first. All or nothing: a damaged file, or any failure, changes
 * nothing. Exit codes: 0 done, 2 refused (a damaged file, a database that holds rows, ...), 1 failed.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupRefusal, isUserError } from '../server/backup/backup-refusal.js';
import { openTargetDatabase } from '../server/backup/open-target-database.js';
import { openBackup, restoreBackup } from '../server/backup/restore-backup.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { runCommand } from './run-command.js';

const USAGE = 'usage: npm run restore -- FILE [--force]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new BackupRefusal(USAGE);
  // The path is the user's, from where they ran npm (INIT_CWD), not the project folder npm runs scripts in.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);

  const config = loadConfig();
  // The file first: one that cannot be restored is refused before any database is opened or created.
  const backup = await openBackup(file);
  try {
    const { handle, description } = await openTargetDatabase(config, 'restore', createLogger('silent'));
    try {
      const summary = await restoreBackup(handle, backup, { force: values.force ?? false });
      const rows = Object.values(summary.rows).reduce((sum, count) => sum + count, 0);
      const { header } = summary;
      console.log(`Restored ${rows} rows of ${header.tables.length} tables into ${description}`);
      console.log(`from ${file} (a backup of ${header.source.engine} made ${header.createdAt}, schema ${header.migrations.at(-1)}).`);
      if (summary.replaced.length > 0) console.log(`Replaced what was there (rows in ${summary.replaced.join(', ')}).`);
      if (summary.upgradedBy.length > 0) console.log(`Then applied the newer migrations ${summary.upgradedBy.join(', ')}.`);
    } finally {
      await handle.close();
    }
  } finally {
    await backup.close();
  }
}

runCommand(main, isUserError);
