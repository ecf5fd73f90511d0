import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupHeader, type BackupTable } from './backup-format.js';
import { BackupRefusal } from './backup-refusal.js';
import { appliedMigrations, listTables, serverVersion } from './database-catalog.js';
import { inPinnedTransaction, READ_SNAPSHOT } from './pinned-transaction.js';

/** Rows fetched from the cursor, and written, at a time. */
const FETCH_ROWS = 1000;

export interface BackupSummary {
  file: string;
  bytes: number;
  header: BackupHeader;
  rows: Record<string, number>;
}

/**
 * Writes every table of the database to `file` from one repeatable-read snapshot, so that a backup
 * taken while servers run is consistent (as pg_dump's is). The file appears only once complete:
 * it is written beside, synced, then renamed; an existing file is never overwritten.
 */
export async function writeBackup(database: DatabaseHandle, file: string): Promise<BackupSummary> {
  if (await exists(file)) throw new BackupRefusal(`${file} already exists: choose another --out, or move it away first.`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const output = await fs.open(partial, 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
    throw new BackupRefusal(`${partial} exists: another backup to ${path.basename(file)} is running, or one was interrupted (then remove it).`);
  });
  try {
    const { header, rows } = await inPinnedTransaction(database.db, READ_SNAPSHOT, async (connection) => {
      const db = connection.withoutPlugins();
      const migrations = await appliedMigrations(db);
      if (migrations.length === 0) throw new BackupRefusal('This database holds no control-plane schema (it was never migrated): there is nothing to back up.');
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        source: { engine: database.kind, serverVersion: await serverVersion(db) },
        migrations,
        tables: await listTables(db),
      };
      const rows: Record<string, number> = {};
      await pipeline(Readable.from(backupLines(db, header, rows)), createGzip(), output.createWriteStream());
      return { header, rows };
    });
    await syncToDisk(partial);
    await fs.rename(partial, file);
    return { file, bytes: (await fs.stat(file)).size, header, rows };
  } catch (error) {
    await output.close().catch(() => {}); // the write stream closes it, unless writing never began
    await fs.rm(partial, { force: true });
    throw error;
  }
}

/** The file's text, a chunk per fetch; counts each table's rows into `rows` for the end line. */
async function* backupLines(db: Kysely<any>, header: BackupHeader, rows: Record<string, number>): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const table of header.tables) {
    yield `${JSON.stringify({ table: table.name })}\n`;
    let count = 0;
    for await (const batch of tableRows(db, table)) {
      count += batch.length;
      yield `${batch.join('\n')}\n`;
    }
    rows[table.name] = count;
  }
  yield `${JSON.stringify({ end: BACKUP_FORMAT, rows })}\n`;
}

/** A table's rows as JSON arrays of each column's text form, read through a cursor in batches. */
async function* tableRows(db: Kysely<any>, table: BackupTable): AsyncGenerator<string[]> {
  const values = sql.join(table.columns.map((column) => sql`${sql.id(column.name)}::text`));
  await sql`declare backup_rows no scroll cursor for select to_json(array[${values}])::text as "row" from ${sql.id(table.name)}`.execute(db);
  try {
    for (;;) {
      const { rows } = await sql<{ row: string }>`fetch ${sql.lit(FETCH_ROWS)} from backup_rows`.execute(db);
      if (rows.length > 0) yield rows.map((row) => row.row);
      if (rows.length < FETCH_ROWS) return;
    }
  } finally {
    // After a failed statement the transaction is aborted and rolls back anyway; keep that error, not this one.
    await sql`close backup_rows`.execute(db).catch(() => {});
  }
}

async function syncToDisk(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
