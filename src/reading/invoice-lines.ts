// The line items of an invoice request: "5 days @ $1,100", "2 workshops x 1.200 € + travel 340 €",
// "retainer Nov €2.500, 6h support à 90 €, hosting 49 €/month x 3". The request is cut into
// clauses; in each, every price is paired with the quantity that counts it (a number with a unit,
// "N x", a number before a noun, or one when nothing is counted), and what remains of the clause
// describes it. A price given as alternatives ("700 or 750") or a range is no price: the line is
// kept without one, with the reason, so the plan asks.
import nlp from 'compromise';
import { z } from 'zod';
import { fieldOf, spanAt, type Field } from './field.ts';
import { amountAt, MoneyValue, readMoney } from './money.ts';
import { readNumbers, readNumberWords, type DecimalMark, type NumberToken } from './numbers.ts';
import { within, type Region } from './message.ts';
import { isMinutesOfHours, isMinutesWord, quantityAt } from './quantity.ts';
import { UNITS, unitOf, type Unit } from './units.ts';

export const LineRead = z.object({
  description: fieldOf(z.string()),
  quantity: fieldOf(z.number().positive()),
  unit: z.enum(UNITS),
  /** null when the request gives no single price for the line. */
  unitPrice: fieldOf(MoneyValue).nullable(),
  /** Why the line cannot be priced as read ("two prices: 700 or 750"), or null. */
  problem: z.string().nullable(),
});
export type LineRead = z.infer<typeof LineRead>;

export type LinesRead = {
  lines: LineRead[];
  /** Numbers in the request the lines do not account for, said as a reason to confirm them; null when all are. */
  doubtful: string | null;
  /** A total the request states ("= 4,000 EUR"), to be checked against the lines. */
  statedTotal: Field<MoneyValue> | null;
};

/** Where one clause of a request ends: ";", ", ", " + ", " and ", " plus ", a new line, a sentence end. */
// A stop followed by a lower-case word or a sign ("12 Std. à CHF 140", "2 godz. × 150 zł") ends an abbreviation, not a clause.
const CLAUSE_BREAK = /;|,(?=\s)|\s\+\s?|\s(?:and|plus|und|dazu|et|y|och|oraz|also|as well as)\s|\r?\n|[.!?](?=\s(?!\s*(?:\p{Ll}|[x×*@]\s)))|:\s|\s[—–-]\s/giu;
const DISCOUNT = /\b(?:discount|off|rebate|rabatt|nachlass|remise|réduction|descuento|sconto|korting|minus|less|abzüglich)\b/iu;
const PRICE_CUE = /(?:\bat|@|\bà|\bfor|\bzu|\bje|[x×*=])\s?$/iu;
const TOTAL_CUE = /(?:=|\btotal(?:ling)?|\bin total|\binsgesamt|\bgesamt|\bsumme|\bsum of|\bcomes to)\s?:?\s?$/iu;
/** Words that make an amount money already paid, received or billed (a deposit, last month's invoice), not something to bill now. */
/** A word that says the amount after it is the total (no "=", which also ends a line's own arithmetic). */
const TOTAL_WORD_BEFORE = /\b(?:total(?:ling)?|in total|insgesamt|gesamt|summe|sum of|comes to)\s?:?\s?$/iu;
const PAID = /\b(?:paid|(?:already|last (?:time|month|year|week)|previously|we)\s+(?:\w+\s+)?(?:invoiced|billed|charged)|deposit|advance payment|prepaid|pre-paid|prepayment|down payment|already (?:received|transferred)|anzahlung|bezahlt|acompte|payé|anticipo|pagad[oa]|pagato|aanbetaling|betaald)\b/iu;
/** Words that tie a count to its price: "5 days @ $1,100", "2 workshops x 1.200 €", "6h support à 90 €". */
const PAIRING = /(?:(?<!\p{L})(?:at|à|for|zu|je|each|per|of|a|tegen|pour|por|a)|@|[x×*=:])\s?(?:\p{Sc}|[A-Z]{3})?\s?$/iu;
/**
 * The writer takes back what they just wrote ("35 EUR/page, no wait, 32", "6 days, sorry, 5", "4 days — no sorry, 3"): which
 * number the correction replaces is a guess, so the lines go to the operator for approval.
 */
export const SELF_CORRECTION = /(?:\bno,?\s+wait\b|\bwait,?\s+no\b|\bno,?\s+sorry\b|\bsorry,?\s+no\b|\bnein,?\s+sorry\b|\bnon,?\s+pardon\b|[,—–-]\s*sorry\b|\bscratch that\b|\bmake that\b|\bi mean(?:t)?\b|\bcorrection\b|\bactually,|\bactually,?\s+make it\b|\bnein,?\s+(?:warte|doch)\b|\bkorrektur\b|\bpardon,|\bperdón,|\bcorrección\b)/iu;
const ALTERNATIVE = /^\s?(?:or|oder|ou|o)\s+(?:\p{Sc}\s?)?\d/iu;
/** Words a description never needs: the request's verbs, connectors and fillers. */
const FILLER = new Set(
  'a an the of for at à @ x × per each cada uno une un de la le les des du der die das für zu je in im and plus + to with our us me please pls also extra: - — – = netto net ht pauschal flat fee'.split(' '),
);

/**
 * "3 Std. 45 Min. IT-Support", "20 Stk. Poster": the stop after a counted unit's abbreviation is the abbreviation's, even
 * before a capital; after a unit written out ("3 days. Please ...") it ends the sentence.
 */
const UNIT_ABBREVIATION = /\d[^\S\n]?(std|min|mins|stk|hrs?|h|godz|wk|wks|mth|mths|yr|yrs|pcs|ea)$/iu;
const abbreviatedUnitBefore = (before: string) => {
  const word = UNIT_ABBREVIATION.exec(before)?.[1];
  return word !== undefined && (unitOf(word) !== null || isMinutesWord(word));
};

/** The clauses of the readable regions, as offsets. */
function clausesOf(text: string, regions: Region[]): Region[] {
  const clauses: Region[] = [];
  for (const region of regions) {
    let start = region.start;
    const part = text.slice(region.start, region.end);
    for (const cut of part.matchAll(CLAUSE_BREAK)) {
      if (cut[0].startsWith('.') && abbreviatedUnitBefore(part.slice(0, cut.index))) continue;
      clauses.push({ start, end: region.start + cut.index });
      start = region.start + cut.index + cut[0].length;
    }
    clauses.push({ start, end: region.end });
  }
  return clauses.filter((c) => c.end > c.start);
}

type Token = NumberToken & { role: 'price' | 'quantity' | 'bare' | 'total' | 'percent' };

