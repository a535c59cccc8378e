// A sales lead, read: who (company, contact, e-mail, phone, referrer), what they need, their
// budget and their deadline, each a Field. It puts the other readers together over the parts of
// the message they belong to: the budget and the deadline come from the author's own words
// (never the quoted offer below, never the signature's phone number), the company may come from
// the signature, and relative dates count from when the message was written.
import nlp from 'compromise';
import { z } from 'zod';
import { ACT_WITHOUT_ASKING, actionable, spanAt, type Field, type Span } from './field.ts';
import { readDeadline, type Deadline } from './dates.ts';
import { doubtAbout } from './hedges.ts';
import { readMessage } from './message.ts';
import { amountAt, isCode, isCurrencyCode, minorDigits, readMoney, readWordedMoney, type MoneyMention } from './money.ts';
import { readNumbers } from './numbers.ts';
import { nothingRead, readParties } from './parties.ts';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { readPhones } from './phones.ts';

export const Budget = z.object({ min: z.number(), max: z.number(), currency: z.string().nullable() });
export type Budget = z.infer<typeof Budget>;

export interface ReadLead {
  company: Field<string | null>;
  contactName: Field<string | null>;
  email: Field<string | null>;
  phone: Field<string | null>;
  referrer: Field<string | null>;
  need: Field<string | null>;
  budget: Field<Budget | null>;
  timeline: Field<Deadline | null>;
  /** When the lead wrote: the message's Date header, else when it was handed to us. */
  written: Date;
}

/** Words that say an amount is what the lead means to spend. */
// "have" and "set aside" in the languages leads arrive in ("Temos R$ 25.000", "Contamos con", "Vi har satt av", "Nous avons prévu") hint as "have" does;
// Polish "przeznaczyć" (to set aside) names the budget as "set aside" does.
const BUDGET_CUE = /\b(?:tenemos|contamos con|disponemos de|temos|dispomos de|avons(?: prévu)?|disposons de|abbiamo|disponiamo di|haben|hebben|har(?: satt av| sat av| afsat)?|put aside|earmarked|allocated|przeznacz\w*|budget\w*|spend|set aside|ceiling|cap|plafond|Obergrenze|tope|tetto|have|got|afford|invest|up to|under|below|less than|no more than|around|about|roughly|max(?:imum|imal)?|höchstens|bis zu|massimo|máximo|au plus|stretch|price|cost|Rahmen|presupuesto|orçamento|bilancio|budžet|budżet|budsjett\w*|begroting|rozpočet|talousarvio|optie|option|go (?:with|for))\b|[:=]\s*$/iu;
/** The cues that name the budget itself ("budget", "spend", "up to"); "have", "about" or "for" only hint at it. */
const STRONG_CUE = /\b(?:budget\w*|spend|set aside|put aside|earmarked|allocated|przeznacz\w*|ceiling|cap|plafond|Obergrenze|tope|tetto|afford|invest|up to|under|below|less than|no more than|max(?:imum|imal)?|höchstens|bis zu|massimo|máximo|au plus|stretch|Rahmen|presupuesto|orçamento|bilancio|budžet|budżet|budsjett\w*|begroting|rozpočet|talousarvio)\b|[:=]\s*$/iu;
/** An amount that is money already raised, earned, paid or quoted ("raised €2M", "the old site cost us £20,000"): never the budget. */
const NOT_THE_BUDGET = /\b(?:raised|revenue|turnover|sales|paid|charged|spent|cost us|costs? them|quoted?|quotation|invoiced?|worth|valued?|funding|grant|subsidy|Förderung|round)\b[^.!?\n\d]{0,25}$/iu;
/** Earlier work named: the last, old or current site, shop or agency, in the languages leads arrive in. */
const EARLIER_WORK = /(?<!\p{L})(?:(?:last|old|previous|former|current|existing|earlier|bisherigen?|alten?|aktuellen?|ancien(?:ne)?|précédente?|actuel(?:le)?|anterior|antiguo|antigua|vecchio|vecchia|precedente|oude|vorige)\s+(?:\p{L}+\s+)?(?:site|website|web site|shop|store|app|agency|redesign|relaunch|build|seite|webseite|website|agentur|boutique|agence|sitio|tienda|agencia|sito|negozio|agenzia|winkel|bureau)|(?:was|were|got) (?:built|made|done|designed)|bauen lassen|gebaut|fait faire|construit)(?!\p{L})/iu;

