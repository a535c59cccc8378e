// Every plan lifecycle path, on SQLite and (with OP_TEST_POSTGRES_URL) on PostgreSQL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OperatorError } from '../src/core/errors.ts';
import type { Operator } from '../src/operator.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { flakyWorkflow, gatedWorkflow, ledgerWorkflow } from './fixtures/workflows.ts';
import { testOperator, waitForStatus } from './support/operator.ts';
import supplierPayment from '../workflows/supplier-payment.ts';

const VALID_IBAN = 'DE89 3704 0044 0532 0130 00';

for (const provider of providers()) {
  describe(`plan lifecycle (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    const files = (folder: string) => {
      const dir = path.join(database.dir, 'data', folder);
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    };
    const actions = (state: { steps: { key: string; status: string }[] }) =>
      Object.fromEntries(state.steps.map((s) => [s.key, s.status]));

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database, [supplierPayment, ledgerWorkflow, flakyWorkflow, gatedWorkflow]);
      await operator.worker.start();
    });
    after(async () => {
      await operator.close();
      await database.drop();
    });

    test('a plan with every kind of step asks, waits for approval, acts once and completes', async () => {
      const started = await operator.conductor.start('supplier-payment', { request: 'Pay Acme Ltd 1250.00 EUR for invoice INV-42' }, { requestedBy: 'alice' });
      assert.deepEqual(started.steps.map((s) => s.kind), ['extract', 'question', 'validate', 'transform', 'approval', 'action']);
      const asking = await waitForStatus(operator, started.plan.id, ['waiting_answer']);
      assert.equal(actions(asking)['ask-iban'], 'waiting');

      await assert.rejects(operator.conductor.answer(started.plan.id, 'alice', 'DE00 1234'), /not a valid IBAN/);
      await operator.conductor.answer(started.plan.id, 'alice', VALID_IBAN);
      const gated = await waitForStatus(operator, started.plan.id, ['waiting_approval']);
      assert.equal(files('payments').length, 0, 'nothing is paid before approval');

      await operator.conductor.approve(started.plan.id, 'bob', { reason: 'invoice matches the PO' });
      const done = await waitForStatus(operator, started.plan.id, ['completed']);
      assert.ok(done.steps.every((s) => s.status === 'completed'));
      assert.deepEqual(done.steps.find((s) => s.key === 'prepare-payment')!.output, {
        payee: 'Acme Ltd', iban: 'DE89370400440532013000', amountCents: 125000, currency: 'EUR', reference: 'INV-42',
      });
      const [effect] = await operator.conductor.effects(started.plan.id);
      assert.equal(effect!.status, 'applied');
      assert.equal(effect!.performCount, 1);
      assert.equal(files('payments').length, 1);

      const audit = await operator.conductor.audit(started.plan.id);
      const approval = audit.find((e) => e.action === 'approval.granted')!;
      assert.equal(approval.actor, 'bob');
      assert.equal(approval.reason, 'invoice matches the PO');
      assert.equal(typeof (approval.detail as { waitedMs: number }).waitedMs, 'number');
      assert.deepEqual(
        audit.filter((e) => e.toStatus).map((e) => e.toStatus),
        ['running', 'waiting_answer', 'running', 'waiting_approval', 'running', 'completed'],
      );
      assert.equal(gated.plan.version, 1);
    });

    test('a question whose answer is already known is skipped', async () => {
      const started = await operator.conductor.start('supplier-payment', { request: `Pay Acme Ltd 99 EUR for invoice INV-7 to IBAN ${VALID_IBAN}` }, { requestedBy: 'alice' });
      const gated = await waitForStatus(operator, started.plan.id, ['waiting_approval']);
      assert.equal(actions(gated)['ask-iban'], 'skipped');
    });

    test('an invalid start changes nothing and says what to type instead', async () => {
      const before = (await operator.conductor.list({ limit: 1000 })).length;
      await assert.rejects(operator.conductor.start('supplier-payment', { request: 'pay' }, { requestedBy: 'alice' }), (error: unknown) => {
        assert.ok(error instanceof OperatorError);
        assert.match(error.message, /request/);
        assert.deepEqual(error.problem, { code: 'invalid_input', workflow: 'supplier-payment' });
        return true;
      });
      await assert.rejects(operator.conductor.start('no-such-flow', {}, { requestedBy: 'alice' }), /no workflow named "no-such-flow"/);
      assert.equal((await operator.conductor.list({ limit: 1000 })).length, before);
    });

    test('a second decision on the same gate is refused and changes nothing', async () => {
      const { plan } = await operator.conductor.start('fixture-gated', { amount: 10 }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'PO-1');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      await operator.conductor.approve(plan.id, 'bob');
      await assert.rejects(operator.conductor.approve(plan.id, 'carol'), /not waiting approval|is (running|completed)/);
      await assert.rejects(operator.conductor.deny(plan.id, 'carol'), OperatorError);
      await waitForStatus(operator, plan.id, ['completed']);
      const decisions = (await operator.conductor.audit(plan.id)).filter((e) => e.action.startsWith('approval.'));
      assert.deepEqual(decisions.map((e) => [e.action, e.actor]), [['approval.requested', 'worker:test-worker'], ['approval.granted', 'bob']]);
    });

    test('denying after a performed action undoes it and ends compensated', async () => {
      const { plan } = await operator.conductor.start('fixture-gated', { amount: 10 }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'PO-2');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      const reservation = `${plan.id}_reserve.json`;
      assert.ok(files('reservations').includes(reservation));

      await operator.conductor.deny(plan.id, 'bob', { reason: 'customer withdrew' });
      const done = await waitForStatus(operator, plan.id, ['compensated']);
      assert.equal(actions(done).reserve, 'compensated');
      assert.equal(actions(done).approve, 'denied');
      assert.equal(actions(done).send, 'pending');
      assert.ok(!files('reservations').includes(reservation));
      assert.ok(fs.existsSync(path.join(database.dir, 'data', 'reservations', 'voided', reservation)));
      const [effect] = await operator.conductor.effects(plan.id);
      assert.equal(effect!.status, 'compensated');
      const audit = await operator.conductor.audit(plan.id);
      assert.deepEqual(audit.filter((e) => e.toStatus).map((e) => e.toStatus).slice(-2), ['compensating', 'compensated']);
      assert.equal(audit.find((e) => e.action === 'approval.denied')!.reason, 'customer withdrew');
    });

    test('denying before any action ends cancelled with nothing to undo', async () => {
      const started = await operator.conductor.start('supplier-payment', { request: `Pay Acme Ltd 99 EUR for invoice INV-8 to IBAN ${VALID_IBAN}` }, { requestedBy: 'alice' });
      await waitForStatus(operator, started.plan.id, ['waiting_approval']);
      const done = await operator.conductor.deny(started.plan.id, 'bob');
      assert.equal(done.plan.status, 'cancelled');
      assert.ok(done.plan.finishedAt);
    });

    test('a failing step is retried with backoff and the plan completes', async () => {
      const { plan } = await operator.conductor.start('fixture-flaky', { failTimes: 2 }, { requestedBy: 'alice' });
      const done = await waitForStatus(operator, plan.id, ['completed']);
      const flaky = done.steps.find((s) => s.key === 'flaky')!;
      assert.equal(flaky.attempts, 3);
      const failures = (await operator.conductor.audit(plan.id)).filter((e) => e.action === 'step.attempt_failed');
      assert.deepEqual(failures.map((e) => e.reason), ['Error: temporary failure 1', 'Error: temporary failure 2']);
    });

    test('exhausted retries hand the plan to the operator, and retry resumes it', async () => {
      const { plan } = await operator.conductor.start('fixture-flaky', { failTimes: 3, maxAttempts: 2 }, { requestedBy: 'alice' });
      const stuck = await waitForStatus(operator, plan.id, ['needs_operator']);
      const flaky = stuck.steps.find((s) => s.key === 'flaky')!;
      assert.equal(flaky.status, 'failed');
      assert.equal(flaky.attempts, 2);
      assert.match(flaky.lastError!, /temporary failure 2/);
      await assert.rejects(operator.conductor.approve(plan.id, 'bob'), /needs operator, not waiting approval/);
      await assert.rejects(operator.conductor.continue(plan.id, 'bob'), /is not paused at a budget cap \(.* failed\); retry, skip or abort it/);

      await operator.conductor.retry(plan.id, 'bob');
      const done = await waitForStatus(operator, plan.id, ['completed']);
      assert.equal(done.steps.find((s) => s.key === 'flaky')!.attempts, 2);
      const [reservation] = await operator.conductor.effects(plan.id);
      assert.equal(reservation!.performCount, 1, 'the action before the failure was not repeated');
    });

    test('a non-retryable error goes to the operator at once, and skip moves past it', async () => {
      const { plan } = await operator.conductor.start('fixture-flaky', { failTimes: 1, fatal: true }, { requestedBy: 'alice' });
      const stuck = await waitForStatus(operator, plan.id, ['needs_operator']);
      assert.equal(stuck.steps.find((s) => s.key === 'flaky')!.attempts, 1);
      await operator.conductor.skip(plan.id, 'bob', 'handled by phone');
      const done = await waitForStatus(operator, plan.id, ['completed']);
      assert.equal(actions(done).flaky, 'skipped');
      assert.equal(actions(done).after, 'completed');
    });

    test('a step that outlives its timeout fails and abort undoes the plan', async () => {
      const { plan } = await operator.conductor.start('fixture-flaky', { hangMs: 1000, maxAttempts: 1 }, { requestedBy: 'alice' });
      const stuck = await waitForStatus(operator, plan.id, ['needs_operator']);
      assert.match(stuck.steps.find((s) => s.key === 'flaky')!.lastError!, /StepTimeoutError: step timed out after 200 ms/);
      await operator.conductor.abort(plan.id, 'bob', 'supplier unreachable');
      const done = await waitForStatus(operator, plan.id, ['compensated']);
      assert.equal(actions(done).reserve, 'compensated');
      const audit = await operator.conductor.audit(plan.id);
      assert.equal(audit.find((e) => e.action === 'plan.aborted')!.reason, 'supplier unreachable');
    });

    test('aborting a plan that performed nothing ends failed', async () => {
      const { plan } = await operator.conductor.start('fixture-flaky', { failTimes: 1, fatal: true }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['needs_operator']);
      const reservations = await operator.conductor.effects(plan.id);
      assert.equal(reservations.length, 1);
      // The reservation has a compensation, so the plan is undone rather than just failed.
      const done = await waitForStatus(operator, (await operator.conductor.abort(plan.id, 'bob')).plan.id, ['compensated']);
      assert.equal(done.plan.status, 'compensated');
      const { plan: plain } = await operator.conductor.start('supplier-payment', { request: 'Pay Nobody 0 EUR for invoice INV-9' }, { requestedBy: 'alice' });
      await waitForStatus(operator, plain.id, ['waiting_answer']);
      await operator.conductor.answer(plain.id, 'alice', VALID_IBAN);
      await waitForStatus(operator, plain.id, ['needs_operator']);
      assert.equal((await operator.conductor.abort(plain.id, 'bob')).plan.status, 'failed');
    });

    test('cancelling a waiting plan undoes its actions; a finished plan cannot be cancelled', async () => {
      const { plan } = await operator.conductor.start('fixture-gated', { amount: 5 }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.cancel(plan.id, 'alice', 'duplicate order');
      await waitForStatus(operator, plan.id, ['compensated']);
      await assert.rejects(operator.conductor.cancel(plan.id, 'alice'), /already compensated/);
    });

    test('editing the input makes a new version that re-runs computations but not performed actions', async () => {
      const { plan } = await operator.conductor.start('fixture-gated', { amount: 100 }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'PO-3');
      await waitForStatus(operator, plan.id, ['waiting_approval']);

      const edited = await operator.conductor.edit(plan.id, 'alice', { input: { amount: 250 } });
      assert.equal(edited.plan.version, 2);
      assert.deepEqual(edited.plan.input, { amount: 250, customer: 'ACME' });
      const again = await waitForStatus(operator, plan.id, ['waiting_answer']);
      assert.equal(again.steps.find((s) => s.key === 'quote')!.output, 'ACME: 250');
      assert.equal(actions(again).reserve, 'completed');
      await assert.rejects(operator.conductor.approve(plan.id, 'bob', { version: 1 }), /version 1 .* since become version 2/);

      const rolledBack = await operator.conductor.rollback(plan.id, 'alice', 1);
      assert.equal(rolledBack.plan.version, 3);
      assert.deepEqual(rolledBack.plan.input, { amount: 100, customer: 'ACME' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'PO-3');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      await operator.conductor.approve(plan.id, 'bob', { version: 3 });
      const done = await waitForStatus(operator, plan.id, ['completed']);
      assert.equal(done.steps.find((s) => s.key === 'quote')!.output, 'ACME: 100');
      const reserve = (await operator.conductor.effects(plan.id)).find((e) => e.stepKey === 'reserve')!;
      assert.equal(reserve.performCount, 1, 'the reservation was made once across three versions');
      const versions = (await operator.conductor.audit(plan.id)).filter((e) => e.action === 'plan.edited' || e.action === 'plan.rolled_back');
      assert.deepEqual(versions.map((e) => [e.action, e.actor, e.reason]), [['plan.edited', 'alice', 'edited'], ['plan.rolled_back', 'alice', 'rollback to v1']]);
      await assert.rejects(operator.conductor.rollback(plan.id, 'alice', 1), /only plans still under way/);
    });

    test('leaving out a step makes a new version without it; gates cannot be left out', async () => {
      const { plan } = await operator.conductor.start('fixture-gated', { amount: 7 }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await assert.rejects(operator.conductor.edit(plan.id, 'alice', { omit: ['approve'] }), /Approval gates and questions cannot be left out/);
      await assert.rejects(operator.conductor.edit(plan.id, 'alice', { omit: ['nope'] }), /has no step nope/);
      const edited = await operator.conductor.edit(plan.id, 'alice', { omit: ['send'] });
      assert.equal(actions(edited).send, 'superseded');
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'PO-4');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      await operator.conductor.approve(plan.id, 'bob');
      await waitForStatus(operator, plan.id, ['completed']);
      assert.ok(!files('sent').includes(`${plan.id}_send.json`));
    });

    test('decisions on unknown plans say how to find the right id', async () => {
      await assert.rejects(operator.conductor.approve('p-missing', 'bob'), (error: unknown) => {
        assert.ok(error instanceof OperatorError);
        assert.match(error.message, /no plan p-missing/);
        assert.deepEqual(error.problem, { code: 'plan_not_found', planId: 'p-missing' });
        return true;
      });
    });

    test('every plan records a notice for each change the operator should hear about', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 1 }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['completed']);
      const kinds = await operator.store.prisma((db) => db.notice.findMany({ where: { planId: plan.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }));
      assert.deepEqual(kinds.map((n) => n.kind), ['plan_started', 'progress', 'progress', 'progress', 'progress', 'progress', 'completed']);
    });
  });
}
