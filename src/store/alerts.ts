// What the alerts read and write (src/ops/alerts.ts): the figures their conditions are evaluated
// on, all from the store and by the database's clock, so any replica sees the same; and the
// alert episodes, raised and resolved by compare-and-set with their notices in one transaction,
// so a condition seen by two replicas at once is announced once.
import type { Alert } from './generated/sqlite/client.ts';
import { newId, orderedId } from './ids.ts';
import { alertStatements } from './ops-statements.ts';
import { databaseNow, type SqlRunner } from './sql.ts';
import { statements } from './statements.ts';
import type { Store } from './store.ts';

export type AlertRecord = Alert;

export interface NoticeTarget {
  platform: string;
  channel: string;
}

/** The figures every alert condition is evaluated on, read in one round. */
export interface AlertFigures {
  dependencies: { name: string; status: string; since: Date; lastError: string | null; waitingPlans: number }[];
  /** Undelivered notices that failed at least failedAttempts times, by the platform they go to. */
  failingDeliveries: { platform: string; notices: number; lastError: string | null }[];
  outbox: { pending: number; olderThanLimit: number; oldest: Date | null };
  operatorWaits: { olderThanLimit: number; oldest: Date | null };
  /** Plans that ended in the last day and in the week before it, per workflow. */
  workflowOutcomes: { workflow: string; recentEnded: number; recentFailed: number; earlierEnded: number; earlierFailed: number }[];
  /** The two newest retrieval evaluations, newest first. */
  retrievalEvals: { at: Date; recallAt5: number; precisionAt5: number }[];
  chroma: { degradedRecalls: number; stuckIndexTasks: number; lastIndexError: string | null };
}

export interface FigureLimits {
  outboxBehindMs: number;
  operatorWaitMs: number;
  failedAttempts: number;
  recentMs: number;
}

const DAY_MS = 24 * 60 * 60_000;

const count = (rows: { n: number | null }[]) => Number(rows[0]?.n ?? 0);
/** An aggregate (MIN) of a DateTime column: SQLite reports its type as text, so it comes back as the stored string. */
const aggregateDate = (value: Date | string | null | undefined) => (value === null || value === undefined ? null : new Date(value));

export async function readAlertFigures(store: Store, limits: FigureLimits): Promise<AlertFigures> {
  return store.transaction(async (runner) => {
    const dependencies = await runner.query(alertStatements.dependencies());
    const waiting = await runner.query(alertStatements.plansWaitingOnDependencies());
    const [outbox] = await runner.query(alertStatements.outbox(limits.outboxBehindMs));
    const failing = await runner.query(alertStatements.failingNotices(limits.failedAttempts));
    const [waits] = await runner.query(alertStatements.longOperatorWaits(limits.operatorWaitMs));
    const outcomes = await runner.query(alertStatements.endedPlans(DAY_MS, 8));
    const evals = await runner.query(alertStatements.latestRetrievalEvals(2));
    const degraded = await runner.query(alertStatements.degradedRecallsSince(limits.recentMs));
    const [stuck] = await runner.query(alertStatements.stuckIndexTasks(limits.failedAttempts));

    const byPlatform = new Map<string, { notices: number; lastError: string | null }>();
    for (const row of failing) {
      const platform = platformOf(row.conversation) ?? platformOf(row.payload, 'target');
      if (!platform) continue;
      const seen = byPlatform.get(platform) ?? { notices: 0, lastError: null };
      byPlatform.set(platform, { notices: seen.notices + 1, lastError: row.lastError });
    }
    const byWorkflow = new Map<string, AlertFigures['workflowOutcomes'][number]>();
    for (const row of outcomes) {
      const entry = byWorkflow.get(row.workflow) ?? { workflow: row.workflow, recentEnded: 0, recentFailed: 0, earlierEnded: 0, earlierFailed: 0 };
      const failed = row.status === 'completed' ? 0 : Number(row.n);
      if (Number(row.recent) === 1) Object.assign(entry, { recentEnded: entry.recentEnded + Number(row.n), recentFailed: entry.recentFailed + failed });
      else Object.assign(entry, { earlierEnded: entry.earlierEnded + Number(row.n), earlierFailed: entry.earlierFailed + failed });
      byWorkflow.set(row.workflow, entry);
    }
    return {
      dependencies: dependencies.map((row) => ({ ...row, waitingPlans: Number(waiting.find((w) => w.waitingOn === row.name)?.n ?? 0) })),
      failingDeliveries: [...byPlatform].map(([platform, seen]) => ({ platform, ...seen })).sort((a, b) => a.platform.localeCompare(b.platform)),
      outbox: { pending: Number(outbox?.pending ?? 0), olderThanLimit: Number(outbox?.late ?? 0), oldest: aggregateDate(outbox?.oldest) },
      operatorWaits: { olderThanLimit: Number(waits?.n ?? 0), oldest: aggregateDate(waits?.oldest) },
      workflowOutcomes: [...byWorkflow.values()].sort((a, b) => a.workflow.localeCompare(b.workflow)),
      retrievalEvals: evals,
      chroma: { degradedRecalls: count(degraded), stuckIndexTasks: Number(stuck?.n ?? 0), lastIndexError: stuck?.lastError ?? null },
    };
  });
}

/** The platform a notice goes to: its plan's conversation, or a targeted notice's target. */
function platformOf(json: string | null, key?: string): string | null {
  if (!json) return null;
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const holder = (key ? parsed[key] : parsed) as { platform?: unknown } | undefined;
  return typeof holder?.platform === 'string' ? holder.platform : null;
}

const ROUND_ID = 'alerts';

