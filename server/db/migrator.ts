import { Migrator, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Database } from './database.js';

export function createMigrator(db: Database): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Database): Promise<MigrationResultSet> {
  return check(await createMigrator(db).migrateToLatest());
}

export async function migrateDown(db: Database): Promise<MigrationResultSet> {
  return check(await createMigrator(db).migrateDown());
}

function check(resultSet: MigrationResultSet): MigrationResultSet {
  if (resultSet.error) {
    const failed = resultSet.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`Migration ${failed} failed: ${String(resultSet.error)}`, { cause: resultSet.error });
  }
  return resultSet;
}
