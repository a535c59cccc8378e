// `npm start`: the Operator service, on its embedded defaults unless configured otherwise.
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './ops/logger.ts';
import { startService } from './service.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const service = await startService(config, logger);
  logger.info(
    { port: service.port, database: service.operator.store.target.provider, slack: Boolean(service.slack) },
    `Operator is running: http://localhost:${service.port}/healthz`,
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping: finishing the steps under way');
    await service.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
