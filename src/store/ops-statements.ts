// The operations' SQL, each statement named and kept here, as the conductor's are in
// statements.ts and memory's in memory-statements.ts: the figures alerts are evaluated on and
// their episodes (alerts.ts), the digest's day slots and model spend (digest.ts), reminders
// (reminders.ts), operator revocations (revocations.ts) and applied migrations (migrate.ts).
// Row types are the Prisma schema's generated model types; every "how long ago" is the
// database's clock.
import type { Alert, AuditEntry, DigestRun, OperatorRevocation, Plan, Step } from './generated/sqlite/client.ts';
import { databaseNow, join, sql } from './sql.ts';
import { WAITING_STATUSES, type PlanStatus } from './statuses.ts';

/** An aggregate (COUNT, SUM) comes back as a number or null; MIN of a DateTime as the stored value, which SQLite types as text. */
type Aggregate = number | null;
type AggregateDate = Date | string | null;

export type AlertInsert = Pick<Alert, 'id' | 'name' | 'subject' | 'severity' | 'text' | 'figures' | 'openKey'>;

const waitingStatuses = join(WAITING_STATUSES.map((status) => sql`${status}`), ', ');

export const alertStatements = {
  dependencies: () => sql<{ name: string; status: string; since: Date; lastError: string | null }>`SELECT "name", "status", "since", "lastError" FROM "Dependency" ORDER BY "name"`,
  plansWaitingOnDependencies: () =>
    sql<{ waitingOn: string; n: number }>`SELECT "waitingOn", COUNT(*) AS "n" FROM "Plan" WHERE "status" = 'waiting_dependency' GROUP BY "waitingOn"`,
  /** Undelivered notices: how many, how many older than behindMs, and the oldest. */
  outbox: (behindMs: number) =>
    sql<{ pending: Aggregate; late: Aggregate; oldest: AggregateDate }>`
      SELECT COUNT(*) AS "pending", SUM(CASE WHEN "createdAt" < ${databaseNow(-behindMs)} THEN 1 ELSE 0 END) AS "late", MIN("createdAt") AS "oldest"
      FROM "Notice" WHERE "deliveredAt" IS NULL`,
  failingNotices: (failedAttempts: number) =>
    sql<{ payload: string; conversation: string | null; lastError: string | null }>`
      SELECT n."payload", p."conversation", n."lastError" FROM "Notice" n LEFT JOIN "Plan" p ON p."id" = n."planId"
      WHERE n."deliveredAt" IS NULL AND n."attempts" >= ${failedAttempts} AND n."lastError" IS NOT NULL LIMIT 1000`,
  /** Steps waiting on the operator for longer than waitMs. */
  longOperatorWaits: (waitMs: number) =>
    sql<{ n: Aggregate; oldest: AggregateDate }>`
      SELECT COUNT(*) AS "n", MIN(s."waitingSince") AS "oldest" FROM "Step" s JOIN "Plan" p ON p."id" = s."planId"
      WHERE p."status" IN (${waitingStatuses}) AND s."status" IN ('waiting', 'failed') AND s."waitingSince" < ${databaseNow(-waitMs)}`,
  /** Plans ended in the last `days` days, per workflow and status, split at `recentMs` ago. */
  endedPlans: (recentMs: number, days: number) =>
    sql<{ workflow: string; recent: number; status: string; n: number }>`
      SELECT "workflow", "status", CASE WHEN "finishedAt" >= ${databaseNow(-recentMs)} THEN 1 ELSE 0 END AS "recent", COUNT(*) AS "n"
      FROM "Plan" WHERE "finishedAt" >= ${databaseNow(-days * 24 * 60 * 60_000)} AND "status" IN ('completed', 'failed', 'compensated')
      GROUP BY 1, 2, 3`,
  latestRetrievalEvals: (limit: number) =>
    sql<{ at: Date; recallAt5: number; precisionAt5: number }>`SELECT "at", "recallAt5", "precisionAt5" FROM "RetrievalEval" ORDER BY "at" DESC LIMIT ${limit}`,
  degradedRecallsSince: (sinceMs: number) =>
    sql<{ n: Aggregate }>`SELECT COUNT(*) AS "n" FROM "RecallEvent" WHERE "degraded" = ${true} AND "at" >= ${databaseNow(-sinceMs)}`,
  stuckIndexTasks: (failedAttempts: number) =>
    sql<{ n: Aggregate; lastError: string | null }>`
      SELECT COUNT(*) AS "n", MAX("lastError") AS "lastError" FROM "MemoryIndexTask" WHERE "doneAt" IS NULL AND "attempts" >= ${failedAttempts}`,

  /** Moves the round's due time on if it is due: at most one replica per interval wins. */
  takeRound: (id: string, intervalMs: number) => sql`UPDATE "AlertRound" SET "dueAt" = ${databaseNow(intervalMs)} WHERE "id" = ${id} AND "dueAt" <= ${databaseNow()}`,
  firstRound: (id: string, intervalMs: number) => sql`INSERT INTO "AlertRound" ("id", "dueAt") VALUES (${id}, ${databaseNow(intervalMs)}) ON CONFLICT ("id") DO NOTHING`,

  /** An alert fires once per open key: a second raise of the same condition inserts nothing. */
  raise: (alert: AlertInsert) =>
    sql`INSERT INTO "Alert" ("id", "name", "subject", "severity", "status", "text", "figures", "openKey", "firedAt", "changedAt")
        VALUES (${alert.id}, ${alert.name}, ${alert.subject}, ${alert.severity}, 'firing', ${alert.text}, ${alert.figures}, ${alert.openKey}, ${databaseNow()}, ${databaseNow()})
        ON CONFLICT ("openKey") DO NOTHING`,
  updateFigures: (id: string, figures: string) => sql`UPDATE "Alert" SET "figures" = ${figures} WHERE "id" = ${id} AND "status" = 'firing'`,
  /** Compare-and-set on the severity read, so a change is announced once. */
  changeSeverity: (id: string, from: string, to: Pick<Alert, 'severity' | 'text' | 'figures'>) =>
    sql`UPDATE "Alert" SET "severity" = ${to.severity}, "text" = ${to.text}, "figures" = ${to.figures}, "changedAt" = ${databaseNow()}
        WHERE "id" = ${id} AND "status" = 'firing' AND "severity" = ${from}`,
  resolve: (id: string) =>
    sql`UPDATE "Alert" SET "status" = 'resolved', "openKey" = NULL, "resolvedAt" = ${databaseNow()}, "changedAt" = ${databaseNow()} WHERE "id" = ${id} AND "status" = 'firing'`,
  /** The first "not useful" stands. */
  markNotUseful: (id: string, by: string) =>
    sql`UPDATE "Alert" SET "notUsefulAt" = COALESCE("notUsefulAt", ${databaseNow()}), "notUsefulBy" = COALESCE("notUsefulBy", ${by}) WHERE "id" = ${id}`,
  alert: (id: string) => sql<Alert>`SELECT * FROM "Alert" WHERE "id" = ${id}`,
};

