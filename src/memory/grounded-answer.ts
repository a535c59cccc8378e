// With a model configured, recall from chat and the CLI also answers in a few sentences written
// only from the cited snippets, citing them as [n]. An answer that cites a snippet it was not
// given is dropped (the snippets alone are shown), as is any failed call. Each call is recorded
// (ModelCall, redacted) so model cost stays accounted for, and the call answers to the monthly
// cap like a plan's: reserved at its expected cost in the transaction that checks the cap, and
// not made at all when it would go over (recall then shows the snippets alone and says why).
import { z } from 'zod';
import type { BudgetCaps } from '../core/budgets.ts';
import type { Citation } from '../core/services.ts';
import { expectedUsage, reserveWithinCaps } from '../llm/budgets.ts';
import type { StructuredChat } from '../llm/openai-chat.ts';
import { costUsd } from '../llm/prices.ts';
import { settleModelCall } from '../store/model-calls.ts';
import type { Store } from '../store/store.ts';

/** Throws BudgetReached when the call would go over the monthly cap; it is not made then. */
export type Answerer = (question: string, citations: Citation[]) => Promise<string | null>;

const Answer = z.object({ answer: z.string().min(1).max(1500) });

const SYSTEM = [
  'You answer questions about a small business using only the numbered memory snippets you are given.',
  'Cite every snippet you use as [n]. Do not add facts that are not in the snippets.',
  'If the snippets do not answer the question, say so in one sentence. At most three sentences.',
].join(' ');

/** Three sentences with their citations. */
const ANSWER_TOKENS = 300;

/** defaults: the BUDGET_* settings; a cap set while running replaces its default at each call. */
export function groundedAnswerer(chat: StructuredChat, store: Store, defaults: BudgetCaps): Answerer {
  return async (question, citations) => {
    if (citations.length === 0) return null;
    const prompt = `Question: ${question}\n\nSnippets:\n${citations.map((c) => `[${c.n}] ${c.snippet}`).join('\n')}`;
    const started = performance.now();
    const opening = { planId: null, stepKey: null, workflow: null, task: 'recall-answer', model: chat.model, input: { system: SYSTEM, prompt } };
    const reserved = await expectedUsage(chat.model, { system: SYSTEM, prompt, schema: Answer, maxAnswerTokens: ANSWER_TOKENS });
    const callId = await reserveWithinCaps(store, defaults, opening, costUsd(chat.model, reserved));
    let answer: string | null = null;
    let error: string | null = null;
    // Until the provider reports what the call used, it may have been billed all that was reserved.
    let usage = reserved;
    try {
      const reply = await chat.ask({ task: 'recall-answer', schema: Answer, system: SYSTEM, prompt, maxAnswerTokens: ANSWER_TOKENS });
      usage = { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
      const checked = Answer.safeParse(reply.parsed);
      const cited = checked.success ? [...checked.data.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])) : [];
      if (!checked.success) error = 'the answer does not fit the contract';
      else if (cited.some((n) => !citations.some((c) => c.n === n))) error = `the answer cites a snippet it was not given (${cited.join(', ')})`;
      else answer = checked.data.answer;
    } catch (caught) {
      error = `the model call failed: ${(caught as Error).message ?? String(caught)}`;
    }
    await settleModelCall(store, callId, {
      path: answer === null ? 'fallback' : 'model',
      costUsd: costUsd(chat.model, usage),
      output: answer === null ? null : { answer },
      error,
      durationMs: performance.now() - started,
      ...usage,
    });
    return answer;
  };
}
