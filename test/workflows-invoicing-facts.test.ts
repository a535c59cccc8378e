// Invoicing takes a customer's billing details from the facts memory holds as current: a customer
// that moved is billed at its new address, and the approval says which memory states it and what
// it replaced; the invoice e-mail (a role mailbox, kept by masking) is a fact the same way; two
// addresses stated at once are asked about, quoting both. Through Slack, on
// SQLite and (with OP_TEST_POSTGRES_URL) PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { memoryDraft } from '../src/memory/drafts.ts';
import { insertMemory } from '../src/store/memory.ts';
import invoicing from '../workflows/invoicing.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { waitForStatus } from './support/operator.ts';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

for (const provider of providers()) {
  describe(`invoicing bills at the details memory holds as current (${provider})`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;

    before(async () => {
      database = await createTestDatabase(provider);
      harness = await startWorkflowHarness(database, [invoicing], 'fallback', { INVOICE_APPROVAL_ABOVE: '100' });
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    /** A note written at a given time, as an import or an earlier plan writes one; its facts are read at once. */
    const rememberedAt = async (at: string, text: string) => {
      const { operator } = harness.chat.service;
      await operator.store.transaction((runner) => insertMemory(runner, memoryDraft({ kind: 'customer_note', text, source: 'slack', createdBy: 'slack:UOPS' }), new Date(at)));
      while ((await operator.memory.readEntities()) > 0);
    };

    test('a customer that moved is billed at its new address; the approval cites the memory and the address it replaced', async () => {
      await rememberedAt('2026-03-02T09:00:00Z', 'Kessler Maschinenbau GmbH: billing address is Alte Gasse 4, 70173 Stuttgart, Germany. VAT ID DE811234567.');
      await rememberedAt('2026-10-15T09:00:00Z', "Kessler Maschinenbau's billing address changed to Neue Str. 12, 80331 München, Germany.");

      const { planId, thread } = await harness.start('invoicing', 'invoice Kessler Maschinenbau GmbH for 2 days of consulting at 900 EUR/day, send it to ap@kessler.example');
      // The prompt as posted (JSON of its text and blocks, so quotes come escaped: matched with \W+).
      await harness.chat.waitForThreadMessage(
        thread,
        /Bill to: Neue Str\. 12, 80331 München, Germany, VAT ID DE811234567 \(billing address\W+Neue Str\. 12, 80331 München, Germany\W+as memory states it since 2026-10-15 .*it replaced\W+Alte Gasse 4, 70173 Stuttgart, Germany/,
      );

      await harness.chat.click(thread, 'approve', await harness.chat.buttonValue(thread, 'approve'));
      await waitForStatus(harness.chat.service.operator, planId, ['completed'], 30_000);
      const html = harness.files('invoices').find((name) => name.endsWith('.html'))!;
      assert.match(harness.read(`invoices/${html}`).toString(), /Neue Str\. 12/);
      assert.doesNotMatch(harness.read(`invoices/${html}`).toString(), /Alte Gasse/);
    });

    test('the invoice goes to the mailbox memory holds as current, unasked, and the approval cites the one it replaced', async () => {
      await rememberedAt('2026-04-01T09:00:00Z', 'Lumen Analytics GmbH: billing address is Torstraße 5, 10119 Berlin, Germany. VAT ID DE298765431. Invoices go to billing@lumen.example.');
      await rememberedAt('2026-09-12T09:00:00Z', 'Lumen Analytics moved their invoicing: send invoices to accounts-payable@lumen.example from now on.');

      const { planId, thread } = await harness.start('invoicing', 'invoice Lumen Analytics GmbH for 1 day of training at 1,200 EUR');
      await harness.chat.waitForThreadMessage(thread, /invoice e-mail\W+accounts-payable@lumen\.example\W+as memory states it since 2026-09-12 .*it replaced\W+billing@lumen\.example/);
      await harness.chat.click(thread, 'approve', await harness.chat.buttonValue(thread, 'approve'));
      const { steps } = await waitForStatus(harness.chat.service.operator, planId, ['completed'], 30_000);
      assert.equal(steps.find((s) => s.key === 'ask-email')?.status, 'skipped', 'the e-mail is not asked');
      const mails = harness.files('outbox').filter((file) => file.endsWith('.eml')).map((file) => harness.read(`outbox/${file}`).toString());
      const toLumen = mails.filter((mail) => mail.includes('Hello Lumen Analytics GmbH'));
      assert.equal(toLumen.length, 1, 'one e-mail for the invoice');
      assert.match(toLumen[0]!, /^To: accounts-payable@lumen\.example/m);
    });

    test('two addresses stated at the same time are not guessed between: the plan asks, quoting both', async () => {
      await rememberedAt('2026-11-20T10:00:00Z', 'Brightwave Studio Ltd: billing address is 14 Mill Lane, Leeds LS1 4AB, United Kingdom.');
      await rememberedAt('2026-11-20T10:00:30Z', 'Brightwave Studio billing address: 2 Dock Street, Hull HU1 3DL, United Kingdom.');

      const { thread } = await harness.start('invoicing', 'invoice Brightwave Studio Ltd for 3 hours of support at 80 GBP/hour, to billing@brightwave.example, no VAT ID');
      await harness.chat.waitForThreadMessage(
        thread,
        /billing address\? Memory states\W+(?:2 Dock Street, Hull HU1 3DL|14 Mill Lane, Leeds LS1 4AB), United Kingdom\W+\(since 2026-11-20\) and\W+(?:14 Mill Lane, Leeds LS1 4AB|2 Dock Street, Hull HU1 3DL), United Kingdom\W+\(since 2026-11-20\) at about the same time, so I cannot tell which is current/,
      );
    });
  });
}
