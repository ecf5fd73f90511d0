import { z } from 'zod';
import {
  deleteSessionSecret,
  findSessionSecrets,
  listSecretNamesBySession,
  upsertSessionSecret,
} from '../db/repositories/session-secret.repository.js';
import type { SessionRow } from '../db/types.js';
import { CapacityReachedError, EncryptionNotConfiguredError, InvalidInputError, NotFoundError } from '../errors.js';
import type { SecretBox } from '../security/secret-box.js';
import { secretAssociatedData, sessionSecretBox } from '../security/session-secret-seal.js';
import { refusedSecretName, SECRET_NAME_PATTERN } from '../security/secret-name.js';
import type { ServiceDeps } from './deps.js';
import type { SessionService } from './session.service.js';
import { parseInput } from './validation.js';

/** Well under Linux's 128 KiB limit on one environment string. */
const MAX_VALUE_LENGTH = 32 * 1024;
const MAX_SECRETS_PER_SESSION = 100;

const secretName = z
  .string()
  .regex(SECRET_NAME_PATTERN, 'must be an environment variable name: A-Z, 0-9 and _, not starting with a digit, at most 64 characters');

const setSecretInput = z.object({
  sessionId: z.string(),
  name: secretName,
  // Messages here must never quote the value.
  value: z.string().min(1, 'must not be empty (deleteSessionSecret removes a secret)').max(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`),
});
export type SetSessionSecretInput = z.input<typeof setSecretInput>;

const deleteSecretInput = z.object({ sessionId: z.string(), name: secretName });
export type DeleteSessionSecretInput = z.input<typeof deleteSecretInput>;

/**
 * Per-session secrets: sealed with ENCRYPTION_KEY when set, listed by name only, and opened
 * only to build the environment of that session's agent processes.
 */
export class SessionSecretsService {
  private readonly box?: SecretBox;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly sessions: SessionService,
  ) {
    this.box = sessionSecretBox(deps.config);
  }

  /** Stores (or replaces) the secret; the session's agents get it from their next process start. */
  async setSecret(input: SetSessionSecretInput): Promise<SessionRow> {
    if (!this.box) throw new EncryptionNotConfiguredError();
    const { sessionId, name, value } = parseInput(setSecretInput, input);
    this.refuseControlledName(name);
    const session = await this.sessions.getSession(sessionId, 'sessionId');
    const [names = []] = await listSecretNamesBySession(this.deps.db, [sessionId]);
    if (names.length >= MAX_SECRETS_PER_SESSION && !names.includes(name)) {
      throw new CapacityReachedError(MAX_SECRETS_PER_SESSION, `A session holds at most ${MAX_SECRETS_PER_SESSION} secrets; delete one first.`);
    }
    const sealed = this.box.seal(value, secretAssociatedData(sessionId, name));
    await upsertSessionSecret(this.deps.db, { sessionId, name, ...sealed });
    return session;
  }

  /** Removes the secret; NotFoundError when the session has none of that name. */
  async deleteSecret(input: DeleteSessionSecretInput): Promise<SessionRow> {
    const { sessionId, name } = parseInput(deleteSecretInput, input);
    const session = await this.sessions.getSession(sessionId, 'sessionId');
    if (!(await deleteSessionSecret(this.deps.db, sessionId, name))) throw new NotFoundError('SessionSecret', 'name', name);
    return session;
  }

  /** The secret names of each session, sorted, in the order of the ids. */
  namesBySession(sessionIds: readonly string[]): Promise<string[][]> {
    return listSecretNamesBySession(this.deps.db, sessionIds);
  }

  /**
   * The session's secrets, decrypted, as environment variables for one of its agent processes.
   * Throws (and the process does not start) when a secret cannot be decrypted: an agent never
   * runs without a credential its session set for it.
   */
  async environmentFor(sessionId: string): Promise<Record<string, string>> {
    const rows = await findSessionSecrets(this.deps.db, sessionId);
    if (rows.length === 0) return {};
    if (!this.box) {
      throw new Error(`the session has ${rows.length} secret(s) but the server has no ENCRYPTION_KEY to decrypt them; start it with the key they were stored under`);
    }
    const environment: Record<string, string> = {};
    for (const row of rows) {
      try {
        environment[row.name] = this.box.open(row, secretAssociatedData(sessionId, row.name));
      } catch (error) {
        throw new Error(`session secret ${row.name}: ${(error as Error).message}`);
      }
    }
    return environment;
  }

  private refuseControlledName(name: string): void {
    const refusal = refusedSecretName(name, this.deps.supervisor.adapter.controlledEnvironment);
    if (refusal) throw new InvalidInputError('name', refusal);
  }
}
