// The conductor's pure decisions as tables: what a new version of a plan keeps, and the change a
// step's result makes to its plan. No database: these are the rules the transactions apply.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keepsOutcome, stepResultChange } from '../src/conductor/decisions.ts';
import { NonRetryableError, RetryPolicy } from '../src/conductor/retry.ts';
import type { StepOutcome } from '../src/conductor/run-step.ts';
import { DatabaseNow } from '../src/store/sql.ts';
import type { StepStatus } from '../src/store/statuses.ts';

describe('a new version of a plan', () => {
  const cases: [kind: string, status: StepStatus, inputChanged: boolean, keeps: boolean][] = [
    ['action', 'completed', true, true],
    ['action', 'completed', false, true],
    ['action', 'skipped', true, false],
    ['action', 'skipped', false, true],
    ['action', 'failed', false, false],
    ['transform', 'completed', true, false],
    ['transform', 'completed', false, true],
    ['extract', 'skipped', false, true],
    ['approval', 'completed', true, false],
    ['approval', 'completed', false, true],
    ['approval', 'waiting', false, false],
    ['question', 'completed', true, false],
    ['question', 'denied', false, false],
    ['validate', 'pending', false, false],
  ];
  for (const [kind, status, inputChanged, keeps] of cases) {
    test(`${keeps ? 'keeps' : 're-runs'} a ${status} ${kind} step when the input ${inputChanged ? 'changed' : 'did not change'}`, () => {
      assert.equal(keepsOutcome({ kind, status }, inputChanged), keeps);
    });
  }
});

describe('the change a step result makes', () => {
  const plan = { id: 'p1', workflow: 'payments', version: 2, status: 'running' as const };
  const step = { id: 's1', key: 'send', kind: 'action', title: 'Send the payment' };
  const policy = RetryPolicy.parse({ maxAttempts: 3, initialDelayMs: 100, jitter: 0 });
  const now = new Date('2026-12-02T12:00:00Z');
  const change = (outcome: StepOutcome, attempts = 1, kind = step.kind) =>
    stepResultChange({ plan, step: { ...step, kind }, outcome, attempts, startedAt: now, now, policy, actor: 'worker:w1', leaseMs: 15_000 });
  const failed = (error: Error, retryable: boolean): StepOutcome => ({ type: 'failed', error, retryable });

  const cases: [name: string, outcome: StepOutcome, attempts: number, expected: { planStatus?: string; stepStatus?: string; audit?: string; notice?: string; leaseKept: boolean }][] = [
    ['completed', { type: 'completed', output: { ok: true } }, 1, { stepStatus: 'completed', notice: 'progress', leaseKept: true }],
    ['skipped', { type: 'skipped' }, 1, { stepStatus: 'skipped', notice: 'progress', leaseKept: true }],
    ['waiting for approval', { type: 'waiting', status: 'waiting_approval', prompt: 'Pay 10 EUR?' }, 1, { planStatus: 'waiting_approval', stepStatus: 'waiting', audit: 'approval.requested', notice: 'approval_needed', leaseKept: false }],
    ['waiting for an answer', { type: 'waiting', status: 'waiting_answer', prompt: 'Which IBAN?' }, 1, { planStatus: 'waiting_answer', stepStatus: 'waiting', audit: 'question.asked', notice: 'question', leaseKept: false }],
    ['failed, attempts left', failed(new Error('timeout'), true), 1, { audit: 'step.attempt_failed', leaseKept: false }],
    ['failed, attempts used up', failed(new Error('timeout'), true), 3, { planStatus: 'needs_operator', stepStatus: 'failed', audit: 'step.failed', notice: 'needs_operator', leaseKept: false }],
    ['failed for good', failed(new NonRetryableError('no such supplier'), false), 1, { planStatus: 'needs_operator', stepStatus: 'failed', audit: 'step.failed', notice: 'needs_operator', leaseKept: false }],
    // One alert speaks for every plan that waits for a dependency: no notice per plan.
    ['blocked on a dependency that is down', { type: 'blocked', dependency: 'smtp', error: new Error('smtp is unavailable') }, 3, { planStatus: 'waiting_dependency', audit: 'step.waiting_dependency', leaseKept: false }],
  ];
  for (const [name, outcome, attempts, expected] of cases) {
    test(`${name}: plan ${expected.planStatus ?? 'unchanged'}, step ${expected.stepStatus ?? 'unchanged'}, notice ${expected.notice ?? 'none'}`, () => {
      const result = change(outcome, attempts);
      assert.equal(result.plan?.status, expected.planStatus);
      assert.equal(result.steps?.[0]?.fields.status, expected.stepStatus);
      assert.equal(result.audit?.[0]?.action, expected.audit);
      assert.equal(result.notices?.[0]?.kind, expected.notice);
      // A lease kept is extended by the database's clock; a lease given back is cleared.
      assert.equal(result.plan?.leaseExpiresAt instanceof DatabaseNow, expected.leaseKept);
      if (!expected.leaseKept) assert.equal(result.plan?.leaseToken, null);
    });
  }

  test('a completed action marks its effect applied under the step idempotency key; a computation has no effect', () => {
    assert.deepEqual(change({ type: 'completed', output: { id: 7 } }).effects, [{ key: 'p1:send', fields: { status: 'applied', result: '{"id":7}', appliedAt: now } }]);
    assert.deepEqual(change({ type: 'completed', output: { id: 7 } }, 1, 'transform').effects, []);
  });

  test('a plan blocked on a dependency waits for it by name and burns no attempt, even on its last one', () => {
    const result = change({ type: 'blocked', dependency: 'smtp', error: new Error('smtp is unavailable') }, 3);
    assert.equal(result.plan?.waitingOn, 'smtp');
    assert.equal(result.steps?.[0]?.fields.attempts, undefined);
  });

  test('a retry waits the backoff of the attempt that failed, by the database clock', () => {
    assert.deepEqual(change(failed(new Error('timeout'), true), 1).plan?.runAfter, new DatabaseNow(100));
    assert.deepEqual(change(failed(new Error('timeout'), true), 2).plan?.runAfter, new DatabaseNow(200));
  });
});
