import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import { BackupRefusal } from './backup-refusal.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, endSchema, headerSchema, tableMarkerSchema, type BackupHeader, type BackupTable } from './backup-format.js';

export type BackupEntry =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'row'; table: BackupTable; text: string }
  | { kind: 'end'; rows: Record<string, number> };

/**
 * The entries of a backup file in order: its header, every row (the line's text, checked to be an
 * array of the table's width), then its end. Anything else (not gzip, not a backup, a newer format,
 * a truncated or damaged file, rows that do not add up) throws a BackupRefusal naming the file.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupEntry> {
  const size = await fs.promises.stat(file).then((stat) => stat.size, (error: unknown) => {
    throw readFailure(file, error);
  });
  if (size === 0) throw new BackupRefusal(`${file} is empty: it is not a backup made by npm run backup.`);
  const lines = readLines(file);
  const first = await lines.next();
  if (first.done) throw new BackupRefusal(`${file} is empty: it is not a backup made by npm run backup.`);
  const header = parseHeader(file, first.value);
  yield { kind: 'header', header };

  const counted: Record<string, number> = {};
  let table: BackupTable | undefined;
  for await (const line of lines) {
    if (line.startsWith('[')) {
      if (!table) throw damaged(file, 'a row comes before any table');
      if (!isRow(line, table.columns.length)) throw damaged(file, `a row of ${table.name} is not an array of ${table.columns.length} values`);
      counted[table.name] = (counted[table.name] ?? 0) + 1;
      yield { kind: 'row', table, text: line };
      continue;
    }
    const value = tryParseJson(line);
    const marker = tableMarkerSchema.safeParse(value);
    if (marker.success) {
      const expected = header.tables[Object.keys(counted).length];
      if (marker.data.table !== expected?.name) throw damaged(file, `table ${marker.data.table} is not the next one its header lists`);
      table = expected;
      counted[table.name] = 0;
      continue;
    }
    const end = endSchema.safeParse(value);
    if (!end.success) throw damaged(file, 'a line is neither a row, a table nor the end');
    if (Object.keys(counted).length !== header.tables.length) throw damaged(file, 'it ends before its last table');
    for (const [name, rows] of Object.entries(counted)) {
      if (end.data.rows[name] !== rows) throw damaged(file, `table ${name} has ${rows} rows where the end counts ${end.data.rows[name]}`);
    }
    if (!(await lines.next()).done) throw damaged(file, 'lines follow its end');
    yield { kind: 'end', rows: counted };
    return;
  }
  throw damaged(file, 'it has no end line (truncated?)');
}

function parseHeader(file: string, line: string): BackupHeader {
  const value = tryParseJson(line) as { format?: unknown; version?: unknown } | null | undefined;
  if (value?.format !== BACKUP_FORMAT) throw new BackupRefusal(`${file} is not a backup made by npm run backup.`);
  if (typeof value.version === 'number' && value.version > BACKUP_FORMAT_VERSION) {
    throw new BackupRefusal(`${file} has format version ${value.version}, newer than this version reads (${BACKUP_FORMAT_VERSION}): restore it with the version that made it.`);
  }
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) throw damaged(file, `its header is invalid (${describe(parsed.error)})`);
  return parsed.data;
}

function isRow(line: string, width: number): boolean {
  const value = tryParseJson(line);
  return Array.isArray(value) && value.length === width && value.every((item) => item === null || typeof item === 'string');
}

/** The parsed value, or undefined (which JSON cannot hold) when the text is not JSON. */
function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'header'}: ${issue.message}`).join('; ');
}

function damaged(file: string, why: string): BackupRefusal {
  return new BackupRefusal(`${file} is damaged or truncated: ${why}.`);
}

/** The file's lines after gunzip; read errors become refusals that say what is wrong with the file. */
async function* readLines(file: string): AsyncGenerator<string> {
  const source = fs.createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending += decoder.write(chunk);
      let start = 0;
      for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n', start)) {
        if (newline > start) yield pending.slice(start, newline);
        start = newline + 1;
      }
      pending = pending.slice(start);
    }
  } catch (error) {
    throw readFailure(file, error);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  pending += decoder.end();
  if (pending !== '') yield pending;
}

function readFailure(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new BackupRefusal(`${file} does not exist.`);
  if (code === 'EACCES' || code === 'EISDIR') return new BackupRefusal(`${file} cannot be read (${code}).`);
  if (code === 'Z_DATA_ERROR' && /header/i.test((error as Error).message)) return new BackupRefusal(`${file} is not a backup made by npm run backup (not gzip).`);
  if (code?.startsWith('Z_')) return new BackupRefusal(`${file} is damaged or truncated: ${(error as Error).message}.`);
  return error as Error;
}
