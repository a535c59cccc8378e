// What the daily digest and the metrics read: plans that ended in a period, what waits on the
// operator, model costs, human interventions, retrieval quality; and the one write that makes a
// digest happen once per day and channel whichever replica gets there first.
import { WAITING_STATUSES } from '../conductor/statuses.ts';
import { newId, orderedId } from './plans.ts';
import { insertRow } from './rows.ts';
import { asDate, asNumber, databaseNow, sql } from './sql.ts';
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
}

/** The audit actions that record an operator unblocking a plan, each with detail.waitedMs. */
export const INTERVENTION_ACTIONS = ['approval.granted', 'approval.denied', 'question.answered', 'step.retried', 'step.skipped', 'plan.aborted'] as const;

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
  const [row] = await store.transaction((runner) => runner.query(sql`SELECT MAX("at") AS "last" FROM "DigestRun"`));
  return asDate(row?.last);
}

export async function endedPlans(store: Store, period: Period): Promise<EndedPlan[]> {
  const rows = await store.transaction((runner) =>
    runner.query(
      sql`SELECT "id", "workflow", "status", "createdAt", "finishedAt" FROM "Plan"
          WHERE "finishedAt" >= ${period.from} AND "finishedAt" < ${period.to}
          AND "status" IN ('completed', 'failed', 'cancelled', 'compensated')
          ORDER BY "finishedAt", "id"`,
    ),
  );
  return rows.map((row) => ({
    id: row.id as string,
    workflow: row.workflow as string,
    status: row.status as string,
    createdAt: asDate(row.createdAt)!,
    finishedAt: asDate(row.finishedAt)!,
  }));
}

/** Plans stopped on the operator (approval, answer, hand-back), the longest waiting first. */
export async function waitingPlans(store: Store): Promise<WaitingPlan[]> {
  const [a, b, c] = WAITING_STATUSES;
  const rows = await store.transaction((runner) =>
    runner.query(
      sql`SELECT p."id", p."workflow", p."status", p."version", s."title", s."waitingSince" FROM "Plan" p
          JOIN "Step" s ON s."planId" = p."id" AND s."status" IN ('waiting', 'failed') AND s."waitingSince" IS NOT NULL
          WHERE p."status" IN (${a!}, ${b!}, ${c!})
          ORDER BY s."waitingSince", p."id"`,
    ),
  );
  return rows.map((row) => ({
    id: row.id as string,
    workflow: row.workflow as string,
    status: row.status as string,
    version: asNumber(row.version),
    stepTitle: row.title as string,
    waitingSince: asDate(row.waitingSince)!,
  }));
}

/** Model spend in the period by the workflow of the plan that made the call. */
export async function modelCostByWorkflow(store: Store, period: Period): Promise<Map<string, number>> {
  const rows = await store.transaction((runner) =>
    runner.query(
      sql`SELECT COALESCE(p."workflow", m."workflow", 'other') AS "workflow", SUM(m."costUsd") AS "cost"
          FROM "ModelCall" m LEFT JOIN "Plan" p ON p."id" = m."planId"
          WHERE m."at" >= ${period.from} AND m."at" < ${period.to}
          GROUP BY COALESCE(p."workflow", m."workflow", 'other')`,
    ),
  );
  return new Map(rows.map((row) => [row.workflow as string, asNumber(row.cost ?? 0)]));
}

export async function interventions(store: Store, period: Period): Promise<Intervention[]> {
  const [a, b, c, d, e, f] = INTERVENTION_ACTIONS;
  const rows = await store.transaction((runner) =>
    runner.query(
      sql`SELECT "action", "detail" FROM "AuditEntry"
          WHERE "at" >= ${period.from} AND "at" < ${period.to} AND "action" IN (${a}, ${b}, ${c}, ${d}, ${e}, ${f})
          ORDER BY "id"`,
    ),
  );
  return rows.map((row) => {
    const detail = typeof row.detail === 'string' ? (JSON.parse(row.detail) as { waitedMs?: unknown }) : null;
    return { action: row.action as string, waitedMs: typeof detail?.waitedMs === 'number' ? detail.waitedMs : null };
  });
}

export async function latestRetrievalEval(store: Store): Promise<RetrievalEvalRecord | null> {
  const row = await store.prisma((db) => db.retrievalEval.findFirst({ orderBy: [{ at: 'desc' }, { id: 'desc' }] }));
  return row
    ? { at: row.at, embeddingModel: row.embeddingModel, queries: row.queries, recallAt5: row.recallAt5, precisionAt5: row.precisionAt5, mrr: row.mrr }
    : null;
}

export async function recallOutcomes(store: Store, period: Period): Promise<RecallOutcomes> {
  const [row] = await store.transaction((runner) =>
    runner.query(
      sql`SELECT COUNT(*) AS "total",
                 SUM(CASE WHEN "degraded" THEN 1 ELSE 0 END) AS "degraded",
                 SUM(CASE WHEN "citedIds" = '[]' THEN 1 ELSE 0 END) AS "empty"
          FROM "RecallEvent" WHERE "at" >= ${period.from} AND "at" < ${period.to}`,
    ),
  );
  return { total: asNumber(row?.total ?? 0), degraded: asNumber(row?.degraded ?? 0), empty: asNumber(row?.empty ?? 0) };
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
      const claimed = await runner.execute(
        sql`INSERT INTO "DigestRun" ("id", "day", "channel", "noticeId", "at") VALUES (${newId('d')}, ${day}, ${targetKey(target)}, ${noticeId}, ${now})
            ON CONFLICT ("day", "channel") DO NOTHING`,
      );
      if (claimed !== 1) continue;
      await insertRow(runner, 'Notice', { id: noticeId, planId: null, kind: 'digest', payload: JSON.stringify(payloadFor(target)), createdAt: now, deliverAfter: databaseNow() });
      posted.push(target);
    }
    return posted;
  });
}

/** A digest asked for now (`/op digest`): posted, but it takes no day's slot. */
export async function enqueueTargetedNotice(store: Store, kind: string, payload: Record<string, unknown>): Promise<string> {
  const id = orderedId('n');
  const now = new Date();
  await store.transaction((runner) => insertRow(runner, 'Notice', { id, planId: null, kind, payload: JSON.stringify(payload), createdAt: now, deliverAfter: databaseNow() }));
  return id;
}
