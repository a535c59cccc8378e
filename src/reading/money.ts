// Money as people write it: "1.200 €", "€3.000", "8 000 €", "USD 120,000", "2,5k", "300 bucks",
// "$40-50K", "between 2k and 3k EUR", "95 EUR/h", "CHF 1'200", "15.000,- EUR". Every amount read
// is a Field whose span is the exact text it came from (number, scale, currency and "per unit").
// The numbers come from ./numbers.ts, the ISO 4217 list and minor units from dinero.js, and the
// arithmetic on amounts (quantity x price, tax) is done by dinero.js in minor units, never in floats.
import * as isoCurrencies from 'dinero.js/currencies';
import { dinero, halfUp, multiply, toSnapshot, transformScale, type DineroCurrency } from 'dinero.js';
import { z } from 'zod';
import { fieldOf, spanAt, type Field } from './field.ts';
import { decimalStyle, readNumbers, readNumberWords, type DecimalMark, type NumberToken } from './numbers.ts';
import { perUnitAt, UNITS } from './units.ts';

const ISO: Record<string, DineroCurrency<number>> = Object.fromEntries(Object.values(isoCurrencies).map((c) => [c.code, c]));

/** Is this an ISO 4217 currency code? */
export const isCurrencyCode = (code: string): boolean => Object.hasOwn(ISO, code.toUpperCase());

/** Signs and words, longest first so "US$" wins over "$". null: a currency sign that names no single currency ("kr"). */
const SIGNS: [string, string | null][] = (
  [
    ['US$', 'USD'], ['$US', 'USD'], ['$ US', 'USD'], ['$ CA', 'CAD'], ['$CAN', 'CAD'], ['$ CAN', 'CAD'], ['CAN$', 'CAD'], ['$ AU', 'AUD'], ['$ NZ', 'NZD'], ['USD$', 'USD'], ['CA$', 'CAD'], ['C$', 'CAD'], ['$CA', 'CAD'], ['A$', 'AUD'], ['AU$', 'AUD'], ['$AU', 'AUD'],
    ['NZ$', 'NZD'], ['$NZ', 'NZD'], ['HK$', 'HKD'], ['S$', 'SGD'], ['SG$', 'SGD'], ['R$', 'BRL'], ['MX$', 'MXN'], ['$', 'USD'],
    ['€', 'EUR'], ['£', 'GBP'], ['£GB', 'GBP'], ['¥', 'JPY'], ['￥', 'JPY'], ['₹', 'INR'], ['₩', 'KRW'], ['₪', 'ILS'], ['₺', 'TRY'],
    ['₽', 'RUB'], ['₱', 'PHP'], ['₫', 'VND'], ['฿', 'THB'], ['zł', 'PLN'], ['Kč', 'CZK'], ['Ft', 'HUF'], ['lei', 'RON'], ['TL', 'TRY'],
    ['SFr.', 'CHF'], ['Fr.', 'CHF'], ['kr.', null], ['kr', null],
  ] as [string, string | null][]
).sort((a, b) => b[0].length - a[0].length);

/** Currency words, singular and plural; "bucks" is dollars in everyday English. */
const WORDS: [RegExp, string][] = [
  [/^(?:euros?|eur)\b/i, 'EUR'],
  [/^canadian\sdollars?\b/i, 'CAD'],
  [/^australian\sdollars?\b/i, 'AUD'],
  [/^new\szealand\sdollars?\b/i, 'NZD'],
  [/^hong\skong\sdollars?\b/i, 'HKD'],
  [/^singapore\sdollars?\b/i, 'SGD'],
  [/^(?:us\s|american\s)?dollars?\b/i, 'USD'],
  [/^bucks\b/i, 'USD'],
  [/^(?:british\s)?(?:pounds?(?:\ssterling)?|quid|sterling)\b/i, 'GBP'],
  [/^(?:swiss\s)?francs?\b/i, 'CHF'],
  [/^(?:japanese\s)?yen\b/i, 'JPY'],
  [/^(?:indian\s)?rupees?\b/i, 'INR'],
  [/^złot(?:y|ys|ych)\b/i, 'PLN'],
];
/** Codes accepted in lower case: the common ones ("150 usd"); any other must be written in capitals. */
const LOWER_CASE_CODES = new Set(['usd', 'eur', 'gbp', 'chf', 'cad', 'aud', 'nzd', 'jpy', 'sek', 'nok', 'dkk', 'pln', 'czk', 'inr']);

