// Group commit for SQLite. Every commit is an fsync and a process has one connection, so
// transactions that arrive while one runs share the next BEGIN..COMMIT, each inside its own
// savepoint, and each caller resolves only after that shared COMMIT: the same durability per
// caller, one fsync per group (as PostgreSQL and MySQL batch commits). A failing transaction
// rolls back to its savepoint and fails alone.
import { setImmediate as turn } from 'node:timers/promises';
import { sql, type SqlRunner } from './sql.ts';

type Work = (runner: SqlRunner) => Promise<unknown>;
interface Pending {
  work: Work;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * runGroup runs its body in one transaction (retrying it whole when SQLite is busy);
 * mustRetryGroup tells which errors of one transaction must fail the group so it is retried.
 */
export function groupCommitter(
  runGroup: (body: (runner: SqlRunner) => Promise<void>) => Promise<void>,
  mustRetryGroup: (error: unknown) => boolean,
  maxGroup = 64,
) {
  const queue: Pending[] = [];
  let draining = false;

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (queue.length > 0) {
        // better-sqlite3 answers synchronously, so without this turn a busy worker would never
        // let timers (lease heartbeats, step timeouts) or HTTP requests run.
        await turn();
        // The group is what has arrived by the time the transaction holds the write lock (a wait
        // for another connection's lock gathers the work that comes meanwhile); a retry of the
        // whole group keeps it.
        let group: Pending[] = [];
        let taken = false;
        let outcomes: Outcome[] = [];
        try {
          await runGroup(async (runner) => {
            if (!taken) [group, taken] = [queue.splice(0, maxGroup), true];
            outcomes = [];
            // No turn of the event loop inside the transaction: it holds SQLite's write lock, which
            // the front door's inbox insert (another thread) waits for before it can acknowledge.
            for (const item of group) {
              await runner.execute(sql`SAVEPOINT op_item`);
              try {
                outcomes.push({ ok: true, value: await item.work(runner) });
              } catch (error) {
                if (mustRetryGroup(error)) throw error;
                await runner.execute(sql`ROLLBACK TO op_item`);
                outcomes.push({ ok: false, error });
              }
              await runner.execute(sql`RELEASE op_item`);
            }
          });
        } catch (error) {
          // Never holding the lock, it failed the work that was waiting for it.
          for (const item of taken ? group : queue.splice(0, maxGroup)) item.reject(error);
          continue;
        }
        group.forEach((item, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) item.resolve(outcome.value);
          else item.reject(outcome.error);
        });
      }
    } finally {
      draining = false;
    }
  }

  /** Runs work in the next group; it must not start another transaction itself. */
  return <T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!draining) void drain();
    });
}
