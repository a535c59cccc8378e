// People and organisations: who wrote (name, e-mail), for which organisation, and who sent them.
// The sender's organisation is told apart from everyone else a lead mentions (the friend who
// referred them, their own client, the tool they use, a site they admired) by where it is
// written and what it agrees with: a form's Company field, a signature line with a legal form
// (GmbH, Ltd, SARL...), the sender's own e-mail domain, or how they introduce themselves. A name
// that only sounds like a company is offered as the best reading and asked, never acted on.
import nlp from 'compromise';
import { spanAt, type Field, type Span } from './field.ts';
import { isSharedMailDomain } from './mail-domains.ts';
import type { Message } from './message.ts';

export interface Parties {
  company: Field<string | null>;
  contactName: Field<string | null>;
  email: Field<string | null>;
  /** Who pointed the sender here ("Tom at Brightwave"), so they are not taken for the sender. */
  referrer: Field<string | null>;
}

export const nothingRead = (): Field<null> => ({ value: null, evidence: { kind: 'none' }, confidence: 0, via: 'rules' });
const grounded = (source: string, start: number, end: number, confidence: number): Field<string> => ({
  value: source.slice(start, end),
  evidence: { kind: 'span', span: spanAt(source, start, end) },
  confidence,
  via: 'rules',
});

/** Legal forms that end an organisation's name. */
const LEGAL_FORM = /(?:^|\s)(?:GmbH & Co\. KG|GmbH|AG|KG|UG|e\.K\.|e\.V\.|A\.Ş\.|Ltd\. Şti\.|Ltda\.?|Sdn\.? Bhd\.?|Pvt\.? Ltd\.?|Kft\.|Zrt\.|d\.o\.o\.|Ltd\.?|Limited|LLC|LLP|Inc\.?|Corp\.?|Co\.|PLC|SARL|SAS|S\.A\.S?\.?|S\.L\.(?:[PU]\.|N\.E\.)?|S\.p\.A\.|S\.r\.l\.|SRL|s\.r\.o\.|a\.s\.|[Ss]p\. ?(?:z o\.o\.|j\.|k\.|p\.)|AB|AS|ASA|ApS|A\/S|Oy|OÜ|ehf\.|B\.V\.|N\.V\.|BV|FZ-LLC|FZE|Pty Ltd|K\.K\.|GbR|PartG mbB|PartG|Lda\.?|v\.o\.f\.|VOF|C\.V\.|S\.(?:A\.(?:P\.I\.)?| de R\.L\.) de C\.V\.)$/u;
/** Initials each followed by a stop ("A.Ş.", "S.C.", "P.C."): the last stop belongs to them. */
const DOTTED_INITIALS = /^(?:\p{L}\.){2,}$/u;
/**
 * Words that start a capitalised run but are no name. German's definite articles ("Die", "Der", "Das") open a sentence before a
 * company as English "The" does; they change with the sentence's grammar ("der ... AG" after a preposition), so they are no part of the name.
 */
