// What a command opens, and no more: the store alone for plan reads, the conductor (store and
// workflows) for plan changes, the whole operator (memory, models, worker) for memory commands.
import os from 'node:os';
import type { Conductor } from '../conductor/conductor.ts';
import { loadConfig, type Config } from '../config/config.ts';
import type { Operator } from '../operator.ts';
import { pendingMigrations } from '../store/migrate.ts';
import { openStore, type Store } from '../store/store.ts';
import { usageError } from './usage.ts';

/** Who the audit names for a command: --as, or the terminal's user. */
export const actorOf = (as: string | undefined) => as ?? `cli:${os.userInfo().username}`;

async function checkMigrated(store: Store): Promise<void> {
  const pending = await pendingMigrations(store);
  if (pending.length > 0) throw usageError(`The database has ${pending.length} migration(s) to apply.`, 'Run `op migrate` (npm start does it for the embedded database), then try again.');
}

export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config.DATABASE_URL, { walCheckpointThread: false });
  try {
    await checkMigrated(store);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** A conductor without a worker: the running service (or `op worker`) advances what it changes. */
export function withConductor<T>(fn: (conductor: Conductor) => Promise<T>): Promise<T> {
  return withStore(async (store) => {
    const [{ Conductor }, { WORKFLOWS_DIRECTORY, WorkflowRegistry }] = await Promise.all([import('../conductor/conductor.ts'), import('../conductor/registry.ts')]);
    return fn(new Conductor(store, await WorkflowRegistry.fromDirectory(WORKFLOWS_DIRECTORY)));
  });
}

export async function withOperator<T>(fn: (operator: Operator, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const [{ createOperator }, { createLogger }] = await Promise.all([import('../operator.ts'), import('../ops/logger.ts')]);
  const operator = await createOperator(config, createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr));
  try {
    await checkMigrated(operator.store);
    return await fn(operator, config);
  } finally {
    await operator.store.close();
  }
}
