// Reading who a text is about: organisations and people, each with the ways it can be written.
// No single reader finds them all (compromise finds "Acme Inc." and "Renée Lefèvre" but not
// "Brightwater Logistics GmbH"), so several signals are combined: a name ending in a legal form
// (GmbH, Ltd, SARL, ...), compromise's organisations and people, and one word the text gives a
// company's role ("Hooli: day rate ...", see one-word-companies.ts); domains.ts reads e-mail and
// web domains. Names already known are found again by their aliases (see matchAliases), which is
// how a note that only says "Lumen's" meets "Lumen Analytics Ltd".
import nlp from 'compromise';
import { isStopWord } from './local-embedder.ts';
import { MONTH_NAME } from '../reading/dates.ts';
import { isOrdinaryWord } from './english-words.ts';
import { oneWordCompanies } from './one-word-companies.ts';
import { tokens } from './words.ts';

export type EntityKind = 'person' | 'organisation';
/** name: the full name or the name without its legal form; short: a distinctive first word; domain: an e-mail domain. */
export type AliasKind = 'name' | 'short' | 'domain';

export interface Alias {
  alias: string;
  kind: AliasKind;
}

export interface NamedEntity {
  kind: EntityKind;
  /** As written, trimmed of punctuation. */
  name: string;
  aliases: Alias[];
}

const LEGAL_FORMS = [
  'GmbH & Co\\.? KG', 'GmbH', 'AG', 'KG', 'UG', 'e\\.K\\.', 'OHG', 'GbR', 'Ltd\\.?', 'Limited', 'LLC', 'LLP', 'Inc\\.?', 'Corp\\.?', 'plc', 'PLC',
  'SARL', 'SAS', 'S\\.A\\.S\\.',
  // Mexico's "S.A. de C.V." and "S. de R.L. de C.V." before the "S.A." they begin with.
  'S\\.A\\.(?:P\\.I\\.)? de C\\.V\\.', 'S\\. de R\\.L\\.(?: de C\\.V\\.)?', 'SA de CV', 'SA', 'S\\.A\\.', 'SL', 'S\\.L\\.', 'BV', 'B\\.V\\.', 'NV', 'N\\.V\\.', 'Oy', 'AB', 'AS', 'ASA', 'A/S', 'ApS', 'Srl', 'S\\.r\\.l\\.', 'SpA', 'S\\.p\\.A\\.', 'Pty Ltd', 'Sp\\. z o\\.o\\.', 'Sp\\. [jk]\\.',
  'K\\.K\\.', 'A\\.Ş\\.', 's\\.r\\.o\\.', 'Lda\\.?', 'Ltda\\.?', 'Kft\\.?', 'd\\.o\\.o\\.', 'SE',
];
const LEGAL_FORM = `(?:${LEGAL_FORMS.join('|')})`;
/** One to five capitalised words (joined by &, und, and, de, van, von), then a legal form. */
const WORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
/** Lower-case words inside a name: particles ("Quinta do Sol") and "and" in the languages Operator's customers write ("Sol y Mar", "Kessler und Söhne"). */
const JOINING_WORDS = 'und|and|et|y|e|i|en|og|och|de|du|des|do|da|dos|das|del|della|di|van|von|der|den';
const ORGANISATION_WITH_FORM = new RegExp(`(${WORD}(?:\\s+(?:${WORD}|&|${JOINING_WORDS}))*?)\\s+(${LEGAL_FORM})(?![\\p{L}])`, 'gu');
/**
 * The normalised spellings of legal forms, to strip them from a name's alias; written with dots
 * they read as one letter a word ("B.V." is "b v", "Sp. z o.o." is "sp z o o").
 */
const LEGAL_FORM_SPELLINGS = [
  'gmbh', 'co', 'kg', 'ag', 'ug', 'ek', 'e k', 'ohg', 'gbr', 'ltd', 'limited', 'llc', 'llp', 'inc', 'corp', 'plc', 'sarl', 'sas', 's a s', 'sa', 's a',
  's a de c v', 'sa de cv', 's a p i de c v', 's de r l', 's de r l de c v', 'sl', 's l', 'bv', 'b v', 'nv', 'n v', 'oy', 'ab', 'as', 'a s', 'asa', 'aps', 'srl', 's r l', 'spa', 's p a', 'pty', 'sp z oo', 'sp z o o', 'sp j', 'sp k', 'kk', 'k k',
  'sro', 's r o', 'lda', 'ltda', 'kft', 'doo', 'd o o', 'se',
].map((form) => form.split(' '));

