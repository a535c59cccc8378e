// Approve with changes on the shipped workflows: the approval's Edit form shows what the invoice
// or the payment will say, as the plan holds it (read from the request or answered in the thread);
// a nearly-right one is corrected there and approved in one decision, carried out once with the
// corrected values, and nothing already answered is asked again. Invoicing through Slack, the
// supplier payment through Discord (whose modal takes at most five fields), a lead's reply in the
// workspace.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readLines } from '../src/reading/invoice-lines.ts';
import { decimalStyle } from '../src/reading/numbers.ts';
import invoicing, { linesAsTyped } from '../workflows/invoicing.ts';
import leadQualification from '../workflows/lead-qualification.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import type { ChatDriver } from './support/drivers/chat-driver.ts';
import { discordDriver } from './support/drivers/discord-driver.ts';
import { testService, waitForStatus } from './support/operator.ts';
import { openForm, post, says, WorkspaceStream } from './support/workspace-client.ts';
import type { Service } from '../src/service.ts';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

test("the lines Edit's form shows read back as the same counts, units and prices", () => {
  const lines = [
    { description: 'Consulting', quantity: 3, unit: 'day' as const, unitPriceCents: 80_000, amountCents: 240_000 },
    { description: 'Extra support', quantity: 2.5, unit: 'hour' as const, unitPriceCents: 8_500, amountCents: 21_250 },
    { description: 'April retainer', quantity: 1, unit: 'item' as const, unitPriceCents: 300_000, amountCents: 300_000 },
    { description: 'Workshops', quantity: 2, unit: 'item' as const, unitPriceCents: 120_000, amountCents: 240_000 },
  ];
  const typed = linesAsTyped({ lines, currency: 'EUR' });
  const read = readLines(typed, [{ start: 0, end: typed.length }], [], decimalStyle(typed)).lines;
  assert.deepEqual(
    read.map((line) => [line.quantity.value, line.unit, line.description.value, line.unitPrice?.value.min, line.unitPrice?.value.currency]),
    lines.map((line) => [line.quantity, line.unit, line.description, line.unitPriceCents / 100, 'EUR']),
  );
});

