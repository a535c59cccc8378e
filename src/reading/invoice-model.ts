// A model's reading of an invoice request, checked against the text the way the rules' reading
// is: every number it gives must be a number written in the request, its customer a span of it,
// its currency named in it. Where the model and the rules disagree on an amount, a tax rate, the
// currency or the customer, or the model reads one the rules could not, the plan asks; the model
// never decides an amount or a party on its own word.
import { z } from 'zod';
import { spanAt, type Field } from './field.ts';
import type { InvoiceReading } from './invoice.ts';
import type { LineRead } from './invoice-lines.ts';
import { formatAmount, lineCents, readMoney, toCents } from './money.ts';
import { readNumbers, readNumberWords, type NumberToken } from './numbers.ts';
import { unitOf } from './units.ts';

/** What the model is asked for. Nullable rather than optional: OpenAI's structured output wants every field. */
export const ModelInvoiceAnswer = z.object({
  customer: z.string().nullable(),
  lines: z.array(z.object({ description: z.string(), quantity: z.number(), unit: z.string(), unitPrice: z.number() })),
  currency: z.string().nullable(),
  taxRatePercent: z.number().nullable(),
});
export type ModelInvoiceAnswer = z.infer<typeof ModelInvoiceAnswer>;

/** The rules' reading in the model's shape: the fallback when no model answers. */
export function answerOf(reading: InvoiceReading): ModelInvoiceAnswer {
  return {
    customer: reading.customer?.value ?? null,
    lines: reading.lines.flatMap((l) => (l.unitPrice ? [{ description: l.description.value, quantity: l.quantity.value, unit: l.unit, unitPrice: l.unitPrice.value.min }] : [])),
    currency: reading.currency?.value ?? null,
    taxRatePercent: reading.taxRatePercent?.value ?? null,
  };
}

const subtotalCents = (lines: { quantity: number; unitPrice: number }[]) => lines.reduce((sum, l) => sum + lineCents(l.quantity, toCents(l.unitPrice)), 0);

