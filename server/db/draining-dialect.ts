import type { DatabaseConnection, Dialect, Driver } from 'kysely';

/** How long closing waits for work already using the database before it closes anyway. */
const DRAIN_MS = 5_000;

/**
 * A dialect whose driver, when destroyed, first lets work already holding a connection finish
 * (a reaction to the last committed change of a shutdown, say). PGlite has one connection:
 * closing it in the middle of a transaction leaves that transaction's next query, and the close
 * itself, waiting forever; on PostgreSQL the transaction would fail against a destroyed driver.
 */
export function drainingOnDestroy(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => drainingDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

function drainingDriver(driver: Driver): Driver {
  let inUse = 0;
  let idle: (() => void) | undefined;
  return {
    init: () => driver.init(),
    // Counted on the way in and out without extra awaits: every statement passes through here.
    acquireConnection: () => {
      inUse += 1;
      return driver.acquireConnection().catch((error: unknown) => {
        inUse -= 1;
        throw error;
      });
    },
    releaseConnection: async (connection: DatabaseConnection) => {
      await driver.releaseConnection(connection);
      inUse -= 1;
      if (inUse === 0) idle?.();
    },
    beginTransaction: (connection, settings) => driver.beginTransaction(connection, settings),
    commitTransaction: (connection) => driver.commitTransaction(connection),
    rollbackTransaction: (connection) => driver.rollbackTransaction(connection),
    destroy: async () => {
      if (inUse > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS))),
        ]);
        clearTimeout(timer);
      }
      await driver.destroy();
    },
  };
}
