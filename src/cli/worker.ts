// `op worker`: advance plans in this process until Ctrl-C (scale-out runs several of these).
import { loadConfig } from '../config/config.ts';
import { createOperator } from '../operator.ts';
import { createLogger } from '../ops/logger.ts';

export async function runWorker(): Promise<string> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const operator = await createOperator(config, logger);
  await operator.worker.start();
  operator.breakers.start();
  logger.info({ worker: operator.worker.id }, 'worker running; Ctrl-C stops it after the steps under way');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await operator.close();
  return 'worker stopped';
}