/**
 * The line items a request states, read from the regions given (the chat line, or a pasted
 * e-mail's own words) outside the spans that hold other fields (the customer's name, IDs).
 */
export function readLines(text: string, regions: Region[], skip: Region[], style: DecimalMark | null): LinesRead {
  const tokens = [...readNumbers(text, style), ...readNumberWords(text)]
    .filter((t) => within(regions, t.start, t.end) && !skip.some((s) => t.start < s.end && t.end > s.start) && !isMinutesOfHours(text, t))
    .sort((a, b) => a.start - b.start)
    .map((t) => ({ ...t, role: roleOf(text, t) }));
  const lines: LineRead[] = [];
  // Lines priced with nothing counting them, and lines counted with no price: one rate may price the others.
  const uncounted = new Set<LineRead>();
  const unpriced = new Set<LineRead>();
  let statedTotal: Field<MoneyValue> | null = null;
  const statedCounts: Token[] = [];
  const used = new Set<Token>();
  // A form that numbers its line fields ("item_1_qty: 3", "line2_price=350") states its lines there and only there:
  // any other number in it (a tax ID, a rate) is no line, and one the reading cannot place still has the lines shown.
  const numbered = numberedFormLines(text, regions, tokens, used);
  if (numbered.length > 0) {
    const unexplained = tokens.filter((t) => !used.has(t) && !isReference(text, t) && !skip.some((s) => t.start < s.end && t.end > s.start));
    const doubtful = unexplained.length > 0 ? `"${unexplained.map((t) => t.text).join('", "')}" not accounted for` : null;
    return { lines: doubtful ? numbered.map((l) => ({ ...l, quantity: { ...l.quantity, confidence: Math.min(l.quantity.confidence, 0.6) } })) : numbered, statedTotal: null, doubtful };
  }
  // A line written as fields ("Logo design — 2 — EUR 300", "Logo | 2 | 300") is read field by field; the rest as clauses.
  const fielded = regions.flatMap((region) => fieldedLine(text, region, tokens, used) ?? []);
  lines.push(...fielded.map((f) => f.line));
  const clauses = clausesOf(text, regions.filter((r) => !fielded.some((f) => f.region === r)));
  // A range may cross a clause break ("between 2k and 3k"): it belongs to the clause it starts in.
  for (const range of readMoney(text, style)) {
    if (range.value.min === range.value.max || range.evidence.kind !== 'span') continue;
    const { span } = range.evidence;
    if (within(fielded.map((f) => f.region), span.start, span.start)) continue;
    const clause = clauses.find((c) => span.start >= c.start && span.start < c.end);
    if (!clause) continue;
    for (const t of tokens) if (t.start >= span.start && t.end <= span.end) used.add(t);
    const quantity = nearestBefore(tokens.filter((t) => t.start >= clause.start), span.start, used, ['quantity', 'bare']);
    if (quantity) used.add(quantity);
    lines.push(lineOf(text, { start: clause.start, end: Math.max(clause.end, span.end) }, quantity, null, span.start, span.end, `a range, not one price: "${span.text}"`));
  }
  for (const clause of clauses) {
    const inClause = tokens.filter((t) => t.start >= clause.start && t.end <= clause.end);
    for (const price of inClause.filter((t) => t.role === 'price' || t.role === 'total')) {
      if (used.has(price)) continue;
      // A form's rate field with its currency ("Rate: 18.00 EUR") beside a count field ("Quantity: 25") is the form's one line, read below.
      if (FORM_PRICE.test(linePrefix(text, price.start)) && tokens.some((t) => !used.has(t) && FORM_COUNT.test(linePrefix(text, t.start)))) continue;
      used.add(price);
      const mention = amountAt(text, price);
      const span = mention.evidence.kind === 'span' ? mention.evidence.span : spanAt(text, price.start, price.end);
      // "2 days at 600 EUR and 1 day at 300 EUR, 1,500 EUR in total": an amount said to be the total, beside other prices, is the total to check, not a line.
      const saysTotal = TOTAL_AFTER.test(text.slice(span.end, span.end + 16)) && tokens.some((t) => t !== price && t.role === 'price' && !(t.start >= span.start && t.end <= span.end));
      if (price.role === 'total' || saysTotal) {
        statedTotal = mention;
        continue;
      }
      const alternative = ALTERNATIVE.exec(text.slice(span.end));
      if (alternative) {
        const other = inClause.find((t) => t.start >= span.end && t.start <= span.end + alternative[0].length);
        if (other) used.add(other);
      }
      const counted = nearestBefore(inClause, span.start, used, ['quantity']) ?? nearestBefore(inClause, span.start, used, ['bare']);
      const before = counted ? countTimesCount(text, inClause, counted, used) : null;
      const quantity =
        before ??
        firstAfter(text, inClause, span.end, used) ??
        (mention.value.per === 'item' ? countEarlierInSentence(text, tokens, clause.start, span.text, used) : null);
      if (quantity) used.add(quantity);
      // "they already paid a 1,000 EUR deposit": money received is no charge, and whether it is deducted is the operator's call.
      const paid = PAID.test(text.slice(clause.start, clause.end));
      // "Prototype (10 days @ £600) ... £6,000.00": an amount on the same line that is a line's count times its price is that line's total, not another line.
      if (!quantity && !alternative && !paid && lines.some((l) => lineTotalOf(text, l, span, mention.value))) continue;
      // "€2.5k/month for Oct–Dec": a span of months counts them, but how many is the writer's to say.
      const spanned = !quantity && (mention.value.per === 'month' || mention.value.per === 'week') ? MONTH_SPAN.exec(text.slice(clause.start, clause.end)) : null;
      const problem = alternative
        ? `two prices: "${text.slice(span.start, span.end + alternative[0].length)}..."`
        : paid
          ? `"${span.text}" reads as money already paid, not a charge`
          : spanned
            ? `"${spanned[0]}" may count the ${mention.value.per}s: how many?`
            : null;
      const line = lineOf(text, clause, quantity, problem ? null : mention, span.start, span.end, problem);
      // "24 hours notice cancellation fee 200 EUR": a count far from a price with no "at", "x" or "per" between may count something else; shown first.
      const between = before ? text.slice(before.end, span.start) : '';
      const loose = before !== null && !/^\s?[x×*]/u.test(between) && !PAIRING.test(between) && between.trim().split(/\s+/).length > 2;
      // "2 people x 3 days": a count the reading multiplied out is arithmetic no span states; shown first.
      const multiplied = before !== null && before !== counted;
      const kept = loose || multiplied ? { ...line, quantity: { ...line.quantity, confidence: Math.min(line.quantity.confidence, 0.6) } } : line;
      if (!quantity && !problem) uncounted.add(kept);
      lines.push(kept);
    }
    // Work counted but not priced ("invoice Lumen Labs 40 hours") is a line whose price is asked.
    for (const quantity of inClause.filter((t) => t.role === 'quantity' && !used.has(t))) {
      used.add(quantity);
      // "Mon 3h / Tue 2h / total 5h": a count said to be the total is the sum to check, never a line of its own.
      if (TOTAL_CUE.test(linePrefix(text, quantity.start))) {
        statedCounts.push(quantity);
        continue;
      }
      const line = lineOf(text, clause, quantity, null, quantity.end, quantity.end, 'no price');
      unpriced.add(line);
      lines.push(line);
    }
  }
  // "2 days at 650 EUR and the travel": a thing to bill joined to a priced line, with no amount of its own; asked, never dropped.
  for (const [i, clause] of clauses.entries()) {
    const previous = clauses[i - 1];
    // Any digit ("+ 25% mva", "and 2 nights") makes it something other than a thing named alone.
    if (!previous || /\d/.test(text.slice(clause.start, clause.end))) continue;
    const joined = ITEM_JOIN.test(text.slice(previous.end, clause.start));
    const pricedBefore = lines.some((l) => l.unitPrice?.evidence.kind === 'span' && l.unitPrice.evidence.span.start >= previous.start && l.unitPrice.evidence.span.end <= previous.end);
    const item = joined && pricedBefore ? billableItem(text, clause) : null;
    if (item) lines.push(lineOf(text, clause, null, null, item.start, item.end, `"${item.text}" is to be billed, but no amount is given`));
  }
  // "3 label designs @ 400 + rush fee 150", "6 spreads at 300 each, and the cover 450": a thing to bill joined to a priced line, its
  // amount last and bare, is a line at that amount. Its place, not a currency or "at", makes it a price: shown before it is used.
  for (const [i, clause] of clauses.entries()) {
    const previous = clauses[i - 1];
    const inClause = tokens.filter((t) => t.start >= clause.start && t.end <= clause.end && !used.has(t));
    const [amount] = inClause;
    // The amount ends its clause, or its sentence ("rush fee 150. usd").
    if (!previous || !amount || inClause.length !== 1 || amount.role !== 'bare' || !/^\s*(?:[.!;](?:\s|$)|$)/u.test(text.slice(amount.end, clause.end))) continue;
    const pricedBefore = lines.some((l) => l.unitPrice?.evidence.kind === 'span' && l.unitPrice.evidence.span.start >= previous.start && l.unitPrice.evidence.span.end <= previous.end);
    const item = ITEM_JOIN.test(text.slice(previous.end, clause.start).replace(/^,/, '')) && pricedBefore ? billableItem(text, { start: clause.start, end: amount.start }) : null;
    if (!item) continue;
    used.add(amount);
    const line = lineOf(text, clause, null, amountAt(text, amount), amount.start, amount.end, null);
    lines.push({ ...line, quantity: { ...line.quantity, confidence: Math.min(line.quantity.confidence, 0.6) } });
  }
  // "at 70 €/h:\nMon 3h\nTue 4,5h\nWed 2h": one rate stated once for counts listed on their own, each in its unit, prices them all.
  const [rate, ...otherRates] = [...uncounted];
  // Not when the request speaks of money already paid or billed: those counts may be the paid ones.
  const ratePer = rate?.unitPrice ? (rate.unitPrice.value.per ?? namedRate(text, rate.unitPrice)) : null;
  if (rate?.unitPrice && otherRates.length === 0 && !PAID.test(text) && unpriced.size > 0 && lines.length === unpriced.size + 1 && [...unpriced].every((l) => l.unit === ratePer)) {
    // Counts written apart from the rate are paired with it by the reading, not by the text: shown first.
    lines.splice(0, lines.length, ...[...unpriced].map((l) => ({ ...l, quantity: { ...l.quantity, confidence: Math.min(l.quantity.confidence, 0.6) }, unitPrice: rate.unitPrice, problem: null })));
  }
  // "4 days of UX review, 2,800 EUR total": a count with no price and an amount said to be the total bill the work as one line at that amount.
  const [total, ...otherTotals] = [...uncounted].filter((l) => l.unitPrice?.evidence.kind === 'span' && TOTAL_AFTER.test(text.slice(l.unitPrice.evidence.span.end, l.unitPrice.evidence.span.end + 16)));
  const [work, ...otherWork] = [...unpriced];
  if (total && work && otherTotals.length === 0 && otherWork.length === 0 && uncounted.size === 1 && lines.length === 2 && !PAID.test(text)) {
    // The line's words are the work's; its one unit at the stated total is the reading's arithmetic, shown for approval.
    lines.splice(0, lines.length, { ...work, unit: 'item', quantity: { ...total.quantity, value: 1, confidence: 0.6 }, unitPrice: total.unitPrice, problem: null });
  }
  // A stated total count that is not the sum of the lines' counts in its unit contradicts them: asked.
  for (const count of statedCounts) {
    const unit = quantityAt(text, count)?.value.unit ?? null;
    const sum = lines.filter((l) => l.unit === unit).reduce((total, l) => total + l.quantity.value, 0);
    if (lines[0] && Math.abs(sum - count.value) > 1e-9) lines[0] = { ...lines[0], problem: lines[0].problem ?? `the stated total "${count.text}" is not the sum of the counts` };
  }
  // A number the reading cannot account for may be a count or a price it missed: the lines are
  // then not sure enough to go out unseen, and the operator confirms them.
  const fromForm = formLine(text, regions, tokens, used);
  if (fromForm) lines.push(fromForm);
  const fromAmount = lines.length === 0 ? formAmountLine(text, regions, tokens, used) : null;
  if (fromAmount) lines.push(fromAmount);
  // "Items: Logo x 4" over "Rate: 275": a form's one rate, on a line of its own, prices its one count that has no price.
  const formRate = fromForm ? null : tokens.find((t) => !used.has(t) && FORM_PRICE.test(linePrefix(text, t.start)));
  const [only] = lines;
  if (formRate && only && lines.length === 1 && only.unitPrice === null) {
    used.add(formRate);
    lines[0] = { ...only, unitPrice: amountAt(text, formRate), problem: null };
  }
  // A percentage that is no tax rate (those are skipped) changes the amount: a discount is asked, any other is confirmed.
  for (const percent of tokens.filter((t) => t.role === 'percent' && DISCOUNT.test(text.slice(Math.max(0, t.start - 16), t.end + 16)))) {
    used.add(percent);
    const span = spanAt(text, percent.start, Math.min(text.length, percent.end + 1));
    if (lines[0]) lines[0] = { ...lines[0], problem: lines[0].problem ?? `a discount ("${span.text}") the lines do not show: type them with the discount as its own line` };
  }
  const unexplained = tokens.filter((t) => !used.has(t) && !isReference(text, t));
  const correction = regions.map((r) => SELF_CORRECTION.exec(text.slice(r.start, r.end))).find((m) => m !== null);
  const doubtful = unexplained.length > 0 ? `"${unexplained.map((t) => t.text).join('", "')}" not accounted for` : correction ? `the request corrects itself ("${correction[0].trim()}")` : null;
  const read = correction ? withCorrections(text, regions, lines, tokens) : lines;
  return { lines: doubtful ? read.map((l) => ({ ...l, quantity: { ...l.quantity, confidence: Math.min(l.quantity.confidence, 0.6) } })) : read, statedTotal, doubtful };
}

