// The conductor's hot path, each statement named and kept here: claiming runnable plans, the
// lease, the checkpoint's writes, notice claims and gapless numbers; and the plan reads a
// person waits on (`op plan show`, `op plan list`), which then start without loading the
// Prisma client. Row types are the Prisma
// schema's generated model types; times that decide who may act when are the database's.
import type { AuditEntry, Dependency, Effect, GateTimer, InboxEntry, Notice, Plan, PlanVersion, SequenceNumber, Step } from './generated/sqlite/client.ts';
import { assignments, databaseNow, insertValues, join, sql, type DatabaseNow, type Dialect } from './sql.ts';
import type { EffectStatus, PlanStatus, StepStatus } from './statuses.ts';

/** A model's fields as a statement writes them: DateTimes may be the database's clock. */
type Writable<T> = { [K in keyof T]: T[K] extends Date ? Date | DatabaseNow : T[K] extends Date | null ? Date | DatabaseNow | null : T[K] };

export type PlanPatch = Partial<Writable<Pick<Plan, 'version' | 'input' | 'runAfter' | 'waitingOn' | 'leaseOwner' | 'leaseToken' | 'leaseExpiresAt' | 'finishedAt' | 'budgetAllowanceUsd' | 'budgetAskUsd'>>> & { status?: PlanStatus };
export type StepPatch = Partial<Writable<Pick<Step, 'position' | 'title' | 'attempts' | 'output' | 'lastError' | 'startedAt' | 'finishedAt' | 'waitingSince'>>> & { status?: StepStatus };
export type EffectPatch = Partial<Writable<Pick<Effect, 'performCount' | 'result' | 'appliedAt' | 'compensatedAt'>>> & { status?: EffectStatus };

export type PlanRow = Writable<Pick<Plan, 'id' | 'workflow' | 'version' | 'input' | 'requestedBy' | 'conversation' | 'trigger' | 'runAfter' | 'createdAt' | 'updatedAt' | 'dryRun'>> & { status: PlanStatus };
export type StepRow = Pick<Step, 'id' | 'planId' | 'position' | 'key' | 'kind' | 'title' | 'attempts'> & { status: StepStatus };
export type VersionRow = Pick<PlanVersion, 'id' | 'planId' | 'version' | 'input' | 'stepKeys' | 'omittedSteps' | 'reason' | 'createdBy' | 'createdAt'>;
export type EffectRow = Pick<Effect, 'key' | 'planId' | 'stepKey' | 'executor' | 'performCount' | 'createdAt'> & { status: EffectStatus };
export type AuditRow = Pick<AuditEntry, 'planId' | 'at' | 'actor' | 'action' | 'fromStatus' | 'toStatus' | 'stepKey' | 'reason' | 'detail'>;
export type NoticeRow = Writable<Pick<Notice, 'id' | 'planId' | 'kind' | 'payload' | 'createdAt' | 'deliverAfter'>>;

/** Which change of a plan may apply: the lease holder's, or a decision made on this status and version. */
export type PlanGuard = { leaseToken: string } | { status: PlanStatus; version: number };

const guarded = (guard: PlanGuard) =>
  'leaseToken' in guard ? sql`"leaseToken" = ${guard.leaseToken}` : sql`"status" = ${guard.status} AND "version" = ${guard.version}`;

const RUNNABLE = sql`"status" IN ('running', 'compensating') AND "runAfter" <= ${databaseNow()} AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${databaseNow()})`;