/** The model's answer as a reading: grounded where the text says the same, a problem where not. */
export function groundModelAnswer(text: string, answer: ModelInvoiceAnswer, rules: InvoiceReading): InvoiceReading {
  // What the text itself leaves open (two prices, a total that disagrees, two customers) stays open whoever reads it.
  const problems = [...rules.problems];
  const tokens = [...readNumbers(text), ...readNumberWords(text)];
  const numberSpan = (value: number, used: Set<NumberToken>) => {
    const token = tokens.find((t) => !used.has(t) && Math.abs(t.value - value) < 1e-9);
    if (token) used.add(token);
    return token ?? null;
  };

  const used = new Set<NumberToken>();
  const lines: LineRead[] = answer.lines.map((line) => {
    const price = numberSpan(line.unitPrice, used);
    const quantity = line.quantity === 1 ? (numberSpan(1, used) ?? price) : numberSpan(line.quantity, used);
    const missing = [!price && formatAmount(line.unitPrice, answer.currency), !quantity && String(line.quantity)].filter(Boolean);
    const problem = missing.length > 0 ? `the model read ${missing.join(' and ')}, which the request does not say` : null;
    const grounded = (value: number, token: NumberToken | null): Field<number> =>
      token ? { value, evidence: { kind: 'span', span: spanAt(text, token.start, token.end) }, confidence: 0.9, via: 'model' } : { value, evidence: { kind: 'none' }, confidence: 0, via: 'model' };
    const priceField = grounded(line.unitPrice, price);
    return {
      description: { value: line.description, evidence: { kind: 'none' }, confidence: 0.9, via: 'model' },
      quantity: grounded(line.quantity, quantity),
      unit: unitOf(line.unit) ?? 'item',
      unitPrice: { ...priceField, value: { min: line.unitPrice, max: line.unitPrice, currency: answer.currency, per: null } },
      problem,
    };
  });
  for (const line of lines) if (line.problem) problems.push({ field: 'lines', why: line.problem });

  // Where the rules price every line too, the two readings must agree on the amount (where they
  // cannot, their own problems already ask about the lines).
  const rulesLines = rules.lines.flatMap((l) => (l.unitPrice && !l.problem ? [{ quantity: l.quantity.value, unitPrice: l.unitPrice.value.min }] : []));
  if (rulesLines.length > 0 && rulesLines.length === rules.lines.length) {
    const model = subtotalCents(answer.lines);
    const byRules = subtotalCents(rulesLines);
    if (model !== byRules) problems.push({ field: 'lines', why: `the model read ${formatAmount(model / 100, answer.currency)}, the rules read ${formatAmount(byRules / 100, rules.currency?.value ?? null)}` });
  }
  if (answer.lines.length === 0) problems.push({ field: 'lines', why: 'no line with a quantity and a price' });
  // The question offers the best reading: the rules' grounded lines where the model's do not hold.
  const modelHolds = lines.every((l) => l.problem === null) && problems.every((p) => p.field !== 'lines' || !p.why.startsWith('the model'));
  const bestLines = !modelHolds && rulesLines.length > 0 && rulesLines.length === rules.lines.length ? rules.lines : lines;

  const customer = groundText(text, answer.customer);
  if (answer.customer && !customer) problems.push({ field: 'customer', why: `the model read "${answer.customer}", which the request does not name` });
  if (customer && rules.customer && customer.value.toLowerCase() !== rules.customer.value.toLowerCase() && !rules.customer.value.toLowerCase().includes(customer.value.toLowerCase())) {
    problems.push({ field: 'customer', why: `the model read "${customer.value}", the rules "${rules.customer.value}"` });
  }
  // A customer only the model finds is a party on the model's word alone: offered, and asked.
  if (customer && !rules.customer) problems.push({ field: 'customer', why: `the model read "${customer.value}", the rules found no customer` });

  const currencyMention = answer.currency ? readMoney(text).find((m) => m.value.currency === answer.currency!.toUpperCase()) : undefined;
  const currency: Field<string> | null = answer.currency
    ? currencyMention && currencyMention.evidence.kind === 'span'
      ? { value: answer.currency.toUpperCase(), evidence: currencyMention.evidence, confidence: 0.9, via: 'model' }
      : groundText(text, answer.currency.toUpperCase())
    : null;
  if (answer.currency && !currency) problems.push({ field: 'currency', why: `the model read ${answer.currency}, which the request does not name` });
  if (currency && rules.currency && currency.value !== rules.currency.value) problems.push({ field: 'currency', why: `the model read ${currency.value}, the rules ${rules.currency.value}` });

  const tax = answer.taxRatePercent === null ? null : tokens.find((t) => t.value === answer.taxRatePercent && /^\s?%/.test(text.slice(t.end, t.end + 2)));
  // A tax rate changes the amount billed: one the two readings disagree on is asked with the lines.
  if (answer.taxRatePercent !== (rules.taxRatePercent?.value ?? null)) {
    problems.push({ field: 'lines', why: `the model read a tax rate of ${answer.taxRatePercent}%, the rules ${rules.taxRatePercent ? `${rules.taxRatePercent.value}%` : 'none'}` });
  }
  return {
    ...rules,
    customer,
    lines: bestLines,
    currency,
    taxRatePercent: tax ? { value: tax.value, evidence: { kind: 'span', span: spanAt(text, tax.start, tax.end) }, confidence: 0.9, via: 'model' } : rules.taxRatePercent,
    problems,
  };
}

/** A value the model gave, found in the text (case-insensitively) as its span; null if it is not there. */
function groundText(text: string, value: string | null): Field<string> | null {
  if (!value || value.trim() === '') return null;
  const at = text.toLowerCase().indexOf(value.trim().toLowerCase());
  if (at < 0) return null;
  const span = spanAt(text, at, at + value.trim().length);
  return { value: span.text, evidence: { kind: 'span', span }, confidence: 0.9, via: 'model' };
}

