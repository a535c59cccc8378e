// An Operator (store, conductor, worker) on a test database, with fast polling so tests wait
// on behaviour rather than on timers.
import { Writable } from 'node:stream';
import { ConfigSchema, type Config } from '../../src/config/config.ts';
import type { PlanState } from '../../src/conductor/conductor.ts';
import { WorkflowRegistry } from '../../src/conductor/registry.ts';
import { Worker } from '../../src/conductor/worker.ts';
import type { WorkflowDefinition } from '../../src/conductor/workflow.ts';
import { createOperator, type Operator } from '../../src/operator.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { startService, type Service } from '../../src/service.ts';
import type { TestDatabase } from './databases.ts';
import { pollUntil } from './poll.ts';

export const silentLogger = () =>
  createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }));

/** Configuration for a test database, with the given settings on top. */
export function testConfig(database: TestDatabase, settings: Record<string, string> = {}): Config {
  return ConfigSchema.parse({
    DATABASE_URL: database.url,
    DATA_DIR: `${database.dir}/data`,
    WORKER_ID: 'test-worker',
    LEASE_MS: '2000',
    PORT: '0',
    ...settings,
  });
}

export async function testOperator(database: TestDatabase, workflows?: WorkflowDefinition[]): Promise<Operator> {
  return createOperator(testConfig(database), silentLogger(), workflows ? new WorkflowRegistry(workflows) : undefined);
}

/** The whole service (worker, dispatcher, adapters, HTTP on a free port) on a test database. */
export function testService(database: TestDatabase, workflows: WorkflowDefinition[], settings: Record<string, string>): Promise<Service> {
  return startService(testConfig(database, settings), silentLogger(), new WorkflowRegistry(workflows));
}

/** Waits until the service's Discord adapter, which connects in the background, is connected with /op registered. */
export function discordConnected(service: Service, timeoutMs = 15_000): Promise<true> {
  let problem = '';
  return pollUntil(
    () =>
      service.discord!.check().then(
        () => true as const,
        (error: unknown) => void (problem = String(error)),
      ),
    timeoutMs,
    () => `the Discord adapter did not connect: ${problem}`,
  );
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
export function waitForStatus(operator: Operator, planId: string, statuses: string[], timeoutMs = 15_000): Promise<PlanState> {
  let last: PlanState | null = null;
  return pollUntil(
    async () => {
      last = await operator.conductor.show(planId);
      return statuses.includes(last.plan.status) ? last : null;
    },
    timeoutMs,
    () => {
      const steps = last?.steps.map((s) => `${s.key}=${s.status}${s.lastError ? `(${s.lastError})` : ''}`).join(' ');
      return `plan ${planId} is ${last?.plan.status}, expected ${statuses.join('|')}; steps: ${steps}`;
    },
  );
}

/** Waits until every notice of the plan is delivered: the chat then shows all the plan has to say until something new happens. */
export function waitForOutboxDrained(operator: Operator, planId: string, timeoutMs = 15_000): Promise<true> {
  return pollUntil(
    async () => (await operator.store.prisma((db) => db.notice.count({ where: { planId, deliveredAt: null } }))) === 0 || null,
    timeoutMs,
    () => `plan ${planId} still has notices to deliver`,
  );
}

/** Waits until every notice of a kind (digest, reminder) is delivered: what a round wrote has reached the chat by then. */
export function waitForNoticesDelivered(operator: Operator, kind: string, timeoutMs = 15_000): Promise<true> {
  return pollUntil(
    async () => (await operator.store.prisma((db) => db.notice.count({ where: { kind, deliveredAt: null } }))) === 0 || null,
    timeoutMs,
    () => `${kind} notices still wait to be delivered`,
  );
}

/** Waits until the inbox entry of a delivery is answered: a retry of that delivery can change nothing more. */
export function waitForInboxAnswered(operator: Operator, deliveryId: string, timeoutMs = 15_000): Promise<true> {
  return pollUntil(
    async () => Boolean((await operator.store.prisma((db) => db.inboxEntry.findUnique({ where: { id: deliveryId } })))?.answeredAt) || null,
    timeoutMs,
    () => `inbox entry ${deliveryId} not answered`,
  );
}
