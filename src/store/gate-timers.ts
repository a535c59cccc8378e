// Reads and housekeeping of gate deadlines; firing one is the conductor's (passDeadline), in the
// transaction of the change it makes.
import { timerStatements, type DueTimer } from './statements.ts';
import type { Store } from './store.ts';

export type { DueTimer } from './statements.ts';

/** Timers due by the database's clock whose wait is still on, oldest first. */
export function dueTimers(store: Store, limit = 100): Promise<DueTimer[]> {
  return store.transaction((runner) => runner.query(timerStatements.dueTimers(limit)));
}

/** Marks done the timers of waits that ended (decided, answered, cancelled, replaced by an edit). */
export function closeEndedTimers(store: Store): Promise<number> {
  return store.transaction((runner) => runner.execute(timerStatements.closeEndedTimers()));
}

/** The deadline or escalation still running for a plan, if any. */
export async function openTimerOf(store: Store, planId: string) {
  const [timer] = await store.transaction((runner) => runner.query(timerStatements.openTimerOf(planId)));
  return timer ?? null;
}
