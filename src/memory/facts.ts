// Reading the facts a sentence states about a customer or supplier: the attributes an action
// takes from memory (where to bill, which VAT ID, what terms, what rate, whom to write to, which
// currency). Rules over the redacted text, one per attribute, each needing a cue word and a value
// of the attribute's shape; a sentence that has the cue but no such value states nothing.
import { businessIdSpans } from '../privacy/business-ids.ts';
import { MONTH_NAME, monthNumber } from '../reading/dates.ts';
import type { CitedFact } from '../core/services.ts';
import { attributeAsked, namesATaxNumber } from './attribute-words.ts';
import { foldAccents, tokens } from './words.ts';

export const ATTRIBUTES = ['billing_address', 'vat_id', 'billing_email', 'contact', 'rate', 'payment_terms', 'currency'] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

export const ATTRIBUTE_LABELS: Record<Attribute, string> = {
  billing_address: 'billing address',
  vat_id: 'VAT ID',
  billing_email: 'invoice e-mail',
  contact: 'contact',
  rate: 'rate',
  payment_terms: 'payment terms',
  currency: 'currency',
};

export interface StatedFact {
  attribute: Attribute;
  value: string;
}

const CURRENCIES = 'EUR|USD|GBP|CHF|NOK|SEK|DKK|PLN|CZK|JPY|AUD|CAD|NZD|TRY|HUF|RON|BGN|INR|SGD|HKD';
const MONEY = `(?:(?:€|£|\\$)\\s?\\d[\\d,.']*|\\d[\\d,.']*\\s?(?:${CURRENCIES}|€|£|\\$))`;
const PERIOD = '(?:\\s?(?:per|a|/)\\s?(?:day|hour|month|week))';
const RATE = new RegExp(`(${MONEY})(${PERIOD})?`, 'i');
const RATE_CUE = /\b(?:day rate|daily rate|hourly rate|rate|retainer|per (?:day|hour|month)|\/(?:day|hour)|fee)\b/i;
/** "30 days end of month" is not "30 days": the month's end is part of the terms. */
const TERMS = /\b(?:net\s?(\d{1,3})|(\d{1,3})\s?days?(?:\s+net)?)\b(\s+(?:end of (?:the )?month|EOM)\b)?/i;
const TERMS_CUE = /\b(?:pays?|paid|payment|terms|net\s?\d+|due)\b/i;
const CURRENCY = new RegExp(`\\b(?:currency:?|invoices? in|invoiced in|billed in|bill(?:ed)?(?: them| us| it)? in|pay(?:s|ing)? in)\\s+(${CURRENCIES})\\b`, 'i');
const ADDRESS_CUE = /\b(?:billing address|invoice address|address|billing:|billing to|bill(?: them| us| it| [A-Za-z][^\s\d,;:]*(?: [A-Za-z&][^\s\d,;:]*){0,5}?)?(?: in [A-Z]{3})? (?:to|at)|bill to|invoices?(?: [a-z]+)? (?:go|goes|should go|must go|to be sent) to|moved (?:\w+ )?(?:office |offices )?to|new office(?: is)?(?: at| in)?|send (?:paper )?invoices to)\b[:\s]*(?:is\s+|now\s+|changed to\s+|(?:from \w+ )?to\s+)?/i;
/** A street address: has a house number and runs to the end of the clause. */
const ADDRESS_VALUE = /^([^;()]*?\d[^;()]*?)(?=\.\s|\.$|;|\s\(|,?\s(?:net|VAT|and|but|from|with|attention|since|starting)\b|$)/;
/** An address named before the cue: "...: Hauptstraße 5, 10115 Berlin is the billing address from June." */
const ADDRESS_BEFORE_CUE = /(?:^|[:;]\s+)([^:;]*?\d[^:;]*?)\s+is (?:now )?(?:the|our|their) (?:new )?(?:billing|invoice|invoicing) address\b/i;
/** "moved shop and workshop to <address>; use that as the billing address": a move to a place the sentence makes the address. */
const MOVED_TO = /\bmoved\b(?:\s+[\p{L}-]+){1,5}?\s+to\s+/iu;
const ADDRESS_WORD = /\b(?:address|office|billing|invoices?)\b/i;
/** A tax number's name in any language (attribute-words.ts), or just "tax" or "EIN". */
const statesATaxNumber = (sentence: string) => /\b(?:tax|EIN)\b/i.test(sentence) || namesATaxNumber(sentence);
const EMAIL_CUE = /\b(?:invoices?|invoicing|billing|accounts payable|AP|mailbox|inbox|e-?mailed|send)\b/i;
const ROLE_EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/;
/** "Contact = Jo Pike" and "Contact: Jo Pike" are how a short note writes it; "the person we deal with" is how a longer one does. */
const CONTACT_CUE = /\b(?:(?:our (?:main |new |day-to-day )?contact|point of contact|(?:is|as) (?:the )?(?:day-to-day )?contact|(?:is|as|and) (?:the|our) (?:main |new )?(?:person|one) (?:we (?:deal|work|talk) with|to (?:talk|speak|write) to)|took over|replaces (?:him|her)|handed .* to)\b|contact\s*[=:])/i;
const PERSON = /(?<![\p{L}])(\p{Lu}[\p{L}'’-]+(?:\s(?:de|van|von|da|del|di|le|la)?\s?\p{Lu}[\p{L}'’-]+){1,2})(?![\p{L}])/gu;