/** Whether this replica evaluates the alerts now: at most one replica per interval does. */
export function claimAlertRound(store: Store, intervalMs: number): Promise<boolean> {
  return store.transaction(async (runner) => {
    if ((await runner.execute(alertStatements.takeRound(ROUND_ID, intervalMs))) === 1) return true;
    return (await runner.execute(alertStatements.firstRound(ROUND_ID, intervalMs))) === 1;
  });
}

export interface AlertDraft {
  name: string;
  subject: string;
  severity: string;
  text: string;
  figures: Record<string, unknown>;
}

/** A notice for each of the operator's channels, written with the transition it announces. */
export type AnnouncementOf = (alert: Pick<AlertRecord, 'id' | 'name' | 'subject' | 'severity' | 'text'>, change: 'raised' | 'updated' | 'resolved', target: NoticeTarget) => Record<string, unknown>;

async function announce(runner: SqlRunner, targets: NoticeTarget[], payloadFor: (target: NoticeTarget) => Record<string, unknown>) {
  for (const target of targets) {
    await runner.execute(
      statements.insertNotice({ id: orderedId('n'), planId: null, kind: 'alert', payload: JSON.stringify(payloadFor(target)), createdAt: new Date(), deliverAfter: databaseNow() }),
    );
  }
}

export const openKeyOf = (name: string, subject: string) => `${name}:${subject}`;

/** Raises the alert unless it fires already; true when this call raised it. */
export function raiseAlert(store: Store, draft: AlertDraft, targets: NoticeTarget[], announcement: AnnouncementOf): Promise<boolean> {
  return store.transaction(async (runner) => {
    const id = newId('a');
    const inserted = await runner.execute(
      alertStatements.raise({ id, name: draft.name, subject: draft.subject, severity: draft.severity, text: draft.text, figures: JSON.stringify(draft.figures), openKey: openKeyOf(draft.name, draft.subject) }),
    );
    if (inserted !== 1) return false;
    await announce(runner, targets, (target) => announcement({ id, ...draft }, 'raised', target));
    return true;
  });
}

/** Keeps a firing alert's figures current; announces it again only when its severity changed. */
export function refreshAlert(store: Store, alert: AlertRecord, draft: AlertDraft, targets: NoticeTarget[], announcement: AnnouncementOf): Promise<boolean> {
  return store.transaction(async (runner) => {
    if (draft.severity === alert.severity) {
      await runner.execute(alertStatements.updateFigures(alert.id, JSON.stringify(draft.figures)));
      return false;
    }
    const changed = await runner.execute(alertStatements.changeSeverity(alert.id, alert.severity, { severity: draft.severity, text: draft.text, figures: JSON.stringify(draft.figures) }));
    if (changed !== 1) return false;
    await announce(runner, targets, (target) => announcement({ ...alert, severity: draft.severity, text: draft.text }, 'updated', target));
    return true;
  });
}

/** Resolves a firing alert; true when this call resolved it. */
export function resolveAlert(store: Store, alert: AlertRecord, targets: NoticeTarget[], announcement: AnnouncementOf): Promise<boolean> {
  return store.transaction(async (runner) => {
    const resolved = await runner.execute(alertStatements.resolve(alert.id));
    if (resolved !== 1) return false;
    await announce(runner, targets, (target) => announcement(alert, 'resolved', target));
    return true;
  });
}

export function firingAlerts(store: Store): Promise<AlertRecord[]> {
  return store.prisma((db) => db.alert.findMany({ where: { status: 'firing' }, orderBy: [{ firedAt: 'asc' }, { id: 'asc' }] }));
}

/** Firing alerts and those resolved since `since`, newest first. */
export function recentAlerts(store: Store, since: Date): Promise<AlertRecord[]> {
  return store.prisma((db) => db.alert.findMany({ where: { OR: [{ status: 'firing' }, { firedAt: { gte: since } }, { resolvedAt: { gte: since } }] }, orderBy: [{ firedAt: 'desc' }, { id: 'asc' }] }));
}

/** Every alert raised in the period, for counts and the false-positive rate per alert. */
export function alertsRaisedIn(store: Store, period: { from: Date; to: Date }): Promise<Pick<AlertRecord, 'name' | 'notUsefulAt'>[]> {
  return store.prisma((db) => db.alert.findMany({ where: { firedAt: { gte: period.from, lt: period.to } }, select: { name: true, notUsefulAt: true } }));
}

export async function alertTotals(store: Store): Promise<{ name: string; raised: number; notUseful: number }[]> {
  const [raised, notUseful] = await Promise.all([
    store.prisma((db) => db.alert.groupBy({ by: ['name'], _count: { _all: true }, orderBy: { name: 'asc' } })),
    store.prisma((db) => db.alert.groupBy({ by: ['name'], where: { notUsefulAt: { not: null } }, _count: { _all: true }, orderBy: { name: 'asc' } })),
  ]);
  return raised.map((group) => ({ name: group.name, raised: group._count._all, notUseful: notUseful.find((n) => n.name === group.name)?._count._all ?? 0 }));
}

/** The operator's "Not useful": the alert counts as a false positive. False when there is no such alert. */
export async function markNotUseful(store: Store, alertId: string, by: string): Promise<AlertRecord | null> {
  return store.transaction(async (runner) => {
    if ((await runner.execute(alertStatements.markNotUseful(alertId, by))) !== 1) return null;
    return (await runner.query(alertStatements.alert(alertId)))[0] ?? null;
  });
}

const WEEK_MS = 7 * 24 * 60 * 60_000;

/** `/op alerts` and `op alerts`: what fires now, or with recent also what fired in the last week. */
export async function listAlerts(store: Store, scope: 'firing' | 'recent', now = new Date()): Promise<AlertRecord[]> {
  return scope === 'firing' ? firingAlerts(store) : recentAlerts(store, new Date(now.getTime() - WEEK_MS));
}
