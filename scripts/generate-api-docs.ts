import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schema } from '../server/schema/index.js';
import { renderApiMarkdown } from './api-markdown.js';

/** Writes docs/API.md from the schema; with --check, fails when the file is stale. */
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/API.md');
const rendered = renderApiMarkdown(schema);

if (process.argv.includes('--check')) {
  const current = await fs.readFile(target, 'utf8').catch(() => '');
  if (current !== rendered) {
    console.error('docs/API.md is out of date with the schema. Run `npm run docs:api` and commit it.');
    process.exit(1);
  }
  console.log('docs/API.md matches the schema.');
} else {
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, rendered);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
