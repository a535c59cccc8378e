// The invoicing workflow end to end through Slack: once with a model behind @langchain/openai,
// once with no model (rules). Questions are answered in the thread, the approval is clicked, and
// the effects (invoice files, e-mail, webhook) are checked to have happened exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { costUsd } from '../src/llm/prices.ts';
import invoicing from '../workflows/invoicing.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import type { ChatRequest } from './support/fake-openai.ts';
import { startFakeSmtp, type FakeSmtp } from './support/fake-smtp.ts';
import { waitForStatus } from './support/operator.ts';
import { describeMode, MODEL_MODES, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

/** What a model would read from the two requests below. */
function readRequestAnswer(request: ChatRequest) {
  const prompt = request.messages.at(-1)!.content;
  return prompt.includes('consulting')
    ? { customer: 'ACME', lines: [{ description: 'Consulting', quantity: 3, unit: 'day', unitPrice: 800 }], currency: null, taxRatePercent: null }
    : { customer: 'ACME', lines: [{ description: 'Support', quantity: 2, unit: 'hour', unitPrice: 90 }], currency: null, taxRatePercent: null };
}

for (const mode of MODEL_MODES) {
  describe(`invoicing through Slack with ${describeMode(mode)}`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;

    before(async () => {
      database = await createTestDatabase('sqlite');
      harness = await startWorkflowHarness(database, [invoicing], mode, { INVOICE_APPROVAL_ABOVE: '1000' });
      harness.openai?.respond('read-invoice-request', readRequestAnswer);
      harness.openai?.respond('invoice-customer-details', { address: 'Hauptstr. 1, 10115 Berlin, Germany', vatId: 'DE123456789', currency: 'EUR', email: 'billing@acme.example' });
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    test('asks for the missing details in the thread, waits for approval above the threshold, then issues INV-000001, e-mails it and calls the webhook once', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('invoicing', 'invoice ACME for 3 days of consulting at 800/day');

      await chat.waitForThreadMessage(thread, /What is ACME's billing address/);
      await chat.reply(thread, 'Hauptstr. 1, 10115 Berlin, Germany');
      await chat.waitForThreadMessage(thread, /What is ACME's VAT ID/);
      await chat.reply(thread, '12345');
      await chat.waitForThreadMessage(thread, /That answer does not fit: a VAT ID starts with a country code/);
      await chat.reply(thread, 'DE 123 456 789');
      await chat.waitForThreadMessage(thread, /In which currency should ACME be invoiced/);
      await chat.reply(thread, 'eur');
      await chat.waitForThreadMessage(thread, /Which e-mail address should ACME's invoice go to/);
      await chat.reply(thread, 'billing@acme.example');

      // The approval shows the amount with the words it was read from, and why it waits.
      await chat.waitForThreadMessage(thread, /Invoice ACME 2,400.00 EUR \(3 day consulting at 800.00 EUR\).*Amount: 2,400.00 EUR from '3 days of consulting at 800.*above 1,000.00 EUR/i);
      assert.deepEqual(harness.files('invoices'), [], 'nothing is issued before the approval');
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      await chat.waitForOutcome(thread, /Approved by/);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      await chat.waitForCard(planId, /Completed/);

      const output = (key: string) => steps.find((step) => step.key === key)!.output as Record<string, unknown>;
      assert.equal(output('read-request').via, mode, 'the plan records which path read the request');
      const { reading } = output('read-request') as { reading: { lines: { quantity: { value: number }; unit: string; unitPrice: { value: { min: number } } }[] } };
      assert.deepEqual(reading.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice.value.min]), [[3, 'day', 800]]);
      assert.equal(output('issue-invoice').invoiceNumber, 'INV-000001');

      assert.deepEqual(harness.files('invoices'), ['INV-000001.html', 'INV-000001.json', 'INV-000001.pdf']);
      const html = harness.read('invoices/INV-000001.html').toString();
      for (const expected of ['Invoice INV-000001', 'Hauptstr. 1, 10115 Berlin, Germany', 'VAT ID: DE123456789', 'Total: 2,400.00 EUR']) assert.ok(html.includes(expected), `the HTML invoice shows ${expected}`);
      assert.equal(harness.read('invoices/INV-000001.pdf').subarray(0, 5).toString(), '%PDF-');

      const mails = harness.files('outbox').filter((file) => file.endsWith('.eml'));
      assert.equal(mails.length, 1, 'one e-mail');
      const mail = harness.read(`outbox/${mails[0]}`).toString();
      assert.match(mail, /^To: billing@acme\.example/m);
      assert.match(mail, /^Subject: Invoice INV-000001/m);
      assert.match(mail, /filename=INV-000001\.pdf/);

      const hooks = harness.webhooksOf(planId);
      assert.deepEqual(hooks.map((hook) => [hook.event, hook.key]), [['invoice.sent', `${planId}:notify-webhook`]]);
      assert.deepEqual(hooks[0]!.data, { invoiceNumber: 'INV-000001', customer: 'ACME', totalCents: 240_000, currency: 'EUR', dueOn: output('issue-invoice').dueOn });
      const effects = await chat.service.operator.conductor.effects(planId);
      assert.ok(effects.every((effect) => effect.status === 'applied' && effect.performCount === 1), 'every action performed once');

      const calls = await harness.modelCalls(planId);
      const read = calls.find((call) => call.task === 'read-invoice-request')!;
      assert.equal(read.path, mode);
      if (mode === 'model') {
        assert.equal(read.model, 'gpt-4o-mini');
        assert.deepEqual([read.promptTokens, read.completionTokens], [120, 40]);
        assert.equal(read.costUsd, costUsd('gpt-4o-mini', { promptTokens: 120, completionTokens: 40 }));
        const sent = harness.openai!.requestsTo('/v1/chat/completions').find((r) => JSON.stringify(r.body).includes('3 days of consulting'))!;
        assert.equal((sent.body.response_format as { json_schema: { name: string } }).json_schema.name, 'read-invoice-request');
      } else {
        assert.match(read.error ?? '', /no model configured/);
        assert.equal(read.costUsd, 0);
      }
    });

    test('the next invoice for the customer takes address, VAT ID, currency and the e-mail answered last time from memory, needs no approval below the threshold and gets INV-000002', async () => {
      const { chat } = harness;
      const { planId } = await harness.start('invoicing', 'invoice ACME for 2 hours of support at 90/hour');
      const { steps } = await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      const output = (key: string) => steps.find((step) => step.key === key)!.output as Record<string, unknown>;
      const recalled = output('recall-customer') as { citations: { n: number; snippet: string }[] };
      assert.ok(recalled.citations.some((c) => c.snippet.includes('INV-000001')), 'the first invoice is recalled, with a citation');
      assert.deepEqual(
        steps.filter((s) => s.status === 'skipped').map((s) => s.key),
        ['ask-customer', 'ask-lines', 'ask-address', 'ask-vat-id', 'ask-currency', 'ask-email', 'approve-invoice'],
        'a surely read request and known details are not asked again; 180 EUR read surely needs no approval',
      );
      const details = output('customer-details') as { address: string; vatId: string; currency: string; email: string; cited: number[]; via: string };
      assert.deepEqual([details.address, details.vatId, details.currency, details.email], ['Hauptstr. 1, 10115 Berlin, Germany', 'DE123456789', 'EUR', 'billing@acme.example']);
      assert.equal(details.via, mode);
      assert.ok(details.cited.length > 0, 'the details cite the memories they came from');
      assert.equal(output('issue-invoice').invoiceNumber, 'INV-000002');
      assert.match(harness.read('invoices/INV-000002.html').toString(), /Total: 180\.00 EUR/);
    });
  });
}

describe('invoicing when the mail server refuses the invoice for good', () => {
  let database: TestDatabase;
  let harness: WorkflowHarness;
  let smtp: FakeSmtp;

  before(async () => {
    database = await createTestDatabase('sqlite');
    smtp = await startFakeSmtp();
    smtp.rejectRecipients = true;
    harness = await startWorkflowHarness(database, [invoicing], 'fallback', { SMTP_URL: smtp.url, INVOICE_APPROVAL_ABOVE: '100000' });
  });
  after(async () => {
    await harness?.close();
    await smtp?.close();
    await database?.drop();
  });

  test('hands the plan back; abort voids the invoice, which keeps its number', async () => {
    const { chat } = harness;
    const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start invoicing invoice Initech for 1 day of training at 1200/day'))![1]!;
    const thread = await chat.threadOf(planId);
    // The operator supplies what memory does not know by answering in the thread.
    for (const [asked, answer] of [[/billing address/, 'Main St 5, Springfield'], [/VAT ID/, 'none'], [/currency/, 'USD'], [/e-mail address/, 'ap@initech.example']] as const) {
      await chat.waitForThreadMessage(thread, asked);
      await chat.reply(thread, answer);
    }
    await chat.waitForThreadMessage(thread, /the mail server refused the e-mail for good \(550\)/);
    await waitForStatus(chat.service.operator, planId, ['needs_operator']);
    assert.deepEqual(harness.files('invoices'), ['INV-000001.html', 'INV-000001.json', 'INV-000001.pdf']);

    await chat.click(thread, 'abort', await chat.buttonValue(thread, 'abort'));
    await waitForStatus(chat.service.operator, planId, ['compensated']);
    const record = JSON.parse(harness.read('invoices/INV-000001.json').toString()) as { invoiceNumber: string; voidedAt?: string };
    assert.equal(record.invoiceNumber, 'INV-000001');
    assert.ok(record.voidedAt, 'the invoice is voided');
    assert.match(harness.read('invoices/INV-000001.html').toString(), /class="void">VOID</);
    assert.equal(smtp.messages.length, 0, 'nothing was delivered');
  });
});