export const RateUnit = z.enum(UNITS);
export const MoneyValue = z.object({
  min: z.number(),
  max: z.number(),
  /** ISO 4217 code, or null when the text states no currency or an ambiguous one ("kr"). */
  currency: z.string().nullable(),
  /** "95 EUR/h": the price is per this unit. */
  per: RateUnit.nullable(),
});
export type MoneyValue = z.infer<typeof MoneyValue>;
export const MoneyMention = fieldOf(MoneyValue);
export type MoneyMention = Field<MoneyValue>;

type Marker = { currency: string | null; start: number; end: number; sure: boolean };

/** A currency sign, code or word ending right before `at` (one space allowed). */
function currencyBefore(text: string, at: number): Marker | null {
  // A table pads its amounts after the sign ("£   420.00"): a sign that is no letter may stand a few spaces off.
  const padded = /[ \t]{2,4}$/u.exec(text.slice(Math.max(0, at - 4), at))?.[0].length ?? 0;
  if (padded > 0) {
    const before = text.slice(0, at - padded);
    const sign = SIGNS.find(([sign]) => !/\p{L}/u.test(sign) && before.endsWith(sign));
    if (sign) return { currency: sign[1], start: at - padded - sign[0].length, end: at - padded, sure: sign[0] !== '$' };
  }
  const head = text.slice(Math.max(0, at - 8), at);
  const gap = /\s?$/u.exec(head)![0].length;
  const end = at - gap;
  const before = text.slice(0, end);
  for (const [sign, currency] of SIGNS) {
    if (before.endsWith(sign) && !(/^\p{L}/u.test(sign) && /\p{L}$/u.test(before.slice(0, -sign.length)))) {
      return { currency, start: end - sign.length, end, sure: sign !== '$' };
    }
  }
  const code = /(?<![\p{L}\d])([A-Za-z]{3})$/u.exec(before);
  if (code && isCode(code[1]!)) return { currency: code[1]!.toUpperCase(), start: end - 3, end, sure: true };
  return null;
}

/** A currency sign, code or word starting right after `at` (one space allowed). */
function currencyAfter(text: string, at: number): Marker | null {
  const rest = text.slice(at);
  const gap = /^[\s]?/u.exec(rest)![0].length;
  const tail = rest.slice(gap);
  for (const [sign, currency] of SIGNS) {
    if (tail.startsWith(sign) && !(/\p{L}$/u.test(sign) && /^\p{L}/u.test(tail.slice(sign.length)))) {
      return { currency, start: at + gap, end: at + gap + sign.length, sure: sign !== '$' };
    }
  }
  const code = /^([A-Za-z]{3})(?![\p{L}\d])/u.exec(tail);
  if (code && isCode(code[1]!)) return { currency: code[1]!.toUpperCase(), start: at + gap, end: at + gap + 3, sure: true };
  for (const [pattern, currency] of WORDS) {
    const word = pattern.exec(tail);
    if (word) return { currency, start: at + gap, end: at + gap + word[0].length, sure: true };
  }
  // "8 grand (euros)", "5,000 (EUR)": the currency named in parentheses right after the amount.
  if (tail.startsWith('(')) {
    const inner = currencyAfter(text, at + gap + 1);
    if (inner && inner.start === at + gap + 1 && text[inner.end] === ')') return { ...inner, start: at + gap, end: inner.end + 1 };
  }
  return null;
}

/** A currency code as written: any ISO code in capitals, only a common one in lower case ('usd', not 'all' or 'top'). */
export const isCode = (word: string) => (word === word.toUpperCase() ? isCurrencyCode(word) : LOWER_CASE_CODES.has(word.toLowerCase()));

/** Range words between two amounts: "40-50", "2k to 3k", "1.000 – 1.500", "zwischen 2 und 3k", "tra 7.000 e 9.000", "mellan 40 och 50 000". */
const RANGE_JOIN = /^\s?(?:-|–|—|to|bis|à)\s?$/iu;
const BETWEEN = /(?<!\p{L})(?:between|zwischen|entre|tra|fra|tussen|mellan|między)\s$/iu;
const BETWEEN_AND = /^\s(?:and|und|et|y|e|en|och|a)\s$/iu;

