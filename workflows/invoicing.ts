// Invoice a customer from one line typed in chat, e.g.
//   "invoice ACME for 3 days of consulting at 800/day"
// Reads like the process: read the request into grounded fields (each value with the span it
// came from), ask about what it leaves open or reads with doubt (quoting it, offering the best
// reading), use the e-mail, VAT ID and address it states, look the rest up in memory, ask for
// what is still missing, price it, show it for approval when it is large or not surely read
// (with the evidence for the amount and the recipient), issue it with the next invoice number (HTML and PDF),
// e-mail it, tell the webhook, and remember it for next time. If sending fails for good and the
// operator aborts, the invoice is voided: it keeps its number, so the series has no gap.
import { z } from 'zod';
import { email } from '../src/actions/email.ts';
import { formatMoney, InvoiceDraft } from '../src/actions/invoice-document.ts';
import { issueInvoice } from '../src/actions/issue-invoice.ts';
import { rememberOutcome } from '../src/actions/remember.ts';
import { webhook } from '../src/actions/webhook.ts';
import { NonRetryableError } from '../src/conductor/retry.ts';
import { defineWorkflow, stepsWithSettings, type StepContext } from '../src/conductor/workflow.ts';
import { actionable, type Field } from '../src/reading/field.ts';
import { fieldsToAsk, InvoiceReading, linesGroundedSurely, readInvoiceRequest } from '../src/reading/invoice.ts';
import { LineRead, readLines } from '../src/reading/invoice-lines.ts';
import { answerOf, groundModelAnswer, ModelInvoiceAnswer } from '../src/reading/invoice-model.ts';
import { formatAmount, isCurrencyCode, lineCents, taxCents, toCents } from '../src/reading/money.ts';
import { decimalStyle } from '../src/reading/numbers.ts';
import { citedLines, currentFact, quotedCandidates, Recalled, recallBestEffort } from './shared/recall.ts';
import { InvoicingSettings } from './settings/invoicing.ts';

/** A VAT ID as written on the invoice, or NONE for a customer known to have none. */
const NO_VAT_ID = 'NONE';
const VatId = z
  .string()
  .transform((text) => text.replace(/[\s.-]/g, '').toUpperCase())
  .refine((text) => text === NO_VAT_ID || /^[A-Z]{2}[A-Z0-9]{2,13}$/.test(text), 'a VAT ID starts with a country code, e.g. DE123456789 (or answer "none")');

const Currency = z
  .string()
  .transform((text) => text.trim().toUpperCase())
  .refine(isCurrencyCode, 'an ISO currency code, e.g. EUR, USD, GBP, CHF');

/** Lines typed as an answer or in Edit's form, read by the same reader: "3 days at 700 EUR; 2 hours at 90 EUR". */
function linesFromAnswer(answer: string): LineRead[] {
  const { lines } = readLines(answer, [{ start: 0, end: answer.length }], [], decimalStyle(answer));
  return lines.map((line) => ({ ...line, quantity: { ...line.quantity, evidence: { kind: 'operator', answer }, via: 'operator' } }));
}

/** Typed lines bill only when every line reads with a count and a price. */
function typedSurely(text: string): boolean {
  const lines = linesFromAnswer(text);
  return lines.length > 0 && lines.every((line) => line.unitPrice && !line.problem);
}
const TYPE_LINES = 'type each line with a count and a price, e.g. "3 days at 700 EUR; 2 hours at 90 EUR"';

const Input = z.object({
  request: z.string().min(10, 'describe the invoice, e.g. "invoice ACME for 3 days of consulting at 800/day"'),
  /** Details already known (from a CRM export, a script, Edit's form); memory and questions fill the rest. */
  customer: z
    .object({ name: z.string().trim().min(2, 'type the customer\'s name, e.g. "Globex Corporation"'), address: z.string().min(5), vatId: VatId, currency: Currency, email: z.email() })
    .partial()
    .default({}),
  /** The line items as the operator typed them (Edit's form): billed instead of what the request reads. */
  lines: z.string().trim().refine(typedSurely, TYPE_LINES).optional(),
  /** Invoices above this total wait for approval; unset, INVOICE_APPROVAL_ABOVE applies. */
  approvalAbove: z.number().nonnegative().optional(),
  paymentTermsDays: z.number().int().positive().default(30),
});
type Input = z.infer<typeof Input>;

