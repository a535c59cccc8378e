// What the daily digest and the metrics read: plans that ended in a period, what waits on the
// operator, model costs, human interventions, retrieval quality; and the one write that makes a
// digest happen once per day and channel whichever replica gets there first.
import { TERMINAL_STATUSES, WAITING_STATUSES } from './statuses.ts';
import { newId, orderedId } from './ids.ts';
import { digestStatements } from './ops-statements.ts';
import { databaseNow } from './sql.ts';
import { statements } from './statements.ts';
import type { Store } from './store.ts';

export interface Period {
  from: Date;
  to: Date;
}

export interface EndedPlan {
  id: string;
  workflow: string;
  status: string;
  createdAt: Date;
  finishedAt: Date;
}

export interface WaitingPlan {
  id: string;
  workflow: string;
  status: string;
  version: number;
  stepTitle: string;
  waitingSince: Date;
  /** Set while the plan is handed back at a budget cap: what Continue adds. */
  budgetAskUsd: number | null;
}

/**
 * The audit actions that record a plan unblocked at a gate or hand-back, each with detail.waitedMs:
 * an Edit (approval.granted_with_changes) is one decision, as an approval is.
 */
export const INTERVENTION_ACTIONS = ['approval.granted', 'approval.granted_with_changes', 'approval.denied', 'question.answered', 'step.retried', 'step.skipped', 'budget.continued', 'plan.aborted'] as const;

export interface Intervention {
  action: string;
  waitedMs: number | null;
}

export interface RetrievalEvalRecord {
  at: Date;
  embeddingModel: string;
  queries: number;
  recallAt5: number;
  precisionAt5: number;
  mrr: number;
}

export interface RecallOutcomes {
  total: number;
  degraded: number;
  empty: number;
}

/** When the last digest was posted on any channel; the next one reports from there. */
export async function lastDigestAt(store: Store): Promise<Date | null> {
  const { _max } = await store.prisma((db) => db.digestRun.aggregate({ _max: { at: true } }));
  return _max.at;
}

export async function endedPlans(store: Store, period: Period): Promise<EndedPlan[]> {
  const rows = await store.prisma((db) =>
    db.plan.findMany({
      where: { finishedAt: { gte: period.from, lt: period.to }, status: { in: [...TERMINAL_STATUSES] } },
      select: { id: true, workflow: true, status: true, createdAt: true, finishedAt: true },
      orderBy: [{ finishedAt: 'asc' }, { id: 'asc' }],
    }),
  );
  return rows.flatMap(({ finishedAt, ...row }) => (finishedAt ? [{ ...row, finishedAt }] : []));
}

/** Plans stopped on the operator (approval, answer, hand-back), the longest waiting first. */
export async function waitingPlans(store: Store): Promise<WaitingPlan[]> {
  const steps = await store.prisma((db) =>
    db.step.findMany({
      where: { status: { in: ['waiting', 'failed'] }, waitingSince: { not: null }, plan: { status: { in: [...WAITING_STATUSES] } } },
      select: { title: true, waitingSince: true, plan: { select: { id: true, workflow: true, status: true, version: true, budgetAskUsd: true } } },
      orderBy: [{ waitingSince: 'asc' }, { planId: 'asc' }],
    }),
  );
  return steps.flatMap(({ plan, title, waitingSince }) => (waitingSince ? [{ ...plan, stepTitle: title, waitingSince }] : []));
}

/** Model spend in the period by the workflow of the plan that made the call. */
export async function modelCostByWorkflow(store: Store, period: Period): Promise<Map<string, number>> {
  const rows = await store.transaction((runner) => runner.query(digestStatements.modelCostByWorkflow(period.from, period.to)));
  return new Map(rows.map((row) => [row.workflow, Number(row.cost ?? 0)]));
}

export async function interventions(store: Store, period: Period): Promise<Intervention[]> {
  const rows = await store.prisma((db) =>
    db.auditEntry.findMany({
      where: { at: { gte: period.from, lt: period.to }, action: { in: [...INTERVENTION_ACTIONS] } },
      select: { action: true, detail: true },
      orderBy: { id: 'asc' },
    }),
  );
  return rows.map((row) => {
    const detail = row.detail === null ? null : (JSON.parse(row.detail) as { waitedMs?: unknown });
    return { action: row.action, waitedMs: typeof detail?.waitedMs === 'number' ? detail.waitedMs : null };
  });
}

export async function latestRetrievalEval(store: Store): Promise<RetrievalEvalRecord | null> {
  const row = await store.prisma((db) => db.retrievalEval.findFirst({ orderBy: [{ at: 'desc' }, { id: 'desc' }] }));
  return row
    ? { at: row.at, embeddingModel: row.embeddingModel, queries: row.queries, recallAt5: row.recallAt5, precisionAt5: row.precisionAt5, mrr: row.mrr }
    : null;
}

export async function recallOutcomes(store: Store, period: Period): Promise<RecallOutcomes> {
  const inPeriod = { at: { gte: period.from, lt: period.to } };
  return store.prisma(async (db) => ({
    total: await db.recallEvent.count({ where: inPeriod }),
    degraded: await db.recallEvent.count({ where: { ...inPeriod, degraded: true } }),
    empty: await db.recallEvent.count({ where: { ...inPeriod, citedIds: '[]' } }),
  }));
}

/** Where a notice without a plan goes: "<platform>:<channel>" split in two. */
export interface NoticeTarget {
  platform: string;
  channel: string;
}

export const targetKey = (target: NoticeTarget) => `${target.platform}:${target.channel}`;

/**
 * The scheduled digest of one day: for each target, claims (day, channel) and writes the notice
 * in the same transaction. A replica that lost the race inserts nothing and writes no notice.
 * Returns the targets this call posted to.
 */
export async function claimDigestRuns(
  store: Store,
  day: string,
  targets: NoticeTarget[],
  payloadFor: (target: NoticeTarget) => Record<string, unknown>,
): Promise<NoticeTarget[]> {
  return store.transaction(async (runner) => {
    const posted: NoticeTarget[] = [];
    for (const target of targets) {
      const noticeId = orderedId('n');
      const now = new Date();
      const claimed = await runner.execute(digestStatements.claimDay({ id: newId('d'), day, channel: targetKey(target), noticeId, at: now }));
      if (claimed !== 1) continue;
      await runner.execute(statements.insertNotice({ id: noticeId, planId: null, kind: 'digest', payload: JSON.stringify(payloadFor(target)), createdAt: now, deliverAfter: databaseNow() }));
      posted.push(target);
    }
    return posted;
  });
}

/** A digest asked for now (`/op digest`): posted, but it takes no day's slot. */
export async function enqueueTargetedNotice(store: Store, kind: string, payload: Record<string, unknown>): Promise<string> {
  const id = orderedId('n');
  const now = new Date();
  await store.transaction((runner) => runner.execute(statements.insertNotice({ id, planId: null, kind, payload: JSON.stringify(payload), createdAt: now, deliverAfter: databaseNow() })));
  return id;
}
