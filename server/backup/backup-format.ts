import { z } from 'zod';

/**
 * A backup is one gzip file of JSON lines:
 *
 *   {"format":"agent-control-plane-backup","version":1,...,"migrations":[...],"tables":[...]}   the header
 *   {"table":"agents"}                                   then, for every table of the header in its order,
 *   ["0193...","worker-1",null,...]                      a marker and one array per row: each column's
 *   ...                                                  PostgreSQL text form (null for NULL), as COPY has it
 *   {"end":"agent-control-plane-backup","rows":{...}}    and an end line with the rows per table.
 *
 * Rows carry values only; the schema comes from the migrations the header names, so that a restore
 * builds exactly the tables the server's own migrations build, on PostgreSQL or PGlite alike.
 */
export const BACKUP_FORMAT = 'agent-control-plane-backup';
export const BACKUP_FORMAT_VERSION = 1;

const columnSchema = z.object({ name: z.string().min(1), type: z.string().min(1) });
const tableSchema = z.object({ name: z.string().min(1), columns: z.array(columnSchema).min(1) });

export const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int(),
  createdAt: z.string(),
  source: z.object({ engine: z.enum(['postgres', 'pglite']), serverVersion: z.string() }),
  /** Migrations applied to the backed-up database, in the order they ran. */
  migrations: z.array(z.string().min(1)).min(1),
  tables: z.array(tableSchema),
});

export const tableMarkerSchema = z.object({ table: z.string().min(1) });
export const endSchema = z.object({ end: z.literal(BACKUP_FORMAT), rows: z.record(z.string(), z.number().int().min(0)) });

export type BackupHeader = z.infer<typeof headerSchema>;
export type BackupTable = z.infer<typeof tableSchema>;
export type BackupColumn = z.infer<typeof columnSchema>;
export type BackupEnd = z.infer<typeof endSchema>;
