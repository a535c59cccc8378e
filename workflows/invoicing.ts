// Invoice a customer from one line typed in chat, e.g.
//   "invoice ACME for 3 days of consulting at 800/day"
// Reads like the process: understand the request, look the customer up in memory, ask for
// what is still missing (address, VAT ID, currency, where to send it), price it, let the
// operator approve it when it is large, issue it with the next invoice number (HTML and PDF),
// e-mail it, tell the webhook, and remember it for next time. If sending fails for good and the
// operator aborts, the invoice is voided: it keeps its number, so the series has no gap.
import { z } from 'zod';
import { email } from '../src/actions/email.ts';
import { formatMoney, InvoiceDraft } from '../src/actions/invoice-document.ts';
import { issueInvoice } from '../src/actions/issue-invoice.ts';
import { rememberOutcome } from '../src/actions/remember.ts';
import { webhook } from '../src/actions/webhook.ts';
import { NonRetryableError } from '../src/conductor/retry.ts';
import { defineWorkflow, stepsFor, type StepContext } from '../src/conductor/workflow.ts';
import { CURRENCIES, findCurrency, parseAmount, toCents } from './shared/money.ts';
import { citedLines, Recalled, recallBestEffort } from './shared/recall.ts';

/** A VAT ID as written on the invoice, or NONE for a customer known to have none. */
const NO_VAT_ID = 'NONE';
const VatId = z
  .string()
  .transform((text) => text.replace(/[\s.-]/g, '').toUpperCase())
  .refine((text) => text === NO_VAT_ID || /^[A-Z]{2}[A-Z0-9]{2,13}$/.test(text), 'a VAT ID starts with a country code, e.g. DE123456789 (or answer "none")');

const Currency = z
  .string()
  .transform((text) => text.trim().toUpperCase())
  .refine((code) => (CURRENCIES as readonly string[]).includes(code), `a currency code: ${CURRENCIES.join(', ')}`);

const Input = z.object({
  request: z.string().min(10, 'describe the invoice, e.g. "invoice ACME for 3 days of consulting at 800/day"'),
  /** Details already known (from a CRM export, a script); memory and questions fill the rest. */
  customer: z
    .object({ address: z.string().min(5), vatId: VatId, currency: Currency, email: z.email() })
    .partial()
    .default({}),
  /** Invoices above this total wait for approval; unset, INVOICE_APPROVAL_ABOVE applies. */
  approvalAbove: z.number().nonnegative().optional(),
  paymentTermsDays: z.number().int().positive().default(30),
});
type Input = z.infer<typeof Input>;

// What the request says. Nullable rather than optional: OpenAI's structured output wants every field.
const Request = z.object({
  customer: z.string().nullable(),
  lines: z.array(z.object({ description: z.string(), quantity: z.number(), unit: z.string(), unitPrice: z.number() })),
  currency: z.string().nullable(),
  taxRatePercent: z.number().nullable(),
});
type Request = z.infer<typeof Request>;
const ReadRequest = Request.extend({ via: z.enum(['model', 'fallback']) });

const Details = z.object({ address: z.string().nullable(), vatId: z.string().nullable(), currency: z.string().nullable(), email: z.string().nullable() });
type Details = z.infer<typeof Details>;
const CustomerDetails = Details.extend({
  /** Which recalled memories the details came from, by citation number. */
  cited: z.array(z.number().int()),
  via: z.enum(['model', 'fallback', 'input']),
});

const Prepared = z.object({ invoice: InvoiceDraft, approvalAbove: z.number(), needsApproval: z.boolean() });

const step = stepsFor(Input);

const readRequest = step.extract({
  key: 'read-request',
  title: 'Read the invoice request',
  input: z.string(),
  output: ReadRequest,
  from: (ctx) => ctx.input.request,
  run: async (text, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'read-invoice-request',
        schema: Request,
        system: 'You turn an invoicing request into line items. Quantities and unit prices are numbers; unit is day, hour or item. Use null for what the request does not say.',
        prompt: text,
        fallback: () => readRequestByRules(text),
      },
      ctx,
    );
    return { ...value, via: path };
  },
});

const customerName = (ctx: StepContext<Input>) => ctx.output(readRequest).customer ?? 'the customer';