/** "Renegotiated with Kessler: 920 EUR per day from January; travel billed separately." → sentences. */
export function sentencesOf(text: string): string[] {
  // Not after a short abbreviation ("ul. Żelazna 59", "St. Gallen").
  return text.split(/(?<=(?:\p{L}{4,}|\d|["')])[.!?])\s+(?=\p{Lu}|")|\n+/u).map((part) => part.trim()).filter(Boolean);
}

/** The facts one sentence states, at most one per attribute. */
export function readFacts(sentence: string): StatedFact[] {
  const facts: StatedFact[] = [];
  const add = (attribute: Attribute, value: string | undefined) => {
    const trimmed = value?.trim().replace(/[.,;:]+$/, '');
    if (trimmed && !facts.some((fact) => fact.attribute === attribute)) facts.push({ attribute, value: trimmed });
  };

  const address = ADDRESS_CUE.exec(sentence);
  if (address) add('billing_address', ADDRESS_VALUE.exec(sentence.slice(address.index + address[0].length))?.[1]);
  add('billing_address', ADDRESS_BEFORE_CUE.exec(sentence)?.[1]);
  const moved = ADDRESS_WORD.test(sentence) ? MOVED_TO.exec(sentence) : null;
  if (moved) add('billing_address', ADDRESS_VALUE.exec(sentence.slice(moved.index + moved[0].length))?.[1]);

  if (statesATaxNumber(sentence)) {
    const [id] = businessIdSpans(sentence);
    if (id) add('vat_id', sentence.slice(id.start, id.end).replace(/\s+/g, ''));
  }

  if (EMAIL_CUE.test(sentence)) add('billing_email', ROLE_EMAIL.exec(sentence)?.[0]);

  if (RATE_CUE.test(sentence)) {
    const rate = RATE.exec(sentence);
    if (rate) add('rate', normaliseRate(rate[1]!, rate[2]));
  }

  if (TERMS_CUE.test(sentence)) {
    const terms = TERMS.exec(sentence);
    if (terms) add('payment_terms', `${terms[1] ?? terms[2]} days${terms[3] ? ' end of month' : ''}`);
  }

  add('currency', CURRENCY.exec(sentence)?.[1]?.toUpperCase());

  if (CONTACT_CUE.test(sentence)) {
    // The contact is the newest person the sentence names next to the cue: the one taking over.
    // A name's words each have a lower-case letter: "VAT ID" is no one.
    const people = [...sentence.matchAll(PERSON)].map((match) => match[1]!).filter((name) => !/^(?:Our|The|From|Invoices?)\b/.test(name) && name.split(/\s+/).every((word) => /\p{Ll}/u.test(word)));
    const cue = CONTACT_CUE.exec(sentence)!;
    const taking = /took over|replaces|handed/i.test(cue[0]);
    // "Eleni Papadaki, the CEO, is our contact", "Katerina Alexiou is the new manager and the person we deal with": the subject is.
    const subjectIs = /^(?:is|as|and)\b/i.test(cue[0]) || /\b(?:is|as|remains|stays|becomes|will be)\s+$/i.test(sentence.slice(0, cue.index));
    const before = people.filter((name) => sentence.indexOf(name) < cue.index);
    const after = people.filter((name) => sentence.indexOf(name) > cue.index);
    add('contact', taking ? (before.at(-1) && !/handed/i.test(cue[0]) ? before.at(-1) : after[0]) : subjectIs ? (before.at(-1) ?? after[0]) : (after[0] ?? before.at(-1)));
  }
  return facts;
}

/** How each attribute is stated, for reading a bare value given as the answer to a question about it. */
const STATED_AS: Record<Attribute, string> = {
  billing_address: 'Billing address:',
  vat_id: 'VAT ID:',
  billing_email: 'Send invoices to',
  contact: 'Our contact is',
  rate: 'Rate:',
  payment_terms: 'Payment terms:',
  currency: 'Currency:',
};
/** A workflow's answer to its own question, as plan-memories.ts writes it: 'Answer to "<title>" in <workflow> (<request>): <answer>'. */
const ANSWER = /^Answer to "([^"]+)" in [\w-]+ \(.*\): ([^\n]+)$/s;

