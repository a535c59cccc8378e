// Wires the layers together: one store, the workflows from workflows/, the conductor that
// takes operator requests and the worker that advances plans.
import path from 'node:path';
import type { Logger } from 'pino';
import { budgetCaps, type Config } from './config/config.ts';
import { Conductor } from './conductor/conductor.ts';
import { WORKFLOWS_DIRECTORY, WorkflowRegistry } from './conductor/registry.ts';
import type { StepServices, StepSettings } from './core/services.ts';
import { Worker } from './conductor/worker.ts';
import { createModelPort } from './llm/model-port.ts';
import { createOpenAIChat } from './llm/openai-chat.ts';
import { createMemory } from './memory/create-memory.ts';
import type { Memory } from './memory/memory.ts';
import { claimSequenceNumber } from './store/sequences.ts';
import { DependencyBreakers } from './ops/breakers.ts';
import { dependencyProbes } from './ops/probes.ts';
import { openStore, type Store } from './store/store.ts';

export interface Operator {
  store: Store;
  workflows: WorkflowRegistry;
  conductor: Conductor;
  worker: Worker;
  memory: Memory;
  /** A circuit breaker per external dependency; start() runs the probes that resume waiting plans. */
  breakers: DependencyBreakers;
  /** graceMs: how long steps under way may finish (see Worker.stop); unbounded without it. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export async function createOperator(config: Config, logger: Logger, workflows?: WorkflowRegistry): Promise<Operator> {
  const store = await openStore(config.DATABASE_URL);
  const registry = workflows ?? (await WorkflowRegistry.fromDirectory(WORKFLOWS_DIRECTORY));
  const chat = createOpenAIChat(config);
  const memory = createMemory(config, store, logger, chat);
  // Resumed plans wake the worker, which is made below with the services that use the breakers.
  let wakeWorker = () => undefined as void;
  const breakers = new DependencyBreakers({
    store,
    logger,
    probes: dependencyProbes(config),
    failuresToOpen: config.DEPENDENCY_FAILURES_TO_OPEN,
    probeMs: config.DEPENDENCY_PROBE_MS,
    replica: config.WORKER_ID,
    onResumed: () => wakeWorker(),
  });
  const services: StepServices = {
    memory,
    model: createModelPort({ store, logger, chat, dependencies: breakers, budgets: budgetCaps(config) }),
    sequences: { claim: (series, key) => claimSequenceNumber(store, series, key) },
    settings: stepSettings(config),
    dependencies: breakers,
  };
  const worker = new Worker({
    store,
    workflows: registry,
    logger,
    services,
    dataDir: path.resolve(config.DATA_DIR),
    configuration: config,
    workerId: config.WORKER_ID,
    leaseMs: config.LEASE_MS,
    concurrency: config.WORKER_CONCURRENCY,
  });
  wakeWorker = () => worker.notify();
  const conductor = new Conductor(store, registry, () => worker.notify());
  return {
    store,
    workflows: registry,
    conductor,
    worker,
    memory,
    breakers,
    close: async (options) => {
      await breakers.stop();
      await worker.stop(options);
      await memory.flush();
      await store.close();
    },
  };
}

export function stepSettings(config: Config): StepSettings {
  return {
    webhook: config.WEBHOOK_URL ? { url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET ?? null } : null,
    smtpUrl: config.SMTP_URL ?? null,
    mailFrom: config.MAIL_FROM,
  };
}
