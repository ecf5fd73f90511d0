import { sql, type Kysely } from 'kysely';
import type { BackupTable } from './backup-format.js';

/** Kysely's own bookkeeping: the migrations recreate it, so it is neither backed up nor counted as data. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/**
 * Every table of the server's schema (the current schema, as the server resolves names) with its
 * columns in order and their types; generated columns are left out, as they cannot be written.
 */
export async function listTables(db: Kysely<any>): Promise<BackupTable[]> {
  const { rows } = await sql<{ table: string; column: string; type: string }>`
    select c.relname as "table", a.attname as "column", format_type(a.atttypid, a.atttypmod) as "type"
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    where n.nspname = current_schema() and c.relkind = 'r' and c.relname not in (${sql.join(MIGRATION_TABLES)})
    order by c.relname, a.attnum`.execute(db);
  const tables = new Map<string, BackupTable>();
  for (const row of rows) {
    const table = tables.get(row.table) ?? { name: row.table, columns: [] };
    table.columns.push({ name: row.column, type: row.type });
    tables.set(row.table, table);
  }
  return [...tables.values()];
}

/** The tables that hold at least one row. */
export async function tablesWithRows(db: Kysely<any>): Promise<string[]> {
  const holding: string[] = [];
  for (const table of await listTables(db)) {
    const { rows } = await sql<{ any: boolean }>`select exists (select from ${sql.id(table.name)}) as "any"`.execute(db);
    if (rows[0]?.any) holding.push(table.name);
  }
  return holding;
}

/** Migrations applied to this database in the order they ran; empty when it was never migrated. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows: found } = await sql<{ exists: boolean }>`select to_regclass('kysely_migration') is not null as "exists"`.execute(db);
  if (!found[0]?.exists) return [];
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by "timestamp", name`.execute(db);
  return rows.map((row) => row.name);
}

export interface ForeignKey {
  /** The table as PostgreSQL prints it, quoted where needed. */
  table: string;
  name: string;
  definition: string;
}

/** The foreign keys of the server's schema, with their definitions as PostgreSQL prints them. */
export async function listForeignKeys(db: Kysely<any>): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    select con.conrelid::regclass::text as "table", con.conname as "name", pg_get_constraintdef(con.oid) as "definition"
    from pg_constraint con
    join pg_namespace n on n.oid = con.connamespace
    where con.contype = 'f' and n.nspname = current_schema()
    order by 1, 2`.execute(db);
  return rows;
}

/** The server's version string, such as "PostgreSQL 15.18 (Debian ...) on x86_64-pc-linux-gnu, ...". */
export async function serverVersion(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ version: string }>`select version() as "version"`.execute(db);
  return rows[0]?.version ?? 'unknown';
}
