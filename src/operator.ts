// Wires the layers together: one store, the workflows from workflows/, the conductor that
// takes operator requests and the worker that advances plans.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { Conductor } from './conductor/conductor.ts';
import { WorkflowRegistry } from './conductor/registry.ts';
import { Worker } from './conductor/worker.ts';
import { projectRoot } from './store/prisma-cli.ts';
import { openStore, type Store } from './store/store.ts';

export interface Operator {
  store: Store;
  workflows: WorkflowRegistry;
  conductor: Conductor;
  worker: Worker;
  close(): Promise<void>;
}

export async function createOperator(config: Config, logger: Logger, workflows?: WorkflowRegistry): Promise<Operator> {
  const store = await openStore(config.DATABASE_URL);
  const registry = workflows ?? (await WorkflowRegistry.fromDirectory(path.join(projectRoot, 'workflows')));
  const worker = new Worker({
    store,
    workflows: registry,
    logger,
    dataDir: path.resolve(config.DATA_DIR),
    workerId: config.WORKER_ID,
    leaseMs: config.LEASE_MS,
    concurrency: config.WORKER_CONCURRENCY,
  });
  const conductor = new Conductor(store, registry, () => worker.notify());
  return {
    store,
    workflows: registry,
    conductor,
    worker,
    close: async () => {
      await worker.stop();
      await store.close();
    },
  };
}
