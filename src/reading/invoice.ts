// An invoice request read into grounded fields: customer, line items, currency, tax rate and the
// billing details it states. Every value carries the span it came from; what the request does not
// say, or says two ways, is null or comes with a problem, so the plan asks instead of guessing.
import nlp from 'compromise';
import { z } from 'zod';
import { moneyNotAccountedFor } from './amounts-accounted.ts';
import { actionable, fieldOf, spanAt, type Field } from './field.ts';
import { approximation, doubtAbout, priceStillToCome } from './hedges.ts';
import { isCurrencyCode, readMoney, readTaxRate } from './money.ts';
import { LineRead, NUMBERED_FIELD, readLines } from './invoice-lines.ts';
import { addressAfter, addressAfterEveryMention, addressAfterName, addressBlockAfterLabel, customerFromOrganisationLines, customerFromVerb, labelledAddress, labelledCustomer, readRecipient, readVatId } from './invoice-parties.ts';
import { decimalStyle, readNumbers, type DecimalMark } from './numbers.ts';
import { readableLines, readMessage, within, type Message, type Region } from './message.ts';
import { readParties } from './parties.ts';
import { unitOf } from './units.ts';

export const InvoiceField = z.enum(['customer', 'lines', 'currency']);
export type InvoiceField = z.infer<typeof InvoiceField>;

export const InvoiceReading = z.object({
  /** Is this a request to issue an invoice at all ("what did we invoice Hooli?" is not). */
  intent: z.enum(['invoice', 'other']),
  customer: fieldOf(z.string()).nullable(),
  lines: z.array(LineRead),
  currency: fieldOf(z.string()).nullable(),
  taxRatePercent: fieldOf(z.number()).nullable(),
  email: fieldOf(z.string()).nullable(),
  vatId: fieldOf(z.string()).nullable(),
  address: fieldOf(z.string()).nullable(),
  /** What the request leaves open or contradicts, by the field the plan must ask about. */
  problems: z.array(z.object({ field: InvoiceField, why: z.string() })),
});
export type InvoiceReading = z.infer<typeof InvoiceReading>;

/** A client's e-mail asking to be invoiced: "please invoice us", "send us the invoice", "in Rechnung", "die Rechnung schicken", "facturarnos". */
const EMAIL_ASKS_FOR_INVOICE = /\b(?:invoice (?:us|me|them)|send (?:us |me )?(?:the|an|your|a) invoice|bill us|in Rechnung|Rechnung (?:bitte|an|für)|Rechnung\s+(?:zu)?(?:schicken|senden|zusenden|ausstellen)|factur\w*|fattur\w*|fatur\w*|faktur\w*|please invoice|can you invoice|could you invoice|invoice for)\b/iu;
/** Words about an invoice already issued and not yet paid: a reminder to send, not an invoice to issue. */
const DUNNING = /\b(?:overdue|unpaid|past due|reminder|nudge|chase|remind|mahnung|zahlungserinnerung|überfällig|relance|impayée?|sollecito|scaduta|vencida|recordatorio)\b/iu;
/** A client saying they have received an invoice ("we got your invoice", "nous avons bien reçu la facture"): it is issued already. */
const RECEIVED_INVOICE = new RegExp(
  [
    String.raw`\b(?:we|I)(?:'ve|’ve| have)?\s+(?:just\s+)?(?:received|got)\s+(?:the|your)\s+invoice\b`,
    String.raw`\b(?:nous avons|j'ai|j’ai)\s+(?:bien\s+)?reçu\s+(?:la|votre)\s+facture\b`,
    String.raw`\b(?:wir haben|ich habe)\s+(?:Ihre|die|eure|deine)\s+Rechnung(?:\s+\S+)?\s+erhalten\b`,
    String.raw`\b(?:hemos|he)\s+recibido\s+(?:la|su|vuestra)\s+factura\b`,
    String.raw`\b(?:abbiamo|ho)\s+ricevuto\s+la\s+(?:vostra\s+|tua\s+)?fattura\b`,
    String.raw`\b(?:we hebben|ik heb)\s+(?:de|uw|je)\s+factuur(?:\s+\S+)?\s+ontvangen\b`,
  ].join('|'),
  'iu',
);
/** A quote, estimate or offer: priced lines that are no invoice. */
const QUOTE_WORD = /\b(?:quote|quotation|estimate|offer|proposal|angebot|kostenvoranschlag|devis|presupuesto|preventivo|offerte|orçamento)\b/iu;
/** A form's label over its line items. */
const LINES_LABEL = /^[ \t]*(?:lines|line items|items|positions|positionen|leistungen|lignes|prestations|partidas|conceptos|voci)[ \t]*:/iu;
/** A form's field that only a bill has: its rate, amount, tax, currency or billing address ("Rate: $80/h", "Amount: 950.00", "Billing address: ..."). */
const BILLING_FIELD = /^[ \t]*(?:(?:hourly |day |daily )?rate|amount|fee|currency|tax|vat|billing address|invoice address|po number|betrag|stundensatz|einzelpreis|unit price|prix unitaire|precio unitario|prezzo unitario|rechnungsadresse|montant|importe|importo|bedrag)\b[^:\n]{0,20}:/imu;
/** A form's numbered line field ("item_1_price: 40", "line2_qty=3"): its lines under labels of their own. */
const NUMBERED_LINE = new RegExp(NUMBERED_FIELD.source, 'imu');
/** The word "invoice" in the languages requests arrive in: a labelled form that names a customer and says it is an invoice asks for one. */
const INVOICE_WORD = /\b(?:invoice|rechnung|facture|factura|fattura|factuur|faktura)\b/iu;

