// An invoice as the customer sees it: the same content rendered as HTML (to read and archive)
// and PDF (to send). A voided invoice keeps its number and says VOID in large letters, so the
// series stays gapless for the accountant.
import PDFDocument from 'pdfkit';
import { z } from 'zod';

const InvoiceLine = z.object({
  description: z.string().min(1),
  quantity: z.number().positive(),
  unit: z.string().min(1),
  unitPriceCents: z.number().int().nonnegative(),
  amountCents: z.number().int().nonnegative(),
});

export const InvoiceDraft = z.object({
  customer: z.object({ name: z.string().min(1), address: z.string().min(1), vatId: z.string().nullable(), email: z.email().nullable() }),
  currency: z.string().length(3),
  lines: z.array(InvoiceLine).min(1),
  subtotalCents: z.number().int().nonnegative(),
  taxRatePercent: z.number().min(0).max(100),
  taxCents: z.number().int().nonnegative(),
  totalCents: z.number().int().nonnegative(),
  paymentTermsDays: z.number().int().positive(),
});
export type InvoiceDraft = z.infer<typeof InvoiceDraft>;

export interface InvoiceDocument {
  invoiceNumber: string;
  issuedOn: string;
  dueOn: string;
  seller: string;
  draft: InvoiceDraft;
  voided: boolean;
}

export function formatMoney(cents: number, currency: string): string {
  const amount = (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${amount} ${currency}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderInvoiceHtml(invoice: InvoiceDocument): string {
  const { draft } = invoice;
  const money = (cents: number) => escapeHtml(formatMoney(cents, draft.currency));
  const rows = draft.lines
    .map((line) => `<tr><td>${escapeHtml(line.description)}</td><td>${line.quantity} ${escapeHtml(line.unit)}</td><td>${money(line.unitPriceCents)}</td><td>${money(line.amountCents)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${invoice.invoiceNumber}</title>
<style>body{font-family:sans-serif;max-width:720px;margin:2em auto}table{width:100%;border-collapse:collapse}td,th{padding:4px;border-bottom:1px solid #ddd;text-align:left}.void{color:#c00;font-size:3em;font-weight:bold}</style></head>
<body>
${invoice.voided ? '<p class="void">VOID</p>' : ''}
<h1>Invoice ${invoice.invoiceNumber}</h1>
<p>From: ${escapeHtml(invoice.seller)}<br>Issued: ${invoice.issuedOn}<br>Due: ${invoice.dueOn}</p>
<p>Bill to:<br>${escapeHtml(draft.customer.name)}<br>${escapeHtml(draft.customer.address).replace(/\n/g, '<br>')}${draft.customer.vatId ? `<br>VAT ID: ${escapeHtml(draft.customer.vatId)}` : ''}</p>
<table><thead><tr><th>Description</th><th>Quantity</th><th>Unit price</th><th>Amount</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Subtotal: ${money(draft.subtotalCents)}<br>Tax (${draft.taxRatePercent}%): ${money(draft.taxCents)}<br><strong>Total: ${money(draft.totalCents)}</strong></p>
<p>Payment within ${draft.paymentTermsDays} days, quoting ${invoice.invoiceNumber}.</p>
</body></html>
`;
}

export function renderInvoicePdf(invoice: InvoiceDocument): Promise<Buffer> {
  const { draft } = invoice;
  const money = (cents: number) => formatMoney(cents, draft.currency);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Invoice ${invoice.invoiceNumber}`, Author: invoice.seller } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    if (invoice.voided) doc.fillColor('#cc0000').fontSize(40).text('VOID').fillColor('black');
    doc.fontSize(20).text(`Invoice ${invoice.invoiceNumber}`).moveDown(0.5);
    doc.fontSize(10).text(`From: ${invoice.seller}`).text(`Issued: ${invoice.issuedOn}`).text(`Due: ${invoice.dueOn}`).moveDown();
    doc.text('Bill to:').text(draft.customer.name).text(draft.customer.address);
    if (draft.customer.vatId) doc.text(`VAT ID: ${draft.customer.vatId}`);
    doc.moveDown();
    for (const line of draft.lines) {
      doc.text(`${line.description}: ${line.quantity} ${line.unit} x ${money(line.unitPriceCents)} = ${money(line.amountCents)}`);
    }
    doc.moveDown().text(`Subtotal: ${money(draft.subtotalCents)}`).text(`Tax (${draft.taxRatePercent}%): ${money(draft.taxCents)}`);
    doc.fontSize(12).text(`Total: ${money(draft.totalCents)}`).moveDown();
    doc.fontSize(10).text(`Payment within ${draft.paymentTermsDays} days, quoting ${invoice.invoiceNumber}.`);
    doc.end();
  });
}
