// Runs one step of a plan and says how it went; the worker turns the outcome into a checkpoint.
import { BudgetReached, type BudgetPause } from '../core/budgets.ts';
import { DependencyUnavailable, type DependencyName } from '../core/dependencies.ts';
import { RetryPolicy, isRetryable, withTimeout } from './retry.ts';
import type { ApprovalOutput, EffectLedger, RunContext, RunnableDeadline, RunnableStep } from './workflow.ts';

/** A gate's deadline, resolved when its wait begins: what passing it will do, and why. */
export interface WaitDeadline {
  afterMs: number;
  outcome: 'approve' | RunnableDeadline['then'];
  rule?: string;
}

export type StepOutcome =
  /** previewed: in a dry run, what the step would have done instead of doing it. */
  | { type: 'completed'; output: unknown; previewed?: string }
  | { type: 'skipped' }
  | { type: 'waiting'; status: 'waiting_approval' | 'waiting_answer'; prompt: string; deadline?: WaitDeadline; editable?: boolean }
  | { type: 'failed'; error: Error; retryable: boolean }
  /** A dependency the step needs is down: the plan waits for it, the attempt does not count. */
  | { type: 'blocked'; dependency: DependencyName; error: Error }
  /** A model call would go over a budget cap: it was not made; the operator continues or aborts. */
  | { type: 'over_budget'; pause: BudgetPause };

export const policyOf = (step: RunnableStep): RetryPolicy => RetryPolicy.parse(step.retry ?? {});

export const idempotencyKeyOf = (planId: string, stepKey: string) => `${planId}:${stepKey}`;

/** The key an undo of the step's effect passes downstream (EffectContext.compensationKey). */
export const compensationKeyOf = (planId: string, stepKey: string) => `${idempotencyKeyOf(planId, stepKey)}:compensate`;

/**
 * The plan's data cannot change during a wait (an edit makes a new version and a new wait), so
 * an approve rule is evaluated once, here, and the timer keeps its verdict.
 */
function resolveDeadline(deadline: RunnableDeadline | undefined, ctx: RunContext): WaitDeadline | undefined {
  if (!deadline) return undefined;
  const afterMs = deadline.afterMinutes * 60_000;
  if (!deadline.approveWhen) return { afterMs, outcome: deadline.then };
  const holds = deadline.approveWhen.holds(ctx);
  return { afterMs, outcome: holds ? 'approve' : deadline.then, rule: `${deadline.approveWhen.rule}: ${holds ? 'holds' : 'does not hold'}` };
}

/** ledger: the effect's ledger row, for an action (the worker records its start before running it; none in a dry run). */
export async function runStep(step: RunnableStep, ctx: RunContext, dataDir: string, ledger: EffectLedger | null): Promise<StepOutcome> {
  const policy = policyOf(step);
  try {
    if (step.when && !step.when(ctx)) return { type: 'skipped' };
    switch (step.kind) {
      case 'approval':
        if (ctx.dryRun) {
          const output: ApprovalOutput = { approved: true, by: 'dry run', at: new Date().toISOString() };
          return { type: 'completed', output, previewed: `ask for your approval: ${step.summary(ctx)}` };
        }
        return { type: 'waiting', status: 'waiting_approval', prompt: step.summary(ctx), deadline: resolveDeadline(step.deadline, ctx), editable: step.edits !== undefined };
      case 'question':
        return { type: 'waiting', status: 'waiting_answer', prompt: step.ask(ctx), deadline: resolveDeadline(step.deadline, ctx) };
      case 'action': {
        if (ctx.dryRun) {
          const { says, output } = step.preview(ctx, { idempotencyKey: idempotencyKeyOf(ctx.planId, step.key), services: ctx.services });
          return { type: 'completed', output, previewed: says };
        }
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
    if (error instanceof BudgetReached) return { type: 'over_budget', pause: error.pause };
    return { type: 'failed', error, retryable: isRetryable(error, policy) };
  }
}
