/**
 * What npm run restore and npm run backup refuse, with exit code 2 and a message that says why,
 * and without touching the target: files that are not backups, damaged in each part of the format,
 * from a newer version, or holding values the schema refuses; bad arguments; no database on disk.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../server/db/migrator.js';
import { newId } from '../../server/ids.js';
import type { TestDatabase } from '../support/test-database.js';
import { createDatabase, openTestDatabase, readContents, runScript } from './ops-support.js';

/** The lines of a good backup, to be altered one way or another. */
type Lines = string[];

/** The engine this run tests: what the file alone decides is the same on both, the rollback is each engine's. */
const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

describe('backup and restore refusals', () => {
  const databases: TestDatabase[] = [];
  let scratch: string;
  let source: TestDatabase;
  let good: Lines;

  const emptyDatabase = async () => {
    const created = await createDatabase(engine);
    databases.push(created);
    return created;
  };

  const writeBackup = async (name: string, lines: Lines) => {
    const file = path.join(scratch, name);
    await fs.writeFile(file, gzipSync(`${lines.join('\n')}\n`));
    return file;
  };

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-ops-refusals-'));
    source = await emptyDatabase();
    const handle = await openTestDatabase(source);
    try {
      await migrateToLatest(handle.db);
      await sql`insert into sessions (id, name, working_directory, status) values (${newId()}, 'one', '/w', 'ACTIVE')`.execute(handle.db);
    } finally {
      await handle.close();
    }
    const backup = await runScript('backup', ['--out', 'good.jsonl.gz'], source, scratch);
    expect(backup.code, backup.stderr).toBe(0);
    good = gunzipSync(await fs.readFile(path.join(scratch, 'good.jsonl.gz'))).toString('utf8').trimEnd().split('\n');
  });

  afterAll(async () => {
    for (const created of databases) await created.drop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  const sessionRow = () => good.findIndex((line, index) => line.startsWith('[') && good[index - 1] === '{"table":"sessions"}');
  const edit = (change: (lines: Lines) => void): Lines => {
    const lines = [...good];
    change(lines);
    return lines;
  };
  const header = () => JSON.parse(good[0]!);

  /**
   * `file`: refused from the file alone, before the database is opened (a new PGlite folder is not
   * even created); `load`: refused while loading, inside the restore's transaction, which rolls back.
   */
  const cases: { name: string; stage: 'file' | 'load'; file: () => Promise<string>; message: RegExp }[] = [
    { name: 'a missing file', stage: 'file', file: async () => path.join(scratch, 'nowhere.jsonl.gz'), message: /nowhere\.jsonl\.gz does not exist/ },
    { name: 'an empty file', stage: 'file', file: async () => writeFile('empty.gz', ''), message: /is empty/ },
    { name: 'a file that is not gzip', stage: 'file', file: async () => writeFile('notes.txt', 'hello\n'), message: /is not a backup made by npm run backup \(not gzip\)/ },
    { name: 'gzip of something else', stage: 'file', file: () => writeBackup('other.gz', ['{"hello":"world"}']), message: /is not a backup made by npm run backup\.$/m },
    {
      name: 'a newer format', stage: 'file',
      file: () => writeBackup('newer.gz', edit((lines) => (lines[0] = JSON.stringify({ ...header(), version: 2 })))),
      message: /format version 2, newer than this version reads/,
    },
    {
      name: 'a schema this version does not have', stage: 'file',
      file: () => writeBackup('future.gz', edit((lines) => (lines[0] = JSON.stringify({ ...header(), migrations: [...header().migrations, '2999-01-01T00-00-00_future'] })))),
      message: /made with migration 2999-01-01T00-00-00_future, which this version does not have/,
    },
    {
      name: 'a header that does not match the schema', stage: 'load',
      file: () => writeBackup('edited.gz', edit((lines) => {
        const changed = header();
        changed.tables.find((table: { name: string }) => table.name === 'sessions').columns[1].type = 'integer';
        lines[0] = JSON.stringify(changed);
      })),
      message: /describes table sessions other than its migrations build it here/,
    },
    {
      name: 'a row of the wrong width', stage: 'load',
      file: () => writeBackup('wide.gz', edit((lines) => (lines[sessionRow()] = lines[sessionRow()]!.replace(/]$/, ',"extra"]')))),
      message: /damaged or truncated: a row of sessions is not an array of \d+ values/,
    },
    {
      name: 'a value the schema refuses', stage: 'load',
      file: () => writeBackup('bad-uuid.gz', edit((lines) => (lines[sessionRow()] = lines[sessionRow()]!.replace(/^\["[^"]+"/, '["not-a-uuid"')))),
      message: /holds rows the schema refuses \(invalid input syntax for type uuid.*nothing was restored/,
    },
    {
      name: 'a row count that does not add up', stage: 'load',
      file: () => writeBackup('count.gz', edit((lines) => (lines[lines.length - 1] = lines.at(-1)!.replace('"sessions":1', '"sessions":2')))),
      message: /damaged or truncated: table sessions has 1 rows where the end counts 2/,
    },
    {
      name: 'no end line', stage: 'load',
      file: () => writeBackup('endless.gz', edit((lines) => lines.pop())),
      message: /damaged or truncated: it has no end line/,
    },
    {
      name: 'tables out of order', stage: 'load',
      file: () => writeBackup('shuffled.gz', edit((lines) => lines.splice(1, 1))),
      message: /damaged or truncated: table \w+ is not the next one its header lists/,
    },
  ];

  async function writeFile(name: string, text: string): Promise<string> {
    const file = path.join(scratch, name);
    await fs.writeFile(file, text);
    return file;
  }

  // One target for the refusals while loading: each rolls back, so each finds it empty again.
  let loadTarget: TestDatabase | undefined;

  it.each(cases)('refuses $name with exit code 2, and changes nothing', async ({ stage, file, message }) => {
    const target = stage === 'file' ? await emptyDatabase() : (loadTarget ??= await emptyDatabase());
    const result = await runScript('restore', [await file()], target, scratch);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(message);
    // Refused from the file alone, a new PGlite folder is not even created.
    if (stage === 'file' && engine === 'pglite') await expect(fs.access(target.dataDir)).rejects.toThrow();
    else expect(await readContents(target)).toEqual({ migrations: [], tables: {} });
  });

  it('refuses bad arguments with their usage, and an embedded database that is not on disk', async () => {
    const noFile = await runScript('restore', [], source, scratch);
    expect([noFile.code, noFile.stderr.trim()]).toEqual([2, 'usage: npm run restore -- FILE [--force]']);
    const unknown = await runScript('backup', ['--into', 'x'], source, scratch);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--into'");

    const inMemory = await runScript('backup', [], { dataDir: 'memory://' }, scratch);
    expect(inMemory.code).toBe(2);
    expect(inMemory.stderr).toContain('DATA_DIR=memory:// keeps the database in memory only');
    const missing = await runScript('backup', [], { dataDir: path.join(scratch, 'no-database') }, scratch);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No embedded database in');
    await expect(fs.access(path.join(scratch, 'no-database'))).rejects.toThrow();
  });

  it('never overwrites a file, and leaves no partial file behind', async () => {
    const again = await runScript('backup', ['--out', 'good.jsonl.gz'], source, scratch);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('good.jsonl.gz already exists');
    expect(gunzipSync(await fs.readFile(path.join(scratch, 'good.jsonl.gz'))).toString('utf8').trimEnd().split('\n')).toEqual(good);
    expect((await fs.readdir(scratch)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('npm run backup and npm run restore are wired to the scripts', async () => {
    const run = promisify(execFile);
    const root = new URL('../../', import.meta.url).pathname;
    for (const [name, usage] of [['backup', 'usage: npm run backup -- [--out FILE]'], ['restore', 'usage: npm run restore -- FILE [--force]']]) {
      const { stdout } = await run('npm', ['run', '-s', name!, '--', '--help'], { cwd: root });
      expect(stdout.trim()).toBe(usage);
    }
  });
});