export const statements = {
  /** Runnable plans whose lease is free or lapsed; PostgreSQL skips rows other workers lock. */
  runnablePlans: (dialect: Dialect, limit: number) =>
    dialect === 'postgres'
      ? sql<Pick<Plan, 'id'>>`SELECT "id" FROM "Plan" WHERE ${RUNNABLE} ORDER BY "runAfter" LIMIT ${limit} FOR UPDATE SKIP LOCKED`
      : sql<Pick<Plan, 'id'>>`SELECT "id" FROM "Plan" WHERE ${RUNNABLE} ORDER BY "runAfter" LIMIT ${limit}`,
  /** Compare-and-set: even without row locks a plan is never leased twice. */
  takeLease: (planId: string, owner: string, token: string, leaseMs: number) =>
    sql`UPDATE "Plan" SET "leaseOwner" = ${owner}, "leaseToken" = ${token}, "leaseExpiresAt" = ${databaseNow(leaseMs)}
        WHERE "id" = ${planId} AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${databaseNow()})`,
  renewLease: (planId: string, token: string, leaseMs: number) =>
    sql`UPDATE "Plan" SET "leaseExpiresAt" = ${databaseNow(leaseMs)} WHERE "id" = ${planId} AND "leaseToken" = ${token}`,
  releaseLease: (planId: string, token: string, delayMs: number) =>
    sql`UPDATE "Plan" SET "leaseOwner" = NULL, "leaseToken" = NULL, "leaseExpiresAt" = NULL, "runAfter" = ${databaseNow(delayMs)}
        WHERE "id" = ${planId} AND "leaseToken" = ${token}`,
  releaseLeasesOf: (owner: string) =>
    sql`UPDATE "Plan" SET "leaseOwner" = NULL, "leaseToken" = NULL, "leaseExpiresAt" = NULL WHERE "leaseOwner" = ${owner}`,

  plan: (planId: string) => sql<Plan>`SELECT * FROM "Plan" WHERE "id" = ${planId}`,
  /** The newest plans first, of the given statuses if any. */
  recentPlans: (filter: { statuses?: readonly PlanStatus[]; limit: number }) =>
    filter.statuses
      ? sql<Plan>`SELECT * FROM "Plan" WHERE "status" IN (${join(filter.statuses.map((status) => sql`${status}`), ', ')}) ORDER BY "createdAt" DESC, "id" LIMIT ${filter.limit}`
      : sql<Plan>`SELECT * FROM "Plan" ORDER BY "createdAt" DESC, "id" LIMIT ${filter.limit}`,
  steps: (planId: string) => sql<Step>`SELECT * FROM "Step" WHERE "planId" = ${planId} ORDER BY "position", "key"`,
  effects: (planId: string) => sql<Effect>`SELECT * FROM "Effect" WHERE "planId" = ${planId} ORDER BY "createdAt", "key"`,
  audit: (planId: string) => sql<AuditEntry>`SELECT * FROM "AuditEntry" WHERE "planId" = ${planId} ORDER BY "id"`,
  version: (planId: string, version: number) =>
    sql<Pick<PlanVersion, 'input' | 'omittedSteps'>>`SELECT "input", "omittedSteps" FROM "PlanVersion" WHERE "planId" = ${planId} AND "version" = ${version}`,
  latestVersion: (planId: string) => sql<{ latest: number | null }>`SELECT MAX("version") AS "latest" FROM "PlanVersion" WHERE "planId" = ${planId}`,

  insertPlan: (row: PlanRow) => sql`INSERT INTO "Plan" ${insertValues(row)}`,
  /** The checkpoint's head: applies only while guard still holds (0 rows: the plan moved on). */
  updatePlan: (planId: string, guard: PlanGuard, patch: PlanPatch & { updatedAt: Date }) =>
    sql`UPDATE "Plan" SET ${assignments(patch)} WHERE "id" = ${planId} AND ${guarded(guard)}`,
  insertStep: (row: StepRow) => sql`INSERT INTO "Step" ${insertValues(row)}`,
  updateStep: (stepId: string, patch: StepPatch) => sql`UPDATE "Step" SET ${assignments(patch)} WHERE "id" = ${stepId}`,
  insertVersion: (row: VersionRow) => sql`INSERT INTO "PlanVersion" ${insertValues(row)}`,
  /** The ledger row, committed before the effect runs. */
  insertEffect: (row: EffectRow) => sql`INSERT INTO "Effect" ${insertValues(row)}`,
  updateEffect: (key: string, patch: EffectPatch) => sql`UPDATE "Effect" SET ${assignments(patch)} WHERE "key" = ${key}`,
  insertAudit: (row: AuditRow) => sql`INSERT INTO "AuditEntry" ${insertValues(row)}`,
  insertNotice: (row: NoticeRow) => sql`INSERT INTO "Notice" ${insertValues(row)}`,

  /** Notices due by the database's clock, oldest first: a plan's notices must arrive in order. */
  dueNotices: (limit: number) =>
    sql<Pick<Notice, 'id' | 'planId' | 'kind' | 'payload' | 'attempts'>>`SELECT "id", "planId", "kind", "payload", "attempts" FROM "Notice"
        WHERE "deliveredAt" IS NULL AND "deliverAfter" <= ${databaseNow()} ORDER BY "createdAt", "id" LIMIT ${limit}`,
  /** Compare-and-set on the attempt count, holding the notice for holdMs from other dispatchers. */
  claimNotice: (noticeId: string, attempts: number, holdMs: number) =>
    sql`UPDATE "Notice" SET "attempts" = ${attempts + 1}, "deliverAfter" = ${databaseNow(holdMs)}
        WHERE "id" = ${noticeId} AND "attempts" = ${attempts} AND "deliveredAt" IS NULL`,
  markDelivered: (noticeId: string, at: Date) => sql`UPDATE "Notice" SET "deliveredAt" = ${at}, "lastError" = NULL WHERE "id" = ${noticeId}`,
  deferNotice: (noticeId: string, delayMs: number, error: string) =>
    sql`UPDATE "Notice" SET "deliverAfter" = ${databaseNow(delayMs)}, "lastError" = ${error} WHERE "id" = ${noticeId}`,

  sequenceNumberOf: (idempotencyKey: string) =>
    sql<Pick<SequenceNumber, 'series' | 'number'>>`SELECT "series", "number" FROM "SequenceNumber" WHERE "idempotencyKey" = ${idempotencyKey}`,
  /** MAX + 1 of the series; a racing claim of the same number meets the primary key and inserts nothing. */
  claimNextSequenceNumber: (series: string, idempotencyKey: string, at: Date) =>
    sql`INSERT INTO "SequenceNumber" ("series", "number", "idempotencyKey", "claimedAt")
        SELECT ${series}, COALESCE(MAX("number"), 0) + 1, ${idempotencyKey}, ${at} FROM "SequenceNumber" WHERE "series" = ${series}
        ON CONFLICT DO NOTHING`,
  sequenceNumbers: (series: string) =>
    sql<Pick<SequenceNumber, 'number' | 'idempotencyKey'>>`SELECT "number", "idempotencyKey" FROM "SequenceNumber" WHERE "series" = ${series} ORDER BY "number"`,
};