/** Words that say a price already holds the tax: "brutto", "incl. VAT", "inkl. 19 % MwSt.", "TTC", "IVA incluido". */
const TAX = String.raw`(?:VAT|tax|GST|MwSt\.?|USt\.?|Mehrwertsteuer|TVA|IVA|BTW|moms|mva)`;
const GROSS = new RegExp(
  String.raw`(?<!\p{L})(?:brutto|gross|TTC|(?:incl(?:\.|uding|usive(?: of)?)?|inkl(?:\.|usive)?|inkluderet|inclusief|incluido|incluida|inclus[ae]?|compris)\s+(?:(?:de\s+)?(?:la\s+)?\d+(?:[.,]\d+)?\s?%\s+)?${TAX}|${TAX}\s+(?:incl(?:\.|uded)?|incluid[oa]|inclus[ae]?|inbegrepen|compris[ea]?))(?!\p{L})`,
  'iu',
);

/**
 * "or should it go to X", "or do we bill X instead", "oder lieber an X", "ou plutôt à X", "or is it for X?", "o es para X?": the
 * request itself offers another party to send the bill to, so the customer is not settled.
 */
const OTHER_PAYER = new RegExp(
  String.raw`(?<!\p{L})(?:[Oo]r\s+(?:should|shall|do|would|must)\s+(?:it|this|that|the\s+(?:invoice|bill)|I|we)\s+(?:go|be\s+(?:sent|addressed|made\s+out|billed|issued)|bill|invoice|charge|send\s+it|address\s+it)\s+(?:to\s+)?|[Oo]r\s+(?:rather\s+|maybe\s+|perhaps\s+)?(?:bill|invoice|charge)\s+)(?=[\p{Lu}\d]|their\s|the\s|his\s|her\s)|(?:[Oo]der|[Oo]u|[Oo])\s+(?:lieber|doch|eher|plutôt|bien|mejor|meglio)\s+(?:an|à|a)\s+(?=\p{Lu})|(?<!\p{L})(?:[Oo]r|[Oo]der|[Oo]u|[Oo]|[Oo]f)\s+(?:is\s+it|is\s+that|ist\s+(?:es|sie)|c'est|é|es|è|is\s+het)\s+(?:for|für|pour|pra|para|per|voor)\s+(?=\p{Lu})`,
  'u',
);

