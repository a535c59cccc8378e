// Cost caps on model spend: per plan, per workflow and calendar month, and per calendar month
// (UTC, by the database's clock). The model port checks them before each call
// (src/llm/budgets.ts); a call that would go over is not made, and the plan is handed back to the
// operator with BudgetReached's figures until a Continue raises its allowance.
import { z } from 'zod';

export const BUDGET_CAPS = ['plan', 'workflow_month', 'month'] as const;
export type BudgetCap = (typeof BUDGET_CAPS)[number];

/** How each cap is named to the operator, in the hand-back and the digest. */
export const CAP_NAMES: Record<BudgetCap, string> = {
  plan: 'per-plan cap',
  workflow_month: 'per-workflow monthly cap',
  month: 'monthly cap',
};

/** The caps in force (USD); null: no cap. */
export interface BudgetCaps {
  planUsd: number | null;
  monthUsd: number | null;
  /** A cap for every workflow, and caps for named ones that replace it (null: that workflow has none). */
  workflowMonthUsd: { everyWorkflow: number | null; byWorkflow: Readonly<Record<string, number | null>> };
  /** What Continue adds to a paused plan's allowance, at least what its next call needs. */
  continueUsd: number;
}

export const noBudgetCaps: BudgetCaps = { planUsd: null, monthUsd: null, workflowMonthUsd: { everyWorkflow: null, byWorkflow: {} }, continueUsd: 1 };

export const workflowCapOf = (caps: BudgetCaps, workflow: string): number | null =>
  Object.hasOwn(caps.workflowMonthUsd.byWorkflow, workflow) ? (caps.workflowMonthUsd.byWorkflow[workflow] ?? null) : caps.workflowMonthUsd.everyWorkflow;

export const hasCaps = (caps: BudgetCaps): boolean =>
  caps.planUsd !== null || caps.monthUsd !== null || caps.workflowMonthUsd.everyWorkflow !== null || Object.keys(caps.workflowMonthUsd.byWorkflow).length > 0;

/** Where a paused plan stands against the cap it reached; the needs_operator notice carries it. */
export const BudgetPause = z.object({
  cap: z.enum(BUDGET_CAPS),
  spentUsd: z.number(),
  capUsd: z.number(),
  /** What Continue adds to the plan's allowance. */
  moreUsd: z.number(),
  /** The call that was not made: its estimated cost. */
  expectedUsd: z.number(),
});
export type BudgetPause = z.infer<typeof BudgetPause>;

/** Dollars as the operator reads them: cents, or a fraction of a cent to four places. */
export const usd = (amount: number): string => `$${amount >= 1 || amount === 0 ? amount.toFixed(2) : amount.toFixed(4).replace(/0{1,2}$/, '')}`;

export const pauseText = (pause: BudgetPause): string =>
  `spent ${usd(pause.spentUsd)} of ${usd(pause.capUsd)} (${CAP_NAMES[pause.cap]}): continue with ${usd(pause.moreUsd)} more, or abort`;

/** A model call would go over a cap: it is not made, and the plan is handed back. */
export class BudgetReached extends Error {
  override name = 'BudgetReached';
  readonly pause: BudgetPause;

  constructor(pause: BudgetPause) {
    super(pauseText(pause));
    this.pause = pause;
  }
}
