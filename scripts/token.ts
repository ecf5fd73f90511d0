/**
 * API tokens, on the server's own database (DATABASE_URL / DATA_DIR as the server reads them):
 *
 *   npm run token -- create --role admin|operator|viewer [--name <name>]
 *   npm run token -- list
 *   npm run token -- revoke <token id>
 *
 * `create` prints the token once: only its hash is stored.
 */
import { parseArgs } from 'node:util';
import { generateToken, hashToken } from '../server/auth/token-secret.js';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrator.js';
import { insertApiToken, listApiTokens, revokeApiToken } from '../server/db/repositories/api-token.repository.js';
import { TOKEN_ROLES, type TokenRole } from '../server/db/types.js';
import { isUuid, newId } from '../server/ids.js';
import { createLogger } from '../server/logger.js';

const USAGE = 'usage: npm run token -- create --role admin|operator|viewer [--name <name>] | list | revoke <token id>';

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  if (!command || !['create', 'list', 'revoke'].includes(command)) throw new UsageError(USAGE);
  const role = values.role as TokenRole | undefined;
  if (command === 'create' && (!role || !TOKEN_ROLES.includes(role))) throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(', ')}`);
  if (command === 'revoke' && (rest.length !== 1 || !isUuid(rest[0]!))) throw new UsageError('revoke takes one token id (see npm run token -- list)');

  const config = loadConfig();
  const log = createLogger('warn');
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, statementTimeoutMs: config.database.statementTimeoutMs, logger: log });
  try {
    await migrateToLatest(database.db);
    if (command === 'create') {
      const token = generateToken();
      const row = await insertApiToken(database.db, { id: newId(), name: values.name ?? `${role} token`, role: role!, tokenHash: hashToken(token) });
      console.log(`Created ${row.role} token "${row.name}" (id ${row.id}).`);
      console.log('Keep it now: it is not shown again.\n');
      console.log(token);
    } else if (command === 'list') {
      const rows = await listApiTokens(database.db);
      if (rows.length === 0) console.log('No tokens: the server runs in local mode on a loopback address.');
      for (const row of rows) {
        const state = row.revokedAt ? `revoked ${row.revokedAt.toISOString()}` : `last used ${row.lastUsedAt?.toISOString() ?? 'never'}`;
        console.log(`${row.id}  ${row.role.padEnd(8)}  ${row.name}  (created ${row.createdAt.toISOString()}; ${state})`);
      }
    } else {
      if (!(await revokeApiToken(database.db, rest[0]!))) throw new UsageError(`no live token has the id ${rest[0]}`);
      console.log(`Revoked ${rest[0]}: servers refuse it within seconds, and close its open connections.`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
