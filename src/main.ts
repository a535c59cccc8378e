// `npm start`: the Operator service, on its embedded defaults unless configured otherwise.
import { ConfigError, loadConfig } from './config/config.ts';
import { createLogger } from './ops/logger.ts';
import { environmentWithFile } from './ops/reload.ts';
import { startService } from './service.ts';

async function main(): Promise<void> {
  // OPERATOR_ENV_FILE's settings apply from the start, and again on SIGHUP (src/ops/reload.ts).
  const config = loadConfig(environmentWithFile());
  const logger = createLogger(config.LOG_LEVEL);
  // Handlers go in before start-up: a signal that lands while the service starts (Chroma may be
  // starting as our child) waits for it and then stops it, instead of killing us mid-way.
  const starting = startService(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping: finishing the steps under way');
    await (await starting).stop();
    process.exit(); // 0, or the code a fatal failure set (src/http/front-door.ts)
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  const service = await starting;
  logger.info(
    { port: service.port, database: service.operator.store.target.provider, slack: Boolean(service.slack) },
    `Operator is running: open http://localhost:${service.port}/ (health: /healthz)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
