// Who an invoice is for, as the request says it: the customer after the verb ("please invoice
// Hooli 5 days", "bill Globex 12h", "Invoice Initech: ...", "invoice Studio 54 for 3 days", "facture
// pour Atelier Rivoire :"), or, in a client's own e-mail, the organisation of its billing block or
// signature (a name with a legal form: GmbH, SAS, S.L., Ltd, Inc, ...); and the billing e-mail,
// VAT ID and address the request states, so they are used and cited instead of asked again.
import { spanAt, type Field } from './field.ts';
import { amountAt } from './money.ts';
import { readNumberWords, readNumbers, type DecimalMark } from './numbers.ts';
import { within, type Message, type Region } from './message.ts';
import { quantityAt } from './quantity.ts';

const field = (text: string, start: number, end: number, value: string, confidence: number): Field<string> => ({
  value,
  evidence: { kind: 'span', span: spanAt(text, start, end) },
  confidence,
  via: 'rules',
});

// "bitte Rechnung an ...", "svp facture ...", "por favor factura a ...": the same words in the languages requests arrive in.
// A reply may open with its yes ("Yes please go ahead and invoice ...", "sure, invoice ...").
const POLITE = String.raw`(?:(?:please|pls|plz|kindly|hey|hi|hiya|hello|yo|ok|okay|yes|yep|yeah|sure|great|perfect|so|now|also|then|and|can you|could you|would you|will you|can u|kun je|kunt u|kannst du|können sie|peux-tu|pouvez-vous|puedes|podrías|puede|potresti|puoi|podes|pode|pls can you|go ahead and|time to|bitte|svp|s'il te plaît|s'il vous plaît|merci de|por favor|per favore|graag|gerne|vänligen)[,!]?\s+)*`;
// "Monthly retainer invoice for X": a few words that say which invoice, none an article, a possessive or a word about one already sent or attached.
const WHICH_INVOICE = String.raw`(?:(?!(?:the|a|an|about|re|regarding|on|from|of|for|to|in|with|my|your|our|their|his|her|its|last|previous|old|that|this|which|what|paid|unpaid|overdue|received|sent|attached|enclosed|here|find|see)\s)[\p{L}-]+\s+){1,3}invoice\s+(?:for|to)`;
/** The verb that asks for an invoice, typos included ("invoce", "invoise", "invocie"). */
// Each language's word keeps the prepositions it takes ("factura para", "factuur voor", "faktura till"), so the name starts after them.
// "bill it to X" and "make it out to X" name the customer after a pronoun for the invoice; "need an invoice for" asks for one as surely as "make".
// Imperatives of other languages ("hazme una factura para", "send en faktura til", "vystav prosím fakturu pro") take the same place as "make an invoice for",
// with or without the article; Brazilian Portuguese says "nota (fiscal)" for the invoice and "pra" for "para".
// Chat writes the verb loosely: "do an invoce for", a polite word inside "Rechnung bitte an", Danish and Norwegian "lav/lag en faktura til".
const VERB = String.raw`(?:${WHICH_INVOICE}|(?:bill|invoice|address|send)\s+(?:it|this|them)\s+to|make\s+(?:it|this|the\s+invoice)\s+out\s+to|in?v[oi]{1,2}[cs]e?|invocie|invioce|bill|send\s+(?:an?|the)\s+invoice\s+to|(?:make|do|create|draft|prepare|raise|generate|issue|write|need|want)\s+(?:an?|the)\s+in?v[oi]{1,2}[cs]e\s+(?:for|to)|(?:een|de)\s+factuur\s+(?:maken|opmaken|sturen|versturen)\s+(?:voor|aan|naar)|(?:faire|établir|hacer|emitir|emita|emite|fare|emettere|fazer|erstellen|haz(?:me|le)?|hágame|hágale|fais|faites|fai|fammi|faça|faz|send|skicka|lav|lag|gör|vystav(?:te)?(?:\s+prosím)?|wystaw(?:cie)?(?:\s+proszę)?)\s+(?:(?:(?:une|la|una|uma|a|eine|die|en)\s+)?(?:facture|factura|fattura|fatura|nota(?:\s+fiscal)?|rechnung|faktura)|fakturu|fakturę)\s+(?:pour|à|au|para|pra|a|al|per|für|an|til|till|pro|dla)|facture[rz]?(?:\s+(?:pour|à))?|factura(?:r)?(?:\s+(?:para|a))?|fatura(?:r)?(?:\s+(?:para|pra|a|ao|à))?|fattura(?:re)?(?:\s+(?:a|per))?|factuur(?:\s+(?:voor|aan|naar))?|factureer|faktur[au](?:\s+(?:till|til|för|for|dla|pro))?|fakturera|fakturer|rechnung\s+(?:bitte\s+)?(?:an|für)|fakturiere)`;
/**
 * "kun je Bakkerij Jansen factureren?", "kannst du Weber & Sohn in Rechnung stellen?": Dutch and German put the verb
 * last, after the customer it is asked for.
 */
