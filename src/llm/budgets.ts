// The budget check before a model call: the spend each cap counts so far, plus what the call is
// expected to cost, against the cap and the plan's allowance. A call that would go over is not
// made; the model port throws BudgetReached and the plan is handed back.
import { BudgetReached, hasCaps, noBudgetCaps, workflowCapOf, type BudgetCap, type BudgetCaps, type BudgetPause } from '../core/budgets.ts';
import { currentCaps } from '../store/budget-settings.ts';
import type { PlanSpend } from '../store/budgets.ts';
import { reserveModelCall, type ModelCallOpening } from '../store/model-calls.ts';
import type { Store } from '../store/store.ts';
import { costUsd } from './prices.ts';

/**
 * An answer's length is unknown before the call; a structured answer (fields, a short draft) is
 * rarely longer than this. The prompt is counted at about four characters a token.
 */
const EXPECTED_ANSWER_TOKENS = 500;
const CHARS_PER_TOKEN = 4;

/** The tokens a call is expected to use, before it is made. */
export function expectedUsage(request: { system: string; prompt: string }): { promptTokens: number; completionTokens: number } {
  return { promptTokens: Math.ceil((request.system.length + request.prompt.length) / CHARS_PER_TOKEN), completionTokens: EXPECTED_ANSWER_TOKENS };
}

export const expectedCostUsd = (model: string, request: { system: string; prompt: string }): number => costUsd(model, expectedUsage(request));

const upToCent = (usd: number) => Math.ceil(usd * 100 - 1e-9) / 100;

/** The first cap the call would go over, with the figures the hand-back shows; null: the call may go ahead. */
export function budgetVerdict(spend: PlanSpend, caps: BudgetCaps, workflow: string, expectedUsd: number): BudgetPause | null {
  const checks: [BudgetCap, number, number | null][] = [
    ['plan', spend.planUsd, caps.planUsd],
    ['workflow_month', spend.workflowMonthUsd, workflowCapOf(caps, workflow)],
    ['month', spend.monthUsd, caps.monthUsd],
  ];
  for (const [cap, spentUsd, limit] of checks) {
    if (limit === null) continue;
    // What the operator allowed this plan by Continue lifts every cap for this plan alone.
    const capUsd = limit + spend.allowanceUsd;
    if (spentUsd + expectedUsd <= capUsd) continue;
    const needed = upToCent(spentUsd + expectedUsd - capUsd);
    return { cap, spentUsd, capUsd, moreUsd: Math.max(caps.continueUsd, needed), expectedUsd };
  }
  return null;
}

/** A call outside any plan (recall's written answer) answers to the monthly cap alone. */
export const monthVerdict = (spend: PlanSpend, caps: BudgetCaps, expectedUsd: number): BudgetPause | null =>
  caps.monthUsd === null ? null : budgetVerdict(spend, { ...noBudgetCaps, monthUsd: caps.monthUsd }, '', expectedUsd);

/**
 * Reserves a model call against the caps in force (defaults: the BUDGET_* settings, under those
 * set while running) and returns its ModelCall row's id; throws BudgetReached, and writes no row,
 * when the call would go over. A call of a plan's step answers to every cap, one outside a plan
 * (no workflow) to the monthly cap alone.
 */
export async function reserveWithinCaps(store: Store, defaults: BudgetCaps, opening: ModelCallOpening, expectedUsd: number): Promise<string> {
  const caps = await currentCaps(store, defaults);
  const { workflow } = opening;
  const check =
    workflow === null
      ? caps.monthUsd === null
        ? null
        : (spend: PlanSpend) => monthVerdict(spend, caps, expectedUsd)
      : hasCaps(caps)
        ? (spend: PlanSpend) => budgetVerdict(spend, caps, workflow, expectedUsd)
        : null;
  const reservation = await reserveModelCall(store, opening, expectedUsd, check);
  if ('pause' in reservation) throw new BudgetReached(reservation.pause);
  return reservation.id;
}
