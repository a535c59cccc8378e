/**
 * Invoice requests (test/fixtures/reading/invoices.json) read by src/reading/invoice.ts, against
 * the rules invoicing used before issue 11 (bench/baselines/invoice-rules.ts), same run.
 *
 * A field is right when the value that would reach the invoice is the labeled one and is not
 * asked, or when the label is null (the text does not say it) and the plan asks or leaves it
 * empty; where the label's behaviour asks about customer, lines or currency, asking is right. Lines are right when their line totals match (a timesheet may be one line per day or one
 * summed line: then the subtotal and the unit prices must match); money is the subtotal; contact
 * is e-mail, VAT ID and address together. A silent error is a case where a wrong value (customer,
 * a line, currency, tax rate, recipient, VAT ID, address) would reach the invoice with no question
 * and without the approval that shows them all, the approval threshold aside (as if every amount
 * were below it); a request that is no invoice request but would be issued counts too.
 */
import { z } from 'zod';
import { readRequestByRules, type RulesReading } from '../baselines/invoice-rules.ts';
import { accuracy, p95Ms, type CorpusCase, type Figure, type Split } from '../reading.ts';
import { fieldsToAsk, linesGroundedSurely, readInvoiceRequest, type InvoiceField, type InvoiceReading } from '../../src/reading/invoice.ts';
import { toCents } from '../../src/reading/money.ts';

export const kind = 'invoices';

const Expected = z.object({
  customer: z.string().nullable(),
  lines: z.array(z.object({ description: z.string(), quantity: z.number().nullable(), unit: z.string().nullable(), unitPrice: z.number().nullable() })),
  currency: z.string().nullable(),
  subtotal: z.number().nullable(),
  taxRatePercent: z.number().nullable(),
  email: z.string().nullable(),
  vatId: z.string().nullable(),
  address: z.string().nullable(),
});
const Behaviour = z.discriminatedUnion('do', [
  z.object({ do: z.literal('act') }),
  z.object({ do: z.literal('ask'), fields: z.array(z.string()) }),
  z.object({ do: z.literal('refuse'), why: z.string() }),
]);
type Labeled = { id: string; split: Split; text: string; expected: z.infer<typeof Expected>; behaviour: z.infer<typeof Behaviour> };

/** What a reader's result amounts to once the plan has decided what to ask. */
export type Outcome = {
  refused: boolean;
  asked: InvoiceField[];
  /** The amount is shown to the operator before the invoice goes out (whatever the threshold). */
  shown: boolean;
  customer: string | null;
  lines: { quantity: number; unitPrice: number | null }[];
  currency: string | null;
  taxRatePercent: number | null;
  email: string | null;
  vatId: string | null;
  address: string | null;
};

export function outcomeOfReading(text: string, read: InvoiceReading): Outcome {
  return {
    refused: read.intent === 'other',
    asked: fieldsToAsk(text, read),
    shown: !linesGroundedSurely(text, read),
    customer: read.customer?.value ?? null,
    lines: read.lines.map((l) => ({ quantity: l.quantity.value, unitPrice: l.unitPrice && l.unitPrice.value.min === l.unitPrice.value.max ? l.unitPrice.value.min : null })),
    currency: read.currency?.value ?? null,
    taxRatePercent: read.taxRatePercent?.value ?? null,
    email: read.email?.value ?? null,
    vatId: read.vatId?.value ?? null,
    address: read.address?.value ?? null,
  };
}

/** The old workflow: no customer or no priced line is a hand-back; a missing currency is asked; the rest acts. */
function outcomeOfRules(read: RulesReading): Outcome {
  const handBack = !read.customer || read.lines.length === 0 || read.lines.some((l) => l.quantity <= 0 || l.unitPrice < 0);
  return {
    refused: handBack,
    asked: handBack ? [] : read.currency ? [] : ['currency'],
    shown: false,
    customer: read.customer,
    lines: read.lines.map((l) => ({ quantity: l.quantity, unitPrice: l.unitPrice })),
    currency: read.currency,
    taxRatePercent: read.taxRatePercent,
    email: null,
    vatId: null,
    address: null,
  };
}

const same = (a: string | null, b: string | null, normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim()) =>
  a === null || b === null ? a === b : normalise(a) === normalise(b);
const compact = (s: string) => s.replace(/[\s.-]/g, '').toUpperCase();

/** The label asks the operator about this field: asking is then the right reading. */
const labelAsks = (c: Labeled, field: string) => c.behaviour.do === 'ask' && c.behaviour.fields.includes(field);

function linesRight(c: Labeled, o: Outcome): boolean {
  const expected = c.expected.lines;
  if (labelAsks(c, 'lines')) return o.asked.includes('lines');
  if (c.expected.subtotal === null) return o.refused || o.asked.includes('lines') || o.lines.length === 0;
  if (o.asked.includes('lines') || o.refused || o.lines.some((l) => l.unitPrice === null)) return false;
  const totals = (lines: { quantity: number | null; unitPrice: number | null }[]) => lines.map((l) => toCents((l.quantity ?? 1) * (l.unitPrice ?? 0))).sort((a, b) => a - b);
  const prices = (lines: { unitPrice: number | null }[]) => [...new Set(lines.map((l) => toCents(l.unitPrice ?? 0)))].sort((a, b) => a - b);
  const subtotal = totals(o.lines).reduce((a, b) => a + b, 0);
  return JSON.stringify(totals(o.lines)) === JSON.stringify(totals(expected)) || (subtotal === toCents(c.expected.subtotal) && JSON.stringify(prices(o.lines)) === JSON.stringify(prices(expected)));
}

