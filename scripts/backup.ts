/**
 * Backs up the server's database (DATABASE_URL, else PGlite in DATA_DIR, as the server reads them):
 *
 *   npm run backup -- [--out FILE]      default: backups/agent-control-plane-<UTC time>.jsonl.gz
 *
 * PostgreSQL is read from one snapshot, so servers may keep running. The embedded database can be
 * open in one process only: stop the server first (a backup refuses while another process has it).
 * Exit codes: 0 done, 2 refused (a usage error, a database in use, ...), 1 failed.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupRefusal, isUserError } from '../server/backup/backup-refusal.js';
import { openTargetDatabase } from '../server/backup/open-target-database.js';
import { writeBackup } from '../server/backup/write-backup.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { runCommand } from './run-command.js';

const USAGE = 'usage: npm run backup -- [--out FILE]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new BackupRefusal(USAGE);
  // A path given is the user's, from where they ran npm (INIT_CWD); the default sits with the project, as ./data does.
  const file = values.out
    ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out)
    : path.resolve('backups', `agent-control-plane-${timestamp(new Date())}.jsonl.gz`);

  const config = loadConfig();
  const { handle, description } = await openTargetDatabase(config, 'backup', createLogger('silent'));
  try {
    const summary = await writeBackup(handle, file);
    const rows = Object.values(summary.rows).reduce((sum, count) => sum + count, 0);
    console.log(`Backed up ${rows} rows of ${summary.header.tables.length} tables from ${description}`);
    console.log(`to ${file} (${kilobytes(summary.bytes)}, schema ${summary.header.migrations.at(-1)}).`);
  } finally {
    await handle.close();
  }
}

/** 2026-11-28T101500Z: sortable, and valid in file names everywhere. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '');
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

runCommand(main, isUserError);
