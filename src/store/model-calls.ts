// Every model-backed primitive call (model or fallback path) as a ModelCall row: what the audit
// shows (redacted input and output) and what cost per plan and per workflow is summed from
// (src/store/digest.ts). A call to the model is reserved first (a row at its expected cost,
// checked against the budget caps in the same transaction) and settled to its real cost after.
import type { BudgetPause } from '../core/budgets.ts';
import { redactText, redactValue } from '../privacy/redact.ts';
import { planSpendIn, type PlanSpend } from './budgets.ts';
import { newId } from './ids.ts';
import { modelCallStatements } from './model-call-statements.ts';
import type { Store } from './store.ts';

export interface ModelCallDraft {
  planId: string | null;
  stepKey: string | null;
  workflow: string | null;
  task: string;
  path: 'model' | 'fallback';
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  input: unknown;
  output: unknown;
  error: string | null;
  durationMs: number;
}

export interface ModelCallRecord extends Omit<ModelCallDraft, 'path'> {
  /** reserved: the call was under way, or its process stopped before it settled (counted at its expected cost). */
  path: ModelCallDraft['path'] | 'reserved';
  id: string;
  at: Date;
}

/** What is known of a model call before it is made. */
export type ModelCallOpening = Pick<ModelCallDraft, 'planId' | 'stepKey' | 'workflow' | 'task' | 'model' | 'input'>;
/** How a reserved call ended. */
export type ModelCallSettlement = Omit<ModelCallDraft, keyof ModelCallOpening>;
/** The answer a step's call got, kept for a re-run of the step (ModelAnswer). */
export interface KeptAnswer {
  planId: string;
  stepKey: string;
  sequence: number;
  requestKey: string;
  answer: unknown;
}

/** The cap the call would go over, from the spend so far (reservations included); null: it may go ahead. */
export type BudgetCheck = (spend: PlanSpend) => BudgetPause | null;

const redactedError = (error: string | null) => (error === null ? null : redactText(error).slice(0, 2000));
const redactedOutput = (output: unknown) => (output === undefined || output === null ? null : JSON.stringify(redactValue(output)));

/**
 * Reserves a call before it is made: its row at the expected cost. With a check, the spend is
 * read and the row written in one transaction that no other check runs beside (SQLite's write
 * lock, PostgreSQL's advisory lock), so calls started at the same moment cannot pass a cap
 * together. The pause, and no row, when the check says the call would go over.
 */
export async function reserveModelCall(store: Store, opening: ModelCallOpening, expectedUsd: number, check: BudgetCheck | null): Promise<{ id: string } | { pause: BudgetPause }> {
  return store.transaction(async (runner) => {
    if (check) {
      const lock = modelCallStatements.budgetLock(runner.dialect);
      if (lock) await runner.query(lock);
      const pause = check(await planSpendIn(runner, opening.planId, opening.workflow));
      if (pause) return { pause };
    }
    const id = newId('mc');
    await runner.execute(
      modelCallStatements.insertCall({
        id,
        ...opening,
        path: 'reserved',
        promptTokens: 0,
        completionTokens: 0,
        costUsd: expectedUsd,
        input: JSON.stringify(redactValue(opening.input)),
        durationMs: 0,
        at: new Date(),
      }),
    );
    return { id };
  });
}

/** The reserved row becomes the call's record, at what it cost; with the answer kept for a re-run. */
export async function settleModelCall(store: Store, id: string, settlement: ModelCallSettlement, kept?: KeptAnswer): Promise<void> {
  await store.transaction(async (runner) => {
    await runner.execute(
      modelCallStatements.settleCall(id, {
        ...settlement,
        output: redactedOutput(settlement.output),
        error: redactedError(settlement.error),
        durationMs: Math.round(settlement.durationMs),
      }),
    );
    if (kept) await runner.execute(modelCallStatements.keepAnswer({ ...kept, answer: JSON.stringify(kept.answer), at: new Date() }));
  });
}

/** The answer kept for this call of the step, if it was asked the same thing; undefined otherwise. */
export async function keptAnswer(store: Store, { planId, stepKey, sequence, requestKey }: Omit<KeptAnswer, 'answer'>): Promise<unknown> {
  const [row] = await store.transaction((runner) => runner.query(modelCallStatements.answer(planId, stepKey, sequence)));
  return row && row.requestKey === requestKey ? JSON.parse(row.answer) : undefined;
}

/** Input, output and error are redacted here, whatever the caller passed. */
export async function recordModelCall(store: Store, call: ModelCallDraft): Promise<string> {
  const id = newId('mc');
  await store.prisma((db) =>
    db.modelCall.create({ data: {
      id,
      planId: call.planId,
      stepKey: call.stepKey,
      workflow: call.workflow,
      task: call.task,
      path: call.path,
      model: call.model,
      promptTokens: call.promptTokens,
      completionTokens: call.completionTokens,
      costUsd: call.costUsd,
      input: JSON.stringify(redactValue(call.input)),
      output: redactedOutput(call.output),
      error: redactedError(call.error),
      durationMs: Math.round(call.durationMs),
      at: new Date(),
    } }),
  );
  return id;
}

const parse = (value: string | null): unknown => (value === null ? null : JSON.parse(value));

/** A plan's model calls, oldest first (for the audit). */
export async function listModelCalls(store: Store, planId: string): Promise<ModelCallRecord[]> {
  const rows = await store.prisma((db) => db.modelCall.findMany({ where: { planId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }));
  return rows.map((row) => ({ ...row, path: row.path === 'model' || row.path === 'reserved' ? row.path : 'fallback', input: parse(row.input), output: parse(row.output) }));
}
