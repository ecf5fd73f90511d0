import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Change } from '@graphql-inspector/core';
import { compareSchemas, parseAcknowledgements, type Acknowledgement } from './schema-compatibility.js';

/**
 * Compares the current SDL with the last released one and prints every change. Exits 1 when a
 * breaking change is not acknowledged in the acknowledgements file, 2 when an input is unusable.
 *
 *   npm run schema:diff [-- --released FILE --current FILE --acknowledged FILE]
 */
const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema');
const { values: files } = parseArgs({
  options: {
    released: { type: 'string', default: path.join(schemaDir, 'released.graphql') },
    current: { type: 'string', default: path.join(schemaDir, 'schema.graphql') },
    acknowledged: { type: 'string', default: path.join(schemaDir, 'acknowledged-breaking-changes.json') },
  },
});
/** Paths inside the project as people type them, others in full. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

try {
  const [released, current, acknowledgements] = await Promise.all([
    fs.readFile(files.released, 'utf8'),
    fs.readFile(files.current, 'utf8'),
    readAcknowledgements(files.acknowledged),
  ]);
  const report = await compareSchemas(released, current, acknowledgements);
  const acknowledgementOf = new Map(report.acknowledged.map(({ change, acknowledgement }) => [change, acknowledgement]));

  console.log(`${shown(files.current)} against the released ${shown(files.released)}: ${count(report.changes.length, 'change')}.`);
  for (const change of report.changes) {
    console.log(`  ${change.criticality.level.padEnd(12)} ${change.message}${change.path ? `  (${change.path})` : ''}`);
    const acknowledgement = acknowledgementOf.get(change);
    if (acknowledgement) console.log(`${' '.repeat(15)}acknowledged: ${acknowledgement.reason}`);
  }
  for (const entry of report.unused) {
    console.log(`note: the acknowledgement of ${describe(entry)} matches no change; remove it from ${shown(files.acknowledged)}.`);
  }

  if (report.unacknowledged.length > 0) {
    console.error(
      `\n${count(report.unacknowledged.length, 'breaking change')} not acknowledged:\n` +
        report.unacknowledged.map((change: Change) => `  ${change.message}${change.path ? `  (${change.path})` : ''}`).join('\n') +
        '\nKeep the schema compatible (deprecate before removing), or, if clients may break, acknowledge each change in ' +
        `${shown(files.acknowledged)} as { "path": ..., "reason": ... } or { "message": ..., "reason": ... }.`,
    );
    process.exit(1);
  }
  console.log('No unacknowledged breaking change.');
} catch (error) {
  console.error(`schema:diff could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

/** A missing file acknowledges nothing; a malformed one is an error, never read as empty. */
async function readAcknowledgements(file: string): Promise<Acknowledgement[]> {
  const json = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '[]';
    throw error;
  });
  try {
    return parseAcknowledgements(json);
  } catch (error) {
    throw new Error(`${shown(file)} must be a JSON array of { "path" or "message", "reason" }: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function describe(entry: Acknowledgement): string {
  return entry.message !== undefined ? JSON.stringify(entry.message) : `the path ${entry.path}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
