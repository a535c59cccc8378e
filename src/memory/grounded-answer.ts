// With a model configured, recall from chat and the CLI also answers in a few sentences written
// only from the cited snippets, citing them as [n]. An answer that cites a snippet it was not
// given is dropped (the snippets alone are shown), as is any failed call. Each call is recorded
// (ModelCall, redacted) so model cost stays accounted for.
import { z } from 'zod';
import type { Citation } from '../core/services.ts';
import type { StructuredChat } from '../llm/openai-chat.ts';
import { costUsd } from '../llm/prices.ts';
import { recordModelCall } from '../store/model-calls.ts';
import type { Store } from '../store/store.ts';

export type Answerer = (question: string, citations: Citation[]) => Promise<string | null>;

const Answer = z.object({ answer: z.string().min(1).max(1500) });

const SYSTEM = [
  'You answer questions about a small business using only the numbered memory snippets you are given.',
  'Cite every snippet you use as [n]. Do not add facts that are not in the snippets.',
  'If the snippets do not answer the question, say so in one sentence. At most three sentences.',
].join(' ');

export function groundedAnswerer(chat: StructuredChat, store: Store): Answerer {
  return async (question, citations) => {
    if (citations.length === 0) return null;
    const prompt = `Question: ${question}\n\nSnippets:\n${citations.map((c) => `[${c.n}] ${c.snippet}`).join('\n')}`;
    const started = performance.now();
    let answer: string | null = null;
    let error: string | null = null;
    let usage = { promptTokens: 0, completionTokens: 0 };
    try {
      const reply = await chat.ask({ task: 'recall-answer', schema: Answer, system: SYSTEM, prompt });
      usage = { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
      const checked = Answer.safeParse(reply.parsed);
      const cited = checked.success ? [...checked.data.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])) : [];
      if (!checked.success) error = 'the answer does not fit the contract';
      else if (cited.some((n) => !citations.some((c) => c.n === n))) error = `the answer cites a snippet it was not given (${cited.join(', ')})`;
      else answer = checked.data.answer;
    } catch (caught) {
      error = `the model call failed: ${(caught as Error).message ?? String(caught)}`;
    }
    await recordModelCall(store, {
      planId: null,
      stepKey: null,
      workflow: null,
      task: 'recall-answer',
      path: answer === null ? 'fallback' : 'model',
      model: chat.model,
      costUsd: costUsd(chat.model, usage),
      input: { system: SYSTEM, prompt },
      output: answer === null ? null : { answer },
      error,
      durationMs: performance.now() - started,
      ...usage,
    });
    return answer;
  };
}
