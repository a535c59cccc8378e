// Every amount of money a request states must be accounted for by the lines read, before the plan
// may bill them unasked. This is a second reading of the same text, independent of how the line
// reader paired counts with prices: it takes every money mention (a number with its currency) and
// asks whether the lines explain it, as a unit price, a count, a line's total, the subtotal, the tax
// or the total with tax, or whether its own clause says it is not billed (a deposit, money already
// paid or invoiced). An amount nothing explains is money the writer mentioned that the invoice
// would not show, or show differently: the line reader missed a line or paired it wrong. Likewise a
// stated total that is not the sum of the lines. Either way the two readings disagree, so the plan
// asks, quoting the sentence and offering the lines read.
import { clauseAround } from './hedges.ts';
import { SELF_CORRECTION, type LineRead } from './invoice-lines.ts';
import { amountAt, formatAmount, lineCents, readMoney, taxCents, toCents, type MoneyMention, type MoneyValue } from './money.ts';
import { readNumbers, type DecimalMark } from './numbers.ts';
import { within, type Region } from './message.ts';
import type { Field } from './field.ts';

/** Words that make an amount money already paid, received or billed before: history, not a charge now. */
const NOT_BILLED_NOW = /\b(?:paid|(?:already|last (?:time|month|year|week)|previously|we)\s+(?:\w+\s+)?(?:invoiced|billed|charged)|previous invoice|last invoice|deposit|advance payment|prepaid|pre-paid|prepayment|down payment|already (?:received|transferred)|anzahlung|bezahlt|acompte|payé|anticipo|pagad[oa]|pagato|aanbetaling|betaald)\b/iu;

type Lines = Pick<LineRead, 'quantity' | 'unitPrice'>[];

const spanOf = (field: Field<unknown> | null) => (field?.evidence.kind === 'span' ? [field.evidence.span] : []);
const overlaps = (a: Region, b: Region) => a.start < b.end && b.start < a.end;

/** The amounts, in cents, that the lines read make: each line's total, the subtotal, and with a tax rate the tax and the total with it. */
function amountsOfLines(lines: Lines, taxRatePercent: number | null): Set<number> {
  const totals = lines.flatMap((l) => (l.unitPrice ? [lineCents(l.quantity.value, toCents(l.unitPrice.value.min))] : []));
  const subtotal = totals.reduce((sum, cents) => sum + cents, 0);
  const tax = taxRatePercent === null ? [] : [taxCents(subtotal, taxRatePercent), subtotal + taxCents(subtotal, taxRatePercent)];
  return new Set([...totals, subtotal, ...tax]);
}

/**
 * What the words right around an amount say it is, read apart from the lines: a charge, a reduction ("minus 50 EUR", "20 EUR off"),
 * the total ("so 400 EUR", "1,190 EUR in total") or a part of another amount ("incl. 200 EUR for the assistant").
 */
