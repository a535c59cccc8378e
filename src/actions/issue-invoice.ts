// Issues an invoice: claims the next number of the "invoice" series for the step's idempotency
// key (a retry or a resumed plan gets the same number, so numbers never skip or repeat), then
// writes DATA_DIR/invoices/INV-<number>.html, .pdf and .json. The .json record is created last
// and at most once: its presence means the invoice was issued, and a re-run returns it.
// Compensation voids the invoice: it keeps its number and is re-rendered marked VOID.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ActionExecutor } from '../conductor/workflow.ts';
import { createOnce, replaceFile } from './files.ts';
import { InvoiceDraft, renderInvoiceHtml, renderInvoicePdf, type InvoiceDocument } from './invoice-document.ts';

const INVOICE_SERIES = 'invoice';

export const IssuedInvoice = z.object({
  /** 0 in a dry run, which takes no number from the series. */
  number: z.number().int().nonnegative(),
  invoiceNumber: z.string(),
  issuedOn: z.string(),
  dueOn: z.string(),
  html: z.string(),
  pdf: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  alreadyIssued: z.boolean(),
});
export type IssuedInvoice = z.infer<typeof IssuedInvoice>;

interface InvoiceRecord extends Omit<InvoiceDocument, 'voided'> {
  idempotencyKey: string;
  number: number;
  voidedAt?: string;
}

const invoiceNumberOf = (number: number) => `INV-${String(number).padStart(6, '0')}`;

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function paths(dataDir: string, invoiceNumber: string) {
  const dir = path.join(dataDir, 'invoices');
  return { dir, html: path.join(dir, `${invoiceNumber}.html`), pdf: path.join(dir, `${invoiceNumber}.pdf`), record: path.join(dir, `${invoiceNumber}.json`) };
}

async function readRecord(file: string): Promise<InvoiceRecord | null> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? null : (JSON.parse(text) as InvoiceRecord);
}

async function renderFiles(files: ReturnType<typeof paths>, document: InvoiceDocument): Promise<void> {
  await replaceFile(files.html, renderInvoiceHtml(document));
  await replaceFile(files.pdf, await renderInvoicePdf(document));
}

export const issueInvoice: ActionExecutor<InvoiceDraft, IssuedInvoice> = {
  name: 'issue-invoice',
  input: InvoiceDraft,
  output: IssuedInvoice,
  async perform(draft, effect) {
    const number = await effect.services.sequences.claim(INVOICE_SERIES, effect.idempotencyKey);
    const invoiceNumber = invoiceNumberOf(number);
    const files = paths(effect.dataDir, invoiceNumber);
    const relative = (file: string) => path.relative(effect.dataDir, file);
    const existing = await readRecord(files.record);
    if (existing) {
      return {
        number, invoiceNumber, issuedOn: existing.issuedOn, dueOn: existing.dueOn, html: relative(files.html), pdf: relative(files.pdf),
        totalCents: existing.draft.totalCents, currency: existing.draft.currency, alreadyIssued: true,
      };
    }
    const now = new Date();
    const document: InvoiceDocument = {
      invoiceNumber,
      issuedOn: isoDay(now),
      dueOn: isoDay(new Date(now.getTime() + draft.paymentTermsDays * DAY_MS)),
      seller: effect.services.settings.mailFrom,
      draft,
      voided: false,
    };
    await renderFiles(files, document);
    const record: InvoiceRecord = { idempotencyKey: effect.idempotencyKey, number, ...document };
    const created = await createOnce(files.record, JSON.stringify(record, null, 2));
    const kept = created ? record : (await readRecord(files.record))!;
    return {
      number, invoiceNumber, issuedOn: kept.issuedOn, dueOn: kept.dueOn, html: relative(files.html), pdf: relative(files.pdf),
      totalCents: draft.totalCents, currency: draft.currency, alreadyIssued: !created,
    };
  },
  preview(draft) {
    const now = new Date();
    const invoiceNumber = 'INV-(next number)';
    const total = `${(draft.totalCents / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${draft.currency}`;
    return {
      says: `issue invoice ${invoiceNumber} to ${draft.customer.name} for ${total}, ${draft.lines.length} line(s), due in ${draft.paymentTermsDays} days`,
      output: {
        number: 0, invoiceNumber, issuedOn: isoDay(now), dueOn: isoDay(new Date(now.getTime() + draft.paymentTermsDays * DAY_MS)),
        html: `invoices/${invoiceNumber}.html`, pdf: `invoices/${invoiceNumber}.pdf`, totalCents: draft.totalCents, currency: draft.currency, alreadyIssued: false,
      },
    };
  },
  async compensate(draft, _result, effect) {
    // The number exists even if the plan stopped before the files did: void it all the same,
    // so the series has no hole.
    const number = await effect.services.sequences.claim(INVOICE_SERIES, effect.idempotencyKey);
    const invoiceNumber = invoiceNumberOf(number);
    const files = paths(effect.dataDir, invoiceNumber);
    const record = (await readRecord(files.record)) ?? {
      idempotencyKey: effect.idempotencyKey,
      number,
      invoiceNumber,
      issuedOn: isoDay(new Date()),
      dueOn: isoDay(new Date()),
      seller: effect.services.settings.mailFrom,
      draft,
    };
    if (record.voidedAt) return;
    await renderFiles(files, { ...record, voided: true });
    await replaceFile(files.record, JSON.stringify({ ...record, voidedAt: new Date().toISOString() }, null, 2));
  },
};
