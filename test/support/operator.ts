// An Operator (store, conductor, worker) on a test database, with fast polling so tests wait
// on behaviour rather than on timers.
import { Writable } from 'node:stream';
import { ConfigSchema } from '../../src/config.ts';
import type { PlanState } from '../../src/conductor/conductor.ts';
import { WorkflowRegistry } from '../../src/conductor/registry.ts';
import { Worker } from '../../src/conductor/worker.ts';
import type { WorkflowDefinition } from '../../src/conductor/workflow.ts';
import { createOperator, type Operator } from '../../src/operator.ts';
import { createLogger } from '../../src/ops/logger.ts';
import type { TestDatabase } from './databases.ts';

export const silentLogger = () =>
  createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }));

export async function testOperator(
  database: TestDatabase,
  workflows?: WorkflowDefinition[],
  settings: Record<string, string> = {},
): Promise<Operator> {
  const config = ConfigSchema.parse({
    DATABASE_URL: database.url,
    DATA_DIR: `${database.dir}/data`,
    WORKER_ID: 'test-worker',
    LEASE_MS: '2000',
    ...settings,
  });
  return createOperator(config, silentLogger(), workflows ? new WorkflowRegistry(workflows) : undefined);
}

/** A second worker on the same database, as another process would run. */
export function extraWorker(operator: Operator, database: TestDatabase, workerId: string, leaseMs = 2000): Worker {
  return new Worker({
    store: operator.store,
    workflows: operator.workflows,
    logger: silentLogger(),
    dataDir: `${database.dir}/data`,
    workerId,
    leaseMs,
    pollMs: 20,
  });
}

/** Polls until the plan reaches one of statuses; fails with where it stands otherwise. */
export async function waitForStatus(operator: Operator, planId: string, statuses: string[], timeoutMs = 15_000): Promise<PlanState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await operator.conductor.show(planId);
    if (statuses.includes(state.plan.status)) return state;
    if (Date.now() > deadline) {
      const steps = state.steps.map((s) => `${s.key}=${s.status}${s.lastError ? `(${s.lastError})` : ''}`).join(' ');
      throw new Error(`plan ${planId} is ${state.plan.status}, expected ${statuses.join('|')}; steps: ${steps}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
