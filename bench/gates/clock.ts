// The gate bench's clock. The conductor, the deadline job and the reminder job all ask the
// database's clock what is due, and a decision's waitedMs is the time since its wait began; so,
// as test/gates-deadlines.test.ts does, time passes by moving what is stored into the past, never
// by sleeping: advancing by an hour moves every open wait's start (and reminder) and every open
// timer's due time an hour back. A week runs in seconds and every figure is in simulated time
// (plus the few real milliseconds a step takes).
import { sql } from '../../src/store/sql.ts';
import type { Store } from '../../src/store/store.ts';

const clockStatements = {
  openWaits: () =>
    sql<{ id: string; waitingSince: Date; remindedAt: Date | null }>`SELECT "id", "waitingSince", "remindedAt" FROM "Step" WHERE "status" IN ('waiting', 'failed') AND "waitingSince" IS NOT NULL`,
  moveWait: (id: string, waitingSince: Date, remindedAt: Date | null) => sql`UPDATE "Step" SET "waitingSince" = ${waitingSince}, "remindedAt" = ${remindedAt} WHERE "id" = ${id}`,
  openTimers: () => sql<{ id: string; dueAt: Date }>`SELECT "id", "dueAt" FROM "GateTimer" WHERE "doneAt" IS NULL`,
  moveTimer: (id: string, dueAt: Date) => sql`UPDATE "GateTimer" SET "dueAt" = ${dueAt} WHERE "id" = ${id}`,
};

const earlier = (date: Date, ms: number) => new Date(date.getTime() - ms);

export class SimulatedClock {
  readonly #store: Store;
  readonly #reminderAfterMs: number;
  /** Simulated time: milliseconds since the run's first Monday, 00:00. */
  now = 0;

  constructor(store: Store, reminderAfterMs: number) {
    this.#store = store;
    this.#reminderAfterMs = reminderAfterMs;
  }

  /** Lets ms pass for everything that waits on the database's clock. */
  async advance(ms: number): Promise<void> {
    if (ms <= 0) return;
    await this.#store.transaction(async (runner) => {
      for (const wait of await runner.query(clockStatements.openWaits())) {
        await runner.execute(clockStatements.moveWait(wait.id, earlier(wait.waitingSince, ms), wait.remindedAt && earlier(wait.remindedAt, ms)));
      }
      for (const timer of await runner.query(clockStatements.openTimers())) {
        await runner.execute(clockStatements.moveTimer(timer.id, earlier(timer.dueAt, ms)));
      }
    });
    this.now += ms;
  }

  /** When the next open timer or reminder falls due, in simulated time; null when none will. */
  async nextDue(): Promise<number | null> {
    const { waits, timers } = await this.#store.transaction(async (runner) => ({
      waits: await runner.query(clockStatements.openWaits()),
      timers: await runner.query(clockStatements.openTimers()),
    }));
    const real = Date.now();
    const due = [
      ...timers.map((timer) => timer.dueAt.getTime()),
      ...waits.filter((wait) => wait.remindedAt === null || wait.remindedAt < wait.waitingSince).map((wait) => wait.waitingSince.getTime() + this.#reminderAfterMs),
    ].filter((at) => at > real);
    return due.length === 0 ? null : this.now + Math.min(...due) - real;
  }
}
