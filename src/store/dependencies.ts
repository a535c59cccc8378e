// The dependencies' shared state and the durable wait of the plans that need one that is down.
// A plan waits with status waiting_dependency and waitingOn = the dependency; it is made
// runnable again (by the database's clock) in the transaction that sees the dependency up.
import type { Dependency } from './generated/sqlite/client.ts';
import { commitPlanChange } from './plans.ts';
import { databaseNow, type SqlRunner } from './sql.ts';
import { dependencyStatements as statements } from './statements.ts';
import type { Store } from './store.ts';

export type DependencyRecord = Dependency;

/** Each dependency a replica has seen fail, and whether it is down now. */
export function listDependencies(store: Store): Promise<DependencyRecord[]> {
  return store.transaction((runner) => runner.query(statements.dependencies()));
}

/** Marks a dependency down; true when this call made the change (it was up or unknown). */
export function markDependencyDown(store: Store, name: string, error: string, probeMs: number): Promise<boolean> {
  return store.transaction(async (runner) => {
    if ((await runner.execute(statements.markDependencyDown(name, error, probeMs))) === 1) return true;
    if ((await runner.execute(statements.insertDependencyDown(name, error, probeMs))) === 1) return true;
    await runner.execute(statements.noteDependencyError(name, error));
    return false;
  });
}

/** Whether this replica is the one to probe a down dependency now. */
export function claimProbe(store: Store, name: string, probeMs: number): Promise<boolean> {
  return store.transaction(async (runner) => (await runner.execute(statements.claimProbe(name, probeMs))) === 1);
}

export function noteProbeFailure(store: Store, name: string, error: string): Promise<void> {
  return store.transaction(async (runner) => void (await runner.execute(statements.noteDependencyError(name, error))));
}

/** Marks a dependency up and resumes every plan waiting for it; returns how many resumed. */
export function markDependencyUp(store: Store, name: string, actor: string): Promise<number> {
  return store.transaction(async (runner) => {
    await runner.execute(statements.markDependencyUp(name));
    return resumeWithin(runner, name, actor);
  });
}

/** The dependencies plans are waiting for. */
export async function awaitedDependencies(store: Store): Promise<string[]> {
  const rows = await store.transaction((runner) => runner.query(statements.awaitedDependencies()));
  return rows.map((row) => row.waitingOn);
}

const RESUME_BATCH = 500;

/** Plans waiting for name become runnable now, each guarded by the state it was read in. */
export function resumeWaiting(store: Store, name: string, actor: string): Promise<number> {
  return store.transaction((runner) => resumeWithin(runner, name, actor));
}

async function resumeWithin(runner: SqlRunner, name: string, actor: string): Promise<number> {
  let resumed = 0;
  for (const plan of await runner.query(statements.plansWaitingOn(name, RESUME_BATCH))) {
    const applied = await commitPlanChange(runner, plan.id, { status: 'waiting_dependency', version: plan.version }, {
      plan: { status: 'running', waitingOn: null, runAfter: databaseNow() },
      audit: [{ actor, action: 'plan.resumed', fromStatus: 'waiting_dependency', toStatus: 'running', reason: `${name} is available again` }],
    });
    if (applied) resumed++;
  }
  return resumed;
}