/**
 * Every mention of money in the text: an amount or a range with a currency sign, code or word
 * next to it (a range shares one: "$40-50K"). Numbers without any currency are not money here;
 * see amountAt for reading a number the context says is a price.
 */
export function readMoney(text: string, style: DecimalMark | null = decimalStyle(text)): MoneyMention[] {
  const tokens = readNumbers(text, style);
  const mentions: MoneyMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const range = rangeAt(text, tokens, i);
    if (range) {
      if (range.value.currency !== null || range.hasSign) mentions.push(range.mention);
      i = range.next;
      continue;
    }
    const mention = amountAt(text, tokens[i]!);
    if (mention.evidence.kind === 'span' && hasCurrencySign(mention)) mentions.push(mention);
  }
  return mentions;
}

/**
 * A number in words just before "to", "or", "and" or a dash: "two to three thousand", "between ten
 * and twelve thousand" are ranges compromise reads as their high end alone.
 */
const WORDED_LOW_END = /(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\p{L}+teen|\p{L}+ty))\s*(?:to|or|and|-|–)\s*$/iu;

/**
 * Amounts written in words with their currency: "twenty thousand dollars", "fifteen hundred
 * pounds". A half or a range in words ("twelve and a half thousand", "two to three thousand") is
 * read only in part by compromise, so such an amount is kept only as a guess, to be asked.
 */
export function readWordedMoney(text: string): MoneyMention[] {
  const tokens = readNumberWords(text);
  return tokens.flatMap((token, i) => {
    const mention = amountAt(text, token);
    if (mention.value.currency === null) return [];
    const range = wordedRange(text, tokens[i - 1], token, mention);
    if (range) return [range];
    const partial = /\b(?:half|quarter)\b/i.test(token.text) || WORDED_LOW_END.test(text.slice(Math.max(0, token.start - 24), token.start));
    return [partial ? { ...mention, confidence: Math.min(mention.confidence, 0.5) } : mention];
  });
}

/** The scale word that ends a number in words, and what it multiplies by. */
const WORDED_SCALE: [RegExp, number][] = [
  [/\bmillion$/i, 1_000_000],
  [/\bthousand$/i, 1000],
  [/\bhundred$/i, 100],
];

/**
 * "between ten and twelve thousand pounds", "fifteen to twenty thousand dollars": the low end said without the
 * scale shares the high end's, so the whole range is read. "ten or twelve thousand" is a choice, not a range.
 */
function wordedRange(text: string, low: NumberToken | undefined, high: NumberToken, mention: MoneyMention): MoneyMention | null {
  if (!low || mention.evidence.kind !== 'span') return null;
  const join = text.slice(low.end, high.start);
  const joined = /^\s*(?:to|-|–)\s*$/iu.test(join) || (/^\s*and\s*$/iu.test(join) && /\b(?:between|from)\s+$/iu.test(text.slice(Math.max(0, low.start - 10), low.start)));
  const scale = WORDED_SCALE.find(([pattern]) => pattern.test(high.text))?.[1];
  if (!joined || !scale || WORDED_SCALE.some(([pattern]) => pattern.test(low.text))) return null;
  const min = low.value * scale;
  if (min >= high.value) return null;
  return {
    value: { ...mention.value, min },
    evidence: { kind: 'span', span: spanAt(text, low.start, mention.evidence.span.end) },
    confidence: Math.min(mention.confidence, 0.9),
    via: 'rules',
  };
}

const hasCurrencySign = (mention: MoneyMention) => mention.value.currency !== null || /kr/i.test(mention.evidence.kind === 'span' ? mention.evidence.span.text : '');

/** The mark after a German or Swiss whole amount: ",-" or ".–". */
const WHOLE_AMOUNT = /^[.,][-–](?!\d)/;