function subtotalRight(c: Labeled, o: Outcome): boolean {
  if (labelAsks(c, 'lines')) return o.asked.includes('lines');
  if (c.expected.subtotal === null) return o.refused || o.asked.includes('lines') || o.lines.length === 0;
  if (o.asked.includes('lines') || o.refused) return false;
  return o.lines.reduce((sum, l) => sum + toCents(l.quantity * (l.unitPrice ?? 0)), 0) === toCents(c.expected.subtotal);
}

/** An asked or empty field is right when the label is null; a stated one must match. */
function askedFieldRight(expected: string | null, read: string | null, asked: boolean, refused: boolean, normalise?: (s: string) => string): boolean {
  if (expected === null) return refused || asked || read === null;
  return !asked && !refused && same(expected, read, normalise);
}

const FIELDS: [string, (c: Labeled, o: Outcome) => boolean][] = [
  ['customer', (c, o) => (labelAsks(c, 'customer') ? o.asked.includes('customer') : askedFieldRight(c.expected.customer, o.customer, o.asked.includes('customer'), o.refused))],
  ['lines', linesRight],
  ['money', subtotalRight],
  ['currency', (c, o) => (labelAsks(c, 'currency') ? o.asked.includes('currency') : askedFieldRight(c.expected.currency, o.currency, o.asked.includes('currency'), o.refused))],
  ['tax_rate', (c, o) => (o.refused ? c.expected.taxRatePercent === null : o.taxRatePercent === c.expected.taxRatePercent)],
  ['email', (c, o) => same(c.expected.email, o.refused ? null : o.email)],
  ['vat_id', (c, o) => same(c.expected.vatId, o.refused ? null : o.vatId, compact)],
  ['address', (c, o) => same(c.expected.address, o.refused ? null : o.address)],
  ['contact', (c, o) => same(c.expected.email, o.refused ? null : o.email) && same(c.expected.vatId, o.refused ? null : o.vatId, compact) && same(c.expected.address, o.refused ? null : o.address)],
  ['behaviour', behaviourRight],
];

function behaviourRight(c: Labeled, o: Outcome): boolean {
  if (c.behaviour.do === 'refuse') return o.refused;
  if (o.refused) return false;
  if (c.behaviour.do === 'act') return o.asked.length === 0;
  const wanted = c.behaviour.fields.filter((f) => f === 'customer' || f === 'lines' || f === 'currency');
  return wanted.every((f) => o.asked.includes(f)) && o.asked.length > 0;
}

/** Wrong values that would reach the invoice unasked and unseen. */
export function silentError(c: Labeled, o: Outcome): boolean {
  // Refused, or shown for approval (customer, lines, amount, tax, recipient, VAT ID and address): not silent.
  if (o.refused || o.shown) return false;
  if (c.behaviour.do === 'refuse') return o.asked.length === 0;
  const wrong = [
    !o.asked.includes('customer') && !same(c.expected.customer, o.customer),
    !o.asked.includes('lines') && !linesRight(c, o),
    !o.asked.includes('currency') && !same(c.expected.currency, o.currency),
    o.taxRatePercent !== c.expected.taxRatePercent,
    o.email !== null && !same(c.expected.email, o.email),
    o.vatId !== null && !same(c.expected.vatId, o.vatId, compact),
    o.address !== null && !same(c.expected.address, o.address),
  ];
  return wrong.some(Boolean);
}

export function labeled(cases: CorpusCase[]): Labeled[] {
  return cases.map((c) => ({ id: c.id, split: c.split, text: c.text, expected: Expected.parse(c.expected), behaviour: Behaviour.parse(c.behaviour) }));
}

export async function* evaluate(cases: CorpusCase[]): AsyncGenerator<Figure> {
  const all = labeled(cases);
  const outcomes = new Map<Labeled, { readers: Outcome; rules: Outcome }>();
  for (const c of all) outcomes.set(c, { readers: outcomeOfReading(c.text, await readInvoiceRequest(c.text)), rules: outcomeOfRules(readRequestByRules(c.text)) });
  for (const split of ['test', 'dev'] as const) {
    const inSplit = all.filter((c) => c.split === split);
    for (const [name, right] of FIELDS) {
      const goal = ['customer', 'lines', 'money', 'currency', 'contact'].includes(name) ? '>= 0.9' : undefined;
      yield {
        metric: `${name}_accuracy`,
        split,
        value: accuracy(inSplit, (c) => right(c, outcomes.get(c)!.readers)),
        unit: 'ratio',
        baseline: { name: 'rules-before-issue-11', value: accuracy(inSplit, (c) => right(c, outcomes.get(c)!.rules)) },
        ...(goal ? { goal } : {}),
      };
    }
    yield {
      metric: 'silent_errors',
      split,
      value: inSplit.filter((c) => silentError(c, outcomes.get(c)!.readers)).length,
      unit: 'count',
      baseline: { name: 'rules-before-issue-11', value: inSplit.filter((c) => silentError(c, outcomes.get(c)!.rules)).length },
      goal: '0',
    };
  }
  const texts = all.map((c) => c.text);
  yield {
    metric: 'reading_ms_p95',
    value: await p95Ms(texts, readInvoiceRequest),
    unit: 'ms',
    baseline: { name: 'rules-before-issue-11', value: await p95Ms(texts, readRequestByRules) },
    goal: '< 20',
  };
}