/** The request read into grounded fields, and which path read it (a model's answer is checked against the text). */
const ReadRequest = z.object({ reading: InvoiceReading, via: z.enum(['model', 'fallback']) });

/** Answers that accept the best reading a question offers. */
const ACCEPT = /^(?:ok|okay|yes|y|yep|correct|right|fine|go|👍)\.?$/i;

const Details = z.object({ address: z.string().nullable(), vatId: z.string().nullable(), currency: z.string().nullable(), email: z.string().nullable() });
type Details = z.infer<typeof Details>;
const CustomerDetails = Details.extend({
  /** Which recalled memories the details came from, by citation number. */
  cited: z.array(z.number().int()),
  via: z.enum(['model', 'fallback', 'input']),
  /** Details taken from a fact memory holds as current, with the memory that states it: shown at the approval. */
  fromFacts: z.array(z.string()).default([]),
  /** Details memory states two ways at once (time cannot tell which is current): asked, quoting both. */
  conflicting: z.object({ address: z.array(z.string()), vatId: z.array(z.string()), email: z.array(z.string()) }).partial().default({}),
});
type CustomerDetails = z.infer<typeof CustomerDetails>;

/** The billing details memory keeps as facts that supersede one another (an address that moved), with their names at the approval. */
const FACT_ATTRIBUTES = [
  { detail: 'address', attribute: 'billing_address', label: 'billing address' },
  { detail: 'vatId', attribute: 'vat_id', label: 'VAT ID' },
  { detail: 'email', attribute: 'billing_email', label: 'invoice e-mail' },
] as const;
type FactDetail = (typeof FACT_ATTRIBUTES)[number]['detail'];

/**
 * What memory holds as each detail's current value: a newer statement replaces an older one, so a
 * customer that moved is billed at its new address whatever order recall brings the notes in.
 */
async function detailsFromFacts(ctx: StepContext<Input>, customer: string): Promise<Pick<CustomerDetails, 'fromFacts' | 'conflicting'> & Partial<Pick<Details, FactDetail>>> {
  const found: Partial<Pick<Details, FactDetail>> = {};
  const fromFacts: string[] = [];
  const conflicting: CustomerDetails['conflicting'] = {};
  for (const { detail, attribute, label } of FACT_ATTRIBUTES) {
    const fact = await currentFact(ctx, customer, attribute);
    if (fact.status === 'known') {
      found[detail] = detail === 'vatId' ? fact.current.value.replace(/[\s.-]/g, '').toUpperCase() : fact.current.value;
      const replaced = fact.replaced ? `; it replaced "${fact.replaced.value}"` : '';
      fromFacts.push(`${label} "${fact.current.value}" as memory states it since ${fact.current.since.slice(0, 10)} (${fact.current.citation.link ?? fact.current.citation.source})${replaced}`);
    } else if (fact.status === 'conflict') {
      conflicting[detail] = quotedCandidates(fact.candidates);
    }
  }
  return { ...found, fromFacts, conflicting };
}

const Prepared = z.object({
  invoice: InvoiceDraft,
  approvalAbove: z.number(),
  needsApproval: z.boolean(),
  /** Per line: the words its amount was read from, with the line's amount when there are several ("'1 April retainer at €3.000' (3,000.00 EUR)"). */
  evidence: z.array(z.string()),
  waitsBecause: z.array(z.string()),
});

const step = stepsWithSettings(Input, InvoicingSettings);

const readRequest = step.extract({
  key: 'read-request',
  title: 'Read the invoice request',
  input: z.string(),
  output: ReadRequest,
  from: (ctx) => ctx.input.request,
  run: async (text, ctx) => {
    const byRules = await readInvoiceRequest(text);
    // A model that fails or answers out of contract falls back to the rules (model-port); an
    // answer that fits is still only a reading, checked against the text like the rules' one.
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'read-invoice-request',
        schema: ModelInvoiceAnswer,
        system: 'You turn an invoicing request into line items. Quantities and unit prices are numbers exactly as written in the request; unit is day, hour or item. Use null for what the request does not say.',
        prompt: text,
        fallback: () => answerOf(byRules),
      },
      ctx,
    );
    return { reading: path === 'model' ? groundModelAnswer(text, value, byRules) : byRules, via: path };
  },
});

const reading = (ctx: StepContext<Input>) => ctx.output(readRequest).reading;

