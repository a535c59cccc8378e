// With a model configured, recall from chat and the CLI also answers in a few sentences written
// only from the cited snippets, citing them as [n]. An answer that cites a snippet it was not
// given is dropped (the snippets alone are shown), as is any failed call. Each call is recorded
// (ModelCall, redacted) so model cost stays accounted for, and the call answers to the monthly
// cap like a plan's: reserved at its expected cost in the transaction that checks the cap, and
// not made at all when it would go over (recall then shows the snippets alone and says why).
import { z } from 'zod';
import type { BudgetCaps } from '../core/budgets.ts';
import type { Citation } from '../core/services.ts';
import { reserveWithinCaps, type Usage } from '../llm/budgets.ts';
import type { StructuredChat } from '../llm/openai-chat.ts';
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
    const opening = { planId: null, stepKey: null, workflow: null, task: 'recall-answer', model: chat.model, input: { system: SYSTEM, prompt } };
    const call = await reserveWithinCaps(store, defaults, opening, chat.model, { system: SYSTEM, prompt, schema: Answer, maxAnswerTokens: ANSWER_TOKENS });
    let answer: string | null = null;
    let error: string | null = null;
    let used: Usage | null = null;
    try {
      const reply = await chat.ask({ task: 'recall-answer', schema: Answer, system: SYSTEM, prompt, maxAnswerTokens: ANSWER_TOKENS });
      used = { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
      const checked = Answer.safeParse(reply.parsed);
      const cited = checked.success ? [...checked.data.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])) : [];
      if (!checked.success) error = 'the answer does not fit the contract';
      else if (cited.some((n) => !citations.some((c) => c.n === n))) error = `the answer cites a snippet it was not given (${cited.join(', ')})`;
      else answer = checked.data.answer;
    } catch (caught) {
      error = `the model call failed: ${(caught as Error).message ?? String(caught)}`;
    }
    await call.settle({ path: answer === null ? 'fallback' : 'model', output: answer === null ? null : { answer }, error }, used);
    return answer;
  };
}