/** The sender saying what they can or mean to do ("we can pay", "we're thinking", "I could do"): an amount after it is their offer. */
const INTENT = /\b(?:we|I|wir|nous|noi|vi)(?:'re|’re|'d|’d|'ve|’ve)?\s+(?:\w+\s+)?(?:can|could|would|will|are|am|plan|want|wish|expect|thinking|looking)\b/iu;
/** What joins two amounts into one range: "to", "bis", "tot", "but could stretch to", "max". */
const RANGE_JOIN = /^\s*(?:-|–|—|to|till|until|tot|bis|à|a|al|hasta|jusqu'à|and|und|et|y|e|en|or so,? up to)\s*$|\b(?:stretch|up to|max(?:imum)?|at most|could go|push)\b/iu;
/** Budget talk that names no amount to plan with. */
const NO_BUDGET = /\b(?:no idea|not sure|tbd|tbc|to be decided|flexible|depends on|open to suggestions)\b/i;

/** The sentence around a span: a stop followed by a capital, or a line break, ends one ("ca. 1.200 €" does not). */
const sentenceAround = (text: string, start: number, end: number) => {
  const stops = [...text.matchAll(/[.!?](?=\s+\p{Lu})|\n/gu)].map((m) => m.index);
  const from = Math.max(-1, ...stops.filter((at) => at < start)) + 1;
  const to = stops.find((at) => at >= end) ?? text.length;
  return { start: from, end: to };
};

function budgetIn(source: string, region: Span): Field<Budget | null> {
  const inRegion = (mention: MoneyMention) => mention.evidence.kind === 'span' && mention.evidence.span.start >= region.start && mention.evidence.span.end <= region.end;
  const startOf = (mention: MoneyMention) => (mention.evidence.kind === 'span' ? mention.evidence.span.start : 0);
  // "We have set aside twenty thousand dollars": an amount in words is money as much as one in digits.
  // A form's list of options with one ticked ("$5k–10k | [x] $10k–25k"): the options not ticked are no budget.
  const unticked = untickedOptions(source, region);
  const offered = (mention: MoneyMention) => mention.evidence.kind === 'span' && unticked.some((o) => startOf(mention) >= o.start && startOf(mention) < o.end);
  const mentions = [...readMoney(source), ...readWordedMoney(source)].filter((m) => inRegion(m) && m.value.per === null && !offered(m)).sort((a, b) => startOf(a) - startOf(b));
  const before = (mention: MoneyMention) => {
    const span = mention.evidence.kind === 'span' ? mention.evidence.span : null;
    if (!span) return null;
    const sentence = sentenceAround(source, span.start, span.end);
    return source.slice(Math.max(sentence.start, span.start - 60), span.start);
  };
  // "Our last site was built for 8.000 € by another agency": money in a sentence about earlier work is what that cost, unless a budget word names it.
  const aboutEarlierWork = (mention: MoneyMention) => {
    if (mention.evidence.kind !== 'span' || STRONG_CUE.test(before(mention) ?? '')) return false;
    const sentence = sentenceAround(source, mention.evidence.span.start, mention.evidence.span.end);
    return EARLIER_WORK.test(source.slice(sentence.start, sentence.end));
  };
  const budgetLike = mentions.filter((mention) => !NOT_THE_BUDGET.test(before(mention) ?? '') && !aboutEarlierWork(mention));
  const cued = (mention: MoneyMention) => {
    const words = before(mention);
    // "for 15k€", "OK pour 15k€", "für 8.000 €", "por 5.000 €": what the work is to be done for.
    return words !== null && (BUDGET_CUE.test(words) || INTENT.test(words) || /(?<!\p{L})(?:for|pour|für|para|por|per|voor)\s*$/iu.test(words));
  };
  const strong = budgetLike.filter((mention) => STRONG_CUE.test(before(mention) ?? ''));
  const withCue = strong.length > 0 ? strong : budgetLike.filter(cued);
  const chosen = withCue.length > 0 ? withCue : budgetLike;
  // "€1,500 a month", "£450/day": a rate is no budget, and its number is no amount without a currency either.
  const rates = readMoney(source).flatMap((m) => (inRegion(m) && m.value.per !== null && m.evidence.kind === 'span' ? [m.evidence.span] : []));
  if (chosen.length === 0) return mentions.length > 0 ? nothingRead() : budgetWithoutCurrency(source, region, rates);
  const first = chosen[0]!;
  const firstSpan = first.evidence.kind === 'span' ? first.evidence.span : null;
  if (!firstSpan) return nothingRead();
  // "around $10k but could stretch to $15k": two amounts of one sentence and currency are a range.
  const sentence = sentenceAround(source, firstSpan.start, firstSpan.end);
  const partner = chosen.find((m) => m !== first && m.evidence.kind === 'span' && m.evidence.span.start < sentence.end && m.value.currency === first.value.currency);
  if (partner && partner.evidence.kind === 'span' && partner.value.min > first.value.max) {
    const span = spanAt(source, firstSpan.start, partner.evidence.span.end);
    // Only words that join the two into a range make it one: "$6,000 for a simple site, or $9,000 with the shop" is a choice.
    const joined = RANGE_JOIN.test(source.slice(firstSpan.end, partner.evidence.span.start));
    const doubted = doubtAbout(source, span) ? 0.6 : 1;
    return { value: { min: first.value.min, max: partner.value.max, currency: first.value.currency }, evidence: { kind: 'span', span }, confidence: Math.min(plausible(source, first), plausible(source, partner), joined ? 0.9 : 0.7, doubted), via: 'rules' };
  }
  // One amount among several with nothing saying it is the budget, or several that each could be
  // ("we have $5k ... we have $8k"): the operator's call. Only a budget-word cue is sure alone.
  const rivals = chosen.filter((m) => m.value.min !== first.value.min || m.value.max !== first.value.max || m.value.currency !== first.value.currency);
  const cue = rivals.length > 0 ? 0.6 : strong.length > 0 ? 1 : withCue.length > 0 ? 0.9 : mentions.length === 1 ? 0.85 : 0.6;
  // "TBD but probably around £5k", "maybe 5k", "€4,000?": the sender says the figure is not settled.
  // "About €6,000" is not doubt: a budget is an estimate by nature, and that is the figure given.
  const hedged = doubtAbout(source, firstSpan) !== null;
  const confidence = Math.min(plausible(source, first), cue, hedged ? 0.6 : 1);
  return { value: { min: first.value.min, max: first.value.max, currency: first.value.currency }, evidence: first.evidence, confidence, via: 'rules' };
}

/** A ticked box or chosen radio button ("[x]", "☒", "(•)"), and one left empty ("[ ]", "☐", "( )"). */
const TICKED = /\[\s*[xX✓✔]\s*\]|\(\s*[xX•]\s*\)|[☒☑✅●◉]/gu;
const UNTICKED = /\[\s*\]|\(\s*\)|[☐○◯]/gu;

/**
 * The options left unticked on the lines of a region that list several with one ticked. Options
 * are cut at "|", else at each box; a box belongs to the option it stands before, or to the one
 * it follows when the line ends with one.
 */
function untickedOptions(source: string, region: Span): Span[] {
  const found: Span[] = [];
  for (const line of region.text.matchAll(/[^\n]+/g)) {
    const at = region.start + line.index;
    const ticked = [...line[0].matchAll(TICKED)];
    const boxes = [...ticked, ...line[0].matchAll(UNTICKED)].sort((a, b) => a.index - b.index);
    if (ticked.length !== 1 || (boxes.length < 2 && !line[0].includes('|'))) continue;
    let cuts: number[];
    if (line[0].includes('|')) cuts = [...line[0].matchAll(/\|/g)].map((m) => m.index);
    else {
      const after = /[\])☒☑✅●◉☐○◯]\s*$/u.test(line[0]);
      cuts = boxes.slice(after ? 0 : 1).map((b) => (after ? b.index + b[0].length : b.index));
    }
    const edges = [0, ...cuts, line[0].length];
    for (let i = 0; i + 1 < edges.length; i++) {
      const [from, to] = [edges[i]!, edges[i + 1]!];
      if (!ticked.some((t) => t.index >= from && t.index < to)) found.push(spanAt(source, at + from, at + to));
    }
  }
  return found;
}