const checkRequest = step.validate({
  key: 'check-request',
  title: 'Check customer and line items',
  input: ReadRequest,
  output: ReadRequest,
  from: (ctx) => ctx.output(readRequest),
  run: (read) => {
    if (!read.customer) throw new NonRetryableError('the request names no customer; edit it to "invoice <customer> for ..." and retry');
    if (read.lines.length === 0 || read.lines.some((line) => line.quantity <= 0 || line.unitPrice < 0)) {
      throw new NonRetryableError('the request has no line items with a quantity and a price; edit it to "... for 3 days of consulting at 800/day" and retry');
    }
    return read;
  },
});

const recallCustomer = step.transform({
  key: 'recall-customer',
  title: 'Recall what we know about the customer',
  input: z.string(),
  output: Recalled,
  from: (ctx) => customerName(ctx),
  run: (customer, ctx) => recallBestEffort(ctx, `${customer} billing address VAT ID currency invoice e-mail`),
});

const customerDetails = step.extract({
  key: 'customer-details',
  title: "Find the customer's billing details",
  input: z.object({ customer: z.string(), recalled: Recalled, known: Input.shape.customer }),
  output: CustomerDetails,
  from: (ctx) => ({ customer: customerName(ctx), recalled: ctx.output(recallCustomer), known: ctx.input.customer }),
  run: async ({ customer, recalled, known }, ctx) => {
    const fromInput = { address: known.address ?? null, vatId: known.vatId ?? null, currency: known.currency ?? null, email: known.email ?? null };
    // Only memories that name the customer may supply its details; recall brings neighbours too.
    const about = { ...recalled, citations: recalled.citations.filter((c) => c.snippet.toLowerCase().includes(customer.toLowerCase())) };
    const allKnown = Object.values(fromInput).every((detail) => detail !== null);
    if (allKnown || about.citations.length === 0) return { ...fromInput, cited: [], via: 'input' as const };
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'invoice-customer-details',
        schema: Details,
        system: `From the numbered memories, give the billing address, VAT ID ("${NO_VAT_ID}" if they have none), invoice currency (ISO code) and billing e-mail of the customer. Use null for anything the memories do not state.`,
        prompt: `Customer: ${customer}\nMemories:\n${citedLines(about)}`,
        fallback: () => detailsByRules(about),
      },
      ctx,
    );
    const merged = {
      address: fromInput.address ?? value.address,
      vatId: fromInput.vatId ?? value.vatId,
      currency: fromInput.currency ?? value.currency,
      email: fromInput.email ?? (z.email().safeParse(value.email).success ? value.email : null),
    };
    const cited = about.citations.filter((c) => [merged.address, merged.vatId].some((detail) => detail && c.snippet.includes(detail))).map((c) => c.n);
    return { ...merged, cited, via: path };
  },
});

const askAddress = step.question({
  key: 'ask-address',
  title: 'Ask for the billing address',
  when: (ctx) => !ctx.output(customerDetails).address,
  ask: (ctx) => `What is ${customerName(ctx)}'s billing address? (one line, e.g. "Hauptstr. 1, 10115 Berlin, Germany")`,
  answer: z.string().trim().min(5, 'give the full address on one line: street, postcode and city, country'),
});

const askVatId = step.question({
  key: 'ask-vat-id',
  title: 'Ask for the VAT ID',
  when: (ctx) => !ctx.output(customerDetails).vatId,
  ask: (ctx) => `What is ${customerName(ctx)}'s VAT ID? (e.g. DE123456789; answer "none" if they have none)`,
  answer: VatId,
});

const askCurrency = step.question({
  key: 'ask-currency',
  title: 'Ask for the currency',
  when: (ctx) => !ctx.output(readRequest).currency && !ctx.output(customerDetails).currency,
  ask: (ctx) => `In which currency should ${customerName(ctx)} be invoiced? (${CURRENCIES.slice(0, 4).join(', ')}, ...)`,
  answer: Currency,
});

const askEmail = step.question({
  key: 'ask-email',
  title: 'Ask where to send the invoice',
  when: (ctx) => !ctx.output(customerDetails).email,
  ask: (ctx) => `Which e-mail address should ${customerName(ctx)}'s invoice go to?`,
  answer: z.email('an e-mail address, e.g. billing@acme.example'),
});