const checkRequest = step.validate({
  key: 'check-request',
  title: 'Check it is a request to issue an invoice',
  input: ReadRequest,
  output: ReadRequest,
  from: (ctx) => ctx.output(readRequest),
  run: (read) => {
    if (read.reading.intent === 'other') {
      throw new NonRetryableError('this does not read as a request to issue an invoice (it asks no customer to be billed for work); start a plan with e.g. "invoice ACME for 3 days of consulting at 800 EUR/day"');
    }
    return read;
  },
});

/** The sentence of the request a field was read from, to quote in a question. */
function sentenceOf(source: string, field: Field<unknown> | null | undefined): string {
  if (field?.evidence.kind !== 'span') return source.length > 160 ? `${source.slice(0, 157)}...` : source;
  const { start, end } = field.evidence.span;
  const stops = ['\n', '. ', '! ', '? '];
  const from = Math.max(...stops.map((stop) => (source.lastIndexOf(stop, start - 1) < 0 ? 0 : source.lastIndexOf(stop, start - 1) + stop.length)));
  const to = Math.min(...stops.map((stop) => (source.indexOf(stop, end) < 0 ? source.length : source.indexOf(stop, end))));
  return source.slice(from, to).trim();
}

const askCustomer = step.question({
  key: 'ask-customer',
  title: 'Ask who the invoice is for',
  when: (ctx) => !ctx.input.customer.name && fieldsToAsk(ctx.input.request, reading(ctx)).includes('customer'),
  ask: (ctx) => {
    const { customer, problems } = reading(ctx);
    const why = problems.filter((p) => p.field === 'customer').map((p) => p.why);
    const quoted = `"${sentenceOf(ctx.input.request, customer)}"`;
    return customer
      ? `Who is this invoice for? From ${quoted} I read "${customer.value}"${why.length ? ` (${why.join('; ')})` : ''}. Reply "ok" to use it, or type the customer's name (e.g. "Globex Corporation").`
      : `Who is this invoice for? ${quoted} names no customer${why.length ? ` (${why.join('; ')})` : ''}. Type the customer's name, e.g. "Globex Corporation".`;
  },
  answer: z.string().trim().min(2, 'type the customer\'s name, e.g. "Globex Corporation"'),
});

/** The customer: the operator's (given or answered), or the reading they accepted, or the reading if it was sure. */
function customerOf(ctx: StepContext<Input>): Field<string> | null {
  const given = ctx.input.customer.name;
  if (given) return { value: given, evidence: { kind: 'operator', answer: given }, confidence: 1, via: 'operator' };
  const answer = ctx.outputIfRan(askCustomer);
  const read = reading(ctx).customer;
  if (answer === undefined) return read;
  if (ACCEPT.test(answer) && read) return { ...read, evidence: { kind: 'operator', answer }, via: 'operator' };
  return { value: answer, evidence: { kind: 'operator', answer }, confidence: 1, via: 'operator' };
}
const customerName = (ctx: StepContext<Input>) => customerOf(ctx)?.value ?? 'the customer';

/** "3 day Consulting at 800.00 EUR" */
const lineText = (line: LineRead, currency: string | null) =>
  `${line.quantity.value} ${line.unit} ${line.description.value}${line.unitPrice ? ` at ${formatAmount(line.unitPrice.value.min, line.unitPrice.value.currency ?? currency)}` : ' (no price)'}`;

const askLines = step.question({
  key: 'ask-lines',
  title: 'Ask for the line items',
  when: (ctx) => ctx.input.lines === undefined && fieldsToAsk(ctx.input.request, reading(ctx)).includes('lines'),
  ask: (ctx) => {
    const { lines, problems, currency } = reading(ctx);
    const why = problems.filter((p) => p.field === 'lines').map((p) => p.why);
    const quoted = `"${sentenceOf(ctx.input.request, lines[0]?.unitPrice ?? lines[0]?.quantity)}"`;
    const best = lines.length > 0 ? ` I read: ${lines.map((line) => lineText(line, currency?.value ?? null)).join('; ')}.` : '';
    const accept = lines.length > 0 && lines.every((line) => line.unitPrice) ? ' Reply "ok" to use it, or type' : ' Type';
    return `What should ${customerName(ctx)} be invoiced for? From ${quoted}${why.length ? ` (${why.join('; ')})` : ''}.${best}${accept} the lines, e.g. "3 days at 700 EUR; 2 hours at 90 EUR".`;
  },
  answer: z
    .string()
    .trim()
    .refine((text) => ACCEPT.test(text) || typedSurely(text), `${TYPE_LINES}, or "ok" for the reading above`),
});