/** The inbox (src/store/inbox.ts): entries written before a front door acknowledges, claimed with a lease by the database's clock. */
export type InboxRow = Writable<Pick<InboxEntry, 'id' | 'platform' | 'kind' | 'payload' | 'receivedAt'>>;

const INBOX_CLAIMABLE = sql`"answeredAt" IS NULL AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${databaseNow()})`;

export const inboxStatements = {
  /** A retried delivery meets the primary key and writes nothing. */
  insertInboxEntry: (row: InboxRow) => sql`INSERT INTO "InboxEntry" ${insertValues(row)} ON CONFLICT ("id") DO NOTHING`,
  inboxEntry: (id: string) => sql<InboxEntry>`SELECT * FROM "InboxEntry" WHERE "id" = ${id}`,
  /** Unanswered entries whose lease is free or lapsed, oldest first; PostgreSQL skips rows other replicas lock. */
  claimableInboxEntries: (dialect: Dialect, limit: number) =>
    dialect === 'postgres'
      ? sql<Pick<InboxEntry, 'id' | 'attempts'>>`SELECT "id", "attempts" FROM "InboxEntry" WHERE ${INBOX_CLAIMABLE} ORDER BY "receivedAt", "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED`
      : sql<Pick<InboxEntry, 'id' | 'attempts'>>`SELECT "id", "attempts" FROM "InboxEntry" WHERE ${INBOX_CLAIMABLE} ORDER BY "receivedAt", "id" LIMIT ${limit}`,
  /** Compare-and-set on the attempt count: an entry is never held by two workers at once. */
  takeInboxLease: (id: string, attempts: number, token: string, leaseMs: number) =>
    sql`UPDATE "InboxEntry" SET "attempts" = ${attempts + 1}, "leaseToken" = ${token}, "leaseExpiresAt" = ${databaseNow(leaseMs)}
        WHERE "id" = ${id} AND "attempts" = ${attempts} AND ${INBOX_CLAIMABLE}`,
  renewInboxLease: (id: string, token: string, leaseMs: number) =>
    sql`UPDATE "InboxEntry" SET "leaseExpiresAt" = ${databaseNow(leaseMs)} WHERE "id" = ${id} AND "leaseToken" = ${token} AND "answeredAt" IS NULL`,
  /** The dedupe mark, in the transaction of the entry's first state change; 0 rows: the lease was lost. */
  markInboxApplied: (id: string, token: string) =>
    sql`UPDATE "InboxEntry" SET "appliedAt" = COALESCE("appliedAt", ${databaseNow()}) WHERE "id" = ${id} AND "leaseToken" = ${token} AND "answeredAt" IS NULL`,
  answerInboxEntry: (id: string, token: string, answer: string) =>
    sql`UPDATE "InboxEntry" SET "answer" = ${answer}, "answeredAt" = ${databaseNow()}, "appliedAt" = COALESCE("appliedAt", ${databaseNow()}),
        "leaseToken" = NULL, "leaseExpiresAt" = NULL, "lastError" = NULL WHERE "id" = ${id} AND "leaseToken" = ${token}`,
  /** Hands an entry back after a failure, to be tried again after delayMs. */
  deferInboxEntry: (id: string, token: string, delayMs: number, error: string) =>
    sql`UPDATE "InboxEntry" SET "leaseToken" = NULL, "leaseExpiresAt" = ${databaseNow(delayMs)}, "lastError" = ${error} WHERE "id" = ${id} AND "leaseToken" = ${token}`,
  /** Answered entries older than the retry window: a retry that late is a new request. */
  pruneInbox: (keepMs: number) => sql`DELETE FROM "InboxEntry" WHERE "answeredAt" IS NOT NULL AND "answeredAt" < ${databaseNow(-keepMs)}`,
};