const prepareInvoice = step.transform({
  key: 'prepare-invoice',
  title: 'Price the invoice',
  input: z.object({
    request: ReadRequest,
    details: CustomerDetails,
    answers: z.object({ address: z.string().optional(), vatId: z.string().optional(), currency: z.string().optional(), email: z.string().optional() }),
    approvalAbove: z.number(),
    paymentTermsDays: z.number(),
  }),
  output: Prepared,
  from: (ctx) => ({
    request: ctx.output(readRequest),
    details: ctx.output(customerDetails),
    answers: { address: ctx.outputIfRan(askAddress), vatId: ctx.outputIfRan(askVatId), currency: ctx.outputIfRan(askCurrency), email: ctx.outputIfRan(askEmail) },
    approvalAbove: ctx.input.approvalAbove ?? ctx.services.settings.invoiceApprovalAbove,
    paymentTermsDays: ctx.input.paymentTermsDays,
  }),
  run: ({ request: read, details: known, answers, approvalAbove, paymentTermsDays }) => {
    const lines = read.lines.map((line) => {
      const unitPriceCents = toCents(line.unitPrice);
      return { description: line.description, quantity: line.quantity, unit: line.unit, unitPriceCents, amountCents: Math.round(line.quantity * unitPriceCents) };
    });
    const subtotalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
    const taxRatePercent = read.taxRatePercent ?? 0;
    const taxCents = Math.round((subtotalCents * taxRatePercent) / 100);
    const vatId = answers.vatId ?? known.vatId;
    const invoice: InvoiceDraft = {
      customer: {
        name: read.customer!,
        address: answers.address ?? known.address!,
        vatId: vatId === NO_VAT_ID ? null : vatId,
        email: answers.email ?? known.email,
      },
      currency: (read.currency ?? answers.currency ?? known.currency)!.toUpperCase(),
      lines,
      subtotalCents,
      taxRatePercent,
      taxCents,
      totalCents: subtotalCents + taxCents,
      paymentTermsDays,
    };
    return { invoice, approvalAbove, needsApproval: invoice.totalCents > toCents(approvalAbove) };
  },
});

const approveInvoice = step.approval({
  key: 'approve-invoice',
  title: 'Approve the invoice',
  when: (ctx) => ctx.output(prepareInvoice).needsApproval,
  summary: (ctx) => {
    const { invoice, approvalAbove } = ctx.output(prepareInvoice);
    const lines = invoice.lines.map((l) => `${l.quantity} ${l.unit} ${l.description} at ${formatMoney(l.unitPriceCents, invoice.currency)}`).join('; ');
    return `Invoice ${invoice.customer.name} ${formatMoney(invoice.totalCents, invoice.currency)} (${lines}), to ${invoice.customer.email}. It is above ${formatMoney(toCents(approvalAbove), invoice.currency)}, so it waits for you.`;
  },
});

const issueInvoiceDocument = step.action({
  key: 'issue-invoice',
  title: 'Issue the invoice (HTML and PDF)',
  executor: issueInvoice,
  from: (ctx) => ctx.output(prepareInvoice).invoice,
  retry: { maxAttempts: 5, initialDelayMs: 1000 },
});

const sendInvoice = step.action({
  key: 'send-invoice',
  title: 'E-mail the invoice',
  executor: email,
  from: (ctx) => {
    const { invoice } = ctx.output(prepareInvoice);
    const sent = ctx.output(issueInvoiceDocument);
    return {
      to: invoice.customer.email,
      subject: `Invoice ${sent.invoiceNumber}`,
      text: `Hello ${invoice.customer.name},\n\nplease find attached invoice ${sent.invoiceNumber} over ${formatMoney(invoice.totalCents, invoice.currency)}, due on ${sent.dueOn}.\n\nThank you for your business.\n`,
      attachments: [sent.pdf],
    };
  },
  retry: { maxAttempts: 5, initialDelayMs: 2000 },
});

const notifyWebhook = step.action({
  key: 'notify-webhook',
  title: 'Tell the webhook',
  when: (ctx) => ctx.services.settings.webhook !== null,
  executor: webhook,
  from: (ctx) => {
    const sent = ctx.output(issueInvoiceDocument);
    return { event: 'invoice.sent', data: { invoiceNumber: sent.invoiceNumber, customer: customerName(ctx), totalCents: sent.totalCents, currency: sent.currency, dueOn: sent.dueOn } };
  },
  retry: { maxAttempts: 5, initialDelayMs: 2000 },
});

