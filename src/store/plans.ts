// The plan repository. Every change to a plan (a worker's checkpoint or an operator's
// decision) is one transaction, applied only if the plan still matches a guard (its lease
// token, or the status and version the decision was made against).
import { redactText, redactValue } from '../ops/redact.ts';
import { newId, orderedId } from './ids.ts';
import { insertMemory, type MemoryDraft } from './memory.ts';
import { insertRow, updateRows, type Fields } from './rows.ts';
import { asDate, asNumber, databaseNow, sql, type Row, type SqlRunner } from './sql.ts';
import type { Store } from './store.ts';

export interface PlanRecord {
  id: string;
  workflow: string;
  status: string;
  version: number;
  input: unknown;
  requestedBy: string;
  conversation: unknown;
  runAfter: Date;
  leaseOwner: string | null;
  leaseToken: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface StepRecord {
  id: string;
  planId: string;
  position: number;
  key: string;
  kind: string;
  title: string;
  status: string;
  attempts: number;
  output: unknown;
  lastError: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  waitingSince: Date | null;
}

export interface EffectRecord {
  key: string;
  stepKey: string;
  executor: string;
  status: string;
  performCount: number;
  result: unknown;
  createdAt: Date;
}

export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  stepKey: string | null;
  reason: string | null;
  detail: unknown;
}

export interface NoticeDraft {
  kind: string;
  payload: Record<string, unknown>;
}

export interface AuditDraft {
  actor: string;
  action: string;
  fromStatus?: string;
  toStatus?: string;
  stepKey?: string;
  reason?: string;
  detail?: unknown;
}

/** Everything one transaction does to a plan and the rows that hang off it. */
export interface PlanChange {
  plan?: Fields;
  steps?: { id: string; fields: Fields }[];
  newSteps?: Fields[];
  version?: Fields;
  effects?: { key: string; insert?: Fields; fields?: Fields }[];
  audit?: AuditDraft[];
  notices?: NoticeDraft[];
  /** Memories the change leaves (decisions, answers, artifacts), stored with it. */
  memories?: MemoryDraft[];
}

export { newId, orderedId } from './ids.ts';

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? undefined));

function toPlan(row: Row): PlanRecord {
  return {
    id: row.id as string,
    workflow: row.workflow as string,
    status: row.status as string,
    version: asNumber(row.version),
    input: parse(row.input),
    requestedBy: row.requestedBy as string,
    conversation: parse(row.conversation),
    runAfter: asDate(row.runAfter)!,
    leaseOwner: (row.leaseOwner as string | null) ?? null,
    leaseToken: (row.leaseToken as string | null) ?? null,
    createdAt: asDate(row.createdAt)!,
    updatedAt: asDate(row.updatedAt)!,
    finishedAt: asDate(row.finishedAt),
  };
}

function toStep(row: Row): StepRecord {
  return {
    id: row.id as string,
    planId: row.planId as string,
    position: asNumber(row.position),
    key: row.key as string,
    kind: row.kind as string,
    title: row.title as string,
    status: row.status as string,
    attempts: asNumber(row.attempts),
    output: parse(row.output),
    lastError: (row.lastError as string | null) ?? null,
    startedAt: asDate(row.startedAt),
    finishedAt: asDate(row.finishedAt),
    waitingSince: asDate(row.waitingSince),
  };
}

export async function findPlan(runner: SqlRunner, planId: string): Promise<{ plan: PlanRecord; steps: StepRecord[] } | null> {
  const [row] = await runner.query(sql`SELECT * FROM "Plan" WHERE "id" = ${planId}`);
  if (!row) return null;
  const steps = await runner.query(sql`SELECT * FROM "Step" WHERE "planId" = ${planId} ORDER BY "position", "key"`);
  return { plan: toPlan(row), steps: steps.map(toStep) };
}

export async function listPlans(store: Store, filter: { statuses?: string[]; limit: number }): Promise<PlanRecord[]> {
  const rows = await store.prisma((db) =>
    db.plan.findMany({
      where: filter.statuses ? { status: { in: filter.statuses } } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: filter.limit,
    }),
  );
  return rows.map((row) => toPlan(row as unknown as Row));
}

export async function listEffects(runner: SqlRunner, planId: string): Promise<EffectRecord[]> {
  const rows = await runner.query(sql`SELECT * FROM "Effect" WHERE "planId" = ${planId} ORDER BY "createdAt", "key"`);
  return rows.map((row) => ({
    key: row.key as string,
    stepKey: row.stepKey as string,
    executor: row.executor as string,
    status: row.status as string,
    performCount: asNumber(row.performCount),
    result: parse(row.result),
    createdAt: asDate(row.createdAt)!,
  }));
}