const NAME_THEN_VERB = new RegExp(String.raw`(?:^|[\n.!?]\s*)${POLITE}(\p{Lu}[^\n.!?:;,]{0,60}?)\s+(?:factureren|fakturieren|in\s+rekening\s+brengen|in\s+Rechnung\s+stellen)(?!\p{L})`, 'giu');
/** "send Pinewood Cafe an invoice for ...": the customer between "send" and the invoice. */
const SEND_NAME_AN_INVOICE = new RegExp(String.raw`(?:^|[\n.!?]\s*)${POLITE}send\s+(\p{Lu}[^\n.!?]{0,60}?)\s+(?:an|the|their|its|a)\s+invoice\b`, 'giu');
// A dash between clauses starts one as a stop does ("All approved - please invoice ...").
const ASK = new RegExp(String.raw`(?:^|[\n.!?]\s*|\s[-–—]\s+)${POLITE}${VERB}(?!\p{L})(?:\s+(?:to|for|an)\b)?\s*:?\s*`, 'giu');
/** Where a customer's name ends in a chat request: a stop word, a sign, or a polite word after it ("Rechnung an X bitte:"). */
const NAME_END = /\s+the\s+(?=\p{Ll})|\s+(?:for|pour|für|para|with|to|about|re|regarding|at|@|send|and send|please|pls|plz|thanks|bitte|danke|graag|svp|merci|por favor|gracias|per favore|grazie|prosím|proszę|tak|tack|takk|tbd|tbc|maybe|perhaps|possibly|roughly|around|approx\.?|approximately)\b|\s*[~≈±]|\s*[:;,(—–]|\s+-\s|\s*\n|\s*[.!?](?:\s|$)|$/iu;
/** Words that refer to a customer without naming it: asked, never guessed. */
const NOT_A_NAME = /^(?:(?:the|a|an|our|my|your|this|that|these|those|their|his|her|us|me|them|him|it|everyone|whoever|to|for|of|from)\b|(?:client|customer)\b(?!\s+(?:\d|\p{Lu})))/iu;
/** "nous facturer", "la mission": pronouns and articles of other languages, lower case only ("La Trattoria" is a name). */
// Prepositions and articles too ("fatura de novembro", "factuur van de maand"): a name never starts with them in lower case ("De Vries" does).
const FOREIGN_NOT_A_NAME = /^(?:nous|uns|nos|ons|oss|noi|la|le|les|de|del|della|di|da|do|das|dos|du|des|van|von|vom|voor|för|till|til|para|per|pour|für|het|een|el|los|las|un|une|una|uno|il|lo|gli|ein|eine|der|die|den|dem|över|om|sobre|por)\s/u;
/** A month alone ("faktura för oktober", "invoice november") says when, not who. */
const MONTH_ALONE = /^(?:jan(?:uary|uar|vier|uari)?|feb(?:ruary|ruar|ruari)?|février|mar(?:ch|s)?|märz|maart|apr(?:il)?|avril|may|mai|mei|maj|june?|juni|juin|july?|juli|juillet|aug(?:ust|usti|ustus)?|août|sep(?:t(?:ember)?)?|septembre|oct(?:ober)?|oktober|octobre|nov(?:ember)?|novembre|dec(?:ember)?|dezember|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre)$/iu;
const notAName = (name: string) => NOT_A_NAME.test(name) || FOREIGN_NOT_A_NAME.test(`${name} `) || MONTH_ALONE.test(name);

/** Words that name a role in a signature ("Head of Finance", "Geschäftsführerin"), not an organisation. */
const ROLE = String.raw`(?:head|manager|director|lead|founder|owner|partner|officer|ceo|cfo|coo|cto|president|chair|assistant|coordinator|accountant|controller|administrator|geschäftsführer\p{L}*|leiter\p{L}*|directeur|directrice|gérant\p{L}*|responsable|hoofd)`;

/** Legal forms that end an organisation's name. */
// Mexico's forms run on past their first stop ("S.A. de C.V.", "S. de R.L. de C.V."): cut at "S.A." they would name another company.
const LEGAL_FORM = String.raw`(?:S\.\s?A\.\s?(?:P\.\s?I\.\s?)?de\s?C\.\s?V\.|S\.\s?de\s?R\.\s?L\.\s?de\s?C\.\s?V\.|GmbH\s?&\s?Co\.?\s?KG|GmbH|gGmbH|AG|KG|OHG|UG|e\.K\.|SAS|SARL|SA|S\.A\.|S\.L\.[UP]?\.?|SL|Ltd\.?|Limited|LLC|LLP|L\.L\.C\.|Inc\.?|Corp\.?|Co\.|BV|B\.V\.|NV|N\.V\.|Oyj?|AB|AS|A\/S|ApS|ehf\.?|hf\.?|Srl|S\.r\.l\.|SpA|S\.p\.A\.|Pty\.? Ltd\.?|PLC|plc|FZ-LLC|FZE|Kft\.?|s\.r\.o\.|[Ss]p\. z o\.o\.|Lda\.?|Ltda\.?|GbR|PartG(?:\s?mbB)?|v\.o\.f\.|VOF|C\.V\.|e\.V\.|A\.Ş\.)`;
const LEGAL_FORM_ABBREVIATION = String.raw`(?:Ltd|Inc|Corp|Co|ehf|hf|Kft|Lda|S\.L|S\.A|B\.V|N\.V|A\.Ş)`;
// A billing block may open with the words for "in the name of" ("A nombre de X S.L.", "Au nom de X SAS"): the name follows them.
const ORGANISATION_LINE = new RegExp(String.raw`^\s*(?:(?:[Aa]\s+nombre\s+de|[Aa]u\s+nom\s+de|[Ee]m\s+nome\s+de|[Ii]ntestat[ao]\s+a|[Mm]ade\s+out\s+to|[Ii]n\s+the\s+name\s+of)\s+)?([\p{Lu}\d][^\n@:]{0,60}?\s${LEGAL_FORM})\s*$`, 'u');

export type CustomerRead = { customer: Field<string> | null; problem: string | null; asked: boolean };

/** The customer named after the invoicing verb, if the request has that shape. */
export function customerFromVerb(text: string, regions: Region[], style: DecimalMark | null): CustomerRead {
  for (const send of text.matchAll(SEND_NAME_AN_INVOICE)) {
    const name = send[1]!.trim();
    const nameStart = send.index + send[0].lastIndexOf(send[1]!);
    // The pattern is case-insensitive, so a capital is checked here: "send over the invoice" names no one.
    if (!within(regions, nameStart, nameStart + name.length) || !/^[\p{Lu}\d]/u.test(name) || notAName(name) || name.includes('@')) continue;
    return { customer: field(text, nameStart, nameStart + name.length, name, nameConfidence(name)), problem: null, asked: true };
  }
  for (const ask of text.matchAll(NAME_THEN_VERB)) {
    const name = ask[1]!.trim();
    const nameStart = ask.index + ask[0].lastIndexOf(ask[1]!);
    if (!within(regions, nameStart, nameStart + name.length) || !/^[\p{Lu}\d]/u.test(name) || notAName(name) || name.includes('@')) continue;
    return { customer: field(text, nameStart, nameStart + name.length, name, nameConfidence(name)), problem: null, asked: true };
  }
  let unnamed: CustomerRead | null = null;
  for (const ask of text.matchAll(ASK)) {
    const start = ask.index + ask[0].length;
    if (!within(regions, ask.index + ask[0].trimStart().length - 1, start)) continue;
    const end = nameEnd(text, start, style);
    let name = withoutTrailingFiller(text.slice(start, end).trim());
    let nameStart = start + text.slice(start, end).indexOf(name);
    // "invoice the agency, Harbour Media Ltd": a word for the party, then its name after a comma, is that name.
    const apposed = /^(?:the|our|their)\s+\p{Ll}+$/u.test(name) ? /^,\s+(?=\p{Lu})/u.exec(text.slice(end)) : null;
    if (apposed) {
      const from = end + apposed[0].length;
      const to = nameEnd(text, from, style);
      const named = withoutTrailingFiller(text.slice(from, to).trim());
      if (named !== '' && !notAName(named) && !named.includes('@')) [name, nameStart] = [named, from + text.slice(from, to).indexOf(named)];
    }
    if (name === '' || notAName(name) || name.includes('@')) {
      // "pls invoice this one" above a forwarded "please invoice Northgate Ltd ...": a later request may name who "this" is.
      unnamed ??= { customer: null, problem: name ? `"${name}" is not a customer's name` : null, asked: true };
      continue;
    }
    const alternatives = /^(.+?)\s+(?:or|oder|ou|o)\s+(.+)$/iu.exec(name);
    if (alternatives) {
      // "Globex or Initech": the first is the best reading, and the operator is asked which.
      return { customer: field(text, nameStart, nameStart + alternatives[1]!.length, alternatives[1]!, 0.4), problem: `two customers: "${name}"`, asked: true };
    }
    return { customer: field(text, nameStart, nameStart + name.length, name, nameConfidence(name)), problem: null, asked: true };
  }
  return unnamed ?? { customer: null, problem: null, asked: false };
}

/** Lower-case words a name may hold between capitalised ones ("Bank of Scotland", "Maison de la Tech"). */
// "and" and "of the" in the languages names arrive in: "Kowalczyk i Syn", "Jensen og Søn", "Quinta do Vale", "Casa della Musica".
const NAME_PARTICLE = /^(?:and|of|de|la|le|les|du|des|von|van|der|den|y|et|e|i|und|og|och|da|do|dos|das|di|del|della|dei|the|&|\+)$/;

/**
 * How sure a name read after the verb is: a capitalised name is sure, an all-lower-case one
 * ("globex") a little less; a capitalised name with other lower-case words in it (first or later), or a long one,
 * probably ran into the request's own words, and is asked.
 */
function nameConfidence(name: string): number {
  // A legal form's own lower-case parts ("Sp. z o.o.") are no stray words.
  const words = name.replace(new RegExp(String.raw`\s${LEGAL_FORM}$`, 'u'), '').split(/\s+/);
  if (name === name.toLowerCase()) return words.length <= 3 ? 0.9 : 0.6;
  // A lower-case first word before capitalised ones ("naar Van Dijk B.V.") is a word of the request the verb did not know, not the name's ("eBay" is).
  const stray = words.filter((w, i) => (i > 0 ? /^\p{Ll}/u : /^\p{Ll}+$/u).test(w) && !NAME_PARTICLE.test(w) && !/^(?:[a-z]+\.)+$/.test(w));
  return stray.length > 0 || words.length > 6 ? 0.6 : 0.95;
}

/** Adverbs and fillers that follow a name before the amount: "bill Oceanic Airlines somewhere between 2k and 3k". */
const TRAILING_FILLER = /(?:\s+(?:somewhere|between|about|around|roughly|approximately|approx\.?|ca\.?|circa|only|just|total|another|again|today|now|asap|also|the|a|an|some))+$/;

function withoutTrailingFiller(name: string): string {
  return /\p{Lu}/u.test(name) ? name.replace(TRAILING_FILLER, '') : name;
}

/** The label of a reference number written after a customer's name: "PO 4500123", "ref. 88-12", "order #5521". */
const REFERENCE_LABEL = /\s+(?:PO|P\.O\.|PO-?(?:Nr\.?|No\.?|number)|ref\.?|reference|order|Bestell(?:ung|nummer)?|n°|no\.?|nr\.?|#)\s?:?\s?#?$/iu;

/** A title abbreviated with a stop, written before a person's name; German doctors name their field after it ("Dr. med.", "Dr. med. vet."). */
const TITLE_BEFORE = /(?:^|\s)(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sr|Sra|Mme|St|Ste|Mt|Dr\. (?:med|dent|vet|phil|jur|rer)(?:\. (?:dent|vet|nat|pol))?|Dipl\.-Ing|Mag)$/u;

/** The end of a name that starts at `start`: a stop word or sign, or the first count or amount. */
function nameEnd(text: string, start: number, style: DecimalMark | null): number {
  const rest = text.slice(start);
  let stop = start + NAME_END.exec(rest)!.index;
  // "Dr. Amara Okafor", "Mrs. Ng": the stop of a title before a name ends no name.
  while (text[stop] === '.' && TITLE_BEFORE.test(text.slice(start, stop))) stop = stop + 1 + NAME_END.exec(text.slice(stop + 1))!.index;
  // "Oliveira & Costa, Lda.:", "Acme, Inc. for": a comma before a legal form is inside the name.
  const legalAfterComma = text[stop] === ',' ? new RegExp(String.raw`^,\s${LEGAL_FORM}(?=[\s:;,]|$)`, 'u').exec(text.slice(stop)) : null;
  if (legalAfterComma) stop += legalAfterComma[0].length;
  // "Harrow & Pike Ltd. for": the dot of a legal form belongs to the name.
  if (text[stop] === '.' && new RegExp(String.raw`\s${LEGAL_FORM_ABBREVIATION}$`, 'u').test(text.slice(start, stop))) stop += 1;
  // "Kowalski Studio Sp. z o.o.:", "Talleres Ibarra S.L.:": a legal form with dots and spaces inside is read whole.
  for (const legal of rest.matchAll(new RegExp(String.raw`\s${LEGAL_FORM}(?=[\s:;,]|$)`, 'gu'))) {
    const end = start + legal.index + legal[0].length;
    if (start + legal.index < stop && end > stop) stop = end;
  }
  const tokens = [...readNumbers(text, style), ...readNumberWords(text)].sort((a, b) => a.start - b.start);
  for (const token of tokens) {
    if (token.start < start || token.start >= stop) continue;
    const mention = amountAt(text, token);
    const moneyStart = mention.evidence.kind === 'span' ? mention.evidence.span.start : token.start;
    if (mention.value.currency !== null || quantityAt(text, token)) return Math.min(moneyStart, token.start);
    // "Globex PO 4500123 for ...": a reference number and its label follow the name, they are not in it.
    const reference = REFERENCE_LABEL.exec(text.slice(start, token.start));
    if (reference) return start + reference.index;
    // "Studio 54 for ..." and "Route 66 Diner for ...": a number inside a name is part of it; "Roasters 40 bags" is a count.
    if (/^(?:\s+\p{Lu}[\p{L}&.'-]*)*\s*$/u.test(text.slice(token.end, stop))) return stop;
    return token.start;
  }
  for (const money of ['€', '$', '£']) {
    const at = text.indexOf(money, start);
    if (at >= 0 && at < stop) return at;
  }
  return stop;
}

/** A form's or a note's customer field: "Client: Greenleaf Architects", "Invoice to: Marlowe & Finch LLP", "Kunde: ...". */
// A web form's dump may write them as machine names ("client_name=...", "customer_company: ..."): "_" for a space, "=" for the colon.
const CUSTOMER_LABEL = /^[ \t]*(?:client|customer|client[ _]name|customer[ _]name|client[ _]company|customer[ _]company|company(?:[ \t]*\/[ \t]*organi[sz]ation)?|organi[sz]ation|company[ _]name|bill[ _]to|invoice[ _]to|billed[ _]to|kunde|rechnungsempfänger|cliente|client·e)[ \t]*[:=][ \t]*(\S[^\n]*?)[ \t]*$/imu;

const NAME_THEN_ADDRESS = new RegExp(String.raw`^(.+?\s${LEGAL_FORM}),\s+(?=[^,\n]*\d)`, 'u');

/** The customer a labelled field names, read as written. */
export function labelledCustomer(text: string, regions: Region[]): Field<string> | null {
  for (const region of regions) {
    const match = CUSTOMER_LABEL.exec(text.slice(region.start, region.end));
    if (!match || notAName(match[1]!) || match[1]!.includes('@')) continue;
    // A field may give the address on the same line after the name ("Bill to: X Ltd, 4 Mill Lane, Leeds"): the name ends with its legal form.
    const name = NAME_THEN_ADDRESS.exec(match[1]!)?.[1] ?? match[1]!;
    const start = region.start + match.index + match[0].lastIndexOf(match[1]!);
    return field(text, start, start + name.length, name, 0.95);
  }
  return null;
}

/** The organisation of a billing block or signature: a line that is a name with a legal form. */
export function customerFromOrganisationLines(text: string, regions: Region[]): { customer: Field<string>; line: Region } | null {
  const candidates: { customer: Field<string>; line: Region; score: number }[] = [];
  for (const region of regions) {
    const line = text.slice(region.start, region.end);
    const match = ORGANISATION_LINE.exec(line);
    if (!match) continue;
    // "Hoofd Operations | Brouwerij De Kroon B.V.", "Head of Sales, Acme Ltd": a title before a bar, or before a comma
    // when it names a role, is no part of the name ("Globex, Inc." keeps its comma).
    const name = match[1]!.trim().split(/\s[|·•]\s/).at(-1)!.replace(new RegExp(String.raw`^[^,]*\b${ROLE}\b[^,]*,\s`, 'iu'), '');
    const start = region.start + line.indexOf(name, line.indexOf(match[1]!));
    // A block that gives the address after the name is the billing block; a signature may only repeat it.
    const next = regions.find((r) => r.start > region.end);
    const hasAddress = next !== undefined && /\d/.test(text.slice(next.start, next.end)) && !/@|tel|phone|fon|mobil/i.test(text.slice(next.start, next.end));
    candidates.push({ customer: field(text, start, start + name.length, name, 0.9), line: region, score: hasAddress ? 1 : 0 });
  }
  candidates.sort((a, b) => b.score - a.score || a.line.start - b.line.start);
  return candidates[0] ?? null;
}

/** The lines of the block that goes on after `after`, up to its first blank line (regions skip no lines inside a block). */
function blockAfter(text: string, regions: Region[], after: number): Region[] {
  const block: Region[] = [];
  let previousEnd = after;
  for (const region of regions.filter((r) => r.start > after)) {
    if (text.slice(region.start, region.end).trim() === '' || /\n\s*\n/.test(text.slice(previousEnd, region.start))) break;
    previousEnd = region.end;
    block.push(region);
  }
  return block;
}

/** Address lines as one value, joined by ", ", its evidence running from the first line's text to the last's. */
function joinedLines(text: string, parts: Region[]): Field<string> {
  const start = parts[0]!.start + text.slice(parts[0]!.start, parts[0]!.end).search(/\S/);
  const end = parts.at(-1)!.start + text.slice(parts.at(-1)!.start, parts.at(-1)!.end).trimEnd().length;
  return field(text, start, end, parts.map((p) => text.slice(p.start, p.end).trim()).join(', '), 0.9);
}

/** The billing address on the lines after the organisation's line: street, postcode and city. */
export function addressAfter(text: string, organisation: Region, regions: Region[], otherFields: Region[] = []): Field<string> | null {
  const parts: Region[] = [];
  for (const region of blockAfter(text, regions, organisation.end)) {
    const line = text.slice(region.start, region.end).trim();
    // A line that holds another field (the VAT ID, an e-mail, a phone) is no part of the address.
    if (otherFields.some((f) => f.start < region.end && f.end > region.start)) continue;
    // "+1 312 555 0142", "(020) 7946 0123": a line of nothing but a phone number's signs.
    const phone = /^\+?[\d\s()./-]{7,}$/.test(line) && line.replace(/\D/g, '').length >= 7;
    if (/@|^\s*(?:tel|phone|fon|mobil|fax|www\.|https?:)/i.test(line) || /^[\p{L} .-]{2,30}\s?:/u.test(line) || phone) continue;
    if (!/\d/.test(line) && parts.length === 0) break;
    parts.push(region);
  }
  return parts.length === 0 ? null : joinedLines(text, parts);
}

/** A billing address written inline after a label: "Billing address: Hauptstr. 1, 10115 Berlin", or "address 14 Mill Lane, ..." when its street number follows the word. */
export function labelledAddress(text: string, regions: Region[]): { address: Field<string>; organisation: Field<string> | null } | null {
  // A web form's machine name writes the label's space as "_" ("billing_address: ...").
  const match = /\b(?:billing[ _]address|invoice[ _]address|address|Rechnungsadresse|adresse de facturation|Adresse|dirección de facturación|dirección|indirizzo di fatturazione|indirizzo|factuuradres|adres)(?:\s*:\s*|\s+(?=\d))([^\n]*\d[^\n]*)/iu.exec(text);
  if (!match || !within(regions, match.index, match.index + match[0].length)) return null;
  let value = match[1]!.trim().replace(/[.;]$/, '');
  let start = match.index + match[0].indexOf(value);
  // "Address: Hanok Tea House LLC, 88 Pine St, ...": the organisation first, then its address.
  const named = new RegExp(String.raw`^([\p{Lu}\d][^,\n@:]{0,60}?\s${LEGAL_FORM}),\s*`, 'u').exec(value);
  const organisation = named ? field(text, start, start + named[1]!.length, named[1]!, 0.9) : null;
  if (named) {
    start += named[0].length;
    value = value.slice(named[0].length);
  }
  // The street on the label's line and the postcode with its town on the next: both lines are the address, not the first alone.
  const lineEnd = match.index + match[0].length;
  const town = /^[ \t]*\r?\n[ \t]*((?:[A-Z]{1,2}-)?\d{4,5}[ \t]+\p{Lu}[\p{L}' .-]{1,40}?)[ \t]*(?=\r?\n|$)/u.exec(text.slice(lineEnd));
  if (town && !/\d[^\n]*\d{4,5}\s+\p{Lu}/u.test(value)) {
    const townStart = lineEnd + town[0].indexOf(town[1]!);
    if (within(regions, townStart, townStart + town[1]!.length)) {
      const joined = `${value}, ${town[1]!}`;
      return { address: field(text, start, townStart + town[1]!.length, joined, 0.9), organisation };
    }
  }
  return { address: field(text, start, start + value.length, value, 0.9), organisation };
}

/** A label alone on its line over an address block: "Address is:", "Billing address:", "Rechnungsadresse:". */
const ADDRESS_BLOCK_LABEL = /^[ \t]*(?:(?:our|the)\s+)?(?:billing\s+|invoice\s+|postal\s+)?(?:address|Rechnungsadresse|Adresse|adresse de facturation|dirección|indirizzo|factuuradres|adres)(?:\s+is)?[ \t]*:[ \t]*$/iu;

/**
 * "Address is:" over "Hollin Farm / Mill Lane / Ashby / LE65 1AB": the block of lines under an address label, the customer's
 * own name left out, is the billing address when one of its lines holds a number (a street's or a postcode's).
 */
export function addressBlockAfterLabel(text: string, regions: Region[], customer: Field<string> | null): Field<string> | null {
  const label = regions.find((r) => ADDRESS_BLOCK_LABEL.test(text.slice(r.start, r.end)));
  if (!label) return null;
  const parts: Region[] = [];
  for (const region of blockAfter(text, regions, label.end)) {
    const line = text.slice(region.start, region.end).trim();
    if (parts.length === 0 && customer && line.toLowerCase() === customer.value.toLowerCase()) continue;
    parts.push(region);
  }
  return parts.some((p) => /\d/.test(text.slice(p.start, p.end))) ? joinedLines(text, parts) : null;
}

/** A street with its number, either way round: "8 rue des Tanneurs", "Hafenstraße 22", "14 Ashgrove Road". */
const STREET_PART = /^(?:\d+[a-z]?\s+\p{L}[\p{L}'’. -]*|\p{L}[\p{L}'’. -]*\s\d+[a-z]?)$/u;
/** A postcode and town: "69002 Lyon", "28217 Bremen", "Bristol BS6 5LR", "1011 AB Amsterdam". */
const TOWN_PART = /^(?:\d{4,5}(?:\s?[A-Z]{2})?\s+\p{L}[\p{L} -]*|\p{L}[\p{L} -]*\s[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2})$/u;

/**
 * "Please address it to Châtelain Conseil SAS, 8 rue des Tanneurs, 69002 Lyon.", "Rechnung an Kestrel GmbH, Hafenstraße 22,
 * 28217 Bremen, USt-IdNr. ...": a street and a postcode with its town right after the customer's name are its address.
 */
export function addressAfterName(text: string, name: Field<string>): Field<string> | null {
  if (name.evidence.kind !== 'span') return null;
  const from = name.evidence.span.end;
  const sentence = /^,\s*([^\n]*?)(?=[.;](?:\s|$)|\n|$)/u.exec(text.slice(from));
  if (!sentence) return null;
  const parts = sentence[1]!.split(/,\s*/u);
  const [street, town] = parts;
  if (!street || !town || !STREET_PART.test(street.trim()) || !TOWN_PART.test(town.trim())) return null;
  const start = from + sentence[0].length - sentence[1]!.length;
  const end = start + sentence[1]!.indexOf(town, street.length) + town.trimEnd().length;
  return field(text, start, end, `${street.trim()}, ${town.trim()}`, 0.9);
}

/** The address after any mention of the customer's name in the request's own words. */
export function addressAfterEveryMention(text: string, regions: Region[], customer: Field<string>): Field<string> | null {
  for (let at = text.indexOf(customer.value); at >= 0; at = text.indexOf(customer.value, at + 1)) {
    if (!within(regions, at, at + customer.value.length)) continue;
    const address = addressAfterName(text, field(text, at, at + customer.value.length, customer.value, customer.confidence));
    if (address) return address;
  }
  return null;
}

// Swiss "MWST-Nr. CHE-123.456.789", Czech "DIČ", Slovak "IČ DPH", Danish "CVR-nr." and "SE-nr." label theirs too.
const VAT_LABEL = String.raw`(?:VAT(?:\s?(?:ID|No\.?|number|reg(?:istration)?(?:\.|\s?no\.?)?))?|USt-?Id(?:Nr)?\.?|USt-IdNr\.?|UID(?:-Nr\.?)?|TVA(?:\s+intracom\w*)?|N°\s?TVA|CIF|NIF|BTW(?:-nummer)?|P\.?\s?IVA|Partita IVA|MwSt-?Nr\.?|MWST-?Nr\.?|DIČ|IČ\s?DPH|CVR(?:-?nr\.?)?|SE-nr\.?|Tax[ _]ID|ABN|Org\.?[\s_]?nr\.?|NIP|[Mm]oms(?:reg(?:istrerings)?)?\.?[\s-]?(?:nr|nummer)\.?)`;
// "VAT no.: FR...", "Our VAT number is GB...": the label's own words, a colon and "is" may come before the ID.
/** Tax ID labels as a form's machine names write them, in lower case: "abn", "vat_id", "org_nr". */
const MACHINE_VAT_LABEL = String.raw`(?:abn|vat(?:_id|_no|_number)?|tax_id|org_?nr|uid|cif|nif)`;
// A form's machine name may put the party before the label and "=" after it ("customer_abn=51 824 753 556"); an all-digit ID may be grouped by spaces.
const VAT_ID = new RegExp(String.raw`(?:\b|(?<=^[ \t]*[a-z]+_))(?:${VAT_LABEL}|${MACHINE_VAT_LABEL})\s*(?:(?:[Nn]o\.?|number|is)\s*)*(?:[:#=]\s*)?(?:is\s+)?(CHE-?\d{3}\.?\d{3}\.?\d{3}|[A-Z]{2}[\s]?[A-Z0-9](?:[A-Z0-9 ]{0,13}[A-Z0-9])|[A-Z]-?\d{7}[A-Z0-9]|\d{8}[A-Z]|\d{9,11}|\d{2,3}(?: \d{3}){2,3}|\d{3}-\d{2,3}-\d{2}-\d{2,3})\b`, 'gmu');

/** The VAT or tax ID the request states after its label ("VAT ID: DE298765431", "TVA : FR43...", "CIF: B12345678"). */
export function readVatId(text: string, regions: Region[]): Field<string> | null {
  for (const match of text.matchAll(VAT_ID)) {
    const value = match[1]!.trim();
    const start = match.index + match[0].lastIndexOf(value);
    if (within(regions, start, start + value.length) && /\d/.test(value)) return field(text, start, start + value.length, value, 0.95);
  }
  return null;
}

const ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * Where the invoice goes: an address the request's own words give ("send to billing@..."), never
 * the operator's own; failing that, in a client's own e-mail, its sender.
 */
export function readRecipient(text: string, regions: Region[], email: Message): Field<string> | null {
  const own = new Set(email.to.map((a) => a.toLowerCase()));
  for (const match of text.matchAll(ADDRESS)) {
    const address = match[0].replace(/\.$/, '');
    if (within(regions, match.index, match.index + address.length) && !own.has(address.toLowerCase())) {
      return field(text, match.index, match.index + address.length, address, 0.95);
    }
  }
  if (email.from && !own.has(email.from.address.toLowerCase())) return field(text, email.from.span.start, email.from.span.end, email.from.address, 0.9);
  return null;
}