const rememberInvoice = step.action({
  key: 'remember-invoice',
  title: 'Remember the invoice and the billing details',
  executor: rememberOutcome,
  from: (ctx) => {
    const { invoice } = ctx.output(prepareInvoice);
    const sent = ctx.output(issueInvoiceDocument);
    return {
      kind: 'customer_note',
      text: `Invoiced ${invoice.customer.name} ${sent.invoiceNumber} for ${formatMoney(invoice.totalCents, invoice.currency)} on ${sent.issuedOn}. Billing address: ${invoice.customer.address}. VAT ID: ${invoice.customer.vatId ?? 'none'}. Currency: ${invoice.currency}.`,
      workflow: 'invoicing',
      planId: ctx.planId,
      tags: ['invoice', invoice.customer.name],
    };
  },
});

export default defineWorkflow({
  name: 'invoicing',
  description: 'Invoice a customer: read the request, recall their details, ask for what is missing, approve large ones, issue (HTML + PDF) with the next number, e-mail it.',
  input: Input,
  freeTextField: 'request',
  plan: () => [
    readRequest,
    checkRequest,
    recallCustomer,
    customerDetails,
    askAddress,
    askVatId,
    askCurrency,
    askEmail,
    prepareInvoice,
    approveInvoice,
    issueInvoiceDocument,
    sendInvoice,
    notifyWebhook,
    rememberInvoice,
  ],
});

/** "invoice ACME for 3 days of consulting at 800/day and 2 hours of support at 90 EUR/hour" */
function readRequestByRules(text: string): Request {
  const customer = /\binvoice\s+(.+?)\s+for\s+\d/i.exec(text)?.[1]?.trim() ?? null;
  const lines: Request['lines'] = [];
  const linePattern = /(\d+(?:\.\d+)?)\s*(days?|hours?|hrs?|items?|units?|x)?\s+(?:of\s+)?(.+?)\s+(?:at|@)\s*[€$£]?\s*(\d[\d,]*(?:\.\d+)?)\s*(?:[A-Z]{3}|[€$£])?\s*(?:\/|per\s+)?\s*(day|hour|hr|item|unit)?/gi;
  for (const match of text.matchAll(linePattern)) {
    const unitWord = (match[2] ?? match[5] ?? 'item').toLowerCase().replace(/s$/, '').replace(/^hr$/, 'hour').replace(/^x$/, 'item');
    lines.push({ description: capitalise(match[3]!.trim()), quantity: Number(match[1]), unit: unitWord, unitPrice: parseAmount(match[4]!) ?? 0 });
  }
  const tax = /(\d+(?:\.\d+)?)\s*%\s*(?:VAT|tax)/i.exec(text);
  return { customer, lines, currency: findCurrency(text), taxRatePercent: tax ? Number(tax[1]) : null };
}

/** Details stated in recalled memories, e.g. "Billing address: Hauptstr. 1, Berlin. VAT ID: DE123456789. Currency: EUR." */
function detailsByRules(recalled: Recalled): Details {
  const found: Details = { address: null, vatId: null, currency: null, email: null };
  for (const { snippet } of recalled.citations) {
    found.address ??= /\baddress(?:\s+is)?\s*:?\s*(.+?)\.?(?=\.\s+(?:VAT|Currency|E-?mail|Billing|Invoice)|;|\n|$)/i.exec(snippet)?.[1]?.trim() ?? null;
    found.vatId ??= /\bVAT(?:\s*(?:ID|no\.?|number))?\s*:?\s*([A-Z]{2}[A-Z0-9]{2,13})\b/.exec(snippet)?.[1] ?? (/\bVAT(?:\s*ID)?\s*:?\s*none\b/i.test(snippet) ? NO_VAT_ID : null);
    found.currency ??= /\b(?:currency|invoiced? in|bills? in)\s*:?\s*([A-Z]{3})\b/i.exec(snippet)?.[1]?.toUpperCase() ?? null;
    found.email ??= /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/.exec(snippet)?.[0] ?? null;
  }
  return found;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
