// A conductor worker as its own OS process, for bench/conductor.ts (started with child_process.fork,
// so it has an IPC channel to the bench). Configuration comes from the environment through
// loadConfig, exactly as in `npm start`: the bench sets only DATABASE_URL, DATA_DIR, WORKER_ID and
// LOG_LEVEL, so WORKER_CONCURRENCY, LEASE_MS and the SQLite pragmas are the shipped defaults.
//
// OP_BENCH_MODE=controlled  (throughput runs) builds the Operator, reports {type:'ready'}, then obeys
//                           {type:'go'} (worker.start), {type:'pause'} (worker.stop) and {type:'exit'}.
// OP_BENCH_MODE=service     (recovery runs) starts up like src/main.ts: load the config, migrate an
//                           SQLite database, build the Operator, start the worker at once; it reports
//                           the times of those phases and stops cleanly on SIGTERM.
import pino from 'pino';

// Taken before the heavy imports below, so the report shows what loading the code costs.
const processStartedAt = performance.timeOrigin;
const importsStartedAt = Date.now();

const { loadConfig } = await import('../src/config/config.ts');
const { WorkflowRegistry } = await import('../src/conductor/registry.ts');
const { createOperator } = await import('../src/operator.ts');
const { createLogger } = await import('../src/ops/logger.ts');
const { databaseTarget } = await import('../src/store/database-url.ts');
const { migrateIfPending } = await import('../src/store/migrate.ts');
const { benchWorkflow } = await import('./workflow.ts');

export type ParentMessage = { type: 'go' } | { type: 'pause' } | { type: 'exit' };
export type ChildMessage =
  | { type: 'ready'; concurrency: number }
  | { type: 'started'; at: number }
  | { type: 'paused' }
  | { type: 'service-started'; timings: ServiceTimings; concurrency: number };

/** Wall-clock milliseconds (Date.now()) at each phase of a service-mode start. */
export interface ServiceTimings {
  processStartedAt: number;
  importsStartedAt: number;
  importsDoneAt: number;
  migratedAt: number;
  operatorCreatedAt: number;
  workerStartedAt: number;
}

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const importsDoneAt = Date.now();
  const config = loadConfig(process.env);
  // Warnings and errors go to stderr synchronously, so the bench sees them even after a SIGKILL.
  const logger = createLogger(config.LOG_LEVEL, pino.destination({ dest: 2, sync: true }));
  const mode = process.env.OP_BENCH_MODE ?? 'service';

  if (mode === 'service') {
    // As the service does: the embedded database migrates itself when a migration is pending.
    if (databaseTarget(config.DATABASE_URL).provider === 'sqlite') await migrateIfPending(config.DATABASE_URL);
    const migratedAt = Date.now();
    const operator = await createOperator(config, logger, new WorkflowRegistry([benchWorkflow]));
    const operatorCreatedAt = Date.now();
    await operator.worker.start();
    const workerStartedAt = Date.now();
    send({
      type: 'service-started',
      concurrency: config.WORKER_CONCURRENCY,
      timings: { processStartedAt, importsStartedAt, importsDoneAt, migratedAt, operatorCreatedAt, workerStartedAt },
    });
    process.once('SIGTERM', () => {
      void operator.close().then(() => process.exit(0));
    });
    return;
  }

  if (mode !== 'controlled') throw new Error(`OP_BENCH_MODE must be controlled or service, got ${mode}`);
  const operator = await createOperator(config, logger, new WorkflowRegistry([benchWorkflow]));
  await operator.store.ping(); // opens the connection (PostgreSQL connects lazily)
  process.on('message', (message: ParentMessage) => {
    switch (message.type) {
      case 'go':
        void operator.worker.start().then(() => send({ type: 'started', at: Date.now() }));
        break;
      case 'pause':
        void operator.worker.stop().then(() => send({ type: 'paused' }));
        break;
      case 'exit':
        void operator.close().then(() => process.exit(0));
        break;
    }
  });
  send({ type: 'ready', concurrency: config.WORKER_CONCURRENCY });
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
