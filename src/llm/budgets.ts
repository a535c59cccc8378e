// The budget check before a model call: the spend each cap counts so far, plus the most the call
// can cost, against the cap and the plan's allowance. A call that would go over is not made; the
// model port throws BudgetReached and the plan is handed back. A call that goes ahead is reserved
// at that most and settled at what it used, by the model port and recall's written answer alike.
import { getEncodingNameForModel, Tiktoken, type TiktokenModel } from 'js-tiktoken/lite';
import { z } from 'zod';
import { BudgetReached, hasCaps, noBudgetCaps, workflowCapOf, type BudgetCap, type BudgetCaps, type BudgetPause } from '../core/budgets.ts';
import { currentCaps } from '../store/budget-settings.ts';
import type { PlanSpend } from '../store/budgets.ts';
import { reserveModelCall, settleModelCall, type KeptAnswer, type ModelCallOpening, type ModelCallSettlement } from '../store/model-calls.ts';
import type { Store } from '../store/store.ts';
import { costUsd } from './prices.ts';

/** The longest answer a call may give unless it says otherwise: the model stops there, and the reservation counts all of it. */
export const DEFAULT_MAX_ANSWER_TOKENS = 500;
/** What a chat request adds to its messages' tokens (each message's framing, the reply's priming). */
const FRAMING_TOKENS = 12;

const tokenizers = new Map<string, Promise<Tiktoken>>();

/**
 * The model's own tokenizer (OpenAI's; a model it does not know is counted as GPT-4o counts).
 * Loading it takes about a second, so the model port starts loading it when it is made.
 */
export function tokenizerFor(model: string): Promise<Tiktoken> {
  let encoding: string;
  try {
    encoding = getEncodingNameForModel(model as TiktokenModel) === 'o200k_base' ? 'o200k_base' : 'cl100k_base';
  } catch {
    encoding = 'o200k_base';
  }
  let tokenizer = tokenizers.get(encoding);
  if (!tokenizer) {
    // Loaded on first use: the ranks are megabytes, and most processes never call a model.
    const ranks = encoding === 'o200k_base' ? import('js-tiktoken/ranks/o200k_base') : import('js-tiktoken/ranks/cl100k_base');
    tokenizer = ranks.then(({ default: bpe }) => new Tiktoken(bpe));
    tokenizers.set(encoding, tokenizer);
    tokenizer.catch(() => tokenizers.delete(encoding));
  }
  return tokenizer;
}

/** The answer's schema as the request sends it (structured output); counted with the prompt. */
function schemaText(schema: z.ZodType | undefined): string {
  if (!schema) return '';
  try {
    return JSON.stringify(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }));
  } catch {
    // With unrepresentable: 'any' zod writes out every schema; should one still fail, the budget
    // check must not stop the call for it, and the schema goes uncounted.
    return '';
  }
}

/** Tokens a call uses, as the provider reports them. */
export type Usage = { promptTokens: number; completionTokens: number };
/** What of a request its cost depends on. */
type UsageRequest = { system: string; prompt: string; schema?: z.ZodType; maxAnswerTokens?: number };

/**
 * The tokens a call can use at most, before it is made: its messages and schema counted with the
 * model's tokenizer, and the whole of the longest answer it may give (the request caps it there).
 */
export async function expectedUsage(model: string, request: UsageRequest): Promise<Usage> {
  const tokenizer = await tokenizerFor(model);
  const count = (text: string) => tokenizer.encode(text, 'all').length;
  return { promptTokens: count(request.system) + count(request.prompt) + count(schemaText(request.schema)) + FRAMING_TOKENS, completionTokens: request.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS };
}

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

/** A model call reserved against the caps, to be settled once it has been made. */
export interface ReservedCall {
  /**
   * Settles the reservation at what the call used. used: null when the call failed without a
   * report (an answer cut off at its limit, a connection lost after the request went out); it is
   * then settled at its reservation, since it may have been billed in full.
   */
  settle(outcome: Pick<ModelCallSettlement, 'path' | 'output' | 'error'>, used: Usage | null, kept?: KeptAnswer): Promise<void>;
}

/**
 * Reserves a model call against the caps in force (defaults: the BUDGET_* settings, under those
 * set while running) at the most it can cost; throws BudgetReached, and writes no row, when the
 * call would go over, so it is never made. A call of a plan's step answers to every cap, one
 * outside a plan (no workflow) to the monthly cap alone.
 */
export async function reserveWithinCaps(store: Store, defaults: BudgetCaps, opening: ModelCallOpening, model: string, request: UsageRequest): Promise<ReservedCall> {
  const started = performance.now();
  const reserved = await expectedUsage(model, request);
  const expectedUsd = costUsd(model, reserved);
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
  return {
    settle: async (outcome, used, kept) => {
      const usage = used ?? reserved;
      await settleModelCall(store, reservation.id, { ...outcome, ...usage, costUsd: costUsd(model, usage), durationMs: performance.now() - started }, kept);
    },
  };
}
