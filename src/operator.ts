// Wires the layers together: one store, the workflows from workflows/, the conductor that
// takes operator requests and the worker that advances plans.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { Conductor } from './conductor/conductor.ts';
import { WORKFLOWS_DIRECTORY, WorkflowRegistry } from './conductor/registry.ts';
import type { StepServices, StepSettings } from './core/services.ts';
import { Worker } from './conductor/worker.ts';
import { createModelPort } from './llm/model-port.ts';
import { createOpenAIChat } from './llm/openai-chat.ts';
import { createMemory } from './memory/create-memory.ts';
import type { Memory } from './memory/memory.ts';
import { claimSequenceNumber } from './store/sequences.ts';
import { openStore, type Store } from './store/store.ts';

export interface Operator {
  store: Store;
  workflows: WorkflowRegistry;
  conductor: Conductor;
  worker: Worker;
  memory: Memory;
  /** graceMs: how long steps under way may finish (see Worker.stop); unbounded without it. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export async function createOperator(config: Config, logger: Logger, workflows?: WorkflowRegistry): Promise<Operator> {
  const store = await openStore(config.DATABASE_URL);
  const registry = workflows ?? (await WorkflowRegistry.fromDirectory(WORKFLOWS_DIRECTORY));
  const chat = createOpenAIChat(config);
  const memory = createMemory(config, store, logger, chat);
  const services: StepServices = {
    memory,
    model: createModelPort({ store, logger, chat }),
    sequences: { claim: (series, key) => claimSequenceNumber(store, series, key) },
    settings: stepSettings(config),
  };
  const worker = new Worker({
    store,
    workflows: registry,
    logger,
    services,
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
    memory,
    close: async (options) => {
      await worker.stop(options);
      await memory.flush();
      await store.close();
    },
  };
}

export function stepSettings(config: Config): StepSettings {
  return {
    invoiceApprovalAbove: config.INVOICE_APPROVAL_ABOVE,
    webhook: config.WEBHOOK_URL ? { url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET ?? null } : null,
    smtpUrl: config.SMTP_URL ?? null,
    mailFrom: config.MAIL_FROM,
  };
}
