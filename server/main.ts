import { createApp } from './app.js';
import { AuthenticationRequiredError } from './auth/authenticator.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

/** Composition root: config -> app (db, services, supervisor, http) -> signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  let app;
  try {
    app = await createApp({ config, log });
  } catch (error) {
    if (error instanceof AuthenticationRequiredError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  let port: number;
  let dashboardPort: number | undefined;
  try {
    port = await app.listen();
    if (config.serveDashboard) dashboardPort = await app.listenDashboard();
  } catch (error) {
    // A taken port: stop what already started (agent processes included) before giving up.
    log.error({ err: error }, `cannot listen: ${(error as Error).message}`);
    await app.stop();
    process.exit(1);
  }
  log.info(
    { database: app.database.kind, dataDir: app.database.kind === 'pglite' ? config.database.dataDir : undefined },
    `GraphQL API and GraphiQL at http://${config.host}:${port}/graphql`,
  );
  if (dashboardPort !== undefined) log.info(`Dashboard at http://${config.host}:${dashboardPort}/`);

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 15_000);
    forced.unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
