// Spend against each budget cap that is set, as the digest and /metrics show it: this month's
// spend against the monthly cap, each capped workflow's against its cap, and the plan under way
// that spent the most against the per-plan cap.
import { hasCaps, usd, workflowCapOf, type BudgetCap, type BudgetCaps } from '../core/budgets.ts';
import { currentCaps } from '../store/budget-settings.ts';
import { spendOverview } from '../store/budgets.ts';
import type { Store } from '../store/store.ts';

export interface BudgetLine {
  cap: BudgetCap;
  /** The workflow of a workflow cap, the plan of the per-plan cap (null: no plan under way spent anything). */
  subject: string | null;
  spentUsd: number;
  capUsd: number;
}

/** defaults: the BUDGET_* settings; the caps set while running replace them. */
export async function budgetLines(store: Store, defaults: BudgetCaps): Promise<BudgetLine[]> {
  const caps = await currentCaps(store, defaults);
  if (!hasCaps(caps)) return [];
  const capped = Object.keys(caps.workflowMonthUsd.byWorkflow);
  const spend = await spendOverview(store);
  const workflows = caps.workflowMonthUsd.everyWorkflow === null ? capped : [...new Set([...capped, ...spend.monthByWorkflow.keys()])];
  const lines: BudgetLine[] = [];
  if (caps.monthUsd !== null) lines.push({ cap: 'month', subject: null, spentUsd: spend.monthUsd, capUsd: caps.monthUsd });
  for (const workflow of workflows.sort()) {
    const capUsd = workflowCapOf(caps, workflow);
    if (capUsd !== null) lines.push({ cap: 'workflow_month', subject: workflow, spentUsd: spend.monthByWorkflow.get(workflow) ?? 0, capUsd });
  }
  if (caps.planUsd !== null) lines.push({ cap: 'plan', subject: spend.topPlan?.planId ?? null, spentUsd: spend.topPlan?.usd ?? 0, capUsd: caps.planUsd });
  return lines;
}

/** "month $1.20 of $10.00; invoicing $0.80 of $5.00; plan p1 $0.30 of $0.50". */
export function budgetSummary(lines: BudgetLine[]): string {
  const label = (line: BudgetLine) => (line.cap === 'month' ? 'this month' : line.cap === 'plan' ? (line.subject ? `top plan ${line.subject}` : 'per plan') : `${line.subject} this month`);
  return lines.map((line) => `${label(line)} ${usd(line.spentUsd)} of ${usd(line.capUsd)}`).join('; ');
}