const NOT_A_NAME = /^(?:Die|Der|Das|Hi|Hello|Hey|Dear|Thanks|Thank|Best|Kind|Regards|Cheers|We|We're|We’re|We'd|We’d|We'll|We’ll|We've|We’ve|Our|My|You|Your|Please|I|I'm|I’m|I'd|I’d|I'll|I’ll|I've|I’ve|The|A|An|This|It|Budget|Timeline|Message|Phone|Email|E-mail|Name|Company|Subject|From|To|Date|Re|Fwd|Sent|Mobil|Tel|Tél|Q[1-4]|Somos|Siamo|Sou|Soy|Wir|Nous|Ich|Je|Hier|Hola|Hallo|Bonjour|Ciao|Oi|Olá|Hoi|Hej|MD|CEO|CTO|COO|CFO|Founder|Co-founder|Owner|Director|Manager|Partner|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$/;
// Small words inside a name, the contracted articles of French, Italian and Portuguese too ("du", "des", "della", "das"),
// so that a name is not cut in two at them and its second half taken for the whole. Not a bare
// Italian "di", which as often ties a town to the name as it belongs to it.
const CONNECTOR = /^(?:&|and|und|et|e|y|de|del|della|du|des|da|das|do|dos|la|le|les|van|von|der|den|of|the|för|og)$/;

/** Letters NFD does not split into a base and a mark, spelled as a domain spells them ("Złoty Kłos" is zlotyklos, "Søndergaard" sondergaard). */
const UNSPLIT_LETTERS: Record<string, string> = { ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const fold = (text: string) =>
  text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[łøæœßđðþı]/gu, (letter) => UNSPLIT_LETTERS[letter] ?? letter).replace(/&/g, 'and').replace(/[^a-z0-9]/g, '');

/** How much of the sender's domain name the candidate spells out (0..1), e.g. parcelpine in "Parcel & Pine Ltd". */
export function domainAgreement(candidate: string, domain: string | null): number {
  if (!domain) return 0;
  const label = fold(domain.split('.').slice(0, -1).pop() ?? '');
  const name = fold(candidate);
  if (label.length < 3 || isSharedMailDomain(domain)) return 0;
  let covered = 0;
  for (let i = 0; i < label.length; ) {
    let length = 0;
    while (i + length < label.length && name.includes(label.slice(i, i + length + 1))) length += 1;
    if (length >= 3) {
      covered += length;
      i += length;
    } else i += 1;
  }
  return covered / label.length;
}

interface Candidate {
  start: number;
  end: number;
  score: number;
}

/**
 * An elided French or Italian article before a name ("de l'Atelier Roux", "dell'Osteria Bianchi"):
 * no part of it. Lower case only: "D'Angelo Plumbing" and "L'Oréal" are names as written.
 */
const ELIDED_ARTICLE = /^(?:[ldn]|dell|dall|nell|sull)['’](?=\p{Lu})/u;

/** Capitalised runs ("Brightwater Logistics GmbH", "Crumb & Co.") within a part of the source. */
function capitalisedRuns(source: string, from: number, to: number): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  // Legal forms written in several words ("Sp. z o.o.", "sp. j.", "GmbH & Co. KG", "Pty Ltd", "PartG mbB") are one token; Polish writes its own in lower case as often
  // (its partnerships too: "sp. j." jawna, "sp. k." komandytowa, "sp. p." partnerska).
  // Mexico's forms add the variable capital with a lower-case "de" ("S.A. de C.V.", "S. de R.L. de C.V."), which would otherwise end the name early.
  const tokens = [...source.slice(from, to).matchAll(/S\.(?:A\.(?:P\.I\.)?| de R\.L\.) de C\.V\.|[Ss]p\. (?:z o\.o\.|[jkp]\.)(?![\p{L}\d])|PartG mbB|GmbH & Co\. KG|Pty\.? Ltd\.?|Ltd\. Şti\.|Sdn\.? Bhd\.?|Pvt\.? Ltd\.?|[\p{L}\p{M}\d][\p{L}\p{M}\d'’.\-/]*|&/gu)].map((m) => {
    const elided = ELIDED_ARTICLE.exec(m[0])?.[0].length ?? 0;
    return { text: m[0].slice(elided), start: from + m.index + elided, end: from + m.index + m[0].length };
  });
  let run: typeof tokens = [];
  const flush = () => {
    while (run.length > 0 && CONNECTOR.test(run.at(-1)!.text)) run.pop();
    // Greetings, "Somos"/"Wir" and a role ("MD of X") open a run but are no part of the name, nor is a connector they leave first.
    while (run.length > 0 && (NOT_A_NAME.test(run[0]!.text.replace(/[.,]$/, '')) || CONNECTOR.test(run[0]!.text))) run.shift();
    // A sentence's stop is no part of the name; the stop of a legal form or of initials ("A.Ş.", "S.C.") is.
    const last = run.at(-1)?.text ?? '';
    if (run.length > 0) runs.push({ start: run[0]!.start, end: run.at(-1)!.end - (/[.,;:]$/.test(last) && !LEGAL_FORM.test(` ${last}`) && !DOTTED_INITIALS.test(last) ? 1 : 0) });
    run = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const gap = i > 0 ? source.slice(tokens[i - 1]!.end, token.start) : ' ';
    // "Meridian Clinics Group, LLC": a comma before a legal form is inside the name.
    const commaBeforeLegalForm = gap === ', ' && LEGAL_FORM.test(` ${token.text}`);
    // "Les Jardins d'Aubert", "Bottega dell'Arte": an elided article inside a run ties its two halves as "de" does.
    const elidedInside = run.length > 0 && /^[ \t]+(?:[ldn]|dell|dall|nell|sull)['’]$/u.test(gap);
    if (run.length > 0 && !/^[ \t]+$/.test(gap) && !commaBeforeLegalForm && !elidedInside) flush();
    const capital = /^[\p{Lu}\d]/u.test(token.text) || LEGAL_FORM.test(` ${token.text}`);
    if (capital || (run.length > 0 && CONNECTOR.test(token.text))) run.push(token);
    else flush();
    // A legal form ends the organisation's name ("Chaiwala & Co. We sell ..." is "Chaiwala & Co."),
    // unless a second one follows it after a comma ("Co., Ltd.", "GmbH, AG"): the name goes on.
    const next = tokens[i + 1];
    const legalFormFollows = next !== undefined && source.slice(token.end, next.start) === ', ' && LEGAL_FORM.test(` ${next.text}`);
    if (!legalFormFollows && (/[,;:]$/.test(token.text) || /\.$/.test(token.text) || (run.length > 1 && LEGAL_FORM.test(` ${token.text}`)))) flush();
  }
  flush();
  return runs;
}

/** Offsets covered by a referrer or an operator's note: nothing there is the sender's organisation. */
function referrerIn(source: string, message: Message): Field<string | null> {
  const patterns = [
    /\b((?:\p{Lu}[\p{L}'’-]+ ){0,2}(?:at|from|of) (?:\p{Lu}[\p{L}&'’.-]*\s?){1,4})(?=\s*(?:\([^)]*\)\s*)?(?:suggested|recommended|referred|told|pointed|mentioned|gave|passed))/u,
    /\b(?:referred|recommended|sent) (?:to you |me )?by ((?:\p{Lu}[\p{L}'’-]+\s?){1,3}(?:(?:at|from) (?:\p{Lu}[\p{L}&'’.-]*\s?){1,4})?)/u,
    /(?:hear about us|hear of us|referred by|referral)[^:\n]*:\s*(?:Referral\s*[-–:]\s*)?([^\n]+)/iu,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(source);
    if (match) {
      const start = match.index + match[0].indexOf(match[1]!);
      const text = match[1]!.trimEnd();
      return grounded(source, start, start + text.length, 0.9);
    }
  }
  // Whoever introduces the lead referred them: named as they sign, else by their address.
  if (introducedLead(source, message) && message.from) {
    const name = message.from.name ? source.lastIndexOf(message.from.name, message.body.end) : -1;
    return name >= message.body.start ? grounded(source, name, name + message.from.name!.length, 0.9) : grounded(source, message.from.span.start, message.from.span.end, 0.8);
  }
  // A go-between who forwarded the lead (not the operator, whom the lead wrote to).
  const forwarder = message.forwardedBy;
  if (forwarder && !message.to.includes(forwarder.address)) return grounded(source, forwarder.span.start, forwarder.span.end, 0.8);
  return nothingRead();
}

// A web form's dump may write its fields as machine names ("company_name=Acme", "your-name=..."): "_" or "-" for a space, "=" for the colon.
// A form squeezed onto one line separates its fields with bars ("Name: X | Business: Y | Email: ..."): a bar ends one field and starts the next.
const FORM_FIELD = (names: string) => new RegExp(`(?:^|[ \\t]\\|)[ \\t]*(?:${names.replace(/ /g, '[ _-]')})[ \\t]*[:=][ \\t]*(\\S[^\\n]*?)[ \\t]*(?:$|(?=[ \\t]\\|[ \\t]))`, 'imu');
/** A form's answer that there is nothing to give, bracketed or not: "none", "n/a", "not yet", "-", "keine", "aucune", "ninguna", "nessuna". */
const NO_VALUE = /^[([\s]*(?:none|none yet|not yet|nothing|no company|no organi[sz]ation|n\/?a|-+|—|–|keine|noch keine|aucune|pas encore|ninguna|ninguno|todavía no|nessuna|nenhuma|geen|brak)[\s.)\]]*$/iu;
const fieldIn = (source: string, names: string): Span | null => {
  const match = FORM_FIELD(names).exec(source);
  if (!match) return null;
  const start = match.index + match[0].indexOf(match[1]!);
  return spanAt(source, start, start + match[1]!.length);
};

/** How the sender introduces their organisation: "We are X", "I run X" (Polish "prowadzę X", French "je dirige X"), "founder of X", "X is looking". */
const INTRODUCES = [
  /\b(?:we are|we're|we’re|this is|siamo(?: la| il)?|wir(?:,)? die|nous sommes|somos)\s*$/iu,
  /\b(?:I run|I own|I manage|founder of|co-founder of|owner of|partner at|director at|CEO (?:at|of)|COO (?:at|of)|CTO (?:at|of)|head of [\p{L} ]+ at|(?:work|working) (?:at|for)|gérant de|prowadzę|prowadzimy|je dirige|dirijo|gestisco|ich leite|ich führe|wir betreiben)\s*(?:a small [\p{L} ]+,\s*)?$/iu,
  /\((?:$)/u,
];
/** "I'm Jane Doe from Globex", "this is Bob from Initech": a person introducing themselves with their organisation. */
const SELF_INTRODUCTION = /\b(?:I'm|I’m|I am|this is|my name is|it's|c'est|ich bin|soy|sono)\s+\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+)?,?\s+(?:from|at|with|of|de|von|di)\s*$/u;
/**
 * "lead: Rafael Duarte, runs Duarte Surf School", "Nadia Farouk from Juniper Lane called", "a DM from Mira @ Fernbrook Pottery", "a call from Anke at Zeilmakerij Vos":
 * an operator's note naming the lead's organisation, said of them, after their name or first name.
 */
const INTRODUCED_BY_NOTE = /(?:^|[:.,;—–\n]\s*|\s(?:from|with|by)\s+)\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+)?,?\s+(?:from|@|at|who runs|runs|owns|who owns)\s*$/u;
/** "lead: Gareth Lloyd, Lloyd Roofing, wants a site": a note's full name, then the organisation set off by commas before what they want. */
const APPOSITIVE_OF_NAME = /(?:^|[:.;—–\n]\s*)\p{Lu}[\p{L}'’-]+\s\p{Lu}[\p{L}'’-]+,\s*$/u;
const FOLLOWS = /^\s*(?:,?\s*(?:is|are|and|needs?|wants?|invites?|would|would like|has|have|team|here)\b|\)|,\s*(?:a|an|the)\b)/iu;
/** "I run X in Lyon", "prowadzę X w Krakowie": the town it is in may follow the name too (case-sensitive: a town has its capital). */
const TOWN_FOLLOWS = /^\s+(?:in|w|en|à|a|im|em|i)\s+\p{Lu}\p{Ll}+/u;

/** The values of the Subject headers: a name there is the sender's only where their own domain spells it. */
function subjectLines(source: string): Span[] {
  return [...source.matchAll(/^Subject:[ \t]*([^\n]*)$/gim)].map((match) => spanAt(source, match.index + match[0].length - match[1]!.length, match.index + match[0].length));
}

/** After a name, a spaced dash and more capitalised words up to a legal form, in the same sentence: " - Turismo Rural, Lda.". */
const NAME_GOES_ON = new RegExp(String.raw`^[ \t]+[-–][ \t]+(?:[\p{Lu}\d][\p{L}\p{M}\d'’&.-]*,?[ \t]+(?:(?:de|do|da|du|des|del|della|di|van|von|of|and|und|et|e|y|&)[ \t]+)?){1,5}?${LEGAL_FORM.source.replace(/^\(\?:\^\|\\s\)/, '').replace(/\$$/, '')}(?![\p{L}\d])`, 'u');

/**
 * A name read from a run of capitals may stop at a spaced dash the organisation's registered name goes on past, up to its legal
 * form: where it reads only the first half, or the second half holds a role, which is the name is unsure, so it is asked, the read one offered.
 */
function doubtedIfItGoesOn(source: string, company: Field<string | null>): Field<string | null> {
  if (company.value === null || company.evidence.kind !== 'span' || LEGAL_FORM.test(company.value)) return company;
  const after = source.slice(company.evidence.span.end);
  return NAME_GOES_ON.test(after) || CUT_BEFORE_ABBREVIATIONS.test(after) ? { ...company, confidence: Math.min(company.confidence, 0.5) } : company;
}

/**
 * Right after the name, lower-case abbreviations with their stops, two or more ("v.o.s.", "k.s.", "sp. j."): a legal form the reader
 * does not know, written small, which the run of capitals stopped before. Whether the name goes on through them is unsure: asked.
 * One short word and a stop is as often the sentence's end ("Lin Physio here."), so it is not enough.
 */
const CUT_BEFORE_ABBREVIATIONS = /^[ \t]+\p{Ll}{1,4}\.(?:[ \t]?\p{Ll}{1,4}\.)+(?=[\s,;:)!?]|$)/u;

function companyIn(source: string, message: Message, referrer: Field<string | null>, person: Span | null): Field<string | null> {
  const form = fieldIn(source, 'Company|Company name|Organisation|Organization|Business|Firma|Unternehmen|Entreprise|Empresa|Société');
  // A form's field that says there is none ("n/a", "(not yet)", "-", "keine") names no organisation: the sender writes for themselves.
  if (form && NO_VALUE.test(form.text)) return nothingRead();
  if (form) return grounded(source, form.start, form.end, 0.95);
  const sender = leadSender(source, message);
  const domain = sender ? sender.address.split('@')[1]! : (new RegExp(EMAIL.source).exec(source.slice(message.body.start, message.body.end))?.[0].split('@')[1] ?? null);
  const excluded = [...(referrer.evidence.kind === 'span' ? [referrer.evidence.span] : []), ...(person ? [person] : [])];
  const overlapsExcluded = (c: { start: number; end: number }) => excluded.some((span) => c.start < span.end && span.start < c.end);
  const inPerson = (c: { start: number; end: number }) => person !== null && fold(source.slice(c.start, c.end)) === fold(person.text);
  const signature = message.signature;
  // An introducer signs with their own organisation, not the lead's.
  const introducersSignature = signature !== null && introducedLead(source, message) ? signature : null;
  const candidates: Candidate[] = [];
  // A note above or below (the operator's, a go-between's) may name the sender's organisation,
  // but only the sender's own domain makes a name found there theirs.
  // The sender's own earlier message quoted below the reply (their address in the quote's attribution) may sign with the organisation the reply leaves out.
  const ownQuote = sender && message.body.end < source.length && source.slice(message.body.end).toLowerCase().includes(sender.address.toLowerCase()) ? [{ start: message.body.end, end: source.length, note: true }] : [];
  const regions = [{ ...message.body, note: false }, ...message.notes.map((note) => ({ ...note, note: true })), ...subjectLines(source).map((subject) => ({ ...subject, note: true })), ...ownQuote];
  for (const { start, end, note } of regions) for (const run of capitalisedRuns(source, start, end).map((r) => withOwnersSurname(source, withoutLeadingPerson(source, r, message), message))) {
    if (overlapsExcluded(run) || (introducersSignature && run.start >= introducersSignature.start && run.end <= introducersSignature.end)) continue;
    const text = source.slice(run.start, run.end);
    if (/@|^\+?\d[\d\s()-]*$/.test(text)) continue;
    const inSignature = signature !== null && run.start >= signature.start;
    const agreement = domainAgreement(text, domain);
    const legal = LEGAL_FORM.test(text);
    const before = source.slice(Math.max(message.body.start, run.start - 40), run.start);
    // "We're Holm Heating & Cooling." introduces it as a sentence of its own, too.
    const after = source.slice(run.end, run.end + 20);
    const introduced = (INTRODUCES.some((pattern) => pattern.test(before)) && (FOLLOWS.test(after) || TOWN_FOLLOWS.test(after) || /^[.!](?:\s|$)/.test(after))) || SELF_INTRODUCTION.test(before) || INTRODUCED_BY_NOTE.test(before) || (APPOSITIVE_OF_NAME.test(before) && /^,\s*(?:wants?|needs?|is looking|would like)\b/iu.test(after));
    const startsSentence = /(?:^|[.!?]\s+|\n)\s*$/.test(before) && FOLLOWS.test(after);
    let score = 0;
    if (agreement >= 0.8) score = inSignature || legal ? 0.97 : 0.93;
    else if (legal) score = inSignature ? 0.92 : 0.85;
    // "We're Holm Heating & Cooling" from holm-hvac: the sender names it as theirs and their domain spells part of it; either alone is a guess.
    else if (agreement >= 0.5) score = introduced || startsSentence ? 0.91 : 0.8;
    else if (introduced || startsSentence) score = 0.75;
    if (score === 0 || (note && agreement < 0.8)) continue;
    // A person's name ("Carlos Mendes") is capitalised too; compromise knows it for one. It also
    // takes surname-led names ("Quinn Florals") for people: with a legal form a name is an
    // organisation; without one, a name that spells the sender's domain is offered, but asked.
    const person = nlp(text).people();
    if (!legal && person.found && person.text() === text) {
      if (agreement < 0.8 || inPerson(run)) continue;
      score = Math.min(score, 0.8);
    }
    candidates.push({ ...run, score: score + Math.min(0.02, (run.end - run.start) / 5000) });
  }
  if (candidates.length === 0) return nothingRead();
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
  // Names are read in their fullest stated form: "Dune Digital" in the body, "Dune Digital FZ-LLC" below.
  const stem = fold(source.slice(best.start, best.end));
  const fuller = candidates.filter((c) => c.end - c.start > best.end - best.start && fold(source.slice(c.start, c.end)).startsWith(stem));
  const chosen = fuller.length > 0 ? fuller.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a)) : best;
  const { start, end } = signature !== null && chosen.start >= signature.start ? asSignatureLine(source, chosen) : chosen;
  return grounded(source, start, end, Math.min(0.97, Math.max(best.score, chosen.score)));
}