/** A landed inbox entry (src/store/inbox-landing.ts): its order of arrival and what InboxEntry is written from. */
export type LandedEntry = Pick<InboxEntry, 'id' | 'platform' | 'kind' | 'payload'> & { seq: number };

/** The inbox's landing file on SQLite (src/store/inbox-landing.ts): a queue in a database of its own. */
export const inboxLandingStatements = {
  /** Not a Prisma model: the file is not the database, and its one table is this queue. */
  createLanding: () =>
    sql`CREATE TABLE IF NOT EXISTS "InboxLanding" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "id" TEXT NOT NULL UNIQUE, "platform" TEXT NOT NULL, "kind" TEXT NOT NULL, "payload" TEXT NOT NULL)`,
  /** A delivery retried before its entry moved lands once. */
  land: (draft: Omit<LandedEntry, 'seq'>) => sql`INSERT INTO "InboxLanding" ${insertValues(draft)} ON CONFLICT ("id") DO NOTHING`,
  landed: (limit: number) => sql<LandedEntry>`SELECT "seq", "id", "platform", "kind", "payload" FROM "InboxLanding" ORDER BY "seq" LIMIT ${limit}`,
  /** Once they are in InboxEntry (durably). */
  clearLanded: (throughSeq: number) => sql`DELETE FROM "InboxLanding" WHERE "seq" <= ${throughSeq}`,
};

