// Budget caps set while running (BudgetSetting), over the BUDGET_* settings: every model call
// reads the caps in force (src/llm/model-port.ts, recall's answer), so a change holds for every
// replica from its next call, without a restart. Each change is audited with the cap before it.
import { workflowCapOf, type BudgetCaps } from '../core/budgets.ts';
import type { BudgetSetting } from './generated/sqlite/client.ts';
import { insertValues, sql } from './sql.ts';
import { statements } from './statements.ts';
import type { Store } from './store.ts';

/** Which cap a setting replaces. */
export type CapTarget = { cap: 'plan' } | { cap: 'month' } | { cap: 'workflow'; workflow: string };

const keyOf = (target: CapTarget) => (target.cap === 'workflow' ? `workflow:${target.workflow}` : target.cap);

export const budgetSettingStatements = {
  settings: () => sql<BudgetSetting>`SELECT "cap", "usd", "setBy", "setAt" FROM "BudgetSetting" ORDER BY "cap"`,
  remove: (cap: string) => sql`DELETE FROM "BudgetSetting" WHERE "cap" = ${cap}`,
  put: (row: BudgetSetting) =>
    sql`INSERT INTO "BudgetSetting" ${insertValues(row)}
        ON CONFLICT ("cap") DO UPDATE SET "usd" = excluded."usd", "setBy" = excluded."setBy", "setAt" = excluded."setAt"`,
};

/** The defaults (BUDGET_* settings) with the caps set while running in their place. */
export function capsWith(defaults: BudgetCaps, settings: readonly Pick<BudgetSetting, 'cap' | 'usd'>[]): BudgetCaps {
  const caps: BudgetCaps = { ...defaults, workflowMonthUsd: { ...defaults.workflowMonthUsd, byWorkflow: { ...defaults.workflowMonthUsd.byWorkflow } } };
  for (const { cap, usd } of settings) {
    if (cap === 'plan') caps.planUsd = usd;
    else if (cap === 'month') caps.monthUsd = usd;
    else if (cap.startsWith('workflow:')) caps.workflowMonthUsd.byWorkflow = { ...caps.workflowMonthUsd.byWorkflow, [cap.slice('workflow:'.length)]: usd };
  }
  return caps;
}

export async function budgetSettings(store: Store): Promise<BudgetSetting[]> {
  return store.transaction((runner) => runner.query(budgetSettingStatements.settings()));
}

/** The caps in force: the defaults, with those set while running in their place. */
export async function currentCaps(store: Store, defaults: BudgetCaps): Promise<BudgetCaps> {
  return capsWith(defaults, await budgetSettings(store));
}

const capOf = (caps: BudgetCaps, target: CapTarget) => (target.cap === 'plan' ? caps.planUsd : target.cap === 'month' ? caps.monthUsd : workflowCapOf(caps, target.workflow));

/**
 * Sets a cap (null: none; 'default': back to its BUDGET_* setting) and audits the change with
 * the cap it replaced; returns the cap before and after.
 */
export async function setBudgetCap(store: Store, defaults: BudgetCaps, target: CapTarget, value: number | null | 'default', who: string): Promise<{ was: number | null; now: number | null }> {
  const cap = keyOf(target);
  return store.transaction(async (runner) => {
    const was = capOf(capsWith(defaults, await runner.query(budgetSettingStatements.settings())), target);
    const at = new Date();
    if (value === 'default') await runner.execute(budgetSettingStatements.remove(cap));
    else await runner.execute(budgetSettingStatements.put({ cap, usd: value, setBy: who, setAt: at }));
    const now = value === 'default' ? capOf(defaults, target) : value;
    const detail = { cap, fromUsd: was, toUsd: now, ...(value === 'default' ? { default: true } : {}) };
    await runner.execute(statements.insertAudit({ planId: null, at, actor: who, action: 'budget.cap_set', fromStatus: null, toStatus: null, stepKey: null, reason: null, detail: JSON.stringify(detail) }));
    return { was, now };
  });
}
