// `npm start`: the Operator service, on its embedded defaults unless configured otherwise.
// Every way out stops what the service started (its local Chroma server included): SIGTERM and
// SIGINT stop it gracefully, a failed start-up stops the parts already started (startService),
// and an uncaught error stops the service before the process ends with code 1.
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from './config/config.ts';
import { createLogger } from './ops/logger.ts';
import { environmentWithFile } from './ops/reload.ts';
import { startService, type Service } from './service.ts';

/** How long stopping may take after an uncaught error before the process ends anyway. */
const FATAL_STOP_MS = 10_000;

async function main(): Promise<void> {
  // OPERATOR_ENV_FILE's settings apply from the start, and again on SIGHUP (src/ops/reload.ts).
  const config = loadConfig(environmentWithFile());
  const logger = createLogger(config.LOG_LEVEL);
  // Handlers go in before start-up: a signal that lands while the service starts (Chroma may be
  // starting as our child) waits for it and then stops it, instead of killing us mid-way.
  const starting = startService(config, logger);
  const startedService = starting.catch(() => null);
  let stopping = false;
  const shutdown = async (signal: string) => {
    // A second signal while stopping (Ctrl-C twice) ends at once; the exit handlers still stop Chroma.
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the steps under way');
    await (await startedService)?.stop();
    process.exit(); // 0, or the code a fatal failure set (src/http/front-door.ts)
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const fatal = (error: unknown) => {
    if (stopping) return void logger.error({ err: error }, 'an unexpected error while stopping');
    stopping = true;
    void stopAfterFatal(error, logger, startedService);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const service = await starting;
  logger.info(
    { port: service.port, database: service.operator.store.target.provider, slack: Boolean(service.slack), discord: Boolean(service.discord) },
    `Operator is running: open http://localhost:${service.port}/ (health: /healthz)`,
  );
}

/** An error nothing caught: the service is in an unknown state, so it stops and exits 1 for its supervisor to restart it. */
async function stopAfterFatal(error: unknown, logger: Logger, service: Promise<Service | null>): Promise<void> {
  logger.fatal({ err: error }, 'an unexpected error; stopping so the service is restarted');
  const timer = setTimeout(() => process.exit(1), FATAL_STOP_MS);
  timer.unref();
  await (await service)?.stop().catch((failure: unknown) => logger.error({ err: failure }, 'could not stop every part'));
  process.exit(1);
}

main().catch((error: unknown) => {
  // startService has stopped whatever it had started before the failure.
  console.error(error instanceof ConfigError ? error.message : `Operator cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
