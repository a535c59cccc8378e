// `npm start`: the Operator service on its embedded defaults (SQLite under ./data/).
import { ConfigError, loadConfig } from './config.ts';
import { createHttpService } from './http/server.ts';
import { createOperator } from './operator.ts';
import { createLogger } from './ops/logger.ts';
import { databaseTarget } from './store/database-url.ts';
import { migrateIfPending } from './store/migrate.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  // The embedded database migrates itself; a shared PostgreSQL is migrated once, by `op migrate`.
  if (databaseTarget(config.DATABASE_URL).provider === 'sqlite') {
    const applied = await migrateIfPending(config.DATABASE_URL);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrated the embedded database');
  }
  const operator = await createOperator(config, logger);
  const http = createHttpService(logger);
  http.addHealthCheck('store', () => operator.store.ping());
  const port = await http.listen(config.PORT);
  await operator.worker.start();
  logger.info({ port, database: operator.store.target.provider, workflows: operator.workflows.list().length }, `Operator is running: http://localhost:${port}/healthz`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping: finishing the steps under way');
    await http.close();
    await operator.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
