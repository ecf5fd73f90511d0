import { Migrator, NO_MIGRATIONS, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { DatabaseHandle } from '../db/database.js';
import { MigrationError } from '../db/migrator.js';
import type { BackupHeader, BackupTable } from './backup-format.js';
import { readBackup, type BackupEntry } from './backup-reader.js';
import { BackupRefusal } from './backup-refusal.js';
import { listForeignKeys, listTables, tablesWithRows } from './database-catalog.js';
import { refuseIfOtherConnections } from './other-connections.js';
import { inPinnedTransaction, READ_WRITE } from './pinned-transaction.js';

/** Rows, and bytes of row text, sent in one INSERT. */
const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

export interface RestoreOptions {
  /** Replace whatever the database holds; without it a database that holds rows is refused. */
  force: boolean;
}

export interface RestoreSummary {
  header: BackupHeader;
  rows: Record<string, number>;
  /** Tables that held rows before, and were replaced. */
  replaced: string[];
  /** Migrations newer than the backup, applied after its rows were loaded. */
  upgradedBy: string[];
}

export interface OpenedBackup {
  file: string;
  header: BackupHeader;
  /** The rest of the file: its rows, then its end. */
  entries: AsyncGenerator<BackupEntry>;
  close(): Promise<void>;
}

/**
 * Opens a backup and checks what can be checked before any database is touched: that it is a
 * backup, in a format this version reads, of a schema this version can build.
 */
export async function openBackup(file: string): Promise<OpenedBackup> {
  const entries = readBackup(file);
  try {
    const first = await entries.next();
    if (first.done || first.value.kind !== 'header') throw new BackupRefusal(`${file} is not a backup made by npm run backup.`);
    refuseUnknownMigrations(file, first.value.header.migrations);
    return { file, header: first.value.header, entries, close: async () => void (await entries.return(undefined)) };
  } catch (error) {
    await entries.return(undefined);
    throw error;
  }
}

/**
 * Restores a backup in one transaction: empties the schema (its own down migrations), builds it
 * again with the migrations the backup names, loads every row, checks the foreign keys once at the
 * end, then applies any newer migration. Any failure, a damaged file included, changes nothing.
 */
export async function restoreBackup(database: DatabaseHandle, backup: OpenedBackup, options: RestoreOptions): Promise<RestoreSummary> {
  const { file, header, entries } = backup;
  await refuseIfOtherConnections(database.db.withoutPlugins());
  return inPinnedTransaction(database.db, READ_WRITE, async (connection) => {
    const db = connection.withoutPlugins();
    const replaced = await tablesWithRows(db);
    if (replaced.length > 0 && !options.force) {
      throw new BackupRefusal(`The database is not empty (rows in ${replaced.join(', ')}). A restore replaces everything in it: run again with --force to do so.`);
    }
    // The migrations run as the server runs them (with its plugins), inside this transaction.
    const migrator = new Migrator({ db: connection, provider: { getMigrations: async () => migrations }, disableTransactions: true });
    checked(await migrator.migrateTo(NO_MIGRATIONS));
    checked(await migrator.migrateTo(header.migrations.at(-1)!));
    const tables = matchTables(file, header, await listTables(db));

    const foreignKeys = await listForeignKeys(db);
    for (const key of foreignKeys) await sql`alter table ${sql.raw(key.table)} drop constraint ${sql.id(key.name)}`.execute(db);
    const rows = await loadRows(file, db, tables, entries);
    for (const key of foreignKeys) {
      await asFileProblem(file, sql`alter table ${sql.raw(key.table)} add constraint ${sql.id(key.name)} ${sql.raw(key.definition)}`.execute(db));
    }
    const upgrade = checked(await migrator.migrateToLatest());
    return { header, rows, replaced, upgradedBy: (upgrade.results ?? []).map((result) => result.migrationName) };
  });
}

/** A backup's schema must be one this version can build: its migrations, a prefix of ours. */
function refuseUnknownMigrations(file: string, applied: string[]): void {
  const known = Object.keys(migrations);
  const unknown = applied.find((name, index) => known[index] !== name);
  if (unknown !== undefined) {
    throw new BackupRefusal(`${file} was made with migration ${unknown}, which this version does not have: restore it with the version that made it, or a newer one.`);
  }
}

/**
 * The migrations built these tables; the backup must describe the same ones, column for column.
 * Returns them by name: the INSERTs name tables, columns and types from the catalog, not the file.
 */
function matchTables(file: string, header: BackupHeader, built: BackupTable[]): Map<string, BackupTable> {
  const byName = new Map(built.map((table) => [table.name, table]));
  const described = new Set(header.tables.map((table) => table.name));
  const foreign = built.filter((table) => !described.has(table.name)).map((table) => table.name);
  if (foreign.length > 0) {
    throw new BackupRefusal(`The database has tables that are not the control plane's (${foreign.join(', ')}): restore into a database of its own.`);
  }
  for (const table of header.tables) {
    const target = byName.get(table.name);
    if (!target || JSON.stringify(target.columns) !== JSON.stringify(table.columns)) {
      throw new BackupRefusal(`${file} describes table ${table.name} other than its migrations build it here: it was edited, or made from a database changed by hand.`);
    }
  }
  return byName;
}

async function loadRows(file: string, db: Kysely<any>, tables: Map<string, BackupTable>, entries: AsyncGenerator<BackupEntry>): Promise<Record<string, number>> {
  let batch: string[] = [];
  let bytes = 0;
  let table: BackupTable | undefined;
  const flush = async () => {
    if (table && batch.length > 0) await asFileProblem(file, insertRows(db, table, batch));
    batch = [];
    bytes = 0;
  };
  for await (const entry of entries) {
    if (entry.kind === 'end') {
      await flush();
      return entry.rows;
    }
    if (entry.kind !== 'row') continue;
    const target = tables.get(entry.table.name)!;
    if (target !== table || batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
    table = target;
    batch.push(entry.text);
    bytes += entry.text.length;
  }
  throw new BackupRefusal(`${file} is damaged or truncated: it has no end line.`);
}

/** One INSERT of many rows: each column's text form cast back to the column's type, as this schema declares it. */
function insertRows(db: Kysely<any>, table: BackupTable, rows: string[]) {
  const columns = sql.join(table.columns.map((column) => sql.id(column.name)));
  const values = sql.join(table.columns.map((column, index) => sql`(r ->> ${sql.lit(index)})::${sql.raw(column.type)}`));
  return sql`insert into ${sql.id(table.name)} (${columns}) select ${values} from json_array_elements(${`[${rows.join(',')}]`}::json) as e(r)`.execute(db);
}

/** Values or references the schema refuses (SQLSTATE classes 22 and 23) are the file's fault, not the database's. */
async function asFileProblem<T>(file: string, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23]/.test(code)) {
      throw new BackupRefusal(`${file} holds rows the schema refuses (${(error as Error).message}); nothing was restored.`);
    }
    throw error;
  }
}

function checked(resultSet: MigrationResultSet): MigrationResultSet {
  if (!resultSet.error) return resultSet;
  const failed = resultSet.results?.find((result) => result.status === 'Error')?.migrationName;
  throw new MigrationError(`${failed ? `Migration ${failed} failed` : 'Migrating failed'}: ${String(resultSet.error)}`, { cause: resultSet.error });
}
