// The action executors the workflows use, each idempotent per idempotency key: the signed
// webhook with retries, e-mail over SMTP or into the outbox, and invoices with gapless numbers
// that a compensation voids.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { email } from '../src/actions/email.ts';
import type { InvoiceDraft } from '../src/actions/invoice-document.ts';
import { issueInvoice } from '../src/actions/issue-invoice.ts';
import { webhook } from '../src/actions/webhook.ts';
import { defaultStepSettings, noServices, type StepSettings } from '../src/core/services.ts';
import type { PerformContext } from '../src/conductor/workflow.ts';
import { claimSequenceNumber } from '../src/store/sequences.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSmtp, type FakeSmtp } from './support/fake-smtp.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const SECRET = 'actions-test-webhook-secret';

const draft: InvoiceDraft = {
  customer: { name: 'ACME', address: 'Hauptstr. 1, 10115 Berlin', vatId: 'DE123456789', email: 'billing@acme.example' },
  currency: 'EUR',
  lines: [{ description: 'Consulting', quantity: 3, unit: 'day', unitPriceCents: 80_000, amountCents: 240_000 }],
  subtotalCents: 240_000,
  taxRatePercent: 0,
  taxCents: 0,
  totalCents: 240_000,
  paymentTermsDays: 30,
};

describe('action executors', () => {
  let database: TestDatabase;
  let store: Store;
  let receiver: WebhookReceiver;
  let smtp: FakeSmtp;
  let dataDir: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
    receiver = await startWebhookReceiver();
    smtp = await startFakeSmtp();
    dataDir = path.join(database.dir, 'data');
  });
  after(async () => {
    await receiver?.close();
    await smtp?.close();
    await store?.close();
    await database?.drop();
  });

  /** An undo of the effect performed under idempotencyKey. */
  const undo = (idempotencyKey: string) => ({ ...effect(idempotencyKey), compensationKey: `${idempotencyKey}:compensate` });
  // The receipts the worker keeps in the effects ledger, per key (test/email-exactly-once.test.ts runs the real one).
  const receipts = new Map<string, unknown>();
  const effect = (idempotencyKey: string, settings: Partial<StepSettings> = {}): PerformContext => ({
    idempotencyKey,
    ledger: { receipt: receipts.get(idempotencyKey) ?? null, recordReceipt: async (receipt) => void receipts.set(idempotencyKey, receipt) },
    signal: new AbortController().signal,
    dataDir,
    services: {
      ...noServices,
      sequences: { claim: (series, key) => claimSequenceNumber(store, series, key) },
      settings: { ...defaultStepSettings, webhook: { url: receiver.url, secret: SECRET }, ...settings },
    },
  });

  test('the webhook retries a receiver that is briefly down with the same signed body and Idempotency-Key', async () => {
    receiver.failNext(2);
    const delivered = await webhook.perform({ event: 'invoice.sent', data: { invoiceNumber: 'INV-000007' } }, effect('pwh:notify'));
    assert.deepEqual(delivered, { status: 204, attempts: 3, target: receiver.url });
    const sent = receiver.requests.filter((r) => r.headers['idempotency-key'] === 'pwh:notify');
    assert.equal(sent.length, 3);
    assert.equal(new Set(sent.map((r) => r.body)).size, 1, 'every attempt sends the same body');
    for (const request of sent) {
      assert.equal(request.headers['x-operator-signature'], `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
    }
    assert.deepEqual(JSON.parse(sent[0]!.body), { id: 'pwh:notify', event: 'invoice.sent', data: { invoiceNumber: 'INV-000007' } });
  });

  test('the webhook refuses to run unconfigured, saying which settings to set', async () => {
    await assert.rejects(webhook.perform({ event: 'x', data: {} }, effect('pwh:none', { webhook: null })), /set WEBHOOK_URL and WEBHOOK_SECRET/);
  });

  test('an e-mail over SMTP goes out once per key, with a Message-ID derived from the key', async () => {
    const message = { to: 'billing@acme.example', subject: 'Invoice INV-000001', text: 'Hello', attachments: [] };
    const first = await email.perform(message, effect('pmail:send', { smtpUrl: smtp.url }));
    const again = await email.perform(message, effect('pmail:send', { smtpUrl: smtp.url }));
    assert.deepEqual([first.via, first.alreadySent, again.alreadySent, again.messageId], ['smtp', false, true, first.messageId]);
    assert.equal(smtp.messages.length, 1);
    assert.match(smtp.messages[0]!.data, new RegExp(`Message-ID: ${first.messageId}`));
    assert.deepEqual(smtp.messages[0]!.to, ['<billing@acme.example>']);
  });

  test('without SMTP an e-mail is written once as an .eml file under DATA_DIR/outbox', async () => {
    const message = { to: 'jane@globex.example', subject: 'Re: your project', text: 'Hi Jane', attachments: [] };
    const first = await email.perform(message, effect('poutbox:send'));
    const again = await email.perform(message, effect('poutbox:send'));
    assert.deepEqual([first.via, first.file, first.alreadySent, again.alreadySent], ['outbox', 'outbox/poutbox_send.eml', false, true]);
    assert.match(fs.readFileSync(path.join(dataDir, first.file!), 'utf8'), /^Subject: Re: your project/m);
  });

  test('an invoice keeps its number when issued again, the next key gets the next number, and voiding keeps the number', async () => {
    const first = await issueInvoice.perform(draft, effect('pinv1:issue-invoice'));
    const again = await issueInvoice.perform(draft, effect('pinv1:issue-invoice'));
    const next = await issueInvoice.perform(draft, effect('pinv2:issue-invoice'));
    assert.deepEqual([first.invoiceNumber, first.alreadyIssued], ['INV-000001', false]);
    assert.deepEqual({ ...again, alreadyIssued: false }, first, 'issued again: the same invoice');
    assert.equal(again.alreadyIssued, true);
    assert.equal(next.invoiceNumber, 'INV-000002');

    await issueInvoice.compensate!(draft, first, undo('pinv1:issue-invoice'));
    await issueInvoice.compensate!(draft, first, undo('pinv1:issue-invoice'));
    const record = JSON.parse(fs.readFileSync(path.join(dataDir, 'invoices', 'INV-000001.json'), 'utf8')) as { number: number; voidedAt?: string };
    assert.equal(record.number, 1);
    assert.ok(record.voidedAt);
    assert.match(fs.readFileSync(path.join(dataDir, 'invoices', 'INV-000001.html'), 'utf8'), /VOID/);
  });

  test('a plan stopped after its number was claimed but before the files were written still voids that number', async () => {
    const number = await claimSequenceNumber(store, 'invoice', 'pinv3:issue-invoice');
    assert.equal(number, 3);
    await issueInvoice.compensate!(draft, null, undo('pinv3:issue-invoice'));
    const record = JSON.parse(fs.readFileSync(path.join(dataDir, 'invoices', 'INV-000003.json'), 'utf8')) as { voidedAt?: string; idempotencyKey: string };
    assert.equal(record.idempotencyKey, 'pinv3:issue-invoice');
    assert.ok(record.voidedAt, 'the series has no hole: INV-000003 exists, voided');
  });
});