/** The lines to invoice: the operator's (given or answered), the reading they accepted, or the reading when it was sure. */
function linesOf(ctx: StepContext<Input>): LineRead[] {
  if (ctx.input.lines !== undefined) return linesFromAnswer(ctx.input.lines);
  const answer = ctx.outputIfRan(askLines);
  const read = reading(ctx).lines;
  if (answer === undefined || ACCEPT.test(answer)) return read;
  return linesFromAnswer(answer);
}

/** The currency of the lines the operator typed (Edit's form), if they name one. */
const typedCurrency = (ctx: StepContext<Input>) => (ctx.input.lines === undefined ? null : (linesFromAnswer(ctx.input.lines).find((line) => line.unitPrice?.value.currency)?.unitPrice?.value.currency ?? null));

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
  from: (ctx) => {
    // What the request itself states (cited by its span) comes before memory and is not asked again.
    const { email: stated, vatId, address } = reading(ctx);
    const sure = (field: Field<string> | null) => (field && actionable(ctx.input.request, field) ? field.value : undefined);
    const known = { ...ctx.input.customer };
    return {
      customer: customerName(ctx),
      recalled: ctx.output(recallCustomer),
      known: { address: known.address ?? sure(address), vatId: known.vatId ?? sure(vatId), currency: known.currency, email: known.email ?? sure(stated) },
    };
  },
  run: async ({ customer, recalled, known }, ctx) => {
    const facts = await detailsFromFacts(ctx, customer);
    const rememberedEmail = z.email().safeParse(facts.email);
    const fromInput = {
      address: known.address ?? facts.address ?? null,
      vatId: known.vatId ?? facts.vatId ?? null,
      currency: known.currency ?? null,
      email: known.email ?? (rememberedEmail.success ? rememberedEmail.data : null),
    };
    const settled = { fromFacts: facts.fromFacts, conflicting: facts.conflicting };
    // Only memories that name the customer may supply its details; recall brings neighbours too.
    const about = { ...recalled, citations: recalled.citations.filter((c) => c.snippet.toLowerCase().includes(customer.toLowerCase())) };
    const allKnown = Object.values(fromInput).every((detail) => detail !== null);
    if (allKnown || about.citations.length === 0) return { ...fromInput, cited: [], via: 'input' as const, ...settled };
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
    // A detail memory states two ways at once is asked, never picked from whichever note came first.
    const merged = {
      address: fromInput.address ?? (facts.conflicting.address ? null : value.address),
      vatId: fromInput.vatId ?? (facts.conflicting.vatId ? null : value.vatId),
      currency: fromInput.currency ?? value.currency,
      email: fromInput.email ?? (!facts.conflicting.email && z.email().safeParse(value.email).success ? value.email : null),
    };
    const cited = about.citations.filter((c) => [merged.address, merged.vatId].some((detail) => detail && c.snippet.includes(detail))).map((c) => c.n);
    return { ...merged, cited, via: path, ...settled };
  },
});

/** "Memory says both ...: which is current?" when memory could not tell. */
const conflictNote = (candidates: string[] | undefined) => (candidates ? ` Memory states ${candidates.join(' and ')} at about the same time, so I cannot tell which is current.` : '');

const askAddress = step.question({
  key: 'ask-address',
  title: 'Ask for the billing address',
  when: (ctx) => !ctx.output(customerDetails).address,
  ask: (ctx) => `What is ${customerName(ctx)}'s billing address?${conflictNote(ctx.output(customerDetails).conflicting.address)} (one line, e.g. "Hauptstr. 1, 10115 Berlin, Germany")`,
  answer: z.string().trim().min(5, 'give the full address on one line: street, postcode and city, country'),
});

const askVatId = step.question({
  key: 'ask-vat-id',
  title: 'Ask for the VAT ID',
  when: (ctx) => !ctx.output(customerDetails).vatId,
  ask: (ctx) => `What is ${customerName(ctx)}'s VAT ID?${conflictNote(ctx.output(customerDetails).conflicting.vatId)} (e.g. DE123456789; answer "none" if they have none)`,
  answer: VatId,
});