export async function readInvoiceRequest(text: string): Promise<InvoiceReading> {
  const message = await readMessage(text);
  const regions = readableLines(text, message);
  // The writer's decimal mark, from their own words only (not "MIME-Version: 1.0").
  const style = decimalStyle(regions.map((r) => text.slice(r.start, r.end)).join('\n'));
  const problems: InvoiceReading['problems'] = [];

  const labelled = labelledCustomer(text, regions);
  const byVerb = customerFromVerb(text, regions, style);
  const organisation = customerFromOrganisationLines(text, regions);
  const inline = labelledAddress(text, regions);
  const isEmail = message.from !== null;
  // A form that names the customer and lists the lines under a label of their own ("Lines:", "Items:"), or has a field only a bill has
  // ("Rate:", "Amount:", "Billing address:"), is a billing form, whether or not it says "invoice".
  const said = (pattern: RegExp) => regions.some((r) => pattern.test(text.slice(r.start, r.end)));
  const asksByLabel = labelled !== null && (said(INVOICE_WORD) || ((said(LINES_LABEL) || said(NUMBERED_LINE) || said(BILLING_FIELD)) && !said(QUOTE_WORD)));
  const intent = byVerb.asked || asksByLabel || (isEmail && regions.some((r) => EMAIL_ASKS_FOR_INVOICE.test(text.slice(r.start, r.end)))) ? 'invoice' : 'other';
  const fromVerb = byVerb.customer ?? (byVerb.problem && !isEmail ? null : undefined);
  // A field that says who the customer is wins over a name read after the verb ("Invoice request ... Client: X").
  const named = labelled ?? (fromVerb === undefined ? (organisation?.customer ?? inline?.organisation ?? null) : fromVerb);
  // "send over the invoice ... Owen / Tidewater Cafe" from tidewater-cafe.example: a client's own e-mail signed with its organisation
  // and no legal form; the lead reader's company, which weighs the sender's domain, names it.
  const customer = named ?? (isEmail && intent === 'invoice' ? senderOrganisation(text, message) : null);
  if (byVerb.problem && !labelled && named === byVerb.customer) problems.push({ field: 'customer', why: byVerb.problem });
  // The writer wonders whether someone else should be billed instead ("... or should it go to their parent company?"): ask which.
  const otherPayer = regions.map((r) => OTHER_PAYER.exec(text.slice(r.start, r.end))).find(Boolean);
  if (customer && otherPayer) problems.push({ field: 'customer', why: `the request asks whether to bill someone else ("${otherPayer[0].trim()}")` });
  // The operator's note names one customer, the pasted e-mail's billing block another: ask which.
  if (byVerb.customer && organisation && !organisation.customer.value.toLowerCase().includes(byVerb.customer.value.toLowerCase())) {
    problems.push({ field: 'customer', why: `"${byVerb.customer.value}" or "${organisation.customer.value}"` });
  }

  const vatId = readVatId(text, regions);
  const email = readRecipient(text, regions, message);
  // The request's own words may give the address right after the customer's name; a signature's organisation line may give it below.
  // Wherever the customer is named with a street and town after it ("die Rechnung an X GmbH, Hafenweg 3, 28195 Bremen"), not only after the verb.
  const afterName = byVerb.customer && customer === byVerb.customer ? addressAfterName(text, byVerb.customer) : customer ? addressAfterEveryMention(text, regions, customer) : null;
  // A signature's organisation line with no address below it leaves a labelled one ("Billing address: ...") to say it.
  const address = afterName ?? (organisation ? addressAfter(text, organisation.line, regions, [...spanOf(vatId), ...spanOf(email)]) : null) ?? inline?.address ?? addressBlockAfterLabel(text, regions, customer);
  const tax = taxRateIn(text, regions);
  const skip: Region[] = [customer, vatId, email, address, tax].flatMap(spanOf);
  // Lines before the billing block only: a signature's phone number or postcode is no count.
  const lineRegions = organisation ? regions.filter((r) => r.end <= organisation.line.start || r.start < (customer?.evidence.kind === 'span' ? customer.evidence.span.start : 0)) : regions;
  const { lines, statedTotal } = readLines(text, lineRegions.length > 0 ? lineRegions : regions, skip, style);
  for (const line of lines) {
    const problem = line.problem ?? doubtedLine(text, line);
    if (problem) problems.push({ field: 'lines', why: problem });
  }
  const unsettled = doubtedAmountLeftOut(text, lineRegions.length > 0 ? lineRegions : regions, lines, skip, style);
  if (unsettled) problems.push({ field: 'lines', why: unsettled });
  const toCome = regions.map((r) => priceStillToCome(text.slice(r.start, r.end))).find(Boolean);
  if (toCome) problems.push({ field: 'lines', why: `a price is still to come (${toCome}): the thing it prices is billed on no line` });

  // "1.190 € brutto, inkl. 19 % MwSt.": the invoice adds tax to net prices, so a price with the tax in it would be taxed twice.
  const gross = regions.map((r) => GROSS.exec(text.slice(r.start, r.end))).find((m) => m !== null);
  if (gross && lines.length > 0) problems.push({ field: 'lines', why: `the prices include tax ("${gross[0]}"): type them net` });
  const currency = currencyOf(text, regions, lines, problems, style);
  // A second reading: every amount of money the request states is one the lines read account for, and a stated total is their sum.
  const unaccounted = moneyNotAccountedFor(text, lineRegions.length > 0 ? lineRegions : regions, skip, style, { lines, taxRatePercent: tax?.value ?? null, statedTotal });
  if (unaccounted) problems.push({ field: 'lines', why: unaccounted });
  // "invoice 2026-041 to Hooli is 30 days overdue, can you nudge them?": with no price to bill, a reminder about an issued invoice is no request for one;
  // nor is a client's question about an invoice they say they have received.
  const dunning = intent === 'invoice' && !lines.some((l) => l.unitPrice) && regions.some((r) => DUNNING.test(text.slice(r.start, r.end)) || RECEIVED_INVOICE.test(text.slice(r.start, r.end)));
  if (dunning) return { intent: 'other', customer, lines, currency, taxRatePercent: tax, email, vatId, address, problems };
  if (intent === 'invoice' && lines.length === 0) problems.push({ field: 'lines', why: 'no line with a quantity or a price' });
  return { intent, customer, lines, currency, taxRatePercent: tax, email, vatId, address, problems };
}

