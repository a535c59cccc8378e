// Memories a plan leaves behind without anyone typing /op remember: decisions at approval gates
// (with their reasons), answers to clarifying questions and completed actions. The conductor and
// the worker put them in the same transaction as the plan change they come from, so a decision
// is never remembered without having happened, nor the other way round.
import type { MemoryDraft } from '../store/memory.ts';
import { MAX_MEMORY_CHARS, memoryDraft } from './drafts.ts';

interface PlanRef {
  id: string;
  workflow: string;
  input: unknown;
}

interface StepRef {
  key: string;
  title: string;
}

const SUMMARY_CHARS = 300;

/** A plan's input (or a step's output) as a short line: its text values, or key: value pairs. */
export function summarise(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value !== 'object'
        ? String(value)
        : Object.entries(value as Record<string, unknown>)
            // Nothing said is left out: an empty value, or an input object given no field (its default).
            .filter(([, item]) => item !== null && item !== undefined && item !== '' && !(typeof item === 'object' && Object.keys(item).length === 0))
            .map(([key, item]) => (typeof item === 'object' ? `${key}: ${JSON.stringify(item)}` : `${key}: ${String(item)}`))
            .join('; ');
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

function draft(plan: PlanRef, step: StepRef, kind: 'decision' | 'fact' | 'artifact', text: string, actor: string): MemoryDraft {
  return memoryDraft(
    { kind, text: text.slice(0, MAX_MEMORY_CHARS), source: 'plan', workflow: plan.workflow, createdBy: actor },
    { scope: { planId: plan.id, workflow: plan.workflow, stepKey: step.key } },
  );
}

export function decisionMemory(plan: PlanRef, step: StepRef, outcome: 'Approved' | 'Approved with changes' | 'Denied', actor: string, reason?: string): MemoryDraft {
  const why = reason?.trim() ? ` Reason: ${reason.trim()}` : ' No reason given.';
  return draft(plan, step, 'decision', `${outcome} "${step.title}" in ${plan.workflow} (${summarise(plan.input)}).${why}`, actor);
}

export function answerMemory(plan: PlanRef, step: StepRef, answer: unknown, actor: string): MemoryDraft {
  return draft(plan, step, 'fact', `Answer to "${step.title}" in ${plan.workflow} (${summarise(plan.input)}): ${summarise(answer)}`, actor);
}

export function artifactMemory(plan: PlanRef, step: StepRef, output: unknown, actor: string): MemoryDraft {
  return draft(plan, step, 'artifact', `${step.title} done in ${plan.workflow} (${summarise(plan.input)}): ${summarise(output)}`, actor);
}