/** One number read as an amount: with the currency and "per unit" written next to it, if any. */
export function amountAt(text: string, token: NumberToken): MoneyMention {
  const before = currencyBefore(text, token.start);
  let end = token.end;
  // "15.000,-" and "CHF 140.–" are whole amounts in German and Swiss notation.
  if (WHOLE_AMOUNT.test(text.slice(end))) end += 2;
  // A bare "$" is shared by many dollars and pesos: a currency code written after the amount ("$900 AUD") says which.
  const code = before && !before.sure && before.currency === 'USD' ? currencyAfter(text, end) : null;
  const named = code && code.sure && /^[A-Za-z]{3}$/.test(text.slice(code.start, code.end)) ? code : null;
  const after = before && !named ? null : currencyAfter(text, end);
  const marker = named ?? before ?? after;
  if (after) end = after.end;
  const per = perUnitAt(text.slice(end));
  if (per) end += per.length;
  const start = before ? before.start : token.start;
  const confidence = token.ambiguous ? 0.5 : marker && !marker.sure ? 0.9 : 0.95;
  return {
    value: { min: token.value, max: token.value, currency: marker?.currency ?? null, per: per?.unit ?? null },
    evidence: { kind: 'span', span: spanAt(text, start, end) },
    confidence,
    via: 'rules',
  };
}