/** The span a field was read from, if it was read from one. */
const spanOf = (field: Field<unknown> | null) => (field?.evidence.kind === 'span' ? [field.evidence.span] : []);

/** The organisation a client's e-mail comes from, as the lead reader reads it (signature, domain), or null. */
function senderOrganisation(text: string, message: Message): Field<string> | null {
  const { company } = readParties(text, message);
  return company.value === null ? null : { ...company, value: company.value };
}

/**
 * Why a line's count or price is the writer's guess ("roughly 6 hours", "~10h", "600 EUR? or was it
 * 650", "TBD hours"), or null. An invoice bills an exact amount, so an approximate one is asked too.
 */
function doubtedLine(text: string, line: LineRead): string | null {
  for (const field of [line.quantity, line.unitPrice]) {
    if (field?.evidence.kind !== 'span') continue;
    const why = doubtAbout(text, field.evidence.span) ?? approximation(text, field.evidence.span);
    if (why) return `"${field.evidence.span.text}" is said with ${why}`;
  }
  return null;
}

/**
 * Why the request is unsure of an amount that no line bills ("the banner too, no idea of a
 * price, perhaps 150?"), or null. A line the writer has not priced yet is still to be billed:
 * leaving it out would bill less than they asked for without anyone saying so, whoever reads the
 * lines (rules or model), so the lines are asked.
 */
function doubtedAmountLeftOut(text: string, regions: Region[], lines: LineRead[], skip: Region[], style: DecimalMark | null): string | null {
  const read: Region[] = [...lines.flatMap((l) => [l.quantity, l.unitPrice]).flatMap(spanOf), ...skip];
  const money = readMoney(text, style).flatMap(spanOf);
  const overlaps = (number: Region, spans: Region[]) => spans.some((span) => number.start < span.end && span.start < number.end);
  // "not sure about the 2 colours": a number that counts things other than work (hours, days, items) is no amount.
  const countsThings = (number: Region) => {
    const word = /^[ \t]?(\p{L}+)/u.exec(text.slice(number.end))?.[1];
    // compromise tags a plural ("colours") by the count before it, not alone.
    return word !== undefined && unitOf(word) === null && nlp(`${text.slice(number.start, number.end)} ${word}`).has('#Value #Noun');
  };
  for (const number of readNumbers(text, style)) {
    if (!within(regions, number.start, number.end) || overlaps(number, read) || (!overlaps(number, money) && countsThings(number))) continue;
    const why = doubtAbout(text, number);
    if (why) return `"${number.text}" is said with ${why} and billed on no line`;
  }
  return null;
}

