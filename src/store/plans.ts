// The plan repository. Every change to a plan (a worker's checkpoint or an operator's
// decision) is one transaction, applied only if the plan still matches a guard (its lease
// token, or the status and version the decision was made against).
import { redactText, redactValue } from '../privacy/redact.ts';
import { newId, orderedId } from './ids.ts';
import { insertMemory, type MemoryDraft } from './memory.ts';
import { findPlan, type PlanRecord, type StepRecord } from './plan-records.ts';
import { databaseNow, type SqlRunner } from './sql.ts';
import { statements, timerStatements, type EffectPatch, type EffectRow, type PlanGuard, type PlanPatch, type PlanRow, type StepPatch, type StepRow, type VersionRow } from './statements.ts';
import type { Store } from './store.ts';

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
  plan?: PlanPatch;
  steps?: { id: string; fields: StepPatch }[];
  newSteps?: Omit<StepRow, 'planId'>[];
  version?: Omit<VersionRow, 'id' | 'planId' | 'createdAt'>;
  effects?: { key: string; insert?: Pick<EffectRow, 'stepKey' | 'executor' | 'status' | 'performCount'>; fields?: EffectPatch }[];
  audit?: AuditDraft[];
  notices?: NoticeDraft[];
  /** Memories the change leaves (decisions, answers, artifacts), stored with it. */
  memories?: MemoryDraft[];
  /** A gate's wait begins with a deadline: its timer, due dueInMs from now by the database's clock. */
  gateTimer?: { stepId: string; stepKey: string; outcome: string; rule: string | null; dueInMs: number };
}

export { newId, orderedId } from './ids.ts';
export {
  findPlan,
  findVersion,
  latestVersionNumber,
  listAudit,
  listEffects,
  listPlans,
  type AuditRecord,
  type EffectRecord,
  type PlanRecord,
  type StepRecord,
} from './plan-records.ts';

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Inserts a plan with its first version, steps, audit entry and notices. */
export async function insertPlan(runner: SqlRunner, plan: PlanRow, change: PlanChange): Promise<void> {
  await runner.execute(statements.insertPlan(plan));
  await writeChildren(runner, plan.id, change, new Date());
}

/**
 * Applies change if the plan still matches guard; returns false (and writes nothing) when it
 * does not, so the caller rolls back or reports the conflict.
 */
export async function commitPlanChange(runner: SqlRunner, planId: string, guard: PlanGuard, change: PlanChange): Promise<boolean> {
  const now = new Date();
  const matched = await runner.execute(statements.updatePlan(planId, guard, { ...change.plan, updatedAt: now }));
  if (matched === 0) return false;
  await writeChildren(runner, planId, change, now);
  return true;
}

async function writeChildren(runner: SqlRunner, planId: string, change: PlanChange, now: Date): Promise<void> {
  for (const step of change.newSteps ?? []) await runner.execute(statements.insertStep({ ...step, planId }));
  for (const step of change.steps ?? []) await runner.execute(statements.updateStep(step.id, step.fields));
  if (change.version) await runner.execute(statements.insertVersion({ id: newId('v'), planId, createdAt: now, ...change.version }));
  for (const effect of change.effects ?? []) {
    const changed = effect.fields ? await runner.execute(statements.updateEffect(effect.key, effect.fields)) : 0;
    if (changed === 0 && effect.insert) await runner.execute(statements.insertEffect({ key: effect.key, planId, createdAt: now, ...effect.insert }));
  }
  for (const entry of change.audit ?? []) {
    await runner.execute(
      statements.insertAudit({
        planId,
        at: now,
        actor: entry.actor,
        action: entry.action,
        fromStatus: entry.fromStatus ?? null,
        toStatus: entry.toStatus ?? null,
        stepKey: entry.stepKey ?? null,
        // The audit keeps what was decided and on what, with personal data and secrets masked.
        reason: entry.reason === undefined ? null : redactText(entry.reason),
        detail: json(redactValue(entry.detail)),
      }),
    );
  }
  for (const memory of change.memories ?? []) await insertMemory(runner, memory, now);
  if (change.gateTimer) {
    const { dueInMs, ...timer } = change.gateTimer;
    await runner.execute(timerStatements.closeStepTimers(timer.stepId));
    await runner.execute(timerStatements.insertTimer({ id: newId('t'), planId, ...timer, dueAt: databaseNow(dueInMs), createdAt: now }));
  }
  for (const notice of change.notices ?? []) {
    await runner.execute(
      statements.insertNotice({ id: orderedId('n'), planId, kind: notice.kind, payload: JSON.stringify(notice.payload), createdAt: now, deliverAfter: databaseNow() }),
    );
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
  const token = newId('l');
  return store.transaction(async (runner) => {
    const candidates = await runner.query(statements.runnablePlans(runner.dialect, claim.limit));
    const claimed: ClaimedPlan[] = [];
    for (const { id } of candidates) {
      const won = await runner.execute(statements.takeLease(id, claim.owner, token, claim.leaseMs));
      if (won === 1) claimed.push({ leaseToken: token, ...(await findPlan(runner, id))! });
    }
    return claimed;
  });
}

/** Extends a held lease; false when it was lost (expired and taken, or revoked by a decision). */
export function renewLease(store: Store, planId: string, leaseToken: string, leaseMs: number): Promise<boolean> {
  return store.transaction(async (runner) => (await runner.execute(statements.renewLease(planId, leaseToken, leaseMs))) === 1);
}

/** Gives a held plan back, to be picked up again once delayMs have passed. */
export function releaseLease(store: Store, planId: string, leaseToken: string, delayMs: number): Promise<boolean> {
  return store.transaction(async (runner) => (await runner.execute(statements.releaseLease(planId, leaseToken, delayMs))) === 1);
}

/**
 * A restarted worker takes back its previous incarnation's leases at once instead of waiting
 * for them to lapse (like Kafka's static membership): a worker id is one process at a time.
 */
export function releaseLeasesOf(store: Store, owner: string): Promise<number> {
  return store.transaction((runner) => runner.execute(statements.releaseLeasesOf(owner)));
}