/**
 * The fact a workflow's recorded answer states: the answer is the value of the attribute its
 * question asked for ('Answer to "Ask for the currency" ...: JPY' says the currency is JPY), when it
 * has that attribute's shape.
 */
export function answeredFact(text: string): StatedFact | null {
  const match = ANSWER.exec(text.trim());
  const attribute = match && attributeAsked(match[1]!);
  if (!attribute) return null;
  return readFacts(`${STATED_AS[attribute]} ${match[2]!.trim()}`).find((fact) => fact.attribute === attribute) ?? null;
}

/** A lead's outcome, as lead-qualification writes it: 'Lead <company> (<contact>): needs ...'. */
const LEAD_OUTCOME = /^Lead .+? \(([^()]+)\): needs /;

/** The contact a lead's recorded outcome names: the person who wrote in is who we deal with. */
export function leadContactFact(text: string): StatedFact | null {
  const contact = LEAD_OUTCOME.exec(text.trim())?.[1]?.trim();
  return contact && contact !== 'unknown contact' ? { attribute: 'contact', value: contact } : null;
}

function normaliseRate(money: string, period: string | undefined): string {
  const symbol: Record<string, string> = { '€': 'EUR', '£': 'GBP', $: 'USD' };
  const compact = money.replace(/\s+/g, ' ').trim();
  const [, sign, amount] = /^([€£$])\s?(.*)$/.exec(compact) ?? [];
  const value = sign ? `${amount} ${symbol[sign]}` : compact.replace(/\s?([€£$])$/, (_, s: string) => ` ${symbol[s]}`);
  const per = period?.trim().replace(/^(?:a|\/)\s?/, 'per ').replace(/^per\s?/, 'per ');
  return per && !/day/.test(per) ? `${value} ${per}` : value;
}

/**
 * The same value however it was written ("Löffelstraße 22" and "Loffelstrasse 22"), for telling a
 * change from a repetition. A rate's "per day" is what a rate without a period means (see
 * normaliseRate), so "650 EUR per day" and "650 EUR" are one value; "net 30" and "30 days net" are "30 days".
 */