type Role = 'charge' | 'reduction' | 'total' | 'part';
const REDUCTION_BEFORE = /(?<!\p{L})(?:minus|less|discount(?: of)?|rebate(?: of)?|credit(?: of)?|deduct(?:ing)?|abzüglich|abzgl\.|Rabatt(?: von)?|Nachlass(?: von)?|remise(?: de)?|moins|descuento(?: de)?|menos|sconto(?: di)?|korting(?: van)?|minder)[ \t]*(?:the |a |an |de |di |van )?$/iu;
const REDUCTION_AFTER = /^[ \t]*(?:off|discount|rebate|goodwill|credit|Rabatt|Nachlass|de remise|de réduction|de descuento|di sconto|korting)(?!\p{L})/iu;
const TOTAL_BEFORE = /(?:(?<!\p{L})(?:total(?: (?:of|is|with (?:VAT|tax)))?|in total|so|that's|that is|that makes|makes|altogether|all in|overall|insgesamt|gesamt|Summe|soit|au total|en total|in totale|totaal|totalt|i alt|razem)[ \t]*:?|=)[ \t]*$/iu;
const TOTAL_AFTER = /^[ \t]*(?:total|in total|all in|all-in|altogether|overall|insgesamt|gesamt|au total|en total|in totale|totaal)(?!\p{L})/iu;
const PART_BEFORE = /(?<!\p{L})(?:incl\.?|including|inkl\.?|inklusive|of which|davon|dont|di cui|waarvan)[ \t]*$/iu;

/** A form's label and nothing else before the amount on its line: "line1_price=", "Amount:". */
const FORM_LABEL = /^[ \t]*[\p{L}_][\p{L}\d_ ()-]{0,30}[:=][ \t]*$/u;

function roleOf(text: string, span: Region, clauseStart: number): Role {
  if (FORM_LABEL.test(text.slice(text.lastIndexOf('\n', span.start - 1) + 1, span.start))) return 'charge';
  const before = text.slice(Math.max(clauseStart, span.start - 30), span.start);
  const after = text.slice(span.end, span.end + 20);
  if (REDUCTION_BEFORE.test(before) || REDUCTION_AFTER.test(after)) return 'reduction';
  if (PART_BEFORE.test(before)) return 'part';
  if (TOTAL_BEFORE.test(before) || TOTAL_AFTER.test(after)) return 'total';
  return 'charge';
}

/** What the lines read fail to do with an amount in each role, as the question says it. */
const UNACCOUNTED: Record<Role, string> = {
  charge: 'is on no line read',
  reduction: 'reads as a reduction, and no line read takes it off',
  total: 'reads as the total, and the lines read do not make it',
  part: 'reads as part of another amount, and the lines read bill it again',
};

/** Is this money mention explained by the lines read, in the role its own words give it, or said not to be billed now? */
function explained(text: string, mention: MoneyMention, span: Region, lines: Lines, taxRatePercent: number | null): boolean {
  const { min, max } = mention.value;
  // A range is no amount to bill; the line reader asks about it where it prices a line.
  if (min !== max) return true;
  const cents = toCents(min);
  const sentence = clauseAround(text, span.start, span.end);
  // "35 EUR/page, no wait, 32": an amount the writer takes back is replaced, not billed (the line reader shows the correction).
  // Money already paid or billed is history; whether to deduct it is asked by the line reader.
  if (NOT_BILLED_NOW.test(sentence.text) || SELF_CORRECTION.test(text.slice(span.end, sentence.end))) return true;
  // Read from this very span with this value: as a line's price, or as its count ("Hours: 22"). A span with another value read from
  // it (a price whose count of one points at it, a price read ten times over) is not accounted for by it.
  const readHere = (field: Field<number> | null) => field !== null && spanOf(field).some((read) => overlaps(read, span)) && toCents(field.value) === cents;
  const readFromHere = (l: Lines[number]) => readHere(l.quantity) || readHere(l.unitPrice && { ...l.unitPrice, value: l.unitPrice.value.min });
  switch (roleOf(text, span, sentence.start)) {
    // A reduction is billed as a line of its own below zero, never as a charge.
    case 'reduction':
      return lines.some((l) => l.unitPrice && toCents(l.unitPrice.value.min) === -cents);
    // A part of another amount is inside it, not billed again.
    case 'part':
      return !lines.some(readFromHere);
    // A total is what the lines make (with or without the tax), never a line beside them; or the one line when nothing else is billed.
    case 'total':
      return lines.some(readFromHere) ? lines.length === 1 : amountsOfLines(lines, taxRatePercent).has(cents);
    case 'charge':
      // A rate said twice ("my rate is 90 €/h ... 5 h at 90 €") is the same price.
      return lines.some(readFromHere) || amountsOfLines(lines, taxRatePercent).has(cents) || lines.some((l) => l.unitPrice && toCents(l.unitPrice.value.min) === cents);
  }
}

/**
 * Why the lines read do not account for the money the request states, quoting the sentence and
 * the lines read, or null when they do. `regions` are the request's own words; `skip` holds spans
 * read as other fields (an address, a VAT ID), whose numbers are no money.
 */
export function moneyNotAccountedFor(
  text: string,
  regions: Region[],
  skip: Region[],
  style: DecimalMark | null,
  reading: { lines: Lines; taxRatePercent: number | null; statedTotal: Field<MoneyValue> | null },
): string | null {
  const { lines, taxRatePercent, statedTotal } = reading;
  if (lines.length === 0 || lines.some((l) => !l.unitPrice)) return null;
  const read = readLinesAsSaid(lines);
  if (statedTotal && statedTotal.evidence.kind === 'span' && !amountsOfLines(lines, taxRatePercent).has(toCents(statedTotal.value.min))) {
    return `the stated total "${statedTotal.evidence.span.text}" is not the sum of the lines read (${read})`;
  }
  const mentions = [...readMoney(text, style), ...pricesWithoutCurrency(text, style)].filter(
    (m) => m.evidence.kind === 'span' && within(regions, m.evidence.span.start, m.evidence.span.end) && !skip.some((s) => overlaps(s, m.evidence.kind === 'span' ? m.evidence.span : s)),
  );
  for (const mention of mentions) {
    if (mention.evidence.kind !== 'span' || explained(text, mention, mention.evidence.span, lines, taxRatePercent)) continue;
    const { span } = mention.evidence;
    const sentence = clauseAround(text, span.start, span.end);
    return `"${span.text}" in "${sentence.text.trim()}" ${UNACCOUNTED[roleOf(text, span, sentence.start)]} (${read})`;
  }
  return null;
}

/** Words before a number that make it a price with no currency written: "2 newsletters at 140", "6 h @ 90", "3 x 250", "à 80". */
const PRICE_CUE = /(?:(?<!\p{L})(?:at|à|zu|je)|@|[x×*])[ \t]?$/iu;
const TAX_WORD = /(?<!\p{L})(?:vat|tax|gst|hst|mwst|ust|tva|iva|btw|moms|mva|kdv|alv)(?!\p{L})/iu;
/** A form's label that makes the number after it a price: "Rate: 130", "Hourly rate (EUR): 70", "unit price 18.00", "item_1_price=240.00", "Einzelpreis:". */
const PRICE_LABEL = /(?:price|rate|preis|prix|precio|prezzo|prijs|pris|satz|tarif)(?:[ \t]*\([A-Z]{3}\))?[ \t]*[:=]?[ \t]*$/iu;
/**
 * What may follow such a price: the end of its clause, a rate's unit ("/h", "each", "per day") or the next item. Not a word that
 * makes it a count ("2 people x 3 days"), a time ("at 10:30", "at 5pm") or a percentage.
 */
const PRICE_ENDS = /^(?:[ \t]*(?:$|[,;!?)\n]|[.](?!\d)|\/|[-–—+]|(?:each|per|apiece|and|plus|und|et|y)(?!\p{L})))/iu;

/** Numbers said as prices with no currency beside them ("3 posters at 90", "Rate: 130"): money all the same, to be accounted for. */
function pricesWithoutCurrency(text: string, style: DecimalMark | null): MoneyMention[] {
  return readNumbers(text, style)
    .filter((token) => {
      const before = text.slice(text.lastIndexOf('\n', token.start - 1) + 1, token.start);
      // "vat_rate: 25", "Tax rate: 8.25%": a tax's rate is a percentage, read as the tax rate, not a price.
      const taxRate = TAX_WORD.test(before) || /^[ \t]?%/.test(text.slice(token.end));
      return !taxRate && ((PRICE_CUE.test(before.slice(-6)) && PRICE_ENDS.test(text.slice(token.end))) || PRICE_LABEL.test(before.slice(-30)));
    })
    .map((token) => amountAt(text, token))
    .filter((mention) => mention.value.currency === null);
}

/** The lines read as the question offers them: "3 × 90 EUR + 1 × 40 EUR". */
function readLinesAsSaid(lines: Lines): string {
  return lines.map((l) => `${l.quantity.value} × ${formatAmount(l.unitPrice!.value.min, l.unitPrice!.value.currency)}`).join(' + ');
}
