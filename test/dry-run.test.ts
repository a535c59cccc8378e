// A dry run end to end through Slack: `/op start --dry-run invoicing ...` computes everything,
// asks what it must know, and says in the thread what each action would do (the approval it
// would ask for, the invoice, the e-mail, the webhook, the memory), doing none of it: no invoice
// number taken, no file, no e-mail, no webhook call, no ledger row, nothing remembered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import invoicing from '../workflows/invoicing.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { waitForStatus } from './support/operator.ts';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

for (const provider of providers()) {
  describe(`a dry run of invoicing through Slack (${provider})`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;

    before(async () => {
      database = await createTestDatabase(provider);
      harness = await startWorkflowHarness(database, [invoicing], 'fallback', { INVOICE_APPROVAL_ABOVE: '1000' });
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    test('says what the approval, invoice, e-mail, webhook and memory would be, and does none of it', async () => {
      const { chat } = harness;
      const { store } = chat.service.operator;
      const memoriesBefore = await store.prisma((db) => db.memoryRecord.count());
      const answer = await chat.command('start --dry-run invoicing invoice ACME for 3 days of consulting at 800/day');
      assert.match(answer, /Started a dry run of invoicing as plan (p[a-z0-9]+): it computes everything and says what each action would do, doing none/);
      const planId = /plan (p[a-z0-9]+)/.exec(answer)![1]!;
      const thread = await chat.threadOf(planId);

      // What the plan must know is still asked: the dry run computes with it.
      await chat.waitForThreadMessage(thread, /What is ACME's billing address/);
      await chat.reply(thread, 'Hauptstr. 1, 10115 Berlin, Germany');
      await chat.waitForThreadMessage(thread, /What is ACME's VAT ID/);
      await chat.reply(thread, 'DE 123 456 789');
      await chat.waitForThreadMessage(thread, /In which currency should ACME be invoiced/);
      await chat.reply(thread, 'eur');
      await chat.waitForThreadMessage(thread, /Which e-mail address should ACME's invoice go to/);
      await chat.reply(thread, 'billing@acme.example');

      await chat.waitForThreadMessage(thread, /Would ask for your approval: Invoice ACME 2,400.00 EUR/);
      await chat.waitForThreadMessage(thread, /Would issue invoice INV-\(next number\) to ACME for 2,400.00 EUR, 1 line\(s\), due in 30 days/);
      await chat.waitForThreadMessage(thread, /Would e-mail billing@acme\.example \\?"Invoice INV-\(next number\)[^"\\]*\\?" with INV-\(next number\)\.pdf \(into the outbox folder\)/);
      await chat.waitForThreadMessage(thread, /Would post the event invoice\.sent to http:\/\/127\.0\.0\.1:\d+\/hooks\/operator/);
      await chat.waitForThreadMessage(thread, /Would remember \(customer note\): Invoiced ACME INV-\(next number\) for 2,400.00 EUR/);
      await chat.waitForThreadMessage(thread, /invoicing dry run finished: nothing was done/);
      await chat.waitForCard(planId, /Dry run: invoicing/);
      await waitForStatus(chat.service.operator, planId, ['completed']);

      assert.deepEqual(harness.files('invoices'), [], 'no invoice file');
      assert.deepEqual(harness.files('outbox'), [], 'no e-mail');
      assert.deepEqual(harness.webhooksOf(planId), [], 'no webhook call');
      assert.equal(await store.prisma((db) => db.effect.count({ where: { planId } })), 0, 'no effects ledger row');
      assert.equal(await store.prisma((db) => db.sequenceNumber.count()), 0, 'no invoice number taken from the series');
      assert.equal(await store.prisma((db) => db.memoryRecord.count()), memoriesBefore, 'neither the answers nor the outcome are remembered');
      const previewed = await store.prisma((db) => db.auditEntry.findMany({ where: { planId, action: 'step.previewed' }, orderBy: { id: 'asc' } }));
      assert.deepEqual(previewed.map((entry) => entry.stepKey), ['approve-invoice', 'issue-invoice', 'send-invoice', 'notify-webhook', 'remember-invoice']);
    });

  });
}