const startOf = (field: Field<unknown>) => (field.evidence.kind === 'span' ? field.evidence.span.start : -1);

/**
 * "3 days at 600 EUR. no wait, it was 4 days", "48 pages at 35 EUR/page — no wait, 32 per page": a count or a price
 * said right after a correction, with nothing else beside it, replaces the one of the same kind before it: the count
 * in the same unit, the price of a line. Which number it replaces is still the reading's guess, so the lines stay shown.
 */
function withCorrections(text: string, regions: Region[], lines: LineRead[], tokens: Token[]): LineRead[] {
  let read = lines;
  for (const region of regions) {
    for (const match of text.slice(region.start, region.end).matchAll(new RegExp(SELF_CORRECTION.source, 'giu'))) {
      const said = region.start + match.index;
      const end = said + match[0].length;
      // The correcting number follows in the same sentence, a few words on ("no wait, we agreed 32 per page").
      const soon = (at: number) => at >= end && /^[^.!?\n]{0,30}$/u.test(text.slice(end, at));
      const fix = read.find((l) => soon(startOf(l.quantity)));
      const before = read.filter((l) => startOf(l.quantity) < said && l.unitPrice !== null);
      if (!fix) {
        read = recountedByNoun(text, read, before, tokens.find((t) => t.role === 'bare' && soon(t.start)));
        continue;
      }
      // A count with no price of its own corrects the priced count in its unit.
      const countOf = fix.unitPrice === null ? before.findLast((l) => l.unit === fix.unit) : undefined;
      // A price with no count of its own (its count is its own span) corrects the price before it.
      const priceOf = fix.unitPrice !== null && startOf(fix.quantity) === startOf(fix.unitPrice) ? before.at(-1) : undefined;
      if (countOf) read = read.filter((l) => l !== fix).map((l) => (l === countOf ? { ...l, quantity: fix.quantity } : l));
      else if (priceOf?.unitPrice && fix.unitPrice && (fix.unitPrice.value.currency ?? priceOf.unitPrice.value.currency) === priceOf.unitPrice.value.currency) {
        const price = { ...fix.unitPrice, value: { ...fix.unitPrice.value, currency: priceOf.unitPrice.value.currency, per: priceOf.unitPrice.value.per } };
        read = read.filter((l) => l !== fix).map((l) => (l === priceOf ? { ...l, unitPrice: price } : l));
      }
    }
  }
  return read;
}

