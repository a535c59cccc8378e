// Runs one step of a plan and says how it went; the worker turns the outcome into a checkpoint.
import { DependencyUnavailable, type DependencyName } from '../core/dependencies.ts';
import { RetryPolicy, isRetryable, withTimeout } from './retry.ts';
import type { EffectLedger, RunContext, RunnableStep } from './workflow.ts';

export type StepOutcome =
  | { type: 'completed'; output: unknown }
  | { type: 'skipped' }
  | { type: 'waiting'; status: 'waiting_approval' | 'waiting_answer'; prompt: string }
  | { type: 'failed'; error: Error; retryable: boolean }
  /** A dependency the step needs is down: the plan waits for it, the attempt does not count. */
  | { type: 'blocked'; dependency: DependencyName; error: Error };

export const policyOf = (step: RunnableStep): RetryPolicy => RetryPolicy.parse(step.retry ?? {});

export const idempotencyKeyOf = (planId: string, stepKey: string) => `${planId}:${stepKey}`;

/** The key an undo of the step's effect passes downstream (EffectContext.compensationKey). */
export const compensationKeyOf = (planId: string, stepKey: string) => `${idempotencyKeyOf(planId, stepKey)}:compensate`;

/** ledger: the effect's ledger row, for an action (the worker records its start before running it). */
export async function runStep(step: RunnableStep, ctx: RunContext, dataDir: string, ledger: EffectLedger | null): Promise<StepOutcome> {
  const policy = policyOf(step);
  try {
    if (step.when && !step.when(ctx)) return { type: 'skipped' };
    switch (step.kind) {
      case 'approval':
        return { type: 'waiting', status: 'waiting_approval', prompt: step.summary(ctx) };
      case 'question':
        return { type: 'waiting', status: 'waiting_answer', prompt: step.ask(ctx) };
      case 'action': {
        if (!ledger) throw new Error(`action ${step.key} ran without its ledger row`);
        const effect = { idempotencyKey: idempotencyKeyOf(ctx.planId, step.key), dataDir, services: ctx.services, ledger };
        return { type: 'completed', output: await withTimeout(policy.timeoutMs, (signal) => step.perform(ctx, { ...effect, signal })) };
      }
      default:
        return { type: 'completed', output: await withTimeout(policy.timeoutMs, (signal) => step.compute(ctx, signal)) };
    }
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    if (error instanceof DependencyUnavailable) return { type: 'blocked', dependency: error.dependency, error };
    return { type: 'failed', error, retryable: isRetryable(error, policy) };
  }
}
