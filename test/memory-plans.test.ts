// Plans leave memories on their own: answers to questions, decisions at approval gates with
// their reasons, completed actions. Each is stored with the plan change it comes from and is
// recalled later with a link back to the plan and step.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LocalChroma } from '../src/memory/chroma-server.ts';
import type { Operator } from '../src/operator.ts';
import { sql } from '../src/store/sql.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { drainIndex, memoryOperator, testChroma } from './support/memory.ts';
import { waitForStatus } from './support/operator.ts';

for (const provider of providers()) {
  describe(`memories from plans (${provider})`, () => {
    let database: TestDatabase;
    let chroma: LocalChroma;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
      chroma = await testChroma(database);
      operator = await memoryOperator(database, chroma);
      await operator.worker.start();
    });
    after(async () => {
      await operator.close();
      await chroma.stop();
      await database.drop();
    });

    const memoriesOf = (planId: string) =>
      operator.store.transaction((runner) => runner.query(sql`SELECT "kind", "text", "stepKey", "link", "source", "workflow" FROM "MemoryRecord" WHERE "planId" = ${planId} ORDER BY "createdAt", "kind"`));

    test('an answered, approved and completed plan remembers the answer, the decision with its reason and the queued payment', async () => {
      const { plan } = await operator.conductor.start('supplier-payment', { request: 'Pay Acme Ltd 1250 EUR for invoice INV-42' }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'DE89 3704 0044 0532 0130 00');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      await operator.conductor.approve(plan.id, 'bob', { reason: 'matches purchase order PO-7781' });
      await waitForStatus(operator, plan.id, ['completed']);

      const memories = await memoriesOf(plan.id);
      const byStep = Object.fromEntries(memories.map((m) => [m.stepKey as string, m]));
      assert.deepEqual(Object.keys(byStep).sort(), ['approve-payment', 'ask-iban', 'queue-payment']);
      assert.equal(byStep['ask-iban']!.kind, 'fact');
      assert.match(byStep['ask-iban']!.text as string, /\[iban\]/, 'the IBAN is redacted');
      assert.doesNotMatch(JSON.stringify(memories), /DE89|3704/);
      assert.equal(byStep['approve-payment']!.kind, 'decision');
      assert.match(byStep['approve-payment']!.text as string, /^Approved "Approve the payment" in supplier-payment \(request: Pay Acme Ltd 1250 EUR for invoice INV-42; limit: 10000\)\. Reason: matches purchase order PO-7781$/);
      assert.equal(byStep['queue-payment']!.kind, 'artifact');
      assert.ok(memories.every((m) => m.source === 'plan' && m.workflow === 'supplier-payment'));

      await drainIndex(operator.memory);
      const recalled = await operator.memory.recall('why was the Acme invoice payment approved?', { k: 3 });
      const cited = recalled.citations.find((c) => c.kind === 'decision')!;
      assert.ok(cited, 'the decision is cited');
      assert.equal(cited.link, `plan:${plan.id}#approve-payment`);
    });

    test('a denial is remembered with its reason', async () => {
      const { plan } = await operator.conductor.start('supplier-payment', { request: 'Pay Brightworks Electric 2300 EUR for invoice BW-9' }, { requestedBy: 'alice' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'alice', 'DE89 3704 0044 0532 0130 00');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      await operator.conductor.deny(plan.id, 'bob', { reason: 'exceeds the quote by 600 EUR' });
      await waitForStatus(operator, plan.id, ['cancelled', 'compensated']);

      const denial = (await memoriesOf(plan.id)).find((m) => m.stepKey === 'approve-payment')!;
      assert.equal(denial.kind, 'decision');
      assert.match(denial.text as string, /^Denied "Approve the payment".*Reason: exceeds the quote by 600 EUR$/);
    });
  });
}
