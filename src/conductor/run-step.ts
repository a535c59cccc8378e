// Runs one step of a plan and says how it went; the worker turns the outcome into a checkpoint.
import { RetryPolicy, isRetryable, withTimeout } from './retry.ts';
import type { ActionStep, StepContext, StepDefinition } from './workflow.ts';

export type StepOutcome =
  | { type: 'completed'; output: unknown }
  | { type: 'skipped' }
  | { type: 'waiting'; status: 'waiting_approval' | 'waiting_answer'; prompt: string }
  | { type: 'failed'; error: Error; retryable: boolean };

export const policyOf = (step: StepDefinition): RetryPolicy => RetryPolicy.parse(step.retry ?? {});

export const idempotencyKeyOf = (planId: string, stepKey: string) => `${planId}:${stepKey}`;

/** The value an action's executor receives, checked against its input contract. */
export function actionInput(step: ActionStep<unknown>, ctx: StepContext): unknown {
  return step.executor.input.parse(step.from(ctx));
}

export async function runStep(step: StepDefinition, ctx: StepContext, dataDir: string): Promise<StepOutcome> {
  const policy = policyOf(step);
  try {
    if (step.when && !step.when(ctx)) return { type: 'skipped' };
    switch (step.kind) {
      case 'approval':
        return { type: 'waiting', status: 'waiting_approval', prompt: step.summary(ctx) };
      case 'question':
        return { type: 'waiting', status: 'waiting_answer', prompt: step.ask(ctx) };
      case 'action': {
        const value = actionInput(step, ctx);
        const effect = { idempotencyKey: idempotencyKeyOf(ctx.planId, step.key), dataDir, services: ctx.services };
        const result = await withTimeout(policy.timeoutMs, (signal) => step.executor.perform(value, { ...effect, signal }));
        return { type: 'completed', output: step.executor.output.parse(result) };
      }
      default: {
        const value = step.input.parse(step.from(ctx));
        const output = await withTimeout(policy.timeoutMs, async (signal) => step.run(value, { ...ctx, signal }));
        return { type: 'completed', output: step.output.parse(output) };
      }
    }
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    return { type: 'failed', error, retryable: isRetryable(error, policy) };
  }
}
