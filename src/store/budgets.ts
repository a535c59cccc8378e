// Model spend against the budget caps (src/core/budgets.ts), summed from ModelCall. "This month"
// is the calendar month in UTC by the database's clock, so every replica counts the same calls.
import { join, sql, type Dialect, type SqlRunner, type SqlStatement } from './sql.ts';
import { TERMINAL_STATUSES } from './statuses.ts';
import type { Store } from './store.ts';

/** The first instant of the database's current month (UTC), in the form the schema stores times. */
const monthStart = (dialect: Dialect): SqlStatement =>
  dialect === 'postgres' ? sql`date_trunc('month', now() AT TIME ZONE 'UTC')` : sql`strftime('%Y-%m-01T00:00:00.000+00:00', 'now')`;

const spent = (where: SqlStatement) => sql`(SELECT COALESCE(SUM("costUsd"), 0) FROM "ModelCall" WHERE ${where})`;

export interface PlanSpend {
  planUsd: number;
  workflowMonthUsd: number;
  monthUsd: number;
  /** What the operator allowed the plan beyond the caps. */
  allowanceUsd: number;
}

export const budgetStatements = {
  /**
   * The spend each cap counts for one plan's next call, and the plan's allowance, in one read;
   * reserved calls count at their expected cost. A call outside a plan (recall) counts the month.
   */
  planSpend: (dialect: Dialect, planId: string | null, workflow: string | null) =>
    sql<{ planUsd: number; workflowMonthUsd: number; monthUsd: number; allowanceUsd: number | null }>`SELECT
        ${spent(sql`"planId" = ${planId}`)} AS "planUsd",
        ${spent(sql`"workflow" = ${workflow} AND "at" >= ${monthStart(dialect)}`)} AS "workflowMonthUsd",
        ${spent(sql`"at" >= ${monthStart(dialect)}`)} AS "monthUsd",
        (SELECT "budgetAllowanceUsd" FROM "Plan" WHERE "id" = ${planId}) AS "allowanceUsd"`,
  /** This month's spend by workflow (calls made outside a workflow count towards the month only). */
  monthSpendByWorkflow: (dialect: Dialect) =>
    sql<{ workflow: string | null; usd: number }>`SELECT "workflow", SUM("costUsd") AS "usd" FROM "ModelCall" WHERE "at" >= ${monthStart(dialect)} GROUP BY "workflow"`,
  /** The plan under way that has spent the most, the one nearest the per-plan cap. */
  topPlanUnderWay: () =>
    sql<{ planId: string; workflow: string; usd: number }>`SELECT m."planId", p."workflow", SUM(m."costUsd") AS "usd"
        FROM "ModelCall" m JOIN "Plan" p ON p."id" = m."planId"
        WHERE p."status" NOT IN (${join(TERMINAL_STATUSES.map((status) => sql`${status}`), ', ')})
        GROUP BY m."planId", p."workflow" ORDER BY "usd" DESC, m."planId" LIMIT 1`,
};

/** Read inside the transaction that reserves the next call (src/store/model-calls.ts). */
export async function planSpendIn(runner: SqlRunner, planId: string | null, workflow: string | null): Promise<PlanSpend> {
  const [row] = await runner.query(budgetStatements.planSpend(runner.dialect, planId, workflow));
  return {
    planUsd: Number(row?.planUsd ?? 0),
    workflowMonthUsd: Number(row?.workflowMonthUsd ?? 0),
    monthUsd: Number(row?.monthUsd ?? 0),
    allowanceUsd: Number(row?.allowanceUsd ?? 0),
  };
}

export interface SpendOverview {
  monthUsd: number;
  monthByWorkflow: Map<string, number>;
  topPlan: { planId: string; workflow: string; usd: number } | null;
}

/** What the digest and /metrics show against the caps. */
export async function spendOverview(store: Store): Promise<SpendOverview> {
  return store.transaction(async (runner) => {
    const byWorkflow = await runner.query(budgetStatements.monthSpendByWorkflow(runner.dialect));
    const [top] = await runner.query(budgetStatements.topPlanUnderWay());
    return {
      monthUsd: byWorkflow.reduce((sum, row) => sum + Number(row.usd), 0),
      monthByWorkflow: new Map(byWorkflow.flatMap((row) => (row.workflow === null ? [] : [[row.workflow, Number(row.usd)] as const]))),
      topPlan: top ? { ...top, usd: Number(top.usd) } : null,
    };
  });
}
