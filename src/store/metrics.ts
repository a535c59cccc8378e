// Counts and latencies for GET /metrics, read from the store so every replica reports the same
// numbers for the whole deployment.
import type { Store } from './store.ts';

export interface CountRow {
  labels: Record<string, string>;
  count: number;
}

/** At most this many rows per latency series: a scrape stays cheap on a busy day. */
const LATENCY_ROWS = 10_000;

export async function planCounts(store: Store): Promise<CountRow[]> {
  const groups = await store.prisma((db) => db.plan.groupBy({ by: ['status'], _count: { _all: true }, orderBy: { status: 'asc' } }));
  return groups.map((group) => ({ labels: { status: group.status }, count: group._count._all }));
}

export async function stepCounts(store: Store): Promise<CountRow[]> {
  const groups = await store.prisma((db) => db.step.groupBy({ by: ['kind', 'status'], _count: { _all: true }, orderBy: [{ kind: 'asc' }, { status: 'asc' }] }));
  return groups.map((group) => ({ labels: { kind: group.kind, status: group.status }, count: group._count._all }));
}

export async function noticeCounts(store: Store): Promise<CountRow[]> {
  const count = (delivered: boolean) =>
    store.prisma((db) => db.notice.groupBy({ by: ['kind'], where: { deliveredAt: delivered ? { not: null } : null }, _count: { _all: true }, orderBy: { kind: 'asc' } }));
  const [delivered, pending] = [await count(true), await count(false)];
  return [
    ...delivered.map((group) => ({ labels: { kind: group.kind, state: 'delivered' }, count: group._count._all })),
    ...pending.map((group) => ({ labels: { kind: group.kind, state: 'pending' }, count: group._count._all })),
  ].sort((a, b) => a.labels.kind.localeCompare(b.labels.kind) || a.labels.state.localeCompare(b.labels.state));
}

const seconds = (spans: { from: Date | null; to: Date | null }[]) =>
  spans.flatMap(({ from, to }) => (from && to ? [(to.getTime() - from.getTime()) / 1000] : []));

/** Seconds from start to end of the plans that ended since `since`. */
export async function planDurations(store: Store, since: Date): Promise<number[]> {
  const rows = await store.prisma((db) =>
    db.plan.findMany({ where: { finishedAt: { gte: since } }, select: { createdAt: true, finishedAt: true }, orderBy: { finishedAt: 'desc' }, take: LATENCY_ROWS }),
  );
  return seconds(rows.map((row) => ({ from: row.createdAt, to: row.finishedAt })));
}

/** Seconds each step took from its start to its end (waits on the operator included), since `since`. */
export async function stepDurations(store: Store, since: Date): Promise<number[]> {
  const rows = await store.prisma((db) =>
    db.step.findMany({
      where: { finishedAt: { gte: since }, startedAt: { not: null } },
      select: { startedAt: true, finishedAt: true },
      orderBy: { finishedAt: 'desc' },
      take: LATENCY_ROWS,
    }),
  );
  return seconds(rows.map((row) => ({ from: row.startedAt, to: row.finishedAt })));
}

/** Seconds from a notice's commit to its delivery, since `since`. */
export async function noticeDelays(store: Store, since: Date): Promise<number[]> {
  const rows = await store.prisma((db) =>
    db.notice.findMany({ where: { deliveredAt: { gte: since } }, select: { createdAt: true, deliveredAt: true }, orderBy: { deliveredAt: 'desc' }, take: LATENCY_ROWS }),
  );
  return seconds(rows.map((row) => ({ from: row.createdAt, to: row.deliveredAt })));
}

/** Plans waiting for a dependency that is down, per dependency. */
export async function waitingOnDependencies(store: Store): Promise<CountRow[]> {
  const groups = await store.prisma((db) =>
    db.plan.groupBy({ by: ['waitingOn'], where: { status: 'waiting_dependency' }, _count: { _all: true }, orderBy: { waitingOn: 'asc' } }),
  );
  return groups.flatMap((group) => (group.waitingOn ? [{ labels: { dependency: group.waitingOn }, count: group._count._all }] : []));
}
