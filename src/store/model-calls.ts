// Every model-backed primitive call (model or fallback path) as a ModelCall row: what the audit
// shows (redacted input and output) and what cost per plan and per workflow is summed from
// (src/store/digest.ts).
import { redactText, redactValue } from '../privacy/redact.ts';
import { newId } from './ids.ts';
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

export interface ModelCallRecord extends ModelCallDraft {
  id: string;
  at: Date;
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
      output: call.output === undefined ? null : JSON.stringify(redactValue(call.output)),
      error: call.error === null ? null : redactText(call.error).slice(0, 2000),
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
  return rows.map((row) => ({ ...row, path: row.path === 'model' ? 'model' : 'fallback', input: parse(row.input), output: parse(row.output) }));
}