/**
 * "12 prints at 20 EUR, wait no, 15 prints": a bare count after a correction, naming the thing an
 * earlier priced line counts, is that line's count. The noun is compared without a plural ending.
 */
function recountedByNoun(text: string, read: LineRead[], before: LineRead[], count: Token | undefined): LineRead[] {
  const noun = count ? /^[^\S\n]?(\p{L}{3,})/u.exec(text.slice(count.end))?.[1] : undefined;
  if (!count || !noun || !Number.isInteger(count.value) || count.value <= 0) return read;
  const stem = noun.toLowerCase().replace(/(?:es|s)$/u, '');
  const counted = before.findLast((l) => l.description.value.toLowerCase().split(/[^\p{L}]+/u).some((word) => word.replace(/(?:es|s)$/u, '') === stem));
  if (!counted) return read;
  const quantity = { value: count.value, evidence: { kind: 'span' as const, span: spanAt(text, count.start, count.end) }, confidence: 0.6, via: 'rules' as const };
  return read.map((l) => (l === counted ? { ...l, quantity } : l));
}

/** A rate named before its amount: "day rate €900", "Tagessatz 1.250 €", "hourly rate: $80", "tarif journalier 600 €". */
const RATE_NAMED_BEFORE: [RegExp, Unit][] = [
  [/(?:\b(?:day|daily)\s+rate|Tagessatz|tarif\s+journalier|tarifa\s+diaria|tariffa\s+giornaliera|dagtarief|dagpris)\s*(?:of|von|de|di|van)?\s*:?\s*$/iu, 'day'],
  [/(?:\b(?:hourly|hour)\s+rate|Stundensatz|tarif\s+horaire|tarifa\s+por\s+hora|tariffa\s+oraria|uurtarief|timpris)\s*(?:of|von|de|di|van)?\s*:?\s*$/iu, 'hour'],
];

/** The unit a price is per when the words before it name the rate ("Tagessatz 1.250 €" is per day), or null. */
function namedRate(text: string, price: Field<MoneyValue>): Unit | null {
  if (price.evidence.kind !== 'span') return null;
  const before = text.slice(Math.max(0, price.evidence.span.start - 30), price.evidence.span.start);
  return RATE_NAMED_BEFORE.find(([pattern]) => pattern.test(before))?.[1] ?? null;
}

/** Is the amount at `span`, on the same line of text as `line`, that line's count times its price? */
function lineTotalOf(text: string, line: LineRead, span: Region, amount: MoneyValue): boolean {
  const price = line.unitPrice;
  if (!price || price.evidence.kind !== 'span' || line.quantity.value === 1 || amount.per !== null || amount.min !== amount.max) return false;
  const { end } = price.evidence.span;
  // Only dot leaders, brackets, "=" or "total" between them: "(10 days @ £600) ..... £6,000.00", "10 x 600 = 6,000"; "plus 1,000 for the licence" is another line.
  if (end > span.start || !/^[\s).,:=…·_-]*(?:(?:total|line total|gesamt|=)[\s:=]*)?$/iu.test(text.slice(end, span.start).replace(/\p{Sc}|\b[A-Z]{3}\b/gu, ''))) return false;
  if (amount.currency !== null && price.value.currency !== null && amount.currency !== price.value.currency) return false;
  return Math.round(line.quantity.value * price.value.min * 100) === Math.round(amount.min * 100);
}