for (const provider of providers()) {
  describe(`Edit at the invoice approval through Slack (${provider})`, () => {
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

    test('the form shows what the invoice will say; a wrong line is refused in the form, a corrected invoice is billed once and nothing is asked again', async () => {
      const { chat } = harness;
      const operator = chat.service.operator;
      const { planId, thread } = await harness.start('invoicing', 'invoice ACME for 3 days of consulting at 800/day');
      for (const [question, answer] of [
        [/What is ACME's billing address/, 'Hauptstr. 1, 10115 Berlin, Germany'],
        [/What is ACME's VAT ID/, 'DE 123 456 789'],
        [/In which currency should ACME be invoiced/, 'eur'],
        [/Which e-mail address should ACME's invoice go to/, 'billing@acme.example'],
      ] as const) {
        await chat.waitForThreadMessage(thread, question);
        await chat.reply(thread, answer);
      }
      await chat.waitForThreadMessage(thread, /Invoice ACME 2,400.00 EUR/);
      const asked = (await operator.conductor.audit(planId)).filter((entry) => entry.action === 'question.asked').length;

      const form = await chat.openForm(thread, 'edit', await chat.buttonValue(thread, 'edit'));
      assert.deepEqual(form.fields, {
        'customer.name': 'ACME',
        lines: '3 days Consulting at 800.00 EUR',
        'customer.email': 'billing@acme.example',
        'customer.address': 'Hauptstr. 1, 10115 Berlin, Germany',
        'customer.vatId': 'DE123456789',
      });

      const errors = await form.submit({ ...form.fields, lines: 'three days of consulting' });
      assert.match(errors?.lines ?? '', /count and a price/, 'the error is shown on the lines field');
      assert.equal((await operator.conductor.show(planId)).plan.version, 1, 'nothing changed');

      const corrected = { ...form.fields, 'customer.name': 'ACME Corp', lines: '3 days Consulting at 850.00 EUR; 1 item Travel at 120.00 EUR' };
      assert.equal(await form.submit(corrected), null, 'accepted: the modal closes');
      const { plan, steps } = await waitForStatus(operator, planId, ['completed'], 20_000);
      assert.equal(plan.version, 2);

      const audit = await operator.conductor.audit(planId);
      assert.equal(audit.filter((entry) => entry.action === 'question.asked').length, asked, 'no answered question was asked again');
      const approvals = audit.filter((entry) => entry.action.startsWith('approval.granted'));
      assert.deepEqual(approvals.map((entry) => entry.action), ['approval.granted_with_changes'], 'one decision');
      assert.deepEqual(Object.keys((approvals[0]!.detail as { changes: Record<string, unknown> }).changes).sort(), ['customer.name', 'lines']);

      const issued = steps.find((step) => step.key === 'issue-invoice')!.output as { invoiceNumber: string; totalCents: number };
      assert.equal(issued.totalCents, 267_000, '3 x 850 + 120');
      const html = harness.read(`invoices/${issued.invoiceNumber}.html`).toString();
      for (const expected of ['ACME Corp', 'Travel', 'Total: 2,670.00 EUR', 'VAT ID: DE123456789']) assert.ok(html.includes(expected), `the invoice shows ${expected}`);
      const mails = harness.files('outbox').filter((file) => file.endsWith('.eml'));
      assert.equal(mails.length, 1, 'one e-mail');
      assert.match(harness.read(`outbox/${mails[0]}`).toString(), /^To: billing@acme\.example/m);
      assert.ok((await operator.conductor.effects(planId)).every((effect) => effect.performCount === 1), 'every action performed once');
    });
  });
}

for (const provider of providers()) {
  describe(`Edit at the payment approval through Discord (${provider})`, () => {
    let database: TestDatabase;
    let chat: ChatDriver;

    before(async () => {
      database = await createTestDatabase(provider);
      chat = await discordDriver(database, [supplierPayment]);
    });
    after(async () => {
      await chat?.close();
      await database?.drop();
    });

    test('the form shows the payment as it will be queued; a bad IBAN is refused in the form, a corrected amount is queued once', async () => {
      const operator = chat.service.operator;
      const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start supplier-payment Pay Acme Ltd 1250.00 EUR for invoice INV-42 to IBAN DE89 3704 0044 0532 0130 00'))![1]!;
      const thread = await chat.threadOf(planId);
      await chat.waitForThreadMessage(thread, /Pay 1250.00 EUR to Acme Ltd/);

      const form = await chat.openForm(thread, 'edit', await chat.buttonValue(thread, 'edit'));
      assert.deepEqual(form.fields, { 'payment.payee': 'Acme Ltd', 'payment.amount': '1250.00', 'payment.currency': 'EUR', 'payment.iban': 'DE89370400440532013000', 'payment.reference': 'INV-42' });

      const errors = await form.submit({ ...form.fields, 'payment.iban': 'DE89370400440532013001' });
      assert.match(Object.values(errors ?? {}).join(' '), /not a valid IBAN/);
      assert.equal((await operator.conductor.show(planId)).plan.version, 1, 'nothing changed');

      assert.equal(await form.submit({ ...form.fields, 'payment.amount': '1205.00' }), null, 'accepted');
      const { plan, steps } = await waitForStatus(operator, planId, ['completed'], 20_000);
      assert.equal(plan.version, 2);
      const approvals = (await operator.conductor.audit(planId)).filter((entry) => entry.action.startsWith('approval.granted'));
      assert.deepEqual(approvals.map((entry) => [entry.action, (entry.detail as { changes: unknown }).changes]), [['approval.granted_with_changes', { 'payment.amount': { from: '1250.00', to: '1205.00' } }]]);
      const { file } = steps.find((step) => step.key === 'queue-payment')!.output as { file: string };
      const queued = JSON.parse(readFileSync(`${database.dir}/data/${file}`, 'utf8')) as { amountCents: number; payee: string; iban: string };
      assert.deepEqual([queued.amountCents, queued.payee, queued.iban], [120_500, 'Acme Ltd', 'DE89370400440532013000']);
      assert.equal((await operator.conductor.effects(planId)).length, 1, 'queued once');
    });

    test('an IBAN answered in the thread and then changed in the form: the form wins, and the answer is not asked again', async () => {
      const operator = chat.service.operator;
      const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start supplier-payment Pay Globex GmbH 300.00 EUR for invoice INV-77'))![1]!;
      const thread = await chat.threadOf(planId);
      await chat.waitForThreadMessage(thread, /Which IBAN should Globex GmbH be paid to/);
      await chat.reply(thread, 'DE89 3704 0044 0532 0130 00');
      await chat.waitForThreadMessage(thread, /Pay 300.00 EUR to Globex GmbH/);

      const form = await chat.openForm(thread, 'edit', await chat.buttonValue(thread, 'edit'));
      assert.equal(form.fields['payment.iban'], 'DE89370400440532013000', 'the form shows the IBAN answered in the thread');
      assert.equal(await form.submit({ ...form.fields, 'payment.iban': 'GB82 WEST 1234 5698 7654 32' }), null, 'accepted');
      const { steps } = await waitForStatus(operator, planId, ['completed'], 20_000);
      const { file } = steps.find((step) => step.key === 'queue-payment')!.output as { file: string };
      assert.equal((JSON.parse(readFileSync(`${database.dir}/data/${file}`, 'utf8')) as { iban: string }).iban, 'GB82WEST12345698765432');
      assert.equal((await operator.conductor.audit(planId)).filter((entry) => entry.action === 'question.asked').length, 1, 'the IBAN was asked once');
    });
  });
}

for (const provider of providers()) {
  describe(`Edit at a lead's reply in the workspace (${provider})`, () => {
    let database: TestDatabase;
    let service: Service;
    let stream: WorkspaceStream;

    before(async () => {
      database = await createTestDatabase(provider);
      service = await testService(database, [leadQualification], {});
      stream = await WorkspaceStream.open(service.port);
    });
    after(async () => {
      stream?.close();
      await service?.stop();
      await database?.drop();
    });

    test('the form shows the reply as it will be sent; an edited reply is sent once and the answered timeline is not asked again', async () => {
      const operator = service.operator;
      const started = await post(service.port, '/workspace/command', { text: "/op start lead-qualification Hi, I'm Jane Doe from Globex GmbH (jane@globex.example). We need a new booking website, budget 15k EUR." });
      const planId = /plan (p[a-z0-9]+)/.exec(started.reply?.text ?? '')![1]!;
      const card = await stream.waitForCard(planId, /Waiting for your answer/);
      await stream.waitForThreadMessage(card.id, says(/timeline|deadline|when/i), 'the timeline question');
      await post(service.port, '/workspace/reply', { threadId: card.id, text: 'by 31 March' });
      const prompt = await stream.waitForThreadMessage(card.id, (e) => Boolean(e.message.buttons?.some((b) => b.action === 'edit')), 'approval prompt with Edit');
      const asked = (await operator.conductor.audit(planId)).filter((entry) => entry.action === 'question.asked').length;

      const form = await openForm(service.port, prompt.message.buttons!.find((b) => b.action === 'edit')!);
      assert.deepEqual(Object.keys(form.fields), ['reply.to', 'reply.subject', 'reply.body']);
      assert.equal(form.fields['reply.to'], 'jane@globex.example');
      assert.ok(form.fields['reply.body']!.length > 20, 'the drafted reply is in the form');
      assert.equal(form.form.fields.find((f) => f.name === 'reply.body')?.multiline, true, 'the reply is edited in a text area');

      const invalid = await form.submit({ ...form.fields, 'reply.to': 'jane at globex' });
      assert.match(invalid.formErrors?.['reply.to'] ?? '', /e-mail address/);
      const body = 'Hi Jane,\n\nthanks! I can start in January. Does Tuesday at 10:00 suit you for a call?\n\nBest, Sam';
      assert.equal((await form.submit({ ...form.fields, 'reply.body': body })).reply, null, 'accepted');
      await waitForStatus(operator, planId, ['completed'], 20_000);

      assert.equal((await operator.conductor.audit(planId)).filter((entry) => entry.action === 'question.asked').length, asked, 'the answered timeline was not asked again');
      const outbox = `${database.dir}/data/outbox`;
      const mails = readdirSync(outbox).filter((file) => file.endsWith('.eml')).map((file) => readFileSync(`${outbox}/${file}`, 'utf8'));
      assert.equal(mails.length, 1, 'one reply sent');
      assert.match(mails[0]!, /Does Tuesday at 10:00 suit you for a call\?/);
      assert.match(mails[0]!, /^To: jane@globex\.example/m);
    });
  });
}
