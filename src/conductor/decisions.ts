// The conductor's pure decisions, apart from the transactions that apply them, so a table of
// cases pins each one (test/conductor-decisions.test.ts): which steps a new version of a plan
// keeps, and the change a step's result makes to its plan.
import { pauseText } from '../core/budgets.ts';
import type { PlanChange, PlanRecord, StepRecord } from '../store/plans.ts';
import { databaseNow } from '../store/sql.ts';
import type { PlanPatch } from '../store/statements.ts';
import { DONE_STEP_STATUSES } from '../store/statuses.ts';
import { notice } from './notices.ts';
import { backoffMs, type RetryPolicy } from './retry.ts';
import { idempotencyKeyOf, type StepOutcome } from './run-step.ts';

export const leaseCleared: PlanPatch = { leaseOwner: null, leaseToken: null, leaseExpiresAt: null };

export const errorText = (error: Error) => `${error.name}: ${error.message}`.slice(0, 2000);

/**
 * Whether a step keeps its outcome in a new version of its plan: a performed action stays
 * performed; anything computed, decided or answered stands only while the input is unchanged.
 * An approval with changes keeps the answers too: the operator changed what the form showed (in
 * the input, which a workflow reads before its answers), not what they told the plan before.
 */
export function keepsOutcome(step: Pick<StepRecord, 'status' | 'kind'>, inputChanged: boolean, keepsAnswers = false): boolean {
  return (
    (step.status === 'completed' && step.kind === 'action') ||
    (keepsAnswers && step.status === 'completed' && step.kind === 'question') ||
    (DONE_STEP_STATUSES.includes(step.status) && !inputChanged)
  );
}

/** The checkpoint a step's result makes: the step's fields, the plan's next state, the audit and the notices. */
export function stepResultChange({
  plan,
  step,
  outcome,
  attempts,
  startedAt,
  now,
  policy,
  actor,
  leaseMs,
}: {
  plan: Pick<PlanRecord, 'id' | 'workflow' | 'version' | 'status'>;
  step: Pick<StepRecord, 'id' | 'key' | 'kind' | 'title'>;
  outcome: StepOutcome;
  /** The attempt that produced the result, counting from 1. */
  attempts: number;
  startedAt: Date;
  now: Date;
  /** The step's retry policy; none when its workflow no longer has the step. */
  policy: RetryPolicy | undefined;
  actor: string;
  leaseMs: number;
}): PlanChange {
  const at = { stepKey: step.key, stepTitle: step.title };
  switch (outcome.type) {
    case 'completed': {
      if (outcome.previewed !== undefined) {
        // A dry run: no ledger row to mark applied; the operator is told what would have happened.
        return {
          plan: { leaseExpiresAt: databaseNow(leaseMs) },
          steps: [{ id: step.id, fields: { status: 'completed', output: JSON.stringify(outcome.output), attempts, startedAt, finishedAt: now, lastError: null } }],
          audit: [{ actor, action: 'step.previewed', stepKey: step.key, reason: outcome.previewed }],
          notices: [notice('previewed', plan, `Would ${outcome.previewed}`, at)],
        };
      }
      const effects: PlanChange['effects'] =
        step.kind === 'action'
          ? [{ key: idempotencyKeyOf(plan.id, step.key), fields: { status: 'applied', result: JSON.stringify(outcome.output), appliedAt: now } }]
          : [];
      return {
        plan: { leaseExpiresAt: databaseNow(leaseMs) },
        steps: [{ id: step.id, fields: { status: 'completed', output: JSON.stringify(outcome.output), attempts, startedAt, finishedAt: now, lastError: null } }],
        effects,
        notices: [notice('progress', plan, `${step.title}: done`, at)],
      };
    }
    case 'skipped':
      return {
        plan: { leaseExpiresAt: databaseNow(leaseMs) },
        steps: [{ id: step.id, fields: { status: 'skipped', finishedAt: now } }],
        notices: [notice('progress', plan, `${step.title}: not needed`, at)],
      };
    case 'waiting':
      return {
        plan: { status: outcome.status, ...leaseCleared },
        steps: [{ id: step.id, fields: { status: 'waiting', waitingSince: databaseNow(), startedAt } }],
        audit: [
          {
            actor,
            action: outcome.status === 'waiting_approval' ? 'approval.requested' : 'question.asked',
            fromStatus: plan.status,
            toStatus: outcome.status,
            stepKey: step.key,
            detail: { prompt: outcome.prompt, ...(outcome.deadline ? { deadline: outcome.deadline } : {}) },
          },
        ],
        notices: [notice(outcome.status === 'waiting_approval' ? 'approval_needed' : 'question', plan, outcome.prompt, { ...at, ...(outcome.editable ? { editable: true } : {}) })],
        ...(outcome.deadline
          ? { gateTimer: { stepId: step.id, stepKey: step.key, outcome: outcome.deadline.outcome, rule: outcome.deadline.rule ?? null, dueInMs: outcome.deadline.afterMs } }
          : {}),
      };
    case 'blocked':
      // One alert speaks for every plan that waits (src/ops/alerts.ts): no notice per plan.
      return {
        plan: { status: 'waiting_dependency', waitingOn: outcome.dependency, ...leaseCleared },
        steps: [{ id: step.id, fields: { lastError: errorText(outcome.error) } }],
        audit: [{ actor, action: 'step.waiting_dependency', fromStatus: plan.status, toStatus: 'waiting_dependency', stepKey: step.key, reason: errorText(outcome.error) }],
      };
    case 'over_budget': {
      // A hand-back like a failure's, whose Continue raises the plan's allowance (Conductor.continue).
      const text = `${step.title}: ${pauseText(outcome.pause)}`;
      return {
        plan: { status: 'needs_operator', budgetAskUsd: outcome.pause.moreUsd, ...leaseCleared },
        steps: [{ id: step.id, fields: { status: 'failed', lastError: text, waitingSince: databaseNow() } }],
        audit: [{ actor, action: 'budget.reached', fromStatus: plan.status, toStatus: 'needs_operator', stepKey: step.key, reason: pauseText(outcome.pause), detail: outcome.pause }],
        notices: [notice('needs_operator', plan, text, { ...at, budget: outcome.pause })],
      };
    }
    case 'failed': {
      const error = errorText(outcome.error);
      const audit = { actor, stepKey: step.key, reason: error, detail: { attempt: attempts } };
      if (outcome.retryable && policy && attempts < policy.maxAttempts) {
        return {
          plan: { runAfter: databaseNow(backoffMs(policy, attempts)), ...leaseCleared },
          steps: [{ id: step.id, fields: { attempts, lastError: error } }],
          audit: [{ ...audit, action: 'step.attempt_failed' }],
        };
      }
      return {
        plan: { status: 'needs_operator', ...leaseCleared },
        steps: [{ id: step.id, fields: { status: 'failed', attempts, lastError: error, waitingSince: databaseNow() } }],
        audit: [{ ...audit, action: 'step.failed', fromStatus: plan.status, toStatus: 'needs_operator' }],
        notices: [notice('needs_operator', plan, `${step.title} failed after ${attempts} attempt(s): ${error}`, at)],
      };
    }
  }
}