/** "2,800 EUR total", "in total", "all in": the amount before it is what the whole work costs. */
const TOTAL_AFTER = /^\s?(?:total|in total|all in|all-in|altogether|overall|insgesamt|gesamt|au total|en total|in totale|totaal)\b/iu;

/** What adds one more thing to bill to a line: "and", "plus", "+", "&", within the line. */
const ITEM_JOIN = /^[ \t]*(?:\+|&|and|plus|und|dazu|et|y|as well as)[ \t]*$/iu;
/** Nouns after "and" that are no thing to bill: the tax added to it, the terms, a greeting. */
const NOT_BILLED = new RegExp(String.raw`^(?:${['VAT', 'tax', 'taxes', 'GST', 'MwSt', 'USt', 'TVA', 'IVA', 'BTW', 'moms', 'mva', 'terms', 'conditions', 'thanks', 'regards', 'rest', 'usual'].join('|')})$`, 'iu');

/** Articles of the other languages requests arrive in (German, French, Spanish, Italian, Dutch). */
const FOREIGN_ARTICLE = /^(?:(?:die|der|das|den|dem|les|la|le|el|los|las|il|gli|lo|het)\s|l['’]\p{L})/iu;

/**
 * A clause that names a thing to bill and nothing else ("the travel", "hotel costs", "printing"):
 * one to four words, a noun phrase with no verb, preposition, person, pronoun or date in it.
 */
function billableItem(text: string, clause: Region): { text: string; start: number; end: number } | null {
  const words = meaningfulWords(text, clause);
  if (!words || words.text.split(/\s+/).length > 4 || !/^[\p{L}\s'’&-]+$/u.test(words.text)) return null;
  // compromise reads English only: in other languages an article before the words says they name a thing ("und die Fahrtkosten", "et les frais").
  if (FOREIGN_ARTICLE.test(text.slice(clause.start, clause.end).trimStart())) return NOT_BILLED.test(words.text.split(/\s+/).at(-1)!) ? null : words;
  // "expenses at cost", "travel as usual": the thing is named before the preposition that qualifies it.
  const all = (nlp(words.text).json() as { terms: { text: string; tags: string[] }[] }[]).flatMap((s) => s.terms);
  const preposition = all.findIndex((t, i) => i > 0 && (t.tags.includes('Preposition') || /^(?:as|at|per|via)$/i.test(t.text)));
  const terms = preposition > 0 && all.length - preposition <= 3 ? all.slice(0, preposition) : all;
  const head = terms.at(-1);
  if (!head || NOT_BILLED.test(head.text)) return null;
  const isNoun = (tags: string[]) => tags.includes('Noun') && !['Pronoun', 'Person', 'ProperNoun', 'Date', 'Acronym'].some((t) => tags.includes(t));
  const thing = (tags: string[]) => isNoun(tags) || tags.includes('Gerund') || (terms.length === 1 && tags.includes('Infinitive') && !tags.includes('Imperative'));
  const modifier = (tags: string[]) => thing(tags) || tags.includes('Determiner') || tags.includes('Adjective') || (tags.includes('Infinitive') && !tags.includes('Imperative'));
  return thing(head.tags) && terms.slice(0, -1).every((t) => modifier(t.tags)) ? words : null;
}

/** Numbers that are no count or price by what surrounds them: references, terms, years, days of a month, "N of M". */
function isReference(text: string, token: NumberToken): boolean {
  if (describesNoWork(text, token)) return true;
  const before = text.slice(Math.max(0, token.start - 24), token.start);
  const after = text.slice(token.end, token.end + 16);
  if (/(?:\bPO|\bref\.?|#|\bno\.?|\bnr\.?|\bnumber(?: is)?|\border|\bphase|\bpart|\bsprint|\bweek|\bnet|\bnetto|\binvoice|\bticket|\bproject|\bversion|\bv)\s?:?\s?$/i.test(before)) return true;
  if (/^\s?(?:of|von|de|sur)\s\d/i.test(after) || /\b(?:of|von)\s$/i.test(before)) return true;
  if (token.decimals === 0 && token.value >= 1900 && token.value <= 2100 && !token.scale) return true;
  if (token.value <= 31 && token.decimals === 0 && (MONTH.test(after) || MONTH_BEFORE.test(before))) return true;
  return token.text.replace(/\D/g, '').length >= 7 && token.decimals === 0 && !/[.,' ]/.test(token.text);
}

const MEASURE_WORD = /^-(?:minute|min|hour|hr|day|week|month|page|person|seat|year)s?\b/i;
/** "Due in 14 days", "payable within 30 days", "zahlbar innerhalb 10 Tagen", "Due: 14 days": the payment term counts days to pay, not work to bill. */
// A form's own label says it too: "Due: 14 days", "Payment terms: 30 days", "Zahlungsziel: 14 Tage".
const PAYMENT_TERM_BEFORE = /\b(?:(?:due|payable|payment|pay|zahlbar|zahlung|fällig|à régler|à payer|payable sous|pagadero|pagamento)\s(?:in|within|innerhalb(?: von)?|binnen|sous|dans|en|entro)\s|(?:due|terms|payment terms?|zahlungsziel|zahlbar|fällig|échéance|vencimiento|scadenza|betalingstermijn)[ \t]*:[ \t]*)$/iu;
const PAYMENT_TERM_AFTER = /^\s?(?:days?|weeks?|months?|Tage?n?|Wochen|jours|semaines|días|semanas|giorni|settimane|dagen|weken)\b/iu;
/** Only a span of time after such words is a term: "pay in 2 instalments" counts something else. */
const isPaymentTerm = (text: string, token: NumberToken) => PAYMENT_TERM_BEFORE.test(text.slice(Math.max(0, token.start - 24), token.start)) && PAYMENT_TERM_AFTER.test(text.slice(token.end, token.end + 12));
/** "45-minute calls", "10 Downing Lane", "due in 14 days": a measure that describes a thing, a street number, a payment term; no count, no price. */
const describesNoWork = (text: string, token: NumberToken) =>
  MEASURE_WORD.test(text.slice(token.end, token.end + 12)) || STREET.test(text.slice(token.end, token.end + 60)) || isPaymentTerm(text, token);
const STREET = /^\s(?:\p{Lu}[\p{L}'’-]*\s){1,3}(?:Street|St\.?|Lane|Road|Rd\.?|Avenue|Ave\.?|Way|Drive|Dr\.?|Place|Square|Boulevard|Blvd\.?|Close|Court|Straße|Str\.|Weg|Gasse|Platz|Allee)(?![\p{L}])/u;
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre';
/** "Oct–Dec", "January to March", "from Jan until Apr": a stretch of months. */
const MONTH_SPAN = new RegExp(`\\b(?:${MONTHS})\\.?\\s*(?:[-–—]|to|until|till|through|bis|à|au)\\s*(?:${MONTHS})\\b`, 'iu');
const MONTH = new RegExp(`^\\.?\\s(?:${MONTHS})\\b`, 'iu');
const MONTH_BEFORE = new RegExp(`\\b(?:${MONTHS})\\.?\\s$`, 'iu');

/** What a number is in its place: a price, a quantity, a stated total, a percentage, or just a number. */
function roleOf(text: string, token: NumberToken): Token['role'] {
  const after = text.slice(token.end, token.end + 3);
  if (/^\s?%/.test(after)) return 'percent';
  if (describesNoWork(text, token)) return 'bare';
  const before = text.slice(Math.max(0, token.start - 14), token.start);
  const mention = amountAt(text, token);
  const hasCurrency = mention.value.currency !== null || (mention.evidence.kind === 'span' && /kr/i.test(mention.evidence.span.text));
  if ((hasCurrency || mention.value.per) && TOTAL_CUE.test(before.replace(/\p{Sc}\s?$|[A-Z]{3}\s?$/u, ''))) return 'total';
  if (hasCurrency || mention.value.per) return 'price';
  // "..., total 2,300": a bare amount the words call the total, ending its clause, is the total to check even without a currency.
  if (TOTAL_WORD_BEFORE.test(before) && /^(?:\s*$|[.;!?)\n]|,\s)/u.test(text.slice(token.end, token.end + 2))) return 'total';
  // "2 people x 3 days": a number with a unit of time after the sign is a second count, not a price.
  if (quantityAt(text, token)?.value.unit !== undefined && quantityAt(text, token)!.value.unit !== 'item') return 'quantity';
  // "5 days x 420": after a count of something, the number behind the sign is what each costs.
  if (/\d\s?\p{L}[\p{L}.-]*\s?[x×*]\s?$/u.test(text.slice(Math.max(0, token.start - 24), token.start))) return 'price';
  if (quantityAt(text, token)) return 'quantity';
  if (PRICE_CUE.test(before) && !/\bfor\s?$/i.test(before)) return 'price';
  return 'bare';
}

/**
 * A count is multiplied by one right before it: "2 people x 3 days" bills 6 days, not 3, and "4 sessions of 1h15"
 * bills 5 hours: each of the things counted lasts the second count (the words "2 people x 3 days" are its evidence).
 */
const TIMES_BETWEEN = /^\s?(?:(?:\p{L}[\p{L}.-]*\s?)?[x×*]|\p{L}[\p{L}.-]*\s(?:of|each of|à|de|von|van|da|di)\s?)\s?$/u;
function countTimesCount(text: string, tokens: Token[], count: Token, used: Set<Token>): Token {
  const factor = tokens.filter((t) => t.end <= count.start && !used.has(t) && (t.role === 'quantity' || t.role === 'bare')).at(-1);
  if (!factor || !TIMES_BETWEEN.test(text.slice(factor.end, count.start))) return count;
  used.add(factor);
  used.add(count);
  return { ...count, start: factor.start, text: text.slice(factor.start, count.end), value: factor.value * count.value };
}

function nearestBefore(tokens: Token[], at: number, used: Set<Token>, roles: Token['role'][]): Token | null {
  return tokens.filter((t) => t.end <= at && !used.has(t) && roles.includes(t.role)).at(-1) ?? null;
}

/**
 * "the 20 illustrations, $45 each", "3 sessions of training, €240 per session": a price for each
 * one counts what the sentence counted before it, in an earlier clause.
 */
function countEarlierInSentence(text: string, tokens: Token[], clauseStart: number, price: string, used: Set<Token>): Token | null {
  const sentenceStart = Math.max(...['. ', '! ', '? ', '\n'].map((stop) => text.lastIndexOf(stop, clauseStart - 1)));
  const counts = tokens.filter((t) => t.start > sentenceStart && t.end <= clauseStart && !used.has(t) && (t.role === 'quantity' || t.role === 'bare'));
  // "per session" names what was counted: the count of sessions, not the "90min" beside it.
  const noun = /\s(?:per|pro|par|je)\s(\p{L}{3,})$/iu.exec(price)?.[1]?.toLowerCase().replace(/e?s$/, '');
  const named = noun ? counts.filter((t) => new RegExp(`^\\s?${noun}`, 'iu').test(text.slice(t.end, t.end + noun.length + 1))) : [];
  return (named.length > 0 ? named : counts).at(-1) ?? null;
}

/** A form's "Hours: 22" and "Rate: 130" ("Menge: 25", "Einzelpreis: 18,00 €" in other languages): the text before the number on its line is the label. */
const FORM_COUNT = /^[ \t]*(hours|hrs|days|quantity|qty|stunden|tage|heures|jours|horas|días|ore|giorni|uren|dagen|menge|anzahl|quantité|cantidad|quantità|quantidade|aantal|antal|ilość)(?:[ \t]+(?:worked|spent|billed))?[ \t]*:[ \t]*$/iu;
// "Hourly rate (EUR):": a currency in parentheses in the label is the rate's own; "Price per unit:" and "Price each:" are a unit price.
const FORM_PRICE = /^[ \t]*(?:(?:unit|hourly|daily|day)[ \t]+)?(?:rate|price)(?:[ \t]+(?:per[ \t]+(?:unit|item|hour|day)|each))?(?:[ \t]*\([A-Z]{3}\))?[ \t]*:[ \t]*$|^[ \t]*(?:stundensatz|tagessatz|tarif|precio|prezzo|einzelpreis|stückpreis|prix unitaire|precio unitario|prezzo unitario|preço unitário|stukprijs|prijs per stuk|styckpris|enhedspris|cena jednostkowa)[ \t]*:[ \t]*$/iu;

/** A numbered line field of a form: "item_1_qty: 3200", "line2_price=350.00", "item_1: Logo" (its description). */
export const NUMBERED_FIELD = /^[ \t]*(?:item|line|position|pos|row)[ _]?(\d{1,2})(?:[ _](desc(?:ription)?|qty|quantity|price|unit[ _]price|rate|unit))?[ \t]*[:=][ \t]*(\S[^\n]*?)[ \t]*$/gimu;

/**
 * The lines of a form that numbers its line fields: each number's count, price, unit and
 * description, read from its own fields. A number with a price but no count is one of it; one
 * with a count but no price is asked. Every number inside those fields is theirs.
 */
function numberedFormLines(text: string, regions: Region[], tokens: Token[], used: Set<Token>): LineRead[] {
  const byNumber = new Map<string, Map<string, { start: number; end: number; value: string }>>();
  for (const region of regions) {
    for (const match of text.slice(region.start, region.end).matchAll(NUMBERED_FIELD)) {
      const start = region.start + match.index + match[0].lastIndexOf(match[3]!);
      // "item_1: Logo": the numbered field with no suffix is the line's description.
      const kind = match[2] === undefined || /^desc/i.test(match[2]) ? 'description' : /^(?:qty|quantity)$/i.test(match[2]!) ? 'quantity' : /^unit$/i.test(match[2]!) ? 'unit' : 'price';
      const fields = byNumber.get(match[1]!) ?? new Map();
      fields.set(kind, { start, end: start + match[3]!.length, value: match[3]! });
      byNumber.set(match[1]!, fields);
    }
  }
  const lines: LineRead[] = [];
  for (const fields of byNumber.values()) {
    const inField = (kind: string) => {
      const f = fields.get(kind);
      return f ? tokens.filter((t) => t.start >= f.start && t.end <= f.end) : [];
    };
    // "Item 1: Logo | qty 2 | 300 EUR": a numbered field with no count or price field of its own is a line written out, read as any other.
    if (!fields.has('quantity') && !fields.has('price')) continue;
    for (const t of [...fields.keys()].flatMap(inField)) used.add(t);
    const [count, ...otherCounts] = inField('quantity');
    const [price, ...otherPrices] = inField('price');
    if (!count && !price) continue;
    const words = fields.get('description') ?? fields.get('quantity') ?? fields.get('price')!;
    const unit = (fields.get('unit') ? unitOf(fields.get('unit')!.value.trim()) : null) ?? 'item';
    const problem = otherCounts.length > 0 || otherPrices.length > 0 ? 'a numbered field holds two numbers' : price ? null : 'no price';
    lines.push({
      description: { value: words.value, evidence: { kind: 'span', span: spanAt(text, words.start, words.end) }, confidence: 0.9, via: 'rules' },
      quantity: count
        ? { value: count.value, evidence: { kind: 'span', span: spanAt(text, count.start, count.end) }, confidence: 0.9, via: 'rules' }
        : { value: 1, evidence: { kind: 'span', span: spanAt(text, price!.start, price!.end) }, confidence: 0.6, via: 'rules' },
      unit,
      unitPrice: price && !problem ? amountAt(text, price) : null,
      problem,
    });
  }
  return lines;
}
/**
 * "Item 2: Drone footage — 1 — AUD 450", "Print run – 500 pcs – 0,40 €", "Line 1: Scripting | 1 | 950.00": a description, a
 * count and a price, set apart by spaced dashes or by a table's bars.
 */
const FIELDED_LINE = /^[ \t]*(?:[\p{L} ]{1,20}\d{0,2}[ \t]*:[ \t]*)?([^\d\n—–|]*\p{L}[^\d\n—–|]*?)[ \t]+([—–|])[ \t]+([^\n—–|]+?)[ \t]+\2[ \t]+([^\n—–|]+?)[ \t]*$/du;

/**
 * A line of fields: its one count (with its unit, if any) and its one price, or null when it is not that shape. Between
 * dashes the price must say its currency; a table's last column is its price by its place, in the form's currency.
 */
function fieldedLine(text: string, region: Region, tokens: Token[], used: Set<Token>): { region: Region; line: LineRead } | null {
  const match = FIELDED_LINE.exec(text.slice(region.start, region.end));
  if (!match) return null;
  const field = (group: number) => ({ start: region.start + match.indices![group]![0], end: region.start + match.indices![group]![1] });
  const inField = (group: number) => tokens.filter((t) => within([field(group)], t.start, t.end));
  const [count, ...otherCounts] = inField(3);
  const [price, ...otherPrices] = inField(4);
  if (!count || otherCounts.length > 0 || otherPrices.length > 0 || amountAt(text, count).value.currency !== null) return null;
  if (price && match[2] !== '|' && amountAt(text, price).value.currency === null) return null;
  for (const t of tokens.filter((t) => within([region], t.start, t.end))) used.add(t);
  // "Competitor report | Qty: 1 | Price:": a price field left empty is a line whose price is asked.
  if (!price) return { region, line: lineOf(text, field(1), count, null, field(4).start, field(4).end, 'no price') };
  return { region, line: lineOf(text, field(1), count, amountAt(text, price), price.start, price.end, null) };
}

const FORM_DESCRIPTION = /^[ \t]*(?:description|notes?|item|service|project|leistung|beschreibung)[ \t]*:[ \t]*(\S[^\n]*?)[ \t]*$/imu;
const linePrefix = (text: string, at: number) => text.slice(text.lastIndexOf('\n', at - 1) + 1, at);

/** What a form's line is for: its description field if the form has one, else the label given. */
function formDescription(text: string, regions: Region[], label: Region): Field<string> {
  const described = regions.flatMap((r) => {
    const match = FORM_DESCRIPTION.exec(text.slice(r.start, r.end));
    return match ? [r.start + match.index + match[0].lastIndexOf(match[1]!)] : [];
  })[0];
  const words = described === undefined ? spanAt(text, label.start, label.end) : spanAt(text, described, text.indexOf('\n', described) < 0 ? text.length : text.indexOf('\n', described));
  return { value: words.text.trim(), evidence: { kind: 'span', span: spanAt(text, words.start, words.start + words.text.trim().length) }, confidence: 0.9, via: 'rules' };
}

/** A form's "Amount: 950.00" or "Fee: 400": what the whole work costs, in a field of its own. */
const FORM_AMOUNT = /^[ \t]*(?:amount|fee|betrag|montant|importe|importo|bedrag)(?:[ \t]*\([A-Z]{3}\))?[ \t]*:[ \t]*$/iu;

/** A form with no count at all and one amount field bills one of what it describes at that amount. */
function formAmountLine(text: string, regions: Region[], tokens: Token[], used: Set<Token>): LineRead | null {
  const amount = tokens.find((t) => !used.has(t) && FORM_AMOUNT.test(linePrefix(text, t.start)));
  if (!amount || tokens.some((t) => t !== amount && !used.has(t) && FORM_AMOUNT.test(linePrefix(text, t.start)))) return null;
  used.add(amount);
  const prefix = linePrefix(text, amount.start);
  const labelStart = amount.start - prefix.length + prefix.search(/\S/);
  return {
    description: formDescription(text, regions, spanAt(text, labelStart, labelStart + prefix.trim().replace(/:$/, '').length)),
    quantity: { value: 1, evidence: { kind: 'span', span: spanAt(text, amount.start, amount.end) }, confidence: 0.9, via: 'rules' },
    unit: 'item',
    unitPrice: amountAt(text, amount),
    problem: null,
  };
}

/** One line from a labelled form: its count, its rate and what it is for, each in a field of its own. */
function formLine(text: string, regions: Region[], tokens: Token[], used: Set<Token>): LineRead | null {
  const count = tokens.find((t) => !used.has(t) && FORM_COUNT.test(linePrefix(text, t.start)));
  const rate = tokens.find((t) => !used.has(t) && FORM_PRICE.test(linePrefix(text, t.start)));
  if (!count || !rate) return null;
  used.add(count);
  used.add(rate);
  const prefix = linePrefix(text, count.start);
  const label = FORM_COUNT.exec(prefix)![1]!;
  const labelStart = count.start - prefix.length + prefix.indexOf(label);
  return {
    description: formDescription(text, regions, spanAt(text, labelStart, labelStart + label.length)),
    quantity: { value: count.value, evidence: { kind: 'span', span: spanAt(text, count.start, count.end) }, confidence: 0.9, via: 'rules' },
    unit: unitOf(label) ?? 'item',
    unitPrice: amountAt(text, rate),
    problem: null,
  };
}

/** "hosting 49 €/month x 3": a count after the price. */
function firstAfter(text: string, tokens: Token[], at: number, used: Set<Token>): Token | null {
  return tokens.find((t) => t.start >= at && !used.has(t) && t.role === 'quantity' && /[x×*]\s?$/u.test(text.slice(at, t.start))) ?? null;
}

function lineOf(text: string, clause: Region, quantity: Token | null, price: Field<MoneyValue> | null, priceStart: number, priceEnd: number, problem: string | null): LineRead {
  const counted = quantity ? quantityAt(text, quantity) : null;
  const unit: Unit = counted?.value.unit ?? price?.value.per ?? fuzzyUnit(text, quantity) ?? 'item';
  const quantitySpan = counted?.evidence.kind === 'span' ? counted.evidence.span : quantity ? spanAt(text, quantity.start, quantity.end) : null;
  const description = describe(text, clause, quantitySpan, priceStart, priceEnd, unit);
  // "2 days @ CHF 1'500 each": "each" prices one of whatever is counted, so it never disagrees with the count's unit.
  const each = price?.evidence.kind === 'span' && /\beach$/i.test(price.evidence.span.text);
  const perMismatch = price?.value.per && counted && counted.value.unit !== 'item' && price.value.per !== counted.value.unit && !each;
  // "1 April retainer": a count right before a month may be a date; it is shown before it is used.
  const maybeDate = quantity !== null && !counted && MONTH.test(text.slice(quantity.end, quantity.end + 12));
  const quantityField: Field<number> = quantitySpan
    ? { value: counted?.value.amount ?? quantity!.value, evidence: { kind: 'span', span: quantitySpan }, confidence: counted ? 0.95 : maybeDate ? 0.6 : 0.9, via: 'rules' }
    : // A price per hour or day with nothing counting them ("at 300 dollars a day"): one is a guess, shown before it is used.
      { value: 1, evidence: { kind: 'span', span: spanAt(text, priceStart, Math.max(priceEnd, priceStart + 1)) }, confidence: price?.value.per && price.value.per !== 'item' ? 0.6 : 0.9, via: 'rules' };
  return {
    description,
    quantity: quantityField,
    unit,
    unitPrice: price ? { ...price, confidence: perMismatch ? 0.5 : price.confidence } : null,
    problem: problem ?? (perMismatch ? `${quantitySpan?.text} priced per ${price!.value.per}` : null),
  };
}

/** "3 dyas": a unit word with one typo still counts, when the number has no other unit. */
function fuzzyUnit(text: string, quantity: Token | null): Unit | null {
  if (!quantity) return null;
  const word = /^\s?(\p{L}+)/u.exec(text.slice(quantity.end))?.[1];
  // Typos in units are lower case; "May" is a month, not a misspelt "day".
  if (!word || word.length < 3 || /^\p{Lu}/u.test(word)) return null;
  for (const target of ['days', 'hours', 'day', 'hour']) {
    if (oneEditApart(word.toLowerCase(), target)) return unitOf(target);
  }
  return null;
}

function oneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === b.length) {
    const diff = [...a].map((c, i) => (c === b[i] ? -1 : i)).filter((i) => i >= 0);
    return diff.length === 1 || (diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!]);
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  return [...long].some((_, i) => long.slice(0, i) + long.slice(i + 1) === short);
}

/** What the line is for: the clause's words between count and price, else after the price, else before the count. */
function describe(text: string, clause: Region, quantity: { start: number; end: number } | null, priceStart: number, priceEnd: number, unit: Unit): Field<string> {
  const candidates: Region[] = [];
  if (quantity && quantity.end <= priceStart) candidates.push({ start: quantity.end, end: priceStart });
  candidates.push({ start: priceEnd, end: clause.end });
  candidates.push({ start: clause.start, end: Math.min(quantity?.start ?? priceStart, priceStart) });
  for (const region of candidates) {
    const words = meaningfulWords(text, region);
    if (words) return { value: words.text, evidence: { kind: 'span', span: words }, confidence: 0.9, via: 'rules' };
  }
  const fallback = unit === 'item' ? 'items' : `${unit}s`;
  return { value: fallback, evidence: { kind: 'none' }, confidence: 0.5, via: 'rules' };
}

function meaningfulWords(text: string, region: Region): { text: string; start: number; end: number } | null {
  const words = [...text.slice(region.start, region.end).matchAll(/[\p{L}][\p{L}\p{N}'’&.-]*/gu)]
    .map((w) => ({ text: w[0].replace(/[.]+$/, ''), start: region.start + w.index, end: region.start + w.index + w[0].replace(/[.]+$/, '').length }))
    .filter((w) => w.text.length > 0);
  const isFiller = (w: { text: string }) => FILLER.has(w.text.toLowerCase()) || unitOf(w.text) !== null || isMinutesWord(w.text) || /^[A-Z]{3}$/.test(w.text) || /^(?:eur|usd|gbp|chf|euros?|dollars?|bucks|kr)$/i.test(w.text);
  let first = 0;
  let last = words.length - 1;
  while (first <= last && isFiller(words[first]!)) first++;
  while (last >= first && isFiller(words[last]!)) last--;
  if (first > last) return null;
  const start = words[first]!.start;
  const end = words[last]!.end;
  return { text: text.slice(start, end), start, end };
}