/**
 * External dependencies' shared state (src/ops/breakers.ts) and the plans that wait for them.
 * Every transition is a compare-and-set, so replicas that see the same outage change it once.
 */
export const dependencyStatements = {
  dependencies: () => sql<Dependency>`SELECT * FROM "Dependency" ORDER BY "name"`,
  /** The first sighting of a dependency; a replica that loses the race inserts nothing. */
  insertDependencyDown: (name: string, error: string, probeMs: number) =>
    sql`INSERT INTO "Dependency" ("name", "status", "since", "lastError", "probeAfter") VALUES (${name}, 'down', ${databaseNow()}, ${error}, ${databaseNow(probeMs)})
        ON CONFLICT ("name") DO NOTHING`,
  markDependencyDown: (name: string, error: string, probeMs: number) =>
    sql`UPDATE "Dependency" SET "status" = 'down', "since" = ${databaseNow()}, "lastError" = ${error}, "probeAfter" = ${databaseNow(probeMs)}
        WHERE "name" = ${name} AND "status" = 'up'`,
  noteDependencyError: (name: string, error: string) => sql`UPDATE "Dependency" SET "lastError" = ${error} WHERE "name" = ${name} AND "status" = 'down'`,
  markDependencyUp: (name: string) =>
    sql`UPDATE "Dependency" SET "status" = 'up', "since" = ${databaseNow()}, "lastError" = NULL WHERE "name" = ${name} AND "status" = 'down'`,
  /** One replica probes a down dependency per interval: the one whose update moves probeAfter. */
  claimProbe: (name: string, probeMs: number) =>
    sql`UPDATE "Dependency" SET "probeAfter" = ${databaseNow(probeMs)} WHERE "name" = ${name} AND "status" = 'down' AND "probeAfter" <= ${databaseNow()}`,
  /** The dependencies plans wait for now. */
  awaitedDependencies: () =>
    sql<{ waitingOn: string }>`SELECT DISTINCT "waitingOn" FROM "Plan" WHERE "status" = 'waiting_dependency' AND "waitingOn" IS NOT NULL`,
  plansWaitingOn: (name: string, limit: number) =>
    sql<Pick<Plan, 'id' | 'version'>>`SELECT "id", "version" FROM "Plan" WHERE "status" = 'waiting_dependency' AND "waitingOn" = ${name} ORDER BY "updatedAt", "id" LIMIT ${limit}`,
};

/** Gate deadlines (src/conductor/deadlines.ts): durable timers due by the database's clock. */
export type GateTimerRow = Writable<Pick<GateTimer, 'id' | 'planId' | 'stepId' | 'stepKey' | 'outcome' | 'rule' | 'dueAt' | 'createdAt'>>;
export type DueTimer = Pick<GateTimer, 'id' | 'planId' | 'stepId' | 'stepKey' | 'outcome' | 'rule' | 'stage' | 'dueAt'> & Pick<Plan, 'version'> & { planStatus: PlanStatus };

/** A timer whose wait is still on: its step waits and its plan waits on the operator. */
const LIVE_WAIT = sql`s."status" = 'waiting' AND p."status" IN ('waiting_approval', 'waiting_answer')`;

