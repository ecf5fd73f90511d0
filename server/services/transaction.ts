import type { Database } from '../db/database.js';
import type { Executor } from '../db/repositories/executor.js';

/** Work queued inside a transaction that may only happen once it has committed (publishing). */
export type AfterCommit = (effect: () => void) => void;

/**
 * Runs fn in a transaction; effects registered with afterCommit run only after a commit,
 * so subscribers never see a state the database does not hold.
 */
export async function inTransaction<T>(
  db: Database,
  fn: (trx: Executor, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  const effects: (() => void)[] = [];
  const result = await db.transaction().execute((trx) => fn(trx, (effect) => effects.push(effect)));
  for (const effect of effects) effect();
  return result;
}
