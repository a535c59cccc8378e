// Reading plans, apart from changing them: `op plan show` and `op plan list` import only this,
// the store and the CLI's formatting, so they start without the workflows, memory or models.
import { findPlan, listAudit, listPlans, type PlanRecord, type StepRecord } from '../store/plan-records.ts';
import type { PlanStatus } from '../store/statuses.ts';
import { waitingOnOperator, type WaitingRow } from '../store/statements.ts';
import type { Store } from '../store/store.ts';
import { OperatorError } from '../core/errors.ts';

export interface PlanState {
  plan: PlanRecord;
  steps: StepRecord[];
}

/** The outputs of a plan's completed steps by key, as a step or an Edit form reads them. */
export function artifactsOf(steps: StepRecord[]): Record<string, unknown> {
  return Object.fromEntries(steps.filter((step) => step.status === 'completed').map((step) => [step.key, step.output]));
}

export async function showPlan(store: Store, planId: string): Promise<PlanState> {
  const state = await store.transaction((runner) => findPlan(runner, planId));
  if (!state) throw new OperatorError(`There is no plan ${planId}.`, { code: 'plan_not_found', planId });
  return state;
}

/** The newest plans first (50 unless limit says otherwise), of the given statuses if any. */
export function recentPlans(store: Store, filter: { statuses?: readonly PlanStatus[]; limit?: number } = {}): Promise<PlanRecord[]> {
  return listPlans(store, { statuses: filter.statuses, limit: filter.limit ?? 50 });
}

export type WaitingItem = WaitingRow;

/** Everything waiting on the operator (approvals, questions, hand-backs), the longest wait first. */
export function waitingItems(store: Store, limit = 50): Promise<WaitingItem[]> {
  return store.transaction((runner) => runner.query(waitingOnOperator(limit)));
}

export async function planAudit(store: Store, planId: string) {
  await showPlan(store, planId);
  return store.transaction((runner) => listAudit(runner, planId));
}