export async function listAudit(runner: SqlRunner, planId: string): Promise<AuditRecord[]> {
  const rows = await runner.query(sql`SELECT * FROM "AuditEntry" WHERE "planId" = ${planId} ORDER BY "id"`);
  return rows.map((row) => ({
    id: asNumber(row.id),
    at: asDate(row.at)!,
    actor: row.actor as string,
    action: row.action as string,
    fromStatus: (row.fromStatus as string | null) ?? null,
    toStatus: (row.toStatus as string | null) ?? null,
    stepKey: (row.stepKey as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
    detail: parse(row.detail),
  }));
}

export async function findVersion(
  runner: SqlRunner,
  planId: string,
  version: number,
): Promise<{ input: unknown; omittedSteps: string[] } | null> {
  const [row] = await runner.query(
    sql`SELECT "input", "omittedSteps" FROM "PlanVersion" WHERE "planId" = ${planId} AND "version" = ${version}`,
  );
  return row ? { input: parse(row.input), omittedSteps: parse(row.omittedSteps) as string[] } : null;
}

export async function latestVersionNumber(runner: SqlRunner, planId: string): Promise<number> {
  const [row] = await runner.query(sql`SELECT MAX("version") AS "latest" FROM "PlanVersion" WHERE "planId" = ${planId}`);
  return asNumber(row?.latest ?? 0);
}

/** Inserts a plan with its first version, steps, audit entry and notices. */
export async function insertPlan(runner: SqlRunner, plan: Fields, change: PlanChange): Promise<void> {
  await insertRow(runner, 'Plan', plan);
  await writeChildren(runner, plan.id as string, change, new Date());
}

/**
 * Applies change if the plan still matches guard; returns false (and writes nothing) when it
 * does not, so the caller rolls back or reports the conflict.
 */
export async function commitPlanChange(runner: SqlRunner, planId: string, guard: Fields, change: PlanChange): Promise<boolean> {
  const now = new Date();
  const matched = await updateRows(runner, 'Plan', { ...change.plan, updatedAt: now }, { id: planId, ...guard });
  if (matched === 0) return false;
  await writeChildren(runner, planId, change, now);
  return true;
}

async function writeChildren(runner: SqlRunner, planId: string, change: PlanChange, now: Date): Promise<void> {
  for (const step of change.newSteps ?? []) await insertRow(runner, 'Step', { ...step, planId });
  for (const step of change.steps ?? []) await updateRows(runner, 'Step', step.fields, { id: step.id });
  if (change.version) await insertRow(runner, 'PlanVersion', { id: newId('v'), planId, createdAt: now, ...change.version });
  for (const effect of change.effects ?? []) {
    const changed = effect.fields ? await updateRows(runner, 'Effect', effect.fields, { key: effect.key }) : 0;
    if (changed === 0 && effect.insert) await insertRow(runner, 'Effect', { key: effect.key, planId, createdAt: now, ...effect.insert });
  }
  for (const entry of change.audit ?? []) {
    await insertRow(runner, 'AuditEntry', {
      planId,
      at: now,
      actor: entry.actor,
      action: entry.action,
      fromStatus: entry.fromStatus,
      toStatus: entry.toStatus,
      stepKey: entry.stepKey,
      // The audit keeps what was decided and on what, with personal data and secrets masked.
      reason: entry.reason === undefined ? undefined : redactText(entry.reason),
      detail: json(redactValue(entry.detail)),
    });
  }
  for (const memory of change.memories ?? []) await insertMemory(runner, memory, now);
  for (const notice of change.notices ?? []) {
    await insertRow(runner, 'Notice', {
      id: orderedId('n'),
      planId,
      kind: notice.kind,
      payload: JSON.stringify(notice.payload),
      createdAt: now,
      deliverAfter: databaseNow(),
    });
  }
}

export interface ClaimedPlan {
  leaseToken: string;
  plan: PlanRecord;
  steps: StepRecord[];
}

/**
 * Leases up to limit runnable plans to owner and loads them in the same transaction; on
 * PostgreSQL, rows other workers hold are skipped.
 */
export async function claimRunnablePlans(
  store: Store,
  claim: { owner: string; leaseMs: number; limit: number },
): Promise<ClaimedPlan[]> {
  const now = databaseNow();
  const token = newId('l');
  const expires = databaseNow(claim.leaseMs);
  const skipLocked = store.target.provider === 'postgres';
  return store.transaction(async (runner) => {
    const candidates = skipLocked
      ? sql`SELECT "id" FROM "Plan" WHERE "status" IN ('running', 'compensating') AND "runAfter" <= ${now}
            AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
            ORDER BY "runAfter" LIMIT ${claim.limit} FOR UPDATE SKIP LOCKED`
      : sql`SELECT "id" FROM "Plan" WHERE "status" IN ('running', 'compensating') AND "runAfter" <= ${now}
            AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
            ORDER BY "runAfter" LIMIT ${claim.limit}`;
    const ids = (await runner.query(candidates)).map((row) => row.id as string);
    const claimed: ClaimedPlan[] = [];
    for (const id of ids) {
      // Compare-and-set: even without row locks a plan is never leased twice.
      const won = await runner.execute(
        sql`UPDATE "Plan" SET "leaseOwner" = ${claim.owner}, "leaseToken" = ${token}, "leaseExpiresAt" = ${expires}
            WHERE "id" = ${id} AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})`,
      );
      if (won === 1) claimed.push({ leaseToken: token, ...(await findPlan(runner, id))! });
    }
    return claimed;
  });
}

/** Extends a held lease; false when it was lost (expired and taken, or revoked by a decision). */
export function renewLease(store: Store, planId: string, leaseToken: string, leaseMs: number): Promise<boolean> {
  return store.transaction(async (runner) => {
    return (await updateRows(runner, 'Plan', { leaseExpiresAt: databaseNow(leaseMs) }, { id: planId, leaseToken })) === 1;
  });
}

/** Gives a held plan back, to be picked up again once delayMs have passed. */
export function releaseLease(store: Store, planId: string, leaseToken: string, delayMs: number): Promise<boolean> {
  return store.transaction(async (runner) => {
    const fields = { leaseOwner: null, leaseToken: null, leaseExpiresAt: null, runAfter: databaseNow(delayMs) };
    return (await updateRows(runner, 'Plan', fields, { id: planId, leaseToken })) === 1;
  });
}

/**
 * A restarted worker takes back its previous incarnation's leases at once instead of waiting
 * for them to lapse (like Kafka's static membership): a worker id is one process at a time.
 */
export function releaseLeasesOf(store: Store, owner: string): Promise<number> {
  return store.transaction((runner) =>
    updateRows(runner, 'Plan', { leaseExpiresAt: null, leaseToken: null, leaseOwner: null }, { leaseOwner: owner }),
  );
}
