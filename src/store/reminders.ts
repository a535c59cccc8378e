// What the reminder job reads and writes: steps waiting on the operator (approval, question,
// hand-back) for longer than the reminder delay and not yet reminded during this wait. A step's
// remindedAt is set in the same transaction as the reminder notice, guarded by the same
// condition, so each wait gets one reminder even with several replicas.
import { commitPlanChange, type NoticeDraft } from './plans.ts';
import { reminderStatements, type WaitRow } from './ops-statements.ts';
import type { PlanStatus } from './statuses.ts';
import type { Store } from './store.ts';

/** A step waiting on the operator, with what the operator was asked (approval summary, question) or the error handed back. */
export type WaitingStep = Omit<WaitRow, 'lastError'> & { prompt: string | null };

const PROMPT_ACTIONS: Partial<Record<PlanStatus, string>> = { waiting_approval: 'approval.requested', waiting_answer: 'question.asked' };

/** Waits that began at least afterMs ago (by the database's clock) and have had no reminder since they began. */
export async function waitsDueForReminder(store: Store, afterMs: number, limit = 100): Promise<WaitingStep[]> {
  return store.transaction(async (runner) => {
    const rows = await runner.query(reminderStatements.waitsDue(afterMs, limit));
    const waits: WaitingStep[] = [];
    for (const { lastError, ...row } of rows) {
      const action = PROMPT_ACTIONS[row.planStatus];
      let prompt = lastError;
      if (action) {
        const [asked] = await runner.query(reminderStatements.lastPrompt(row.planId, row.stepKey, action));
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
      const marked = await runner.execute(reminderStatements.markReminded(wait.stepId, afterMs));
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