export const timerStatements = {
  /** A wait begins: the timers of the step's earlier waits have nothing left to do. */
  closeStepTimers: (stepId: string) => sql`UPDATE "GateTimer" SET "doneAt" = ${databaseNow()} WHERE "stepId" = ${stepId} AND "doneAt" IS NULL`,
  insertTimer: (row: GateTimerRow) => sql`INSERT INTO "GateTimer" ${insertValues(row)}`,
  /** Due timers of waits still on, oldest first. */
  dueTimers: (limit: number) =>
    sql<DueTimer>`SELECT t."id", t."planId", t."stepId", t."stepKey", t."outcome", t."rule", t."stage", t."dueAt", p."version", p."status" AS "planStatus"
        FROM "GateTimer" t JOIN "Step" s ON s."id" = t."stepId" JOIN "Plan" p ON p."id" = t."planId"
        WHERE t."doneAt" IS NULL AND t."dueAt" <= ${databaseNow()} AND ${LIVE_WAIT} ORDER BY t."dueAt", t."id" LIMIT ${limit}`,
  /**
   * The compare-and-set that makes a stage fire once: only the caller that still sees the stage
   * it read, due, moves the timer on (to its next stage and due time, or done).
   */
  advanceTimer: (id: string, stage: number, next: { stage: number; dueInMs: number } | 'done') =>
    next === 'done'
      ? sql`UPDATE "GateTimer" SET "stage" = ${stage + 1}, "doneAt" = ${databaseNow()} WHERE "id" = ${id} AND "stage" = ${stage} AND "doneAt" IS NULL AND "dueAt" <= ${databaseNow()}`
      : sql`UPDATE "GateTimer" SET "stage" = ${next.stage}, "dueAt" = ${databaseNow(next.dueInMs)}
          WHERE "id" = ${id} AND "stage" = ${stage} AND "doneAt" IS NULL AND "dueAt" <= ${databaseNow()}`,
  /** Timers whose wait ended (decided, answered, cancelled, edited) are done. */
  closeEndedTimers: () =>
    sql`UPDATE "GateTimer" SET "doneAt" = ${databaseNow()} WHERE "doneAt" IS NULL AND NOT EXISTS (
        SELECT 1 FROM "Step" s JOIN "Plan" p ON p."id" = s."planId" WHERE s."id" = "GateTimer"."stepId" AND ${LIVE_WAIT})`,
  /** Snooze: the plan's open timer falls due again snoozeMs from now. */
  snoozeTimer: (planId: string, snoozeMs: number) =>
    sql`UPDATE "GateTimer" SET "dueAt" = ${databaseNow(snoozeMs)} WHERE "planId" = ${planId} AND "doneAt" IS NULL`,
  openTimerOf: (planId: string) =>
    sql<Pick<GateTimer, 'id' | 'stepKey' | 'outcome' | 'stage' | 'dueAt'>>`SELECT "id", "stepKey", "outcome", "stage", "dueAt" FROM "GateTimer" WHERE "planId" = ${planId} AND "doneAt" IS NULL ORDER BY "createdAt" DESC LIMIT 1`,
};

/** One wait on the operator: an approval, a question or a hand-back, with its deadline if it has one. */
export type WaitingRow = Pick<Plan, 'workflow' | 'version' | 'requestedBy' | 'budgetAskUsd'> & { planId: string; planStatus: PlanStatus; stepKey: string; stepTitle: string; waitingSince: Date } & {
  deadline: Date | null;
  deadlineOutcome: string | null;
  escalationStage: number | null;
};

/** `/op inbox`: everything waiting on the operator, the longest wait first. */
export const waitingOnOperator = (limit: number) =>
  sql<WaitingRow>`SELECT p."id" AS "planId", p."workflow", p."version", p."requestedBy", p."budgetAskUsd", p."status" AS "planStatus", s."key" AS "stepKey", s."title" AS "stepTitle",
      s."waitingSince", t."dueAt" AS "deadline", t."outcome" AS "deadlineOutcome", t."stage" AS "escalationStage"
    FROM "Plan" p JOIN "Step" s ON s."planId" = p."id" AND s."status" IN ('waiting', 'failed') AND s."waitingSince" IS NOT NULL
    LEFT JOIN "GateTimer" t ON t."stepId" = s."id" AND t."doneAt" IS NULL
    WHERE p."status" IN ('waiting_approval', 'waiting_answer', 'needs_operator')
    ORDER BY s."waitingSince", p."id" LIMIT ${limit}`;