/**
 * How sure a budget amount is. "1.500 EUR" is ambiguous to the money reader (1.5 or 1,500), but
 * three decimals are no price in a currency with cents, so as a budget it is 1,500. An amount
 * that runs on into another number ("EUR 55k-70k" read as 55k alone) is only part of what was
 * written, so it is asked.
 */
function plausible(source: string, mention: MoneyMention): number {
  if (mention.evidence.kind !== 'span') return 0;
  const { span } = mention.evidence;
  if (/^\s?(?:-|–|—|to|bis|à)\s?[\d$€£¥]/u.test(source.slice(span.end, span.end + 5)) || /\d\s?(?:-|–|—)\s?$/u.test(source.slice(Math.max(0, span.start - 4), span.start))) return 0.5;
  const threeDecimals = /\d[.,]\d{3}(?!\d)/.test(span.text) && mention.value.currency !== null && minorDigits(mention.value.currency) < 3;
  return threeDecimals ? Math.max(mention.confidence, 0.9) : mention.confidence;
}

/** What joins the ends of a range written without a currency: "8-10k", "5000 - 10000", "8 bis 10k". */
// "between 2.000 and 3.000" in the languages leads arrive in: "entre 2.000 y 3.000", "zwischen 5000 und 8000".
const BARE_RANGE_JOIN = /^\s?(?:-|–|to|bis|à|a|and|und|et|y|e|en|i|och|og)\s?$/iu;
/** A form's two fields for a budget's ends ("budget_min=5000" then "budget_max=7000"): one range. */
const MIN_FIELD = /(?:^|\n)[ \t]*[\w -]*(?:min|minimum|from|low)[ \t]*[:=][ \t]*$/iu;
const MAX_FIELD = /^[ \t]*\n[ \t]*[\w -]*(?:max|maximum|to|high)[ \t]*[:=][ \t]*$/iu;
/** A form's own currency field ("currency=EUR", "Currency: GBP"), which the budget field beside it is in. */
// A machine name may put the field it belongs to first ("budget_currency=CAD").
const FORM_CURRENCY = /^[ \t]*(?:[a-z]+_)?(?:currency|währung|devise|moneda|valuta)[ \t]*[:=][ \t]*([A-Za-z]{3})[ \t]*$/imu;
/** A labelled form field right before the number ("budget_range=", "Budget: "). */
const FORM_BUDGET_FIELD = /(?:^|\n)[ \t]*[\w -]*budget[\w -]*[ \t]*[:=][ \t]*$/iu;