/** A range starting at token i: "40-50K", "$40k-$50k", "between 2k and 3k EUR". */
function rangeAt(text: string, tokens: NumberToken[], i: number): { mention: MoneyMention; value: MoneyValue; hasSign: boolean; next: number } | null {
  const low = tokens[i];
  const high = tokens[i + 1];
  if (!low || !high) return null;
  const lowMention = amountAt(text, low);
  const lowSpan = lowMention.evidence.kind === 'span' ? lowMention.evidence.span : null;
  const highBefore = currencyBefore(text, high.start);
  const joinEnd = highBefore ? highBefore.start : high.start;
  // "20'000.– bis 25'000.–": the mark that closes a whole amount belongs to the low end, not to the join.
  const join = text.slice(low.end + (WHOLE_AMOUNT.test(text.slice(low.end)) ? 2 : 0), joinEnd);
  const lowStart = lowSpan?.start ?? low.start;
  const between = BETWEEN.exec(text.slice(Math.max(0, lowStart - 10), lowStart));
  const lowCurrencyEnd = lowSpan && lowMention.value.currency && lowSpan.end > low.end ? lowSpan.end : low.end;
  const joined = RANGE_JOIN.test(join) || (between !== null && BETWEEN_AND.test(text.slice(lowCurrencyEnd, joinEnd)));
  if (!joined) return null;
  const highMention = amountAt(text, high);
  // "40-50K": the scale written once applies to both ends when the low end is then below the high one.
  // "10-15.000 €": the thousands written once, on the high end, when the low end is a bare number of
  // the same magnitude once scaled (never "500-1.000", which is what it says).
  const thousandsOnce = low.scale === null && high.factor === 1 && /^\d{1,3}$/.test(low.text) && /\d[.,' \u00a0\u202f’]\d{3}$/u.test(high.text) && low.value * 1000 < high.value && low.value * 1000 * 10 > high.value;
  const lowValue = thousandsOnce ? low.value * 1000 : low.scale === null && low.value * high.factor < high.value ? low.value * high.factor : low.value;
  if (!(lowValue < high.value)) return null;
  const currency = highMention.value.currency ?? lowMention.value.currency;
  const start = between ? lowStart - between[0].length : lowStart;
  const end = highMention.evidence.kind === 'span' ? highMention.evidence.span.end : high.end;
  const value = { min: lowValue, max: high.value, currency, per: highMention.value.per ?? lowMention.value.per };
  return {
    mention: { value, evidence: { kind: 'span', span: spanAt(text, start, end) }, confidence: Math.min(lowMention.confidence, highMention.confidence, thousandsOnce ? 0.9 : 1), via: 'rules' },
    value,
    hasSign: hasCurrencySign(highMention) || hasCurrencySign(lowMention),
    next: i + 1,
  };
}

const TAX_WORDS = String.raw`VAT|tax|sales\s+tax|MwSt\.?|USt\.?|Mehrwertsteuer|Umsatzsteuer|TVA|IVA|BTW|GST|HST|moms|mva|alv|DPH|ÁFA|PVM|PDV|DDV|KDV`;
const TAX_AFTER = new RegExp(String.raw`(?<![\d.,])(\d{1,2}(?:[.,]\d{1,3})?)\s?%\s*(?:of\s+)?(?:${TAX_WORDS})\b`, 'iu');
// "Please include GST (10%)": the rate may sit in parentheses after the tax's name.
const TAX_BEFORE = new RegExp(String.raw`\b(?:${TAX_WORDS})\s*(?:of|at|@|:|=|\()?\s*(\d{1,2}(?:[.,]\d{1,3})?)\s?%`, 'iu');

// Turkish (and some other writers) put the percent sign before the rate: "KDV %20", "%18 KDV".
const TAX_SIGN_FIRST = new RegExp(String.raw`\b(?:${TAX_WORDS})\s*(?::|=|\()?\s*%\s?(\d{1,2}(?:[.,]\d{1,3})?)(?![\d%])|(?<![\p{L}\d])%\s?(\d{1,2}(?:[.,]\d{1,3})?)(?![\d.,]*\d)\s*(?:${TAX_WORDS})\b`, 'iu');

/** The tax rate a request states: "+ 19% VAT", "VAT 20%", "21% btw", "TVA 20%", "25,5 % VAT". */
// A form's rate field, its label a tax word with "rate" ("vat_rate: 25", "Tax rate = 10"): a percentage with or without its sign.
// Without "rate" ("VAT: 20") the number may be the tax's amount, so it is not read; a label that carries the percent sign as its
// unit ("VAT %: 20", "Tax (%): 8.5", "MwSt. in %: 19") says it is the rate.
const PERCENT_UNIT = String.raw`[ \t]*(?:\([ \t]?%[ \t]?\)|in[ \t]+%|%)`;
const TAX_RATE_FIELD = new RegExp(String.raw`^[ \t]*(?:(?:${TAX_WORDS})[ _]?(?:rate|percent|pct)(?:${PERCENT_UNIT})?|(?:rate|percent)[ _]of[ _](?:${TAX_WORDS})(?:${PERCENT_UNIT})?|(?:${TAX_WORDS})${PERCENT_UNIT})[ \t]*[:=][ \t]*(\d{1,2}(?:[.,]\d{1,3})?)[ \t]*%?[ \t]*$`, 'imu');

export function readTaxRate(text: string): Field<number> | null {
  const match = TAX_AFTER.exec(text) ?? TAX_BEFORE.exec(text) ?? TAX_SIGN_FIRST.exec(text) ?? TAX_RATE_FIELD.exec(text);
  if (!match) return null;
  return {
    value: Number((match[1] ?? match[2])!.replace(',', '.')),
    evidence: { kind: 'span', span: spanAt(text, match.index, match.index + match[0].length) },
    confidence: 0.95,
    via: 'rules',
  };
}

/** An amount in hundredths (cents), as the invoice documents store it. */
export const toCents = (amount: number): number => Math.round(amount * 100);

/**
 * quantity x unit price in cents, rounded half up once at the end: 14.5 h at 80.00 is 1,160.00,
 * 0.333 days at 1,000.00 is 333.00. Done by dinero.js on integers with a scale, never in floats.
 */
export function lineCents(quantity: number, unitPriceCents: number): number {
  const price = dinero({ amount: unitPriceCents, currency: HUNDREDTHS });
  return toSnapshot(transformScale(multiply(price, scaled(quantity)), 2, halfUp)).amount;
}

/** Tax on a subtotal in cents at a percentage, rounded half up: 19% of 1,200.00 is 228.00. */
export function taxCents(subtotalCents: number, ratePercent: number): number {
  const { amount, scale } = scaled(ratePercent);
  const price = dinero({ amount: subtotalCents, currency: HUNDREDTHS });
  return toSnapshot(transformScale(multiply(price, { amount, scale: scale + 2 }), 2, halfUp)).amount;
}

/** A decimal as an integer and a scale (14.5 is 145 at scale 1), from its shortest written form. */
function scaled(value: number): { amount: number; scale: number } {
  const [digits = '0', fraction = ''] = value.toFixed(6).replace(/\.?0+$/, '').split('.');
  return { amount: Number(`${digits}${fraction}`), scale: fraction.length };
}

/** Invoices are kept in hundredths whatever the currency, so arithmetic uses one two-decimal unit. */
const HUNDREDTHS: DineroCurrency<number> = { code: 'XXX', base: 10, exponent: 2 };

/** How many decimals a currency's minor unit has (JPY 0, EUR 2, BHD 3); 2 for unknown codes. */
export const minorDigits = (code: string): number => ISO[code.toUpperCase()]?.exponent ?? 2;

/** "3,340.00 EUR" */
export function formatAmount(amount: number, currency: string | null): string {
  const digits = currency ? minorDigits(currency) : 2;
  const number = amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: Math.max(digits, 2) });
  return currency ? `${number} ${currency}` : number;
}
