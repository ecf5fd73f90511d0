/**
 * API tokens, on the server's own database (DATABASE_URL / DATA_DIR as the server reads them):
 *
 *   npm run token -- create --role admin|operator|viewer [--name <name>] [--sessions <id>,<id>…]
 *   npm run token -- list
 *   npm run token -- revoke <token id>
 *
 * `create` prints the token once: only its hash is stored. `--sessions` limits a viewer or operator
 * token to those sessions (their global ids, as the API shows them, or their UUIDs).
 */
import { parseArgs } from 'node:util';
import { createApiToken } from '../server/auth/new-token.js';
import { loadConfig } from '../server/config.js';
import { parseGlobalId } from '../server/schema/global-id.js';
import { DataDirInUseError } from '../server/db/data-dir-in-use.js';
import { openForCommand } from '../server/db/open-for-command.js';
import { listApiTokens, revokeApiToken } from '../server/db/repositories/api-token.repository.js';
import { TOKEN_ROLES, type TokenRole } from '../server/db/types.js';
import { DomainError } from '../server/errors.js';
import { isUuid } from '../server/ids.js';
import { createLogger } from '../server/logger.js';
import { runCommand } from './run-command.js';

const USAGE =
  'usage: npm run token -- create --role admin|operator|viewer [--name <name>] [--sessions <session id>,…] | list | revoke <token id>';

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, sessions: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  if (!command || !['create', 'list', 'revoke'].includes(command)) throw new UsageError(USAGE);
  const role = values.role as TokenRole | undefined;
  if (command === 'create' && (!role || !TOKEN_ROLES.includes(role))) throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(', ')}`);
  if (command === 'revoke' && (rest.length !== 1 || !isUuid(rest[0]!))) throw new UsageError('revoke takes one token id (see npm run token -- list)');
  const sessionIds = values.sessions === undefined ? undefined : values.sessions.split(',').map((id) => sessionUuid(id.trim()));

  const config = loadConfig();
  const log = createLogger('warn');
  const database = await openForCommand(
    config,
    log,
    'Stop the server and run this again, or create the token in the running server: in local mode you are an admin there, ' +
      'so GraphiQL (http://localhost:4005/graphql) can run mutation { createApiToken(input: { name: "admin", role: ADMIN }) { ... on CreateApiTokenSuccess { created { secret } } } }.',
  );
  try {
    if (command === 'create') {
      const { token: row, secret } = await createApiToken(database.db, { name: values.name ?? `${role} token`, role: role!, sessionIds });
      console.log(`Created ${row.role} token "${row.name}" (id ${row.id})${limitOf(row.sessionIds)}.`);
      console.log('Keep it now: it is not shown again.\n');
      console.log(secret);
    } else if (command === 'list') {
      const rows = await listApiTokens(database.db);
      if (rows.length === 0) console.log('No tokens: the server runs in local mode on a loopback address.');
      for (const row of rows) {
        const state = row.revokedAt ? `revoked ${row.revokedAt.toISOString()}` : `last used ${row.lastUsedAt?.toISOString() ?? 'never'}`;
        console.log(`${row.id}  ${row.role.padEnd(8)}  ${row.name}  (created ${row.createdAt.toISOString()}; ${state})${limitOf(row.sessionIds)}`);
      }
    } else {
      if (!(await revokeApiToken(database.db, rest[0]!))) throw new UsageError(`no live token has the id ${rest[0]}`);
      console.log(`Revoked ${rest[0]}: servers refuse it within seconds, and close its open connections.`);
    }
  } finally {
    await database.close();
  }
}

/** A session's UUID from its global id (Session:…, base64) or the UUID itself. */
function sessionUuid(id: string): string {
  if (isUuid(id)) return id;
  try {
    return parseGlobalId(id, 'Session', '--sessions');
  } catch {
    throw new UsageError(`--sessions: ${JSON.stringify(id)} is not a session id`);
  }
}

function limitOf(sessionIds: readonly string[] | null): string {
  return sessionIds === null ? '' : `, limited to sessions ${sessionIds.join(', ')}`;
}

// Refusals (a bad name, an unknown session, a database in use) are the caller's to fix, like a usage error.
runCommand(main, (error) => error instanceof UsageError || error instanceof DomainError || error instanceof DataDirInUseError);
