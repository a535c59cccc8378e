// Counts and latencies for GET /metrics, read from the store so every replica reports the same
// numbers for the whole deployment.
import { asDate, asNumber, sql } from './sql.ts';
import type { Store } from './store.ts';

export interface CountRow {
  labels: Record<string, string>;
  count: number;
}

/** At most this many rows per latency series: a scrape stays cheap on a busy day. */
const LATENCY_ROWS = 10_000;

export async function planCounts(store: Store): Promise<CountRow[]> {
  const rows = await store.transaction((runner) => runner.query(sql`SELECT "status", COUNT(*) AS "n" FROM "Plan" GROUP BY "status" ORDER BY "status"`));
  return rows.map((row) => ({ labels: { status: row.status as string }, count: asNumber(row.n) }));
}

export async function stepCounts(store: Store): Promise<CountRow[]> {
  const rows = await store.transaction((runner) =>
    runner.query(sql`SELECT "kind", "status", COUNT(*) AS "n" FROM "Step" GROUP BY "kind", "status" ORDER BY "kind", "status"`),
  );
  return rows.map((row) => ({ labels: { kind: row.kind as string, status: row.status as string }, count: asNumber(row.n) }));
}

export async function noticeCounts(store: Store): Promise<CountRow[]> {
  const rows = await store.transaction((runner) =>
    runner.query(
      sql`SELECT "kind", CASE WHEN "deliveredAt" IS NULL THEN 'pending' ELSE 'delivered' END AS "state", COUNT(*) AS "n"
          FROM "Notice" GROUP BY "kind", CASE WHEN "deliveredAt" IS NULL THEN 'pending' ELSE 'delivered' END ORDER BY "kind", "state"`,
    ),
  );
  return rows.map((row) => ({ labels: { kind: row.kind as string, state: row.state as string }, count: asNumber(row.n) }));
}

const spans = (rows: Record<string, unknown>[], start: string, end: string) =>
  rows.flatMap((row) => {
    const from = asDate(row[start]);
    const to = asDate(row[end]);
    return from && to ? [(to.getTime() - from.getTime()) / 1000] : [];
  });

/** Seconds from start to end of the plans that ended since `since`. */
export async function planDurations(store: Store, since: Date): Promise<number[]> {
  const rows = await store.transaction((runner) =>
    runner.query(sql`SELECT "createdAt", "finishedAt" FROM "Plan" WHERE "finishedAt" >= ${since} ORDER BY "finishedAt" DESC LIMIT ${LATENCY_ROWS}`),
  );
  return spans(rows, 'createdAt', 'finishedAt');
}

/** Seconds each step took from its start to its end (waits on the operator included), since `since`. */
export async function stepDurations(store: Store, since: Date): Promise<number[]> {
  const rows = await store.transaction((runner) =>
    runner.query(
      sql`SELECT "startedAt", "finishedAt" FROM "Step" WHERE "finishedAt" >= ${since} AND "startedAt" IS NOT NULL
          ORDER BY "finishedAt" DESC LIMIT ${LATENCY_ROWS}`,
    ),
  );
  return spans(rows, 'startedAt', 'finishedAt');
}

/** Seconds from a notice's commit to its delivery, since `since`. */
export async function noticeDelays(store: Store, since: Date): Promise<number[]> {
  const rows = await store.transaction((runner) =>
    runner.query(sql`SELECT "createdAt", "deliveredAt" FROM "Notice" WHERE "deliveredAt" >= ${since} ORDER BY "deliveredAt" DESC LIMIT ${LATENCY_ROWS}`),
  );
  return spans(rows, 'createdAt', 'deliveredAt');
}