function taxRateIn(text: string, regions: Region[]): Field<number> | null {
  for (const region of regions) {
    const found = readTaxRate(text.slice(region.start, region.end));
    if (found && found.evidence.kind === 'span') {
      const { start, end } = found.evidence.span;
      return { ...found, evidence: { kind: 'span', span: spanAt(text, region.start + start, region.start + end) } };
    }
  }
  return null;
}

/** The one currency of the lines' prices, or one named on its own ("all in EUR"); two is a question. */
function currencyOf(text: string, regions: Region[], lines: LineRead[], problems: InvoiceReading['problems'], style: DecimalMark | null): Field<string> | null {
  const priced = lines.flatMap((l) => (l.unitPrice?.value.currency ? [l.unitPrice] : []));
  const codes = [...new Set(priced.map((p) => p.value.currency))];
  if (codes.length > 1) {
    problems.push({ field: 'currency', why: `the lines are in ${codes.join(' and ')}` });
    return { ...fieldFrom(priced[0]!, priced[0]!.value.currency!), confidence: 0.4 };
  }
  if (codes.length === 1) return fieldFrom(priced[0]!, codes[0]!);
  const mentions = readMoney(text, style).filter((m) => m.evidence.kind === 'span' && within(regions, m.evidence.span.start, m.evidence.span.end));
  const named = mentions.find((m) => m.value.currency);
  if (named) return fieldFrom(named, named.value.currency!);
  for (const match of text.matchAll(/\b[A-Z]{3}\b|\b(?:euros?|dollars?|pounds? sterling)\b/giu)) {
    const word = match[0];
    // A code in lower case counts where a label names it the currency ("currency gbp", "Währung: chf"), or where it stands alone as its own sentence ("... rush fee 150. usd").
    const labelled =
      /\b(?:currency|devise|währung|moneda|valuta)\s*:?\s*$/iu.test(text.slice(Math.max(0, match.index - 12), match.index)) ||
      (/(?:^|[.;!]\s+|\n\s*)$/u.test(text.slice(0, match.index)) && /^\s*[.!]?\s*$/u.test(text.slice(match.index + word.length)));
    const code = /^euro/i.test(word) ? 'EUR' : /^dollar/i.test(word) ? 'USD' : /^pound/i.test(word) ? 'GBP' : (word === word.toUpperCase() || labelled) && isCurrencyCode(word) ? word.toUpperCase() : null;
    if (code && within(regions, match.index, match.index + word.length)) {
      return { value: code, evidence: { kind: 'span', span: spanAt(text, match.index, match.index + word.length) }, confidence: 0.9, via: 'rules' };
    }
  }
  if (mentions.some((m) => m.evidence.kind === 'span' && /kr/i.test(m.evidence.span.text))) problems.push({ field: 'currency', why: '"kr" names no single currency (SEK, NOK, DKK, ISK?)' });
  return null;
}

const fieldFrom = (price: Field<unknown>, code: string): Field<string> => ({ value: code, evidence: price.evidence, confidence: price.confidence, via: price.via });

/**
 * Which of customer, lines and currency the plan must ask about before it may act: what is
 * missing, contradictory or read with doubt. Lines that are all priced but not all read surely are
 * not asked: the plan shows their amount, with the words it came from, for approval.
 */
export function fieldsToAsk(text: string, reading: InvoiceReading): InvoiceField[] {
  const ask = new Set<InvoiceField>(reading.problems.map((p) => p.field));
  if (!reading.customer || !actionable(text, reading.customer)) ask.add('customer');
  if (!reading.currency || !actionable(text, reading.currency)) ask.add('currency');
  if (reading.lines.length === 0 || reading.lines.some((l) => !l.unitPrice || l.problem)) ask.add('lines');
  return InvoiceField.options.filter((f) => ask.has(f));
}

/** Every line's count and price is grounded with high confidence: the amount may go out unseen. */
export function linesGroundedSurely(text: string, reading: InvoiceReading): boolean {
  return reading.lines.length > 0 && reading.lines.every((l) => l.unitPrice !== null && l.problem === null && actionable(text, l.quantity) && actionable(text, l.unitPrice));
}
