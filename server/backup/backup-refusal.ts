import { ConfigError } from '../config.js';
import { DataDirInUseError } from '../db/data-dir-in-use.js';

/**
 * Something the person running backup or restore can put right (a damaged file, a database in use,
 * a target that holds data, no --force): the scripts print the message alone and exit with code 2.
 */
export class BackupRefusal extends Error {
  override name = 'BackupRefusal';
}

/** A refusal, a bad configuration or bad arguments: the user's to fix (exit 2), not a failure (exit 1). */
export function isUserError(error: unknown): error is Error {
  if (error instanceof BackupRefusal || error instanceof ConfigError || error instanceof DataDirInUseError) return true;
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS');
}
