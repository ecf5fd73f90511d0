import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../server/schema/index.js';

/** Writes the sorted SDL to schema/schema.graphql; with --check, fails when the file is stale. */
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema/schema.graphql');
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes('--check')) {
  const current = await fs.readFile(target, 'utf8').catch(() => '');
  if (current !== printed) {
    console.error('schema/schema.graphql is out of date with the code. Run `npm run schema:print` and commit it.');
    process.exit(1);
  }
  console.log('schema/schema.graphql matches the code.');
} else {
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, printed);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