const askCurrency = step.question({
  key: 'ask-currency',
  title: 'Ask for the currency',
  when: (ctx) => !typedCurrency(ctx) && fieldsToAsk(ctx.input.request, reading(ctx)).includes('currency') && !ctx.output(customerDetails).currency,
  ask: (ctx) => {
    const { currency, problems } = reading(ctx);
    const why = problems.filter((p) => p.field === 'currency').map((p) => ` (${p.why})`).join('');
    return `In which currency should ${customerName(ctx)} be invoiced?${why} ${currency ? `I read ${currency.value}: reply "ok" to use it, or type another code` : 'Type its code'}, e.g. EUR, USD, GBP, CHF.`;
  },
  answer: z.union([z.string().trim().regex(ACCEPT), Currency]),
});

const askEmail = step.question({
  key: 'ask-email',
  title: 'Ask where to send the invoice',
  when: (ctx) => !ctx.output(customerDetails).email,
  ask: (ctx) => `Which e-mail address should ${customerName(ctx)}'s invoice go to?${conflictNote(ctx.output(customerDetails).conflicting.email)}`,
  answer: z.email('an e-mail address, e.g. billing@acme.example'),
});

/** Where a line's amount comes from: the request's words for its count and price, or the operator's answer. */
function evidenceOf(source: string, line: LineRead): string {
  const spans = [line.quantity.evidence, line.unitPrice?.evidence].flatMap((e) => (e?.kind === 'span' ? [e.span] : []));
  if (line.quantity.evidence.kind === 'operator') return `your answer "${line.quantity.evidence.answer}"`;
  if (spans.length === 0) return 'no words of the request';
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  return `'${source.slice(start, end).replace(/\s+/g, ' ')}'`;
}

const prepareInvoice = step.transform({
  key: 'prepare-invoice',
  title: 'Price the invoice',
  input: z.object({
    source: z.string(),
    customer: z.string(),
    lines: z.array(LineRead),
    /** The currency the typed lines or the request state. */
    statedCurrency: z.string().nullable(),
    taxRatePercent: z.number().nullable(),
    surelyRead: z.boolean(),
    details: CustomerDetails,
    /** The operator's values: given in the input (Edit's form), else answered in the thread. */
    given: z.object({ address: z.string().optional(), vatId: z.string().optional(), currency: z.string().optional(), email: z.string().optional() }),
    approvalAbove: z.number(),
    paymentTermsDays: z.number(),
  }),
  output: Prepared,
  from: (ctx) => ({
    source: ctx.input.request,
    customer: customerName(ctx),
    lines: linesOf(ctx),
    statedCurrency: typedCurrency(ctx) ?? reading(ctx).currency?.value ?? null,
    taxRatePercent: reading(ctx).taxRatePercent?.value ?? null,
    // Unseen only if every line was read surely from the request (or typed by the operator) and the customer too.
    surelyRead: ctx.input.lines !== undefined || (ctx.outputIfRan(askLines) !== undefined && !ACCEPT.test(ctx.outputIfRan(askLines) ?? '')) || (linesGroundedSurely(ctx.input.request, reading(ctx)) && ctx.outputIfRan(askLines) === undefined),
    details: ctx.output(customerDetails),
    given: {
      address: ctx.input.customer.address ?? ctx.outputIfRan(askAddress),
      vatId: ctx.input.customer.vatId ?? ctx.outputIfRan(askVatId),
      currency: ctx.input.customer.currency ?? ctx.outputIfRan(askCurrency),
      email: ctx.input.customer.email ?? ctx.outputIfRan(askEmail),
    },
    approvalAbove: ctx.input.approvalAbove ?? ctx.settings.INVOICE_APPROVAL_ABOVE,
    paymentTermsDays: ctx.input.paymentTermsDays,
  }),
  run: ({ source, customer, lines: read, statedCurrency, taxRatePercent: rate, surelyRead, details: known, given, approvalAbove, paymentTermsDays }) => {
    const givenCurrency = given.currency && !ACCEPT.test(given.currency) ? given.currency : undefined;
    const currency = (givenCurrency ?? statedCurrency ?? known.currency ?? read.find((l) => l.unitPrice?.value.currency)?.unitPrice?.value.currency)!.toUpperCase();
    const lines = read.map((line) => {
      const unitPriceCents = toCents(line.unitPrice!.value.min);
      return { description: capitalise(line.description.value), quantity: line.quantity.value, unit: line.unit, unitPriceCents, amountCents: lineCents(line.quantity.value, unitPriceCents) };
    });
    const subtotalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
    const taxRatePercent = rate ?? 0;
    const tax = taxCents(subtotalCents, taxRatePercent);
    const vatId = given.vatId ?? known.vatId;
    const invoice: InvoiceDraft = {
      customer: { name: customer, address: given.address ?? known.address!, vatId: vatId === NO_VAT_ID ? null : vatId, email: given.email ?? known.email },
      currency,
      lines,
      subtotalCents,
      taxRatePercent,
      taxCents: tax,
      totalCents: subtotalCents + tax,
      paymentTermsDays,
    };
    const evidence = read.map((line, i) => (read.length > 1 ? `${evidenceOf(source, line)} (${formatMoney(lines[i]!.amountCents, currency)})` : evidenceOf(source, line)));
    const reasons = [
      invoice.totalCents > toCents(approvalAbove) ? `it is above ${formatMoney(toCents(approvalAbove), currency)}` : null,
      surelyRead ? null : 'you have not seen the amount yet and not every line was read surely',
    ].filter((reason): reason is string => reason !== null);
    return { invoice, approvalAbove, needsApproval: reasons.length > 0, evidence, waitsBecause: reasons };
  },
});

