import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/database.js';

export const READ_SNAPSHOT = sql`begin isolation level repeatable read, read only`;
export const READ_WRITE = sql`begin`;

/**
 * Runs `work` in one transaction on one connection, handing it a Kysely bound to that connection
 * (not a Kysely Transaction: Kysely's Migrator needs `connection()`, which a Transaction refuses,
 * and a restore runs the migrations inside its transaction so that a failure leaves nothing behind).
 *
 * Every statement runs without the server's statement and idle timeouts (a backup may wait on a
 * slow disk, a restore may validate large tables), and with the text forms that pg_dump also fixes:
 * ISO dates in UTC, hex bytea and floats printed exactly, so values read back as they were.
 */
export async function inPinnedTransaction<T>(db: Database, begin: RawBuilder<unknown>, work: (connection: Kysely<any>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await begin.execute(connection);
    try {
      for (const setting of [
        sql`set local statement_timeout = 0`,
        sql`set local idle_in_transaction_session_timeout = 0`,
        sql`set local timezone = 'UTC'`,
        sql`set local datestyle = 'ISO, YMD'`,
        sql`set local intervalstyle = 'postgres'`,
        sql`set local extra_float_digits = 1`,
        sql`set local bytea_output = 'hex'`,
      ]) {
        await setting.execute(connection);
      }
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}