/**
 * A capitalised word at a sentence's start may be a verb or an adjective, not part of the name
 * ("Invoiced Acme GmbH"). compromise reads English: a word with letters English does not write
 * ("Ørsted", "Żabka") is a name however it ends.
 */
function withoutLeadingNonNames(words: string): string {
  const parts = words.split(/\s+/);
  while (parts.length > 1 && /^[A-Za-z'’.-]+$/.test(parts[0]!) && (nlp(parts[0]!).has('(#Verb|#Adjective|#Adverb|#Determiner|#Preposition|#Pronoun|#Conjunction)') || isImperative(parts[0]!))) parts.shift();
  return parts.join(' ');
}

/**
 * "Bill Quarnby Tiles Ltd at ...", "Email Quarnby Tiles Ltd ...": the verbs an operator's note
 * opens an instruction with, which compromise takes for a first name ("Bill") or a name's first word.
 */
const INSTRUCTIONS = new Set(['bill', 'invoice', 'email', 'call', 'phone', 'ping', 'ask', 'remind', 'send', 'charge', 'chase', 'tell', 'thank', 'cc', 'pay']);
const isImperative = (word: string) => INSTRUCTIONS.has(word.toLowerCase());
const withoutLeadingImperative = (name: string) => {
  const [first, ...rest] = name.split(/\s+/);
  return rest.length > 1 && /^[A-Za-z]+$/.test(first!) && isImperative(first!) ? rest.join(' ') : name;
};

export const aliasOf = (text: string) => tokens(text).join(' ');

/** A name without its trailing legal form ("kessler sohne kg" → "kessler sohne"). */
export function withoutLegalForm(alias: string): string {
  const words = alias.split(' ');
  const endsWith = (form: string[]) => words.length > form.length && form.every((word, i) => words[words.length - form.length + i] === word);
  for (let form = LEGAL_FORM_SPELLINGS.find(endsWith); form; form = LEGAL_FORM_SPELLINGS.find(endsWith)) words.splice(-form.length);
  return words.join(' ');
}

/**
 * Words naming a kind of business that open a company's name ("Brauerei Falkenberg", "Maison
 * Dubreuil", "Drukarnia Kowalski", "Mezcalera Los Arcos"), as aliasOf writes them, in the languages
 * Operator's customers write: people call the company by the name after the word.
 */
const BUSINESS_KINDS = new Set(
  [
    'brauerei weingut backerei konditorei metzgerei schreinerei tischlerei druckerei rosterei kaffeerosterei gartnerei verlag kanzlei gasthaus autohaus', // German
    'maison domaine chateau brasserie boulangerie patisserie chocolaterie fromagerie distillerie imprimerie librairie atelier', // French
    'cerveceria bodega bodegas mezcalera tequilera tostadora destileria vinicola panaderia pasteleria imprenta taller ferreteria', // Spanish
    'birrificio cantina distilleria panificio pasticceria tipografia caseificio frantoio', // Italian
    'adega padaria cervejaria grafica', // Portuguese
    'brouwerij bakkerij drukkerij stokerij', // Dutch
    'bryggeri bageri trykkeri tryckeri', // Nordic
    'browar piekarnia drukarnia cukiernia gorzelnia', // Polish
    'hotel restaurant cafe', // everywhere
  ].flatMap((words) => words.split(' ')),
);

export function aliasesFor(kind: EntityKind, name: string): Alias[] {
  const full = aliasOf(name);
  if (full === '') return [];
  const aliases: Alias[] = [{ alias: full, kind: 'name' }];
  if (kind === 'organisation') {
    const base = withoutLegalForm(full);
    if (base !== full) aliases.push({ alias: base, kind: 'name' });
    const [first, ...rest] = base.split(' ');
    // "Falkenberg" for "Brauerei Falkenberg": after a word for the kind of business, the name is what follows it
    // (people still say "the Maison" too, so the first word stays an alias as well).
    if (BUSINESS_KINDS.has(first!) && rest.length > 0 && rest.length <= 2) aliases.push({ alias: rest.join(' '), kind: 'short' });
    // "Lumen" for "Lumen Analytics": a short name people use, unless it is an ordinary word.
    if (rest.length > 0 && first!.length >= 4 && !isStopWord(first!) && !/^\d+$/.test(first!)) aliases.push({ alias: first!, kind: 'short' });
    // "Casa y Campo" for "Casa y Campo Hoteles S.L.": two names joined, then what the company does, go by the joined names.
    const joined = new RegExp(`^(\\S+\\s+(?:&|${JOINING_WORDS})\\s+(?:(?:de|du|van|von|der|den|da|do|di|le|la)\\s+)*\\S+)\\s+\\S`, 'u').exec(name);
    const pair = joined && aliasOf(joined[1]!);
    if (pair && !aliases.some((known) => known.alias === pair)) aliases.push({ alias: pair, kind: 'name' });
    // "M&F" for "Marlowe & Finch LLP", "PdV" for "Pieterse & de Vries": two names joined by "&" go by their initials.
    const partners = /^(\p{Lu}[\p{L}\p{M}'’-]*)\s*&\s*((?:(?:de|du|van|von|der|den|da|do|di|le|la)\s+)*\p{Lu})[\p{L}\p{M}'’-]*(?:\s|$)/u.exec(name);
    if (partners) {
      const initials = (side: string) => side.split(/\s+/).map((word) => word[0]).join('');
      const [first, second] = [initials(partners[1]!), initials(partners[2]!)];
      aliases.push({ alias: aliasOf(`${first} ${second}`), kind: 'short' });
      if (second.length > 1) aliases.push({ alias: aliasOf(`${first}${second}`), kind: 'short' });
    }
  }
  return aliases;
}

const clean = (name: string) => name.replace(/^[\s"'“‘(]+|[\s"'”’),;:!?]+$/g, '').replace(/(?<!\b\p{Lu})\.$/u, '').trim();

/** A first name, a nickname in quotes and a surname. */
const NICKNAMED = /(?<![\p{L}\p{M}])(\p{Lu}[\p{L}\p{M}-]+)\s+['‘"“](\p{Lu}[\p{L}\p{M}-]+)['’"”]\s+(\p{Lu}[\p{L}\p{M}'’-]+)/gu;

/**
 * A note (or a line of one) that opens with a name and, in brackets, what or where it is: how a
 * customer's story is typed ("Quinta do Sol (Douro wine exporter): ...", "Nordlys Shipping
 * (Bergen) asked ..."), often before any invoice gives the legal name.
 */
const HEADING_NAME = new RegExp(`(?:^|\\n)\\s*(${WORD}(?:\\s+(?:${WORD}|&|${JOINING_WORDS}))*)\\s+\\(`, 'gu');
/** A heading's name and what its brackets say about it ("Saltmarsh Ciders (orchard cidery near Hereford): ..."). */
const HEADING_DESCRIBED = new RegExp(`${HEADING_NAME.source}([^()]+)\\)`, 'gu');

/** Words that label a line rather than start a name ("Lead Hooli Labs (Jane Doe): ..." is how lead-qualification writes one). */
const HEADING_LABELS = new Set(['lead', 'call', 'meeting', 'update', 'note', 'notes', 'project', 'reminder', 'summary', 'client', 'customer', 'prospect', 'supplier', 'vendor', 're', 'fwd']);
const withoutHeadingLabel = (name: string) => {
  const words = name.split(/\s+/);
  while (words.length > 0 && HEADING_LABELS.has(words[0]!.toLowerCase())) words.shift();
  return words.join(' ');
};

/** A heading names a company unless it names a person ("Rosa Vasquez (Vásquez Café): ...") or is one ordinary word. */
function isCompanyHeading(name: string, bracket = ''): boolean {
  const words = name.split(/\s+/);
  if (nlp(words[0]!).has('(#FirstName|#Honorific|#Pronoun|#Determiner)') || isRoleAt(name, bracket)) return false;
  return words.length > 1 || !isOrdinaryWord(words[0]!);
}

/**
 * "Nell Carver (accounts at Saltmarsh): ...", "Nell Carver (Saltmarsh's head of finance)": brackets
 * that give a full name a role at a company head a note with a person, however foreign the name.
 */
const isRoleAt = (name: string, bracket: string) => isFullName(name) && (ROLE_AT.test(bracket) || ROLE_OF.test(bracket));
const ROLES = 'accounts?|accounting|payable|receivable|finance|billing|bookkeeping|purchasing|procurement|sales|marketing|IT|ops|operations|HR|legal|dispatch|logistics|lead|head|manager|director|CEO|CFO|CTO|COO|owner|founder|partner|controller|engineer|developer|assistant|designer';
const ROLE_AT = new RegExp(`^(?:[\\p{L}'’&-]+\\s+)*?(?:${ROLES})\\s+(?:[\\p{Ll}]+\\s+)*?at\\s+\\p{Lu}`, 'u');
const ROLE_OF = new RegExp(`^\\p{Lu}[\\p{L}\\p{M}-]*['’]s\\s+(?:[\\p{Ll}]+\\s+)*?(?:${ROLES})\\b`, 'u');
/** What the brackets after a heading's name say, up to the closing one. */
const bracketAfter = (text: string, match: RegExpMatchArray) => /^[^()]*/.exec(text.slice(match.index! + match[0].length))![0];

const isStreet = (name: string, text: string) => new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},?\\s+\\d`, 'u').test(text);
/** A name after a postcode is the town ("2200 København N. VAT ID: ..."), not an organisation. */
const isTown = (name: string, text: string) => new RegExp(`\\d{4,5}\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'u').test(text);

const NAME_PARTICLES = new Set(['de', 'da', 'das', 'do', 'dos', 'del', 'della', 'di', 'du', 'la', 'le', 'van', 'von', 'der', 'den', 'ten', 'ter', 'y', 'bin', 'al']);
const isFullName = (name: string) => {
  const words = name.split(/\s+/);
  return words.length >= 2 && /^\p{Lu}/u.test(words[0]!) && words.every((word) => /^\p{Lu}/u.test(word) || NAME_PARTICLES.has(word));
};

/** A month after a word of time ("From August Cordillera pays ...") is the date, not a first name. */
const DATE_MONTH = new RegExp(`(?:^|[^\\p{L}])(?:from|since|in|until|till|by|before|after|starting|through)\\s+(${MONTH_NAME})\\s+$`, 'iu');

function withoutDateMonth(part: string, text: string): string {
  const [first, ...rest] = part.split(/\s+/);
  if (rest.length === 0) return part;
  const at = text.indexOf(part);
  return at >= 0 && DATE_MONTH.exec(text.slice(Math.max(0, at - 20), at + first!.length + 1))?.[1]?.toLowerCase() === first!.toLowerCase() ? rest.join(' ') : part;
}

/** Organisations and people a text names outright (not the ones known only by an alias). */
export function namedEntities(text: string): NamedEntity[] {
  const found = new Map<string, NamedEntity>();
  const add = (kind: EntityKind, raw: string) => {
    // compromise's spans run over brackets and commas ("Jake Morrison (Ridgeway"): a name ends there.
    const name = clean(raw.split(/[(),;:"“”]/)[0]!);
    const aliases = aliasesFor(kind, name);
    if (aliases.length === 0 || found.has(aliases[0]!.alias)) return;
    found.set(aliases[0]!.alias, { kind, name, aliases });
  };
  for (const match of text.matchAll(ORGANISATION_WITH_FORM)) {
    const atSentenceStart = match.index === 0 || /[.!?:;]\s+$|\n\s*$/.test(text.slice(0, match.index));
    add('organisation', `${atSentenceStart ? withoutLeadingNonNames(match[1]!) : match[1]} ${match[2]}`);
  }
  // "Katarzyna 'Kasia' Kowalczyk": the name without the nickname, and the nickname too.
  for (const match of text.matchAll(NICKNAMED)) {
    const name = `${match[1]} ${match[3]}`;
    const before = found.size;
    add('person', name);
    if (found.size > before) found.get(aliasOf(name))!.aliases.push({ alias: aliasOf(match[2]!), kind: 'short' });
  }
  for (const name of oneWordCompanies(text)) add('organisation', name);
  // Unless the heading holds a name read already ("Lead Acme GmbH (Jane Doe): ..." is a workflow's line about Acme GmbH).
  const overlapsFound = (name: string) => [...found.keys()].some((alias) => ` ${aliasOf(name)} `.includes(` ${alias} `) || ` ${alias} `.includes(` ${aliasOf(name)} `));
  for (const match of text.matchAll(HEADING_NAME)) {
    const name = withoutHeadingLabel(match[1]!);
    if (name && isRoleAt(name, bracketAfter(text, match))) add('person', name);
    else if (name && isCompanyHeading(name) && !overlapsFound(name)) add('organisation', name);
  }
  // "Saltmarsh Ciders (Nell Carver): ...": a full name alone in a company heading's brackets, or
  // between its commas, is whom the story is with, however foreign to compromise's lexicon the
  // name is; a place of two words is not ("(New York)").
  for (const { description } of headingDescriptions(text)) {
    for (const part of description.split(/[,;]/).map(clean)) if (isFullName(part) && part.split(/\s+/).length <= 3 && !nlp(part).has('#Place')) add('person', part);
  }
  const doc = nlp(text);
  // compromise's own organisations only when every word is capitalised ("ERP data" is none).
  // Its spans take an instruction opening the sentence in too ("Bill Quarnby Tiles Ltd at ...").
  for (const span of doc.organizations().out('array') as string[]) {
    const name = withoutLeadingImperative(clean(span));
    if (/^\p{Lu}\S*(?:\s+(?:\p{Lu}\S*|&))+$/u.test(name) && !isTown(name, text)) add('organisation', name === clean(span) ? span : name);
  }
  // One word is too often a first name shared by several people, or not a name at all; and every
  // word of a name is capitalised but its particles ("Emma de Vries", not "Jonas here"). compromise's
  // spans run over brackets ("Arquitectos (Lucía Fernández)"): each part is read on its own. A name
  // followed by a number is a street ("Calle de Alcalá 120").
  for (const span of doc.people().out('array') as string[]) {
    for (const part of span.split(/[(),;:"“”]/).map((raw) => withoutDateMonth(clean(raw), text))) if (isFullName(part) && !isStreet(part, text)) add('person', part);
  }
  // A shorter reading inside a longer one ("Acme" in "Acme Inc.", "Analytics Ltd" in "Lumen Analytics Ltd") is the same name,
  // and so is a person's inside an organisation's ("Sakura Denki" in "Sakura Denki K.K.": compromise took the company for someone).
  const entities = [...found.values()];
  const primary = (entity: NamedEntity) => ` ${entity.aliases[0]!.alias} `;
  const within = (entity: NamedEntity, other: NamedEntity) => (other.kind === entity.kind || other.kind === 'organisation') && primary(other).includes(primary(entity));
  return entities.filter((entity) => !entities.some((other) => other !== entity && within(entity, other)));
}

/**
 * What a text's headings say their company is or where it is, by name: how a question that never
 * names it describes it ("the hereford cider people" for "Saltmarsh Ciders (orchard cidery near Hereford)").
 */
export function headingDescriptions(text: string): { name: string; description: string }[] {
  const described: { name: string; description: string }[] = [];
  for (const match of text.matchAll(HEADING_DESCRIBED)) {
    const name = withoutHeadingLabel(match[1]!);
    if (name && isCompanyHeading(name, match[2]!)) described.push({ name, description: match[2]!.trim() });
  }
  return described;
}

/**
 * The known aliases a text contains, longest first and not overlapping ("acme tooling" rather than
 * "acme" in "Acme Tooling's order"). isAlias tells whether a phrase of normalised words is one.
 */
export function matchAliases(text: string, isAlias: (phrase: string) => boolean, maxWords = 6): string[] {
  const words = tokens(text);
  const found: string[] = [];
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    for (let n = Math.min(maxWords, words.length - i); n >= 1; n--) {
      const phrase = words.slice(i, i + n).join(' ');
      if (isAlias(phrase)) {
        found.push(phrase);
        matched = n;
        break;
      }
    }
    i += matched || 1;
  }
  return [...new Set(found)];
}

/** Every phrase of up to maxWords words in a text, for looking aliases up in the store. */
export function phrasesOf(text: string, maxWords = 6): string[] {
  const words = tokens(text);
  const phrases = new Set<string>();
  for (let i = 0; i < words.length; i++) for (let n = 1; n <= maxWords && i + n <= words.length; n++) phrases.add(words.slice(i, i + n).join(' '));
  return [...phrases];
}