/** The invoice's lines as the operator would type them, so Edit's form reads them back unchanged: "3 days Consulting at 800.00 EUR; 1 item Travel at 340.00 EUR". */
export const linesAsTyped = (invoice: Pick<InvoiceDraft, 'lines' | 'currency'>) =>
  invoice.lines.map((line) => `${line.quantity} ${line.unit}${line.quantity === 1 ? '' : 's'} ${line.description} at ${formatMoney(line.unitPriceCents, invoice.currency)}`).join('; ');

const approveInvoice = step.approval({
  key: 'approve-invoice',
  title: 'Approve the invoice',
  when: (ctx) => ctx.output(prepareInvoice).needsApproval,
  // Approve with changes: what the invoice will say, each value as the plan holds it (read, remembered or answered).
  edits: {
    'customer.name': { label: 'Customer', value: (plan) => plan.output(prepareInvoice).invoice.customer.name },
    lines: { label: 'Lines (count, unit, what, price; separated by ";")', value: (plan) => linesAsTyped(plan.output(prepareInvoice).invoice) },
    'customer.email': { label: 'Send to (e-mail)', value: (plan) => plan.output(prepareInvoice).invoice.customer.email ?? '' },
    'customer.address': { label: 'Billing address', value: (plan) => plan.output(prepareInvoice).invoice.customer.address },
    'customer.vatId': { label: `VAT ID ("${NO_VAT_ID}" if they have none)`, value: (plan) => plan.output(prepareInvoice).invoice.customer.vatId ?? NO_VAT_ID },
  },
  summary: (ctx) => {
    const { invoice, evidence, waitsBecause } = ctx.output(prepareInvoice);
    const lines = invoice.lines.map((l) => `${l.quantity} ${l.unit} ${l.description} at ${formatMoney(l.unitPriceCents, invoice.currency)}`).join('; ');
    const tax = invoice.taxRatePercent > 0 ? ` incl. ${invoice.taxRatePercent}% tax` : '';
    const stated = reading(ctx).email;
    const recipient = stated && stated.value === invoice.customer.email && stated.evidence.kind === 'span' ? ` (from '${stated.evidence.span.text}' in the request)` : '';
    const { fromFacts } = ctx.output(customerDetails);
    const billing = `Bill to: ${invoice.customer.address}${invoice.customer.vatId ? `, VAT ID ${invoice.customer.vatId}` : ''}${fromFacts.length > 0 ? ` (${fromFacts.join('; ')})` : ''}.`;
    return `Invoice ${invoice.customer.name} ${formatMoney(invoice.totalCents, invoice.currency)}${tax} (${lines}), to ${invoice.customer.email}${recipient}. ${billing} Amount: ${formatMoney(invoice.subtotalCents, invoice.currency)} from ${evidence.join(' + ')}. It waits for you because ${waitsBecause.join(' and ')}.`;
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
  // An invoice or a question nobody answers within half a working day goes up the escalation chain
  // (thread, direct message, e-mail); a deadline never sends an invoice by itself.
  gateDeadline: { afterMinutes: 4 * 60, then: 'escalate' },
  description: 'Invoice a customer: read the request, recall their details, ask for what is missing, approve large ones, issue (HTML + PDF) with the next number, e-mail it.',
  input: Input,
  freeTextField: 'request',
  plan: () => [
    readRequest,
    checkRequest,
    askCustomer,
    askLines,
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

/** Descriptions are read as written ("consulting"); an invoice line starts with a capital. */
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
