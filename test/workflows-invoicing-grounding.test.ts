// Invoicing never acts on a guess (issue 11), through Slack with the whole service. (Slack
// messages are matched as JSON, so a quote in a pattern is written as .{1,2}.) The approval
// threshold is set far above every amount here, so whatever is shown for confirmation is shown
// because of how the request was read, not because it is large.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import invoicing from '../workflows/invoicing.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import type { ChatRequest } from './support/fake-openai.ts';
import { waitForStatus } from './support/operator.ts';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

const MASSIVE_DYNAMIC = 'invoice Massive Dynamic for 1 April retainer at €3.000 + 4h extra support at €85';

for (const mode of ['fallback', 'model'] as const) {
  describe(`invoicing reads the request right or asks (${mode === 'model' ? 'a model that misreads the amount' : 'no model'})`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;

    before(async () => {
      database = await createTestDatabase('sqlite');
      harness = await startWorkflowHarness(database, [invoicing], mode, { INVOICE_APPROVAL_ABOVE: '100000' });
      // The model reads "€3.000" as 3.00, as the rules once did; every other request it reads right.
      harness.openai?.respond('read-invoice-request', (request: ChatRequest) => {
        const prompt = request.messages.at(-1)!.content;
        if (prompt.includes('Massive Dynamic')) {
          return { customer: 'Massive Dynamic', lines: [{ description: 'April retainer', quantity: 1, unit: 'item', unitPrice: 3 }, { description: 'extra support', quantity: 4, unit: 'hour', unitPrice: 85 }], currency: 'EUR', taxRatePercent: null };
        }
        return { customer: 'Borealis Analytics AB', lines: [{ description: 'Workshop days', quantity: 2, unit: 'day', unitPrice: 900 }], currency: 'EUR', taxRatePercent: null };
      });
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    test('the 3,340 EUR Massive Dynamic invoice is priced right and shown with its evidence before it is issued', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('invoicing', MASSIVE_DYNAMIC);
      if (mode === 'model') {
        // The model's 3.00 is not in the request and disagrees with the rules: the plan asks, offering the grounded reading.
        await chat.waitForThreadMessage(thread, /What should Massive Dynamic be invoiced for\?.*the model read 3\.00 EUR.*I read: 1 item April retainer at 3,000\.00 EUR; 4 hour extra support at 85\.00 EUR/);
        await chat.reply(thread, 'ok');
      }
      for (const [asked, answer] of [[/What is Massive Dynamic's billing address/, '1 Dynamic Plaza, 10001 New York, USA'], [/What is Massive Dynamic's VAT ID/, 'none'], [/Which e-mail address should Massive Dynamic's invoice go to/, 'ap@massive-dynamic.example']] as const) {
        await chat.waitForThreadMessage(thread, asked);
        await chat.reply(thread, answer);
      }
      await chat.waitForThreadMessage(thread, /Invoice Massive Dynamic 3,340\.00 EUR .*Amount: 3,340\.00 EUR from '1 April retainer at €3\.000' \(3,000\.00 EUR\) \+ '4h extra support at €85' \(340\.00 EUR\)/);
      assert.deepEqual(harness.files('invoices'), [], 'nothing is issued before the operator has seen the amount');
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      const html = harness.read('invoices/INV-000001.html').toString();
      assert.ok(html.includes('Total: 3,340.00 EUR'), 'the invoice totals 3,340.00 EUR');
    });

    test('a request that states its e-mail and VAT ID is not asked for them and goes out to that address', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('invoicing', 'Invoice Borealis Analytics AB (VAT SE556677889901) for 2 days at €900, send to ap@borealis.example');
      await chat.waitForThreadMessage(thread, /What is Borealis Analytics AB's billing address/);
      await chat.reply(thread, 'Storgatan 1, 111 22 Stockholm, Sweden');
      const { steps } = await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      const skipped = steps.filter((s) => s.status === 'skipped').map((s) => s.key);
      for (const key of ['ask-vat-id', 'ask-email', 'ask-currency', 'ask-customer', 'ask-lines', 'approve-invoice']) assert.ok(skipped.includes(key), `${key} is not asked`);
      const issued = harness.files('invoices').filter((file) => file.endsWith('.html')).at(-1)!;
      const html = harness.read(`invoices/${issued}`).toString();
      assert.ok(html.includes('VAT ID: SE556677889901') && html.includes('Total: 1,800.00 EUR'), 'the stated VAT ID is on the invoice and the amount is right');
      const mails = harness.files('outbox').filter((file) => file.endsWith('.eml'));
      const toBorealis = mails.map((file) => harness.read(`outbox/${file}`).toString()).filter((mail) => mail.includes('Hello Borealis Analytics AB'));
      assert.equal(toBorealis.length, 1, 'one e-mail for the invoice');
      assert.match(toBorealis[0]!, /^To: ap@borealis\.example/m, 'it goes to the address the request gave');
    });
  });
}

describe('invoicing asks instead of guessing (no model)', () => {
  let database: TestDatabase;
  let harness: WorkflowHarness;

  before(async () => {
    database = await createTestDatabase('sqlite');
    harness = await startWorkflowHarness(database, [invoicing], 'fallback', { INVOICE_APPROVAL_ABOVE: '100000' });
  });
  after(async () => {
    await harness?.close();
    await database?.drop();
  });

  test('two possible prices become a question quoting the request; a typed answer prices the invoice', async () => {
    const { chat } = harness;
    const { thread } = await harness.start('invoicing', 'invoice Cyberdyne Systems for 3 days at 700 or 750 EUR, check the SOW');
    await chat.waitForThreadMessage(thread, /What should Cyberdyne Systems be invoiced for\? From .{1,2}invoice Cyberdyne Systems for 3 days at 700 or 750 EUR, check the SOW.{1,2} \(two prices/);
    await chat.reply(thread, 'three days');
    await chat.waitForThreadMessage(thread, /That answer does not fit: type each line with a count and a price/);
    await chat.reply(thread, '3 days at 750 EUR');
    await chat.waitForThreadMessage(thread, /What is Cyberdyne Systems's billing address/);
  });

  test('a question about past invoices is handed back with an example that works, and nothing is issued', async () => {
    const { chat } = harness;
    const { planId, thread } = await harness.start('invoicing', 'what did we invoice Hooli last month?');
    await chat.waitForThreadMessage(thread, /does not read as a request to issue an invoice.*e\.g\. .{1,2}invoice ACME for 3 days of consulting at 800 EUR\/day/);
    await waitForStatus(chat.service.operator, planId, ['needs_operator']);
    assert.deepEqual(harness.files('invoices'), []);
  });
});