export const digestStatements = {
  /** Model spend in [from, to) by the workflow of the plan that made the call. */
  modelCostByWorkflow: (from: Date, to: Date) =>
    sql<{ workflow: string; cost: Aggregate }>`SELECT COALESCE(p."workflow", m."workflow", 'other') AS "workflow", SUM(m."costUsd") AS "cost"
        FROM "ModelCall" m LEFT JOIN "Plan" p ON p."id" = m."planId"
        WHERE m."at" >= ${from} AND m."at" < ${to}
        GROUP BY COALESCE(p."workflow", m."workflow", 'other')`,
  /** A day's slot per channel: a replica that lost the race inserts nothing. */
  claimDay: (run: Pick<DigestRun, 'id' | 'day' | 'channel' | 'noticeId' | 'at'>) =>
    sql`INSERT INTO "DigestRun" ("id", "day", "channel", "noticeId", "at") VALUES (${run.id}, ${run.day}, ${run.channel}, ${run.noticeId}, ${run.at})
        ON CONFLICT ("day", "channel") DO NOTHING`,
};

export type WaitRow = { stepId: string; stepKey: string; stepTitle: string; waitingSince: Date; planId: string; planStatus: PlanStatus } & Pick<Step, 'lastError'> &
  Pick<Plan, 'workflow' | 'version' | 'requestedBy' | 'budgetAskUsd'>;

/** A wait not reminded since it began, begun at least afterMs ago. */
const dueForReminder = (afterMs: number) =>
  sql`s."status" IN ('waiting', 'failed') AND s."waitingSince" IS NOT NULL AND s."waitingSince" <= ${databaseNow(-afterMs)}
      AND (s."remindedAt" IS NULL OR s."remindedAt" < s."waitingSince")`;

export const reminderStatements = {
  waitsDue: (afterMs: number, limit: number) =>
    sql<WaitRow>`
      SELECT s."id" AS "stepId", s."key" AS "stepKey", s."title" AS "stepTitle", s."waitingSince", s."lastError",
             p."id" AS "planId", p."workflow", p."version", p."status" AS "planStatus", p."requestedBy", p."budgetAskUsd"
      FROM "Step" s JOIN "Plan" p ON p."id" = s."planId"
      WHERE p."status" IN ('waiting_approval', 'waiting_answer', 'needs_operator') AND ${dueForReminder(afterMs)}
      ORDER BY s."waitingSince" LIMIT ${limit}`,
  /** What the operator was last asked at this step (the audit entry of the prompt). */
  lastPrompt: (planId: string, stepKey: string, action: string) =>
    sql<Pick<AuditEntry, 'detail'>>`SELECT "detail" FROM "AuditEntry" WHERE "planId" = ${planId} AND "stepKey" = ${stepKey} AND "action" = ${action} ORDER BY "id" DESC LIMIT 1`,
  /** Guarded by the same condition as waitsDue, so each wait is reminded once across replicas. */
  markReminded: (stepId: string, afterMs: number) => sql`UPDATE "Step" AS s SET "remindedAt" = ${databaseNow()} WHERE s."id" = ${stepId} AND ${dueForReminder(afterMs)}`,
};

export const revocationStatements = {
  /** Revoking again replaces the earlier revocation: the latest reason wins. */
  revoke: (revocation: OperatorRevocation) =>
    sql`INSERT INTO "OperatorRevocation" ("userKey", "revokedAt", "revokedBy", "reason") VALUES (${revocation.userKey}, ${revocation.revokedAt}, ${revocation.revokedBy}, ${revocation.reason})
        ON CONFLICT ("userKey") DO UPDATE SET "revokedAt" = ${revocation.revokedAt}, "revokedBy" = ${revocation.revokedBy}, "reason" = ${revocation.reason}`,
  restore: (userKey: string) => sql`DELETE FROM "OperatorRevocation" WHERE "userKey" = ${userKey}`,
};

export const migrationStatements = {
  /** Prisma's own table: migrations that finished and were not rolled back. */
  applied: () => sql<{ migration_name: string }>`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
};
