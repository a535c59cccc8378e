// Reading plans and what hangs off them (steps, effects, audit, versions) as the conductor
// and the CLI see them: JSON columns parsed, statuses typed. Kept apart from the writes
// (plans.ts) so a read loads no redaction or memory code.
import type { AuditEntry, Effect, Plan, Step } from './generated/sqlite/client.ts';
import type { SqlRunner } from './sql.ts';
import { statements } from './statements.ts';
import type { EffectStatus, PlanStatus, StepStatus } from './statuses.ts';
import type { Store } from './store.ts';

/** A plan as the conductor reads it: its JSON columns parsed, its status typed. */
export type PlanRecord = Pick<
  Plan,
  'id' | 'workflow' | 'version' | 'requestedBy' | 'runAfter' | 'leaseOwner' | 'leaseToken' | 'createdAt' | 'updatedAt' | 'finishedAt' | 'budgetAllowanceUsd' | 'budgetAskUsd' | 'dryRun'
> & {
  status: PlanStatus;
  input: unknown;
  conversation: unknown;
  /** What started the plan when nobody typed it (src/triggers); undefined for a typed start. */
  trigger: unknown;
};

export type StepRecord = Pick<Step, 'id' | 'planId' | 'position' | 'key' | 'kind' | 'title' | 'attempts' | 'lastError' | 'startedAt' | 'finishedAt' | 'waitingSince'> & {
  status: StepStatus;
  output: unknown;
};

export type EffectRecord = Pick<Effect, 'key' | 'stepKey' | 'executor' | 'performCount' | 'createdAt'> & { status: EffectStatus; result: unknown };

export type AuditRecord = Pick<AuditEntry, 'id' | 'at' | 'actor' | 'action' | 'fromStatus' | 'toStatus' | 'stepKey' | 'reason'> & { detail: unknown };

const parseJson = (value: string | null): unknown => (value === null ? undefined : JSON.parse(value));

function toPlan(row: Plan): PlanRecord {
  return {
    id: row.id,
    workflow: row.workflow,
    status: row.status as PlanStatus,
    version: row.version,
    input: parseJson(row.input),
    requestedBy: row.requestedBy,
    conversation: parseJson(row.conversation),
    trigger: parseJson(row.trigger),
    runAfter: row.runAfter,
    leaseOwner: row.leaseOwner,
    leaseToken: row.leaseToken,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
    budgetAllowanceUsd: row.budgetAllowanceUsd,
    budgetAskUsd: row.budgetAskUsd,
    dryRun: row.dryRun,
  };
}

function toStep(row: Step): StepRecord {
  return {
    id: row.id,
    planId: row.planId,
    position: row.position,
    key: row.key,
    kind: row.kind,
    title: row.title,
    status: row.status as StepStatus,
    attempts: row.attempts,
    output: parseJson(row.output),
    lastError: row.lastError,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    waitingSince: row.waitingSince,
  };
}

export async function findPlan(runner: SqlRunner, planId: string): Promise<{ plan: PlanRecord; steps: StepRecord[] } | null> {
  const [row] = await runner.query(statements.plan(planId));
  if (!row) return null;
  const steps = await runner.query(statements.steps(planId));
  return { plan: toPlan(row), steps: steps.map(toStep) };
}

export async function listPlans(store: Store, filter: { statuses?: readonly PlanStatus[]; limit: number }): Promise<PlanRecord[]> {
  const rows = await store.transaction((runner) => runner.query(statements.recentPlans(filter)));
  return rows.map(toPlan);
}

export async function listEffects(runner: SqlRunner, planId: string): Promise<EffectRecord[]> {
  const rows = await runner.query(statements.effects(planId));
  return rows.map((row) => ({
    key: row.key,
    stepKey: row.stepKey,
    executor: row.executor,
    status: row.status as EffectStatus,
    performCount: row.performCount,
    result: parseJson(row.result),
    createdAt: row.createdAt,
  }));
}

export async function listAudit(runner: SqlRunner, planId: string): Promise<AuditRecord[]> {
  const rows = await runner.query(statements.audit(planId));
  return rows.map(({ planId: _plan, detail, ...row }) => ({ ...row, detail: parseJson(detail) }));
}

export async function findVersion(runner: SqlRunner, planId: string, version: number): Promise<{ input: unknown; omittedSteps: string[] } | null> {
  const [row] = await runner.query(statements.version(planId, version));
  return row ? { input: parseJson(row.input), omittedSteps: JSON.parse(row.omittedSteps) as string[] } : null;
}

export async function latestVersionNumber(runner: SqlRunner, planId: string): Promise<number> {
  const [row] = await runner.query(statements.latestVersion(planId));
  return row?.latest ?? 0;
}