/** The small words that tie a person to their organisation: "X of Y", "X della Y", "X von Y", "X de Y". */
const PERSON_OF = /\s(?:of|from|at|della|dello|dell['’]|del|de|du|von|vom)\s?/gu;

/**
 * "Jo Baker of Baker Springs Ltd", "Anna Ricci della Ricci Arredamenti", "sono Giulia dell'Agriturismo X": a self-introduction
 * reads as one capitalised run, the person first. Where what comes before the tying word is a
 * person (the sender's name or one of its words, or one compromise knows), the organisation is what follows it.
 */
function withoutLeadingPerson(source: string, run: { start: number; end: number }, message: Message): { start: number; end: number } {
  const text = source.slice(run.start, run.end);
  const sender = message.from?.name ? fold(message.from.name) : null;
  const senderWords = senderNameWords(message);
  for (const tie of text.matchAll(PERSON_OF)) {
    const head = text.slice(0, tie.index);
    const rest = text.slice(tie.index + tie[0].length);
    if (!/^\p{Lu}/u.test(rest)) continue;
    const people = nlp(head).people();
    const isPerson = (sender !== null && (fold(head) === sender || senderWords.has(fold(head)))) || (people.found && people.text() === head && head.includes(' '));
    if (isPerson) return { start: run.start + tie.index + tie[0].length, end: run.end };
    break;
  }
  return run;
}

/** The words of the sender's name, folded ("Giulia Bernardi" is giulia and bernardi); initials are too short to tell anything. */
function senderNameWords(message: Message): Set<string> {
  return new Set((message.from?.name ?? '').split(/\s+/).map(fold).filter((word) => word.length >= 3));
}

/**
 * "Agriturismo Le Colline di Bernardi", "Trattoria Da Ugo di Bellini": Italian businesses carry their owner's surname after "di", which
 * is part of the name; a town after "di" ("Trattoria Rossi di Bologna") is not. A run of capitals stops at a bare "di" (see CONNECTOR),
 * so where the word after it is a word of the sender's own name, the name goes on to it.
 */
function withOwnersSurname(source: string, run: { start: number; end: number }, message: Message): { start: number; end: number } {
  const owner = /^[ \t]+di[ \t]+(\p{Lu}[\p{L}'’-]+)/u.exec(source.slice(run.end));
  return owner && senderNameWords(message).has(fold(owner[1]!)) ? { start: run.start, end: run.end + owner[0].length } : run;
}

/**
 * A name that is its signature line, or the line up to a comma ("The Shannon Inn, Ennis"), is read
 * as the line writes it: a line is no sentence, so "The" before it is its article ("The Fox &
 * Hound") and a stop after it is its abbreviation's ("Jansen & Zn.", "Moreno Hnos."), not a sentence's end.
 */
function asSignatureLine(source: string, name: { start: number; end: number }): { start: number; end: number } {
  const lineStart = source.lastIndexOf('\n', name.start - 1) + 1;
  const lineEnd = source.indexOf('\n', name.end) < 0 ? source.length : source.indexOf('\n', name.end);
  const before = source.slice(lineStart, name.start);
  const after = source.slice(name.end, lineEnd);
  const endsLineOrClause = /^(?:\.?[ \t]*|,[^\n]*)$/.test(after);
  if (!endsLineOrClause) return name;
  const article = /^[ \t]*The $/.test(before);
  const stop = /^\.[ \t]*$/.test(after) && /^[ \t]*$/.test(before.replace(/The $/, ''));
  return { start: article ? name.start - 4 : name.start, end: stop ? name.end + 1 : name.end };
}

/** Senders that are software, not a person: a form plug-in, a notification service. */
const MACHINE_SENDER = /^(?:no-?reply|do-?not-?reply|notifications?|notify|wordpress|forms?|formular|mailer|mailer-daemon|webmaster|system|automated|alerts?)$/i;

/** Words that hand the reader over to someone else: "introducing you to", "I'd like you to meet", "putting you in touch with". */
const HANDS_OVER = /\b(?:introduc(?:e|ing)(?:\s+you(?:\s+(?:both|two))?\s+to|\s+to\s+you)?|(?:you\s+(?:should|to)|please)\s+meet|(?:put(?:ting)?|get(?:ting)?)\s+you\s+in\s+touch\s+with|connect(?:ing)?\s+you\s+with)\s+$/iu;

/**
 * An introduction: the sender hands the operator over to someone they copied in, named right after
 * the words that do it. The one copied in is the lead, and the sender is who referred them.
 */
function introducedLead(source: string, message: Message): Message['from'] {
  const body = source.slice(message.body.start, message.body.end);
  for (const party of message.cc) {
    const names = party.name ? [party.name, party.name.split(/\s+/)[0]!] : [];
    for (const name of names) {
      for (let at = body.indexOf(name); at >= 0; at = body.indexOf(name, at + 1)) if (HANDS_OVER.test(body.slice(Math.max(0, at - 60), at))) return party;
    }
  }
  return null;
}

/**
 * The lead's own address in the From header: not a machine's ("wordpress@", "no-reply@") and not
 * one on the operator's own domain (their site's contact form mails them from it); then the
 * lead's address and organisation are read from the message's own words instead. In an
 * introduction, the lead is the person introduced.
 */
function leadSender(source: string, message: Message): Message['from'] {
  const introduced = introducedLead(source, message);
  if (introduced) return introduced;
  const from = message.from;
  if (!from || message.to.includes(from.address)) return null;
  const [local, domain] = from.address.toLowerCase().split('@');
  const own = message.to.some((address) => address.toLowerCase().split('@')[1] === domain);
  return MACHINE_SENDER.test(local ?? '') || own ? null : from;
}

const HONORIFIC = /^(?:Dr|Mr|Mrs|Ms|Mx|Prof|Dott|Dra|Sr|Sra|Mme|Mlle)\.?\s+(?=\p{Lu})|^(?:Herr|Frau)\s+(?=\p{Lu})/u;
const GENERIC_SENDER = /^(?:info|hello|contact|sales|office|team|admin|support|mail|noreply|no-reply|kontakt|bureau)$/i;

function contactNameIn(source: string, message: Message): Field<string | null> {
  const form = fieldIn(source, 'Name|Full name|Your name|Contact|Contact name|Nom|Nombre');
  if (form) return grounded(source, form.start, form.end, 0.95);
  // A form that asks first and last name apart: the name is both, grounded in the span that holds them.
  const first = fieldIn(source, 'First name|Firstname|First_name|Given name|Vorname|Prénom');
  const last = fieldIn(source, 'Last name|Lastname|Last_name|Surname|Family name|Nachname|Nom de famille|Apellidos?');
  if (first && last && first.end < last.start) {
    return { value: `${first.text} ${last.text}`, evidence: { kind: 'span', span: spanAt(source, first.start, last.end) }, confidence: 0.95, via: 'rules' };
  }
  // "Dr. Amelia Strand" in the From header: the title is how to address her, not part of her name.
  const headerName = leadSender(source, message)?.name?.replace(/^["']|["']$/g, '').trim().replace(HONORIFIC, '');
  if (headerName && !GENERIC_SENDER.test(headerName)) {
    const at = source.indexOf(headerName, message.body.start);
    if (at >= 0) return grounded(source, at, at + headerName.length, 0.95);
    // The same name written with its accents in the signature ("Ines" in the header, "Inês" below).
    const region = message.signature ?? message.body;
    for (const line of region.text.matchAll(/[^\n]+/g)) {
      const name = line[0].trim();
      if (fold(name) === fold(headerName)) {
        const start = region.start + line.index + line[0].indexOf(name);
        return grounded(source, start, start + name.length, 0.95);
      }
    }
    const inHeaders = source.indexOf(headerName);
    if (inHeaders >= 0) return grounded(source, inHeaders, inHeaders + headerName.length, 0.9);
  }
  const region = message.signature ?? message.body;
  const people = nlp(source.slice(region.start, region.end)).people().json({ offset: true }) as { text: string; offset: { start: number; length: number } }[];
  for (const person of people) {
    // compromise may keep a sign after the name ("Mira @ Fernbrook"): no name ends in one.
    const text = person.text.replace(/[\s.,;:!?@&|/+-]+$/u, '');
    // "for Valentine's Day", "before Mother's Day": a possessive names whose something is, not who wrote.
    if (/['’]s$/u.test(text)) continue;
    const at = source.indexOf(text, region.start + person.offset.start);
    if (at >= 0 && text.length > 1) return grounded(source, at, at + text.length, 0.8);
  }
  return nothingRead();
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

function emailIn(source: string, message: Message): Field<string | null> {
  const sender = leadSender(source, message);
  if (sender) return grounded(source, sender.span.start, sender.span.end, 0.95);
  const form = fieldIn(source, 'E-?mail|Email address|Mail|Courriel');
  if (form && /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(form.text)) return grounded(source, form.start, form.end, 0.95);
  const own = new Set([...message.to, ...(message.forwardedBy ? [message.forwardedBy.address] : [])].map((a) => a.toLowerCase()));
  const found = [...source.slice(message.body.start, message.body.end).matchAll(EMAIL)].filter((m) => !own.has(m[0].toLowerCase()));
  if (found.length === 0) return nothingRead();
  const start = message.body.start + found[0]!.index;
  // Two different addresses in one lead: which one to answer is the operator's call.
  return grounded(source, start, start + found[0]![0].length, new Set(found.map((m) => m[0].toLowerCase())).size === 1 ? 0.95 : 0.7);
}

export function readParties(source: string, message: Message): Parties {
  const referrer = referrerIn(source, message);
  const contactName = contactNameIn(source, message);
  const person = contactName.evidence.kind === 'span' ? contactName.evidence.span : null;
  return { company: doubtedIfItGoesOn(source, companyIn(source, message, referrer, person)), contactName, email: emailIn(source, message), referrer };
}