/**
 * "We have about 3k", "Budget liegt so bei 8-10k": an amount or range with no currency, read only
 * right after budget words; asked, never acted on. A web form that gives the currency in a field
 * of its own ("budget_range=5000-10000", "currency=EUR") states the whole budget: that is sure.
 */
function budgetWithoutCurrency(source: string, region: Span, rates: Span[]): Field<Budget | null> {
  if (NO_BUDGET.test(region.text)) return nothingRead();
  const tokens = readNumbers(source).filter((t) => t.start >= region.start && t.end <= region.end && !rates.some((r) => t.start < r.end && t.end > r.start));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    const ends = next && MIN_FIELD.test(source.slice(region.start, token.start)) && MAX_FIELD.test(source.slice(token.end, next.start));
    const high = next && (BARE_RANGE_JOIN.test(source.slice(token.end, next.start)) || ends) ? next : null;
    // "8-10k": the scale written once applies to both ends when the low end is then below the high one.
    const low = high && token.scale === null && token.value * high.factor < high.value ? token.value * high.factor : token.value;
    const last = high && low < high.value ? high : null;
    // Where the amount or range ends: its high end, or the number alone.
    const final = last ?? token;
    if (final.value < 100) continue;
    const before = source.slice(Math.max(region.start, token.start - 30), token.start);
    const after = source.slice(final.end, final.end + 30);
    // "about 400 units": a number that counts something is no amount of money.
    // The word must follow on the same line: the next line of a form is another field.
    const counted = /^[ \t]?(\p{L}+)/u.exec(after)?.[1];
    // compromise reads English only: "für", "pour" after the amount are no nouns counted.
    if (counted && nlp(counted).has('#Noun') && !/^(?:budget|max|tops|total|für|pour|para|por|per|voor|bis|jusqu)$/iu.test(counted)) continue;
    // "about", "around" in the languages leads arrive in: "etwa 4-6k", "environ 5k", "unos 3k".
    if (!/(?<!\p{L})(?:budget\w*|presupuesto|orçamento|bilancio|budżet|budžet|budsjett\w*|begroting|rozpočet|have|'ve|’ve|got|spend|about|around|roughly|up to|maybe|thinking of|etwa|ungefähr|rund|circa|ca\.|environ|autour de|alrededor de|unos|cerca de|intorno a|około|ongeveer)(?!\p{L})[^.\n\d]*$/iu.test(before) && !/^\s?(?:to spend|budget|for (?:it|this|the (?:site|project|work)))\b/i.test(after)) continue;
    const mention = amountAt(source, token);
    // "Project budget (USD): 2500", "budget_eur=6500": the label, or a form's machine name, names the field's currency, as a currency field would.
    const labelCurrency = /budget(?:[\w -]*\(([A-Z]{3})\)|[\w-]*?[_-]([a-z]{3}))[ \t]*[:=][ \t]*$/iu.exec(source.slice(source.lastIndexOf('\n', token.start - 1) + 1, token.start));
    const labelled = labelCurrency ? (labelCurrency[1] ?? labelCurrency[2]!) : null;
    if (labelCurrency && labelled && isCode(labelled) && mention.value.currency === null) {
      const labelStart = token.start - (labelCurrency[0].length - labelCurrency[0].indexOf(labelled));
      const value = { min: last ? low : mention.value.min, max: last ? last.value : mention.value.max, currency: labelled.toUpperCase() };
      return { value, evidence: { kind: 'span', span: spanAt(source, labelStart, final.end) }, confidence: Math.min(mention.confidence, 0.9), via: 'rules' };
    }
    const formCurrency = FORM_CURRENCY.exec(region.text);
    const fromForm = formCurrency && isCurrencyCode(formCurrency[1]!) && FORM_BUDGET_FIELD.test(source.slice(region.start, token.start)) && mention.value.currency === null;
    const value = { min: last ? low : mention.value.min, max: last ? last.value : mention.value.max, currency: fromForm ? formCurrency[1]!.toUpperCase() : mention.value.currency };
    if (fromForm) {
      // The span covers the amount and the currency field, wherever in the form each is.
      const currencyAt = region.start + formCurrency.index;
      const span = spanAt(source, Math.min(token.start, currencyAt), Math.max(final.end, currencyAt + formCurrency[0].length));
      return { value, evidence: { kind: 'span', span }, confidence: Math.min(mention.confidence, 0.9), via: 'rules' };
    }
    const evidence = last ? { kind: 'span' as const, span: spanAt(source, token.start, last.end) } : mention.evidence;
    return { value, evidence, confidence: Math.min(mention.confidence, 0.6), via: 'rules' };
  }
  return nothingRead();
}

/** What they want: the clause after "we need", "we want", "looking for". */
function needIn(source: string, region: Span): Field<string | null> {
  const match = /\b(?:we need|we want|we would like|we'd like|we're looking for|we are looking for|looking for|wants?|needs?|interested in|need help with)\s+(?:to\s+)?([^.,;!?\n]{3,120})/iu.exec(region.text);
  if (!match) return nothingRead();
  const start = region.start + match.index + match[0].length - match[1]!.length;
  const text = match[1]!.trim();
  return { value: text, evidence: { kind: 'span', span: spanAt(source, start, start + text.length) }, confidence: 0.8, via: 'rules' };
}

/** "kr" names the crown of the sender's own country, when their phone number says which country that is. */
const CROWN: Partial<Record<CountryCode, string>> = { SE: 'SEK', NO: 'NOK', DK: 'DKK', FO: 'DKK', GL: 'DKK', IS: 'ISK' };

function withCrown(budget: Field<Budget | null>, phones: ReturnType<typeof readPhones>): Field<Budget | null> {
  const span = budget.evidence.kind === 'span' ? budget.evidence.span.text : '';
  if (!budget.value || budget.value.currency !== null || !/kr/i.test(span)) return budget;
  const countries = new Set(phones.filter((p) => p.e164.startsWith('+')).map((p) => parsePhoneNumberFromString(p.e164)?.country).filter((c) => c !== undefined));
  const crowns = new Set([...countries].map((country) => CROWN[country]).filter((code) => code !== undefined));
  return crowns.size === 1 ? { ...budget, value: { ...budget.value, currency: [...crowns][0]! }, confidence: Math.min(budget.confidence, 0.9) } : budget;
}

export async function readLead(source: string, received: Date): Promise<ReadLead> {
  const message = await readMessage(source);
  const written = message.date ?? received;
  // The author's words without the signature: a phone number or a street number is no budget.
  const words = spanAt(source, message.body.start, message.signature?.start ?? message.body.end);
  const parties = readParties(source, message);
  const phones = readPhones(source.slice(0, message.body.end));
  const phone = phones.find((p) => p.evidence.kind === 'span' && p.evidence.span.start >= message.body.start) ?? nothingRead();
  return {
    ...parties,
    phone,
    need: needIn(source, words),
    budget: withCrown(budgetIn(source, words), phones),
    timeline: timelineOf(source, words, message.body.end, written),
    written,
  };
}

/** "Same launch date as below", "the deadline still stands": the reply keeps the date of the message it quotes. */
const SAME_DATE_AS_QUOTED = /\b(?:same|unchanged)\s+(?:launch\s+|go-live\s+|delivery\s+|due\s+|target\s+|end\s+)?(?:date|deadline|timeline|timing)\s+as\s+(?:below|before|above|in my (?:last|previous|earlier) (?:e-?mail|message|note))\b|\b(?:date|deadline|timeline)\s+(?:still stands|stays the same|is unchanged)\b/iu;
/** Dates counted from when a message was written ("in 6 weeks", "next Friday"): the quoted message's day is not the reply's. */
const COUNTED = /\b(?:in|within|next|this|coming|today|tomorrow|weeks?|days?|months?)\b/iu;

/** The deadline the author's words give, or, where they keep the quoted message's, the date that message states outright. */
function timelineOf(source: string, words: Span, bodyEnd: number, written: Date): Field<Deadline | null> {
  const own = readDeadline(source, words, written);
  if (own.value !== null || !SAME_DATE_AS_QUOTED.test(words.text)) return own;
  const quoted = readDeadline(source, spanAt(source, bodyEnd, source.length), written);
  if (quoted.value === null || COUNTED.test(quoted.value.phrase)) return own;
  return { ...quoted, confidence: Math.min(quoted.confidence, 0.9) };
}

/** The fields a reply to a lead depends on: each must be grounded and sure, or it is asked. */
export const REQUIRED_LEAD_FIELDS = ['company', 'email', 'budget', 'timeline'] as const;
export type RequiredLeadField = (typeof REQUIRED_LEAD_FIELDS)[number];

/** Which required fields of a reading are missing or unsure (a budget without its currency is unsure). */
export function unsureLeadFields(source: string, lead: Pick<ReadLead, RequiredLeadField>): RequiredLeadField[] {
  return REQUIRED_LEAD_FIELDS.filter((field) => !actionable(source, lead[field]) || (field === 'budget' && lead.budget.value?.currency === null));
}

/** What a model answers when asked to read a lead (nullable: OpenAI's structured output wants every field). */
export const ModelLead = z.object({
  company: z.string().nullable(),
  contactName: z.string().nullable(),
  email: z.string().nullable(),
  need: z.string().nullable(),
  budget: z.number().nullable(),
  currency: z.string().nullable(),
  timeline: z.string().nullable(),
});
export type ModelLead = z.infer<typeof ModelLead>;

const folded = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9@.]/g, '');
const spanOf = (source: string, value: string): Span | null => {
  const at = source.toLowerCase().indexOf(value.trim().toLowerCase());
  return at >= 0 && value.trim() ? spanAt(source, at, at + value.trim().length) : null;
};
const doubted = <T>(field: Field<T>, confidence = 0.5): Field<T> => ({ ...field, confidence: Math.min(field.confidence, confidence) });

