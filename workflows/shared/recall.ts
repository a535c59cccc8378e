// Helpers the workflows in workflows/ share (this folder holds no workflow itself).
//
// Recall is context, not a requirement: when memory cannot answer, a step carries on without
// citations and says why in its output, rather than failing the plan.
import { z } from 'zod';
import type { FactAnswer, FactValue } from '../../src/core/services.ts';
import type { StepContext } from '../../src/conductor/workflow.ts';

export const Citation = z.object({
  n: z.number().int(),
  recordId: z.string(),
  kind: z.string(),
  snippet: z.string(),
  source: z.string(),
  link: z.string().nullable(),
  score: z.number(),
});

export const Recalled = z.object({
  query: z.string(),
  citations: z.array(Citation),
  /** Why recall gave nothing or less than usual (memory unavailable, keyword search only), else null. */
  note: z.string().nullable(),
});
export type Recalled = z.infer<typeof Recalled>;

export async function recallBestEffort(ctx: StepContext, query: string, k = 5): Promise<Recalled> {
  try {
    const result = await ctx.services.memory.recall(query, { k, scope: ctx });
    return { query, citations: result.citations, note: result.degraded ? 'memory search ran on keywords only (the vector index was unreachable)' : null };
  } catch (error) {
    return { query, citations: [], note: `memory was not available, so nothing was recalled (${(error as Error).message})` };
  }
}

/** "[1] snippet" lines for a prompt or a message. */
export const citedLines = (recalled: Recalled) => recalled.citations.map((c) => `[${c.n}] ${c.snippet}`).join('\n');

/**
 * The current value of a customer's attribute ("billing_address", "vat_id", "billing_email", ...)
 * as memory knows it, with the memory to cite; unknown when memory cannot answer. A conflict comes
 * back as such: the step that needs the value asks, citing both.
 */
export async function currentFact(ctx: StepContext, entity: string, attribute: string): Promise<FactAnswer> {
  try {
    return await ctx.services.memory.factFor(entity, attribute);
  } catch {
    return { status: 'unknown', entity: null, attribute };
  }
}

/** A conflict as a step quotes it: each value memory states at once, with since when ('"3 Old Street" (since 2026-05-08)'). */
export const quotedCandidates = (candidates: FactValue[]) => candidates.map((candidate) => `"${candidate.value}" (since ${candidate.since.slice(0, 10)})`);
