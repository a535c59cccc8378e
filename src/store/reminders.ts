// What the reminder job reads and writes: steps waiting on the operator (approval, question,
// hand-back) for longer than the reminder delay and not yet reminded during this wait. A step's
// remindedAt is set in the same transaction as the reminder notice, guarded by the same
// condition, so each wait gets one reminder even with several replicas.
import { commitPlanChange, type NoticeDraft } from './plans.ts';
import type { AuditEntry, Plan, Step } from './generated/sqlite/client.ts';
import { databaseNow, sql } from './sql.ts';
import type { PlanStatus } from './statuses.ts';
import type { Store } from './store.ts';

export interface WaitingStep {
  stepId: string;
  stepKey: string;
  stepTitle: string;
  planId: string;
  workflow: string;
  version: number;
  planStatus: PlanStatus;
  /** Set while the plan waits at a budget cap. */
  budgetAskUsd: number | null;
  requestedBy: string;
  waitingSince: Date;
  /** What the operator was asked (approval summary, question) or the error handed back. */
  prompt: string | null;
}

const PROMPT_ACTIONS: Partial<Record<PlanStatus, string>> = { waiting_approval: 'approval.requested', waiting_answer: 'question.asked' };

/** Waits that began at least afterMs ago (by the database's clock) and have had no reminder since they began. */
export async function waitsDueForReminder(store: Store, afterMs: number, limit = 100): Promise<WaitingStep[]> {
  return store.transaction(async (runner) => {
    const rows = await runner.query(sql<
      { stepId: string; stepKey: string; stepTitle: string; waitingSince: Date; planId: string; planStatus: PlanStatus } & Pick<Step, 'lastError'> & Pick<Plan, 'workflow' | 'version' | 'requestedBy' | 'budgetAskUsd'>
    >`
      SELECT s."id" AS "stepId", s."key" AS "stepKey", s."title" AS "stepTitle", s."waitingSince", s."lastError",
             p."id" AS "planId", p."workflow", p."version", p."status" AS "planStatus", p."requestedBy", p."budgetAskUsd"
      FROM "Step" s JOIN "Plan" p ON p."id" = s."planId"
      WHERE p."status" IN ('waiting_approval', 'waiting_answer', 'needs_operator')
        AND s."status" IN ('waiting', 'failed') AND s."waitingSince" IS NOT NULL AND s."waitingSince" <= ${databaseNow(-afterMs)}
        AND (s."remindedAt" IS NULL OR s."remindedAt" < s."waitingSince")
      ORDER BY s."waitingSince" LIMIT ${limit}`);
    const waits: WaitingStep[] = [];
    for (const { lastError, ...row } of rows) {
      const action = PROMPT_ACTIONS[row.planStatus];
      let prompt = lastError;
      if (action) {
        const [asked] = await runner.query(sql<Pick<AuditEntry, 'detail'>>`
          SELECT "detail" FROM "AuditEntry" WHERE "planId" = ${row.planId} AND "stepKey" = ${row.stepKey} AND "action" = ${action}
          ORDER BY "id" DESC LIMIT 1`);
        prompt = asked?.detail ? ((JSON.parse(asked.detail) as { prompt?: string }).prompt ?? null) : null;
      }
      waits.push({ ...row, prompt });
    }
    return waits;
  });
}

class AlreadyMoved extends Error {}

/**
 * Marks the wait reminded and writes the notice; false when someone else reminded first or the
 * plan moved on (answered, approved, retried) since it was read.
 */
export async function recordReminder(store: Store, wait: WaitingStep, afterMs: number, notice: NoticeDraft): Promise<boolean> {
  try {
    return await store.transaction(async (runner) => {
      const marked = await runner.execute(sql`
        UPDATE "Step" SET "remindedAt" = ${databaseNow()}
        WHERE "id" = ${wait.stepId} AND "status" IN ('waiting', 'failed') AND "waitingSince" IS NOT NULL AND "waitingSince" <= ${databaseNow(-afterMs)}
          AND ("remindedAt" IS NULL OR "remindedAt" < "waitingSince")`);
      if (marked !== 1) return false;
      const applied = await commitPlanChange(runner, wait.planId, { status: wait.planStatus, version: wait.version }, {
        audit: [{ actor: 'reminders', action: 'reminder.sent', stepKey: wait.stepKey, detail: { waitingSince: wait.waitingSince.toISOString() } }],
        notices: [notice],
      });
      if (!applied) throw new AlreadyMoved();
      return true;
    });
  } catch (error) {
    if (error instanceof AlreadyMoved) return false;
    throw error;
  }
}
