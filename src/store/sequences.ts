// Gapless numbers (invoice numbers): each number is claimed by an idempotency key in a
// transaction of its own, so a retried or resumed step gets its number back, and the next key
// gets MAX + 1 of its series. Two claims racing for the same number (PostgreSQL replicas) meet
// on the primary key; the loser's insert does nothing and it claims again.
import type { SqlRunner } from './sql.ts';
import { statements } from './statements.ts';
import type { Store } from './store.ts';

/** Conflicts in a row are rare (a claim takes milliseconds); a bound turns a bug into an error. */
const MAX_CLAIM_ROUNDS = 50;

async function numberOf(runner: SqlRunner, series: string, idempotencyKey: string): Promise<number | null> {
  const [row] = await runner.query(statements.sequenceNumberOf(idempotencyKey));
  if (!row) return null;
  if (row.series !== series) throw new Error(`idempotency key ${idempotencyKey} already holds a number of series "${row.series}", not "${series}"`);
  return row.number;
}

export async function claimSequenceNumber(store: Store, series: string, idempotencyKey: string): Promise<number> {
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const claimed = await store.transaction(async (runner) => {
      const existing = await numberOf(runner, series, idempotencyKey);
      if (existing !== null) return existing;
      const inserted = await runner.execute(statements.claimNextSequenceNumber(series, idempotencyKey, new Date()));
      return inserted === 1 ? numberOf(runner, series, idempotencyKey) : null;
    });
    if (claimed !== null) return claimed;
  }
  throw new Error(`could not claim a number of series "${series}" after ${MAX_CLAIM_ROUNDS} attempts`);
}

/** The numbers claimed so far, in order: for checks that a series has no gap. */
export function listSequenceNumbers(store: Store, series: string): Promise<{ number: number; idempotencyKey: string }[]> {
  return store.transaction((runner) => runner.query(statements.sequenceNumbers(series)));
}