/** A model's words for the need are a description, not a value an action rests on: used when they are the text's own. */
function needOf(source: string, said: string | null, read: Field<string | null>): Field<string | null> {
  const span = said ? spanOf(source, said) : null;
  return span ? { value: span.text, evidence: { kind: 'span', span }, confidence: 0.9, via: 'model' } : read;
}

/**
 * A model's reading, checked against the text the way the rules' reading is: a value the model
 * gives must be a span of the text, and where it differs from the rules' reading the field is
 * doubted (asked), whichever is right. Agreement on a span makes the reading sure.
 */
export function checkModelLead(source: string, model: ModelLead, rules: ReadLead): { lead: ReadLead; disagreements: string[] } {
  const disagreements: string[] = [];
  const text = (name: 'company' | 'contactName' | 'email'): Field<string | null> => {
    const said = model[name];
    const read = rules[name];
    if (said === null) return read;
    const span = spanOf(source, said);
    if (read.value !== null && folded(read.value) === folded(said)) return { ...read, confidence: Math.max(read.confidence, ACT_WITHOUT_ASKING), via: 'model' };
    // "Tidal Print" and "The Old Tidal Print Works": one reading holds the other, so they agree on
    // the name but not on where it starts or ends. The fuller one is offered; which is right is asked.
    if (read.value !== null && (folded(read.value).includes(folded(said)) || folded(said).includes(folded(read.value)))) {
      disagreements.push(`${name}: the model read "${said}", the rules "${read.value}"`);
      const fuller = span && said.trim().length > read.value.length ? { value: span.text, evidence: { kind: 'span' as const, span }, confidence: read.confidence, via: 'model' as const } : read;
      return doubted(fuller);
    }
    if (!span) {
      disagreements.push(`the model's ${name} "${said}" is not in the text`);
      return read.value === null ? read : doubted(read);
    }
    disagreements.push(`${name}: the model read "${said}"${read.value === null ? '' : `, the rules "${read.value}"`}`);
    return { value: span.text, evidence: { kind: 'span', span }, confidence: 0.5, via: 'model' };
  };
  const budget = ((): Field<Budget | null> => {
    const read = rules.budget;
    if (model.budget === null) return read;
    const currency = model.currency?.toUpperCase() ?? null;
    if (read.value !== null && model.budget >= read.value.min && model.budget <= read.value.max && (currency === null || currency === read.value.currency)) {
      return { ...read, via: 'model' };
    }
    const written = readMoney(source).find((m) => m.value.min === model.budget || m.value.max === model.budget);
    disagreements.push(`budget: the model read ${model.budget} ${currency ?? ''}`.trimEnd() + (read.value === null ? '' : `, the rules ${read.value.min}-${read.value.max} ${read.value.currency ?? ''}`.trimEnd()) + (written ? '' : ' (not in the text)'));
    if (!written) return read.value === null ? read : doubted(read);
    return { value: { min: written.value.min, max: written.value.max, currency: written.value.currency }, evidence: written.evidence, confidence: 0.5, via: 'model' };
  })();
  const timeline = ((): Field<Deadline | null> => {
    const read = rules.timeline;
    if (model.timeline === null) return read;
    const span = spanOf(source, model.timeline);
    const readSpan = read.evidence.kind === 'span' ? read.evidence.span : null;
    if (span && readSpan && span.start < readSpan.end && readSpan.start < span.end) return { ...read, via: 'model' };
    disagreements.push(`timeline: the model read "${model.timeline}"${span ? '' : ' (not in the text)'}`);
    if (!span) return read.value === null ? read : doubted(read);
    const said = readDeadline(source, span, rules.written);
    return doubted(said.value === null ? read : { ...said, via: 'model' });
  })();
  return {
    lead: { ...rules, company: text('company'), contactName: text('contactName'), email: text('email'), need: needOf(source, model.need, rules.need), budget, timeline },
    disagreements,
  };
}