export function sameValue(a: string, b: string): boolean {
  const key = (value: string) => foldAccents(value.toLowerCase().replace(/\s*(?:per|a|\/)\s?day$/, '')).replace(/^net\s?(\d+)$|^(\d+)\s?days?\s+net$/, (_, before: string | undefined, after: string | undefined) => `${before ?? after} days`).replace(/[^a-z0-9@]+/g, '');
  return key(a) === key(b);
}

/** A question about how things were rather than how they are ("the old address", "last year's rate", "what rate did we start on"). */
export const asksAboutThePast = (question: string) =>
  /\b(?:old|previous|former|earlier|before|used to|last year|back in|ago|history|changed|change|originally|initially|first|at the start|to begin with|start(?:ed)? (?:on|at|with|out))\b/i.test(question);

/** The year a question asks about ("back in 2025", "in 2026"), if it names exactly one. */
export function yearAsked(question: string): number | null {
  const years = new Set([...question.matchAll(/(?<![\d-])(?:19|20)\d{2}(?![\d-])/g)].map((match) => Number(match[0])));
  return years.size === 1 ? [...years][0]! : null;
}

/** Month names long enough not to be another word ("may", "mar" and the Turkish "mart" are), as a question writes them. */
const MONTH_WORD = new RegExp(`(?<![\\p{L}])(${MONTH_NAME.split('|').filter((name) => name.length >= 4 && name !== 'mart').join('|')})(?![\\p{L}])`, 'giu');
const LAST_MONTH = /\b(?:last month|previous month|letzten monat|vorigen monat|le mois dernier|el mes pasado|il mese scorso|o mes passado|vorige maand|forrige måned|förra månaden)\b/i;
const THIS_MONTH = /\b(?:this month|diesen monat|ce mois-ci|este mes|questo mese|deze maand)\b/i;

/**
 * The month a question asks about, if it names one ("their april invoice", "in january", "last
 * month"): of the year it names, else the latest such month that has begun by now.
 */
export function monthAsked(question: string, now = new Date()): { year: number; month: number } | null {
  const current = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
  if (LAST_MONTH.test(question)) return current.month === 1 ? { year: current.year - 1, month: 12 } : { year: current.year, month: current.month - 1 };
  if (THIS_MONTH.test(question)) return current;
  const months = new Set([...question.matchAll(MONTH_WORD)].map((match) => monthNumber(match[1]!)!));
  if (months.size !== 1) return null;
  const [month] = [...months] as [number];
  return { year: yearAsked(question) ?? (month <= current.month ? current.year : current.year - 1), month };
}

/** What a question asks, read once per question: the attribute, the year and month it names, and whether it asks about the past. */
export interface QuestionReading {
  attribute: Attribute | null;
  year: number | null;
  month: { year: number; month: number } | null;
  /** "the old address", or a year before this one ("the day rate in 2025", asked in 2026). */
  aboutThePast: boolean;
}

export function readQuestion(question: string, now = new Date()): QuestionReading {
  const year = yearAsked(question);
  return { attribute: attributeAsked(question), year, month: monthAsked(question, now), aboutThePast: asksAboutThePast(question) || (year !== null && year < now.getUTCFullYear()) };
}

/**
 * "the address before Harbour Road": of the values stated, the one the value the question names
 * replaced. A value is named by a word of it no other value has ("harbour", not the town they share).
 */
export function valueBeforeNamed(question: string, stated: CitedFact[]): CitedFact | undefined {
  const asked = new Set(tokens(question).filter((word) => word.length >= 4 && !/^\d+$/.test(word)));
  const valuesWith = new Map<string, Set<string>>();
  for (const fact of stated) for (const word of tokens(fact.value)) valuesWith.set(word, (valuesWith.get(word) ?? new Set()).add(fact.value));
  const named = stated.find((fact) => tokens(fact.value).some((word) => asked.has(word) && valuesWith.get(word)!.size === 1));
  return named && stated.find((fact) => fact.entity === named.entity && fact.supersededAt === named.since);
}
