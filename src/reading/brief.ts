// A content brief: what the piece is about, who it is for, its tone, format, length and
// deadline. A brief arrives as a chat line ("Write a blog post on pricing retainers, aimed at
// non-technical founders. Friendly tone, ~1200 words, by next Thursday."), a labelled form
// ("Audience: marketing managers") or a client's e-mail. Labelled fields are read first; then
// the phrases that introduce each field ("aimed at", "our readers are", "about", "on").
// compromise tells readers from things ("for small shop owners" is an audience, "for invoicing"
// is not) and reads numbers written in words ("two thousand words").
import nlp from 'compromise';
import { spanAt, type Field, type Span } from './field.ts';
import { doubtAbout } from './hedges.ts';
import { MONTH_NAME, readDeadline, type Deadline } from './dates.ts';
import { readMessage } from './message.ts';

export const TONES = ['friendly', 'formal', 'conversational', 'authoritative', 'playful'] as const;
export const FORMATS = ['blog post', 'newsletter', 'guide', 'case study', 'linkedin post'] as const;
export type Tone = (typeof TONES)[number];
export type Format = (typeof FORMATS)[number];

export interface ReadBrief {
  topic: Field<string | null>;
  audience: Field<string | null>;
  tone: Field<Tone | null>;
  format: Field<Format | null>;
  wordCount: Field<number | null>;
  deadline: Field<Deadline | null>;
}

const none = <T>(): Field<T | null> => ({ value: null, evidence: { kind: 'none' }, confidence: 0, via: 'rules' });
const at = <T>(_source: string, span: Span, value: T, confidence: number): Field<T> => ({ value, evidence: { kind: 'span', span }, confidence, via: 'rules' });

/** Words naming each tone, in the languages briefs arrive in (and the common misspelling "authorative"); the first named wins. */
// Dutch and Polish name their tones too ("formeel", "ton ekspercki"), and French says friendly as "convivial".
const TONE_WORDS: [RegExp, Tone][] = [
  [/\b(?:friendly|warm|approachable|freundlich|amical|cordial|amichevole|cordiale|amigable|cercano|vriendelijke?|vänlig|vennlig|venlig|amigável|convivial|przyjazny|przyjazn\w+|vriendelijk)\b/i, 'friendly'],
  [/\b(?:formal|formale|formel(?:le)?|förmlich|professional|profesional|profissional|professioneel|professionell|professionnel(?:le)?|professionale|seriös|formeel|formele|formalny|formaln\w+)\b/i, 'formal'],
  [/\b(?:conversational|casual|chatty|informal|relaxed|locker|décontracté|colloquial|colloquiale|informale|coloquial|desenfadado|descontraíd[oa]|informeel|luchtig|avslappnad|ledig)\b/i, 'conversational'],
  [/\b(?:authoritative|authorative|expert|fachkundig|autoritaire|autorevole|autoritativo|autoritário|data-led|ekspercki|eksperck\w+|deskundig)\b/i, 'authoritative'],
  [/\b(?:playful|light and fun|fun|humorous|witty|verspielt|ludique)\b/i, 'playful'],
];
const FORMAT_WORDS: [RegExp, Format][] = [
  [/\blinked\s?in(?:\s+post)?\b/i, 'linkedin post'],
  [/\bcase stud(?:y|ies)\b|\bétude de cas\b|\bFallstudie\b/i, 'case study'],
  [/\bnewsletter\b|\bRundbrief\b|\bnieuwsbrief\b|\bnyhetsbrev\b/i, 'newsletter'],
  [/\b(?:step-by-step\s+)?guide\b|\bhow-to\b|\bLeitfaden\b|\bAnleitung\b/i, 'guide'],
  [/\b(?:blog\s*post|blog article|guest post|article de blog|Blogartikel|Blogbeitrag|blogginlägg|blogginnlegg|blogindlæg|blogbericht|blogartikel|wpis na blog\w*|blog|article|artigo|artículo|articolo)\b/i, 'blog post'],
];

/** "Label: value" or "label = value" lines of a form-like brief ("- Readers: HR managers ..."). */
function labelled(source: string, region: Span, labels: string): Span | null {
  // Fields may sit one a line, after a comma or sentence, or between dashes ("... - audience: X - ...").
  // A quoted brief's lines keep their "> "; a field on a line of its own may be set off by a spaced hyphen ("topic - X").
  // A web form's machine names put a prefix before the label and "_" for its spaces ("brief_audience=", "target_group:").
  // A form that asks its fields as questions ("Who will read it? Nurses") answers each after its "?".
  const pattern = new RegExp(`(?:^|\\n|,\\s*|[.?!]\\s+|\\s[-–—]\\s+)[ \\t]*(?:>[ \\t>]*)?(?:[-*•][ \\t]*)?(?:[a-z]+_)?(?:${labels.replace(/ /g, '[ _]')})[ \\t]*(?:[:=]|(?<=\\?)(?=[ \\t])|[—–](?=[ \\t])|(?<=(?:^|\\n|,)[ \\t]*(?:>[ \\t>]*)?\\p{L}[\\p{L} ]*)[ \\t]-(?=[ \\t]))[ \\t]*(\\S[^\\n]*?)[ \\t]*(?=$|\\n|,\\s*\\w+\\s*=|,\\s*\\p{L}[\\p{L} ]{0,20}?(?:\\s*:|\\s[-–—]\\s)|\\s[-–—]\\s|\\.\\s+\\p{Lu}|\\.$)`, 'iu');
  const match = pattern.exec(region.text);
  if (!match) return null;
  let value = match[1]!;
  let start = region.start + match.index + match[0].lastIndexOf(value);
  // A quoted value ("theme = 'what's new'") is its inside.
  const quoted = /^(['"“‘])(.*)(['"”’])$/.exec(value);
  if (quoted) {
    value = quoted[2]!;
    start += 1;
  }
  return spanAt(source, start, start + value.length);
}

/** Nouns for a group of people that are no plural: "new warehouse staff", "the sales team". */
const GROUP_OF_PEOPLE = /(?<!\p{L})(?:staff|team|crew|personnel|workforce|faculty)$/iu;
/** Is this phrase about people (a plural noun: "founders", "shop owners", "les freelances", or a group: "staff")? */
const namesReaders = (phrase: string) => (nlp(phrase).match('#Plural').found || GROUP_OF_PEOPLE.test(phrase)) && !/^(?:the|a|an|this|that|its|their|his|her)\s/i.test(phrase) && !FORMAT_WORDS.some(([pattern]) => pattern.test(phrase));

/** Where a phrase introduced at `from` ends: at the clause's end or where another field starts. */
function phraseEnd(text: string, from: number, stops: RegExp): number {
  const rest = text.slice(from);
  const stop = stops.exec(rest);
  return from + (stop ? stop.index : rest.length);
}

/** "so that small landlords know": the readers end at the verb that says what they are to do. */
const PURPOSE_STOPS = /\s(?:know|understand|learn|can|see|get|feel)\b/u;
/**
 * "our members, mostly junior designers in their first job", "our customers (ops and finance
 * leads)": a narrowing after a comma, or a parenthesis that names people, says who they are.
 */
function narrowed(text: string, end: number): number {
  const more = /^,\s*(?:mostly|mainly|largely|typically|usually|primarily)\s+/iu.exec(text.slice(end));
  if (more) return phraseEnd(text, end + more[0].length, AUDIENCE_STOPS);
  const aside = /^\s*\(([^()\n\d]{3,60})\)/u.exec(text.slice(end));
  const people = aside?.[1]!.replace(/^(?:mostly|mainly|largely|typically|usually|primarily|esp\.?|especially|e\.g\.)\s+/iu, '') ?? '';
  // compromise reads "finance leads" as a verb: a short aside ending in a plural is people too.
  const plural = people.split(/\s+/).length <= 6 && /(?<!\b(?:thi|it|ha|i|wa|doe|a))\p{Ll}{2,}s$/u.test(people);
  return aside && (namesReaders(people) || plural) ? end + aside[0].length : end;
}

const AUDIENCE_STOPS = /[,.;!?\n—–(]|\s(?:about|on|sur|über|sobre|su|sul\p{L}*|om|who want|to learn|in (?:a|an|the)\s)(?!\p{L})/u;
// A spaced hyphen separates fields in a chat brief ("... - audience: X"); a dash in prose does not end the topic.
const TOPIC_STOPS = /[.;!?\n(]|,\s|\s-\s|\s[—–]\s(?=for\b|[\p{L} ]{1,20}:)|\s(?:aimed at|written for|targeted at|so that|for (?:our|my|the) (?=\w+s\b))/u;

/** Words for a time in the languages briefs arrive in: what follows them says when, not who reads. */
const TIME_WORDS = String.raw`mañana|hoy|amanhã|hoje|demain|domani|morgen|today|tomorrow|pr[oó]xim\p{L}*|prochain\p{L}*|prossim\p{L}*|nästa|neste|volgende|nächste\p{L}*|semana|semaine|settimana|vecka|uke|week|woche|mes|mês|mois|mese|månad|måned|maand|monat|lunes|martes|viernes|lundi|vendredi|lunedì|venerdì|montag|freitag|maandag|vrijdag|måndag|fredag|segunda|sexta|${MONTH_NAME}`;

/** Articles of one thing ("para el blog", "voor de site"): what follows them is no group of readers. */
const SINGULAR_ARTICLES = String.raw`el|la|lo|il|o|a|um|uma|un|una|le|l['’]|het|de|den|det|een|en|ett|der|das|dem|ein|eine`;
/** Plural nouns for people who read briefs' content, in the languages briefs arrive in besides English. */
const FOREIGN_PEOPLE = [
  'clientes|miembros|membros|socios|sócios|suscriptores|assinantes|lectores|leitores|usuarios|usuários|propietarios|proprietários|padres|pais|pacientes|estudiantes|estudantes|profesionales|profissionais|autónomos|emprendedores|empreendedores|empresarios|empresários|funcionarios|funcionários|voluntarios|voluntários|aficionados|entusiastas|seguidores|dentistas|periodistas|jornalistas|artistas|turistas|especialistas|dueños|donos|inquilinos|compradores|vendedores|agricultores|docentes|profesores|professores|médicos|enfermeros|enfermeiros|gerentes|empleados|trabajadores|trabalhadores|viajeros|viajantes|familias|famílias|vecinos|vizinhos',
  'clienti|soci|membri|iscritti|abbonati|lettori|utenti|proprietari|genitori|pazienti|studenti|professionisti|appassionati|imprenditori|collezionisti|giornalisti|artisti|turisti|dentisti|specialisti|inquilini|acquirenti|venditori|insegnanti|docenti|medici|infermieri|dipendenti|lavoratori|viaggiatori|famiglie|agricoltori|ristoratori',
  'clients|membres|abonnés|lecteurs|lectrices|utilisateurs|propriétaires|patients|étudiants|indépendants|passionnés|entrepreneurs|commerçants|locataires|enseignants|salariés|dirigeants|artisans|restaurateurs|acheteurs|vendeurs',
  'kunder|medlemmar|prenumeranter|läsare|användare|ägare|föräldrar|patienter|studenter|företagare',
  // Norwegian and Danish name a known group in the definite plural ("kundene våre", "medlemmerne").
  'kundene|kunderne|medlemmene|medlemmerne|leserne|læserne|brukerne|brugerne|eierne|ejerne|foreldrene|forældrene',
  'klanten|leden|abonnees|lezers|gebruikers|eigenaren|ouders|patiënten|studenten|ondernemers|liefhebbers|huurders|bezoekers|kopers|werknemers|medewerkers|bewoners|managers|eigenaars|docenten|leraren|werkgevers',
  'Kunden|Mitglieder|Abonnenten|Leser|Leserinnen|Nutzer|Eigentümer|Eltern|Patienten|Studierende|Gründer',
  'osób|ludzi|klientów|członków|czytelników|właścicieli|rodziców|pacjentów|studentów|przedsiębiorców|programistów|freelancerów|pracowników|nauczycieli|lekarzy|menedżerów|kierowców|najemców|sprzedawców',
].join('|');
/**
 * Dutch and German compounds ending in a listed noun ("huiseigenaren", "Hausbesitzer") name people as the noun does, and so
 * does a German noun in "-innen" ("Gründerinnen"). Endings alone say no more: "acquisti", "revistas" and "horarios" are things.
 */
// Italian keeps English loanwords for people unchanged in the plural: "i nostri follower", "gli manager" are people once a plural article or possessive says so.
const PEOPLE_WORD = String.raw`\p{L}*(?:${FOREIGN_PEOPLE})|\p{Lu}\p{L}{2,}innen|(?<=(?<!\p{L})(?:i|gli|nostri|vostri|loro|tanti|molti)\s)(?:follower|partner|manager)`;

function audienceIn(source: string, region: Span): Field<string | null> {
  const form = labelled(source, region, 'Audience|Who|Target audience|Target group|Target readers|Intended readers|Intended audience|Readers|Readership|Who reads it\\??|Who will read (?:it|this)\\??|Who is (?:it|this) for\\??|Who(?:\'|’)s (?:it|this) for\\??|For|Zielgruppe|Public cible|Public|Publico|Público|Público-alvo|Lectores|Odbiorcy|Grupa docelowa|Doelgroep|Målgrupp|Målgruppe|Destinatari|Destinataires|Cible');
  if (form) return at(source, form, form.text, 0.95);
  const text = region.text;
  // "explaining SOC 2 to startup founders": the people something is explained or introduced to are its readers; so are those it "goes to", when they are people.
  // "a thank-you to our customers": those a piece thanks are whom it is written to.
  const explicit = /(?<!\p{L})(?:aimed at|written for|targeted at|targeting|intended for|it's for|it’s for|its for|it is for|für|pour (?:les|des)|para (?:los|las)|(?:explain(?:s|ing)?|introduc(?:e|es|ing))\s+[^.;:!?\n]{2,60}?\s+to|(?:newsletter|mailing|e-?mail|letter)\s+to|(?:goes|will go|is going)\s+to|(?:a|an|our|the)\s+thank(?:-|\s)you(?:\s+(?:note|message|post))?\s+to)\s+/giu;
  // "Target audience is small law firms": these name the readers whatever follows, so the phrase
  // needs no plural noun (compromise reads "firms" in "small law firms" as a verb). German "geht an", "richtet sich an" and Polish
  // "skierowany do" say whom a piece goes to as "goes out to" does, before any "für" of the topic.
  const naming = /(?<!\p{L})(?:our readers are|readers are|people reading(?: it)? are|people who(?:'ll| will)? read (?:it|this) (?:are|will be)|(?:target )?audience is|target group is|(?:it )?goes out to|is sent to|who (?:it's|it’s|it is|this is) for\s*:|(?:geht|gehen|richtet sich|richten sich|wendet sich) an|skierowan[yaei] do|przeznaczon[yaei] dla)\s+/giu;
  // "so that small landlords know ...": the people who are to know or understand are the readers.
  const purpose = /(?<!\p{L})so(?: that)?\s+(?=(?:\p{L}+\s+){0,4}?\p{L}+\s+(?:know|understand|learn|can|see|get|feel)\b)/giu;
  // Introducers in other languages: compromise reads English only, so what follows them is taken as they say.
  // German "für Hausbesitzer": a capitalised noun with no article after "für" is people in the plural ("für den Shop" is not).
  const foreign = /(?<!\p{L})(?:destiné(?:e|s|es)? (?:aux|à)|rivolt[oa] a(?:i|gli|lle)?|pensad[oa]s? para|pensat[oaie] per|dirigid[oa]s? a|destinad[oa]s? a|gericht(?:et)? an|für(?=\s+(?!(?:Den|Die|Das|Dem|Der|Unser\p{L}*|Ein\p{L}*|Mein\p{L}*|Sie)\s)\p{Lu}\p{Ll}+(?:er|en|e|s|innen)(?=[\s,.;]|$)))\s+/gu;
  // "para noivos que vão casar", "för privatpersoner som hyr ut", "voor onze klanten die ...", "per chi ha appena comprato casa", "para quem ...":
  // a preposition of other languages, then people and the relative pronoun that says what they do. Not after an article
  // of one thing ("para el blog que ...", "voor de site die ...").
  // Nor after a time ("para mañana que ...", "för nästa vecka som ...", "voor december die ..."): that says when, not who.
  const relative = new RegExp(String.raw`(?<!\p{L})(?:para|för|voor|per|pour|für)\s+(?=chi\s|quem\s|quienes\s|(?!(?:el|la|lo|o|a|um|uma|un|una|le|l['’]|het|de|den|det|een|en|ett|il|der|die|das|dem|ein|eine)\s)(?!(?:\p{L}+\s+){0,2}?(?:${TIME_WORDS})(?!\p{L}))(?:\p{L}[\p{L}'’-]*\s+){1,3}?(?:que|som|die|chi|qui|welche|quienes|quem)\s)`, 'giu');
  // "per appassionati di cucina", "para clientes do restaurante", "till våra prenumeranter": a preposition of other
  // languages, then people named by a plural noun of those languages (compromise knows English plurals only).
  const people = new RegExp(String.raw`(?<!\p{L})(?:per|para|pour|för|till|til|voor|für|an|dla|pro)\s+(?=(?:(?!(?:${SINGULAR_ARTICLES}|${TIME_WORDS}|sobre|su|sul\p{L}*|sui|om|über|di|do|da)\s)\p{L}+\s+){0,2}?(?:${PEOPLE_WORD})(?!\p{L}))`, 'giu');
  for (const [pattern, mustNameReaders, stops] of [[naming, false, AUDIENCE_STOPS], [purpose, true, PURPOSE_STOPS], [explicit, true, AUDIENCE_STOPS], [foreign, false, AUDIENCE_STOPS], [relative, false, AUDIENCE_STOPS], [people, false, AUDIENCE_STOPS]] as const) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index + match[0].length;
      const end = narrowed(text, phraseEnd(text, start, stops));
      // "it's for the finance people who ...": an introducer that names readers may put "the" before them.
      const phrase = text.slice(start, end).trim();
      const people = pattern === explicit ? phrase.replace(/^the\s+/i, '') : phrase;
      if (phrase && (!mustNameReaders || namesReaders(people))) return at(source, spanAt(source, region.start + start, region.start + start + phrase.length), phrase, 0.95);
    }
  }
  // "for small shop owners": a "for" that starts its own clause names the readers more surely
  // than one inside the topic ("setting up Stripe Tax for EU sellers, for solo founders").
  const candidates = [...text.matchAll(/(,\s*|—\s*|^|\.\s+)?\bfor\s+/giu)]
    .map((match) => {
      const start = match.index + match[0].length;
      const phrase = text.slice(start, narrowed(text, phraseEnd(text, start, AUDIENCE_STOPS))).trim();
      // "A newsletter for freelance designers about ...": readers right after the format are the brief's own.
      const afterFormat = FORMAT_WORDS.some(([pattern]) => new RegExp(`(?:${pattern.source})\\s*$`, 'iu').test(text.slice(0, match.index)));
      return { start, phrase, ownClause: match[1] !== undefined || afterFormat };
    })
    // "not for developers, it's for ...": readers denied are no readers.
    .filter((c) => c.phrase && namesReaders(c.phrase) && !/\bnot\s+for\s+$/i.test(text.slice(Math.max(0, c.start - 8), c.start)));
  const best = candidates.find((c) => c.ownClause) ?? candidates.at(-1);
  if (!best) return none();
  // One "for <people>" in the brief is its readers; several with none in a clause of its own is a guess.
  const sure = best.ownClause || candidates.length === 1;
  return at(source, spanAt(source, region.start + best.start, region.start + best.start + best.phrase.length), best.phrase, sure ? 0.9 : 0.85);
}

/** Words that name when an issue appears, not what it is about. */
const PERIOD = /^(?:(?:the|this|next|last|our|usual|regular|weekly|monthly|quarterly|yearly|annual|january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|fall|winter|christmas|holiday|q[1-4]|\d{4})\s*)+$/i;

/** "Subject: X" names the topic, unless it is a header of a quoted or forwarded e-mail (a From, To, Sent or Date line beside it). */
function subjectField(source: string, region: Span): Span | null {
  const span = labelled(source, region, 'Subject');
  if (!span) return null;
  const lineStart = source.lastIndexOf('\n', span.start) + 1;
  const lineEnd = source.indexOf('\n', span.end) < 0 ? source.length : source.indexOf('\n', span.end);
  const around = `${source.slice(source.lastIndexOf('\n', lineStart - 2) + 1, lineStart)}${source.slice(lineEnd, source.indexOf('\n', lineEnd + 1) < 0 ? source.length : source.indexOf('\n', lineEnd + 1))}`;
  return /^[ \t>]*(?:From|To|Sent|Date|Cc|Von|An|Gesendet|De|À|Envoyé)[ \t]*:/imu.test(around) ? null : span;
}

/** "Title: Case study — Larchmont Bakery checkout redesign": a format's name before a dash is the piece's kind, and the topic follows the dash. */
function withoutFormatName(source: string, value: Span): Span {
  if (!FORMAT_WORDS.some(([pattern]) => new RegExp(`^(?:${pattern.source})$`, 'iu').test(value.text.trim()))) return value;
  const rest = /^\s[-–—]\s+([^\n]*\S)/u.exec(source.slice(value.end));
  return rest ? spanAt(source, value.end + rest[0].length - rest[1]!.length, value.end + rest[0].length) : value;
}

/** Where a piece goes out: "a post on LinkedIn" names no topic. */
const CHANNEL = /^(?:linkedin|instagram|facebook|twitter|substack|medium|youtube|tiktok|mastodon|pinterest|wordpress)$/iu;

function topicIn(source: string, region: Span): Field<string | null> {
  // A form may ask the topic as a question ("What should the piece be about?"); Polish and Czech label it "Temat", "Téma".
  const form = labelled(source, region, 'Topic|Title|Subject line|Theme|Thema|Sujet|Tema|Temat|Téma|Headline|Working title|What(?:\'s| is) it (?:about|on)\\??|What (?:should|will|is) (?:it|this|the (?:piece|post|article|text|newsletter))(?: be)? about\\??|What do you want written\\??|What should (?:I|we) write(?: about)?\\??') ?? subjectField(source, region);
  if (form) return at(source, withoutFormatName(source, form), withoutFormatName(source, form).text, 0.95);
  const text = region.text;
  // A title in single quotes too ("Blog: 'How to ...'"), where the quote opens after a space or colon, not an apostrophe in a word.
  const quoted = /["“]([^"”\n]{12,})["”]/u.exec(text) ?? /(?<=^|[\s:(])['‘]([^'’\n]{12,}?)['’](?=[\s.,;:!?)]|$)/u.exec(text);
  if (quoted) return at(source, spanAt(source, region.start + quoted.index + 1, region.start + quoted.index + 1 + quoted[1]!.length), quoted[1]!, 0.9);
  const introductions = [
    // "Blog post idea: X", "Newsletter for our volunteers: X": what follows a format's own colon.
    /(?<!\p{L})(?:newsletter|blog post|blog|post|article|guide|case study)(?: idea| topic| brief| intro| copy| draft)?(?:\s+for\s[^:.\n]{1,40})?\s*:\s*/giu,
    // "explaining" in the languages briefs arrive in: "explicando como ...", "expliquant ...", "spiegando ..."; "abt" is chat's "about".
    /(?<!\p{L})(?:about|abt\.?|on|regarding|covering|explain(?:ing)?|explicando|expliquant|spiegando|announcing|celebrating|sur|über|zum Thema|sobre|su|sulla|sul|sullo|sui|sugli|sulle|over|om(?!\s+te\b))\s+/giu,
    // Polish and Czech "o" (about) right after the piece it is about: "wpis na bloga o tym, jak ...", "článek o ...".
    /(?<!\p{L})(?:wpis\p{L}*|artykuł\p{L}*|tekst\p{L}*|post\p{L}*|newsletter\p{L}*|článe?k\p{L}*|příspěv\p{L}*)(?:\s+na\s+\p{L}+)?\s+o(?:\s+tom|\s+tym)?,?\s+/giu,
    // "... as a case study? how they cut their costs": a clause of its own that starts with "how" is what the piece tells.
    /(?:^|[.?!:]\s+)(?=(?:how|cómo|como|comment|wie|come|hoe|hur)\s+\p{L})/giu,
    /(?<!\p{L})(?:guide|introduction|intro) to\s+/giu,
    // "let's switch the topic to X", "the subject is X".
    /(?<!\p{L})(?:topic|subject|theme)\s+(?:is|to|will be|should be|becomes|would be)\s+/giu,
  ];
  // The earliest introduction in the brief wins, whichever kind it is.
  const found = introductions.flatMap((pattern) => [...text.matchAll(pattern)]).sort((a, b) => a.index - b.index);
  for (const match of found) {
    const start = match.index + match[0].length;
    const phrase = text.slice(start, phraseEnd(text, start, TOPIC_STOPS)).trim();
    // "by the 8th on remote team rituals" is a topic; "on a budget", "on Friday", "about 1,000 words" are not.
    const approximation = /^\d[\d,.' ]*\s?k?\s?(?:words?|w|mots|wörter|palabras|palavras|woorden|parole|ord)\b/iu.test(phrase);
    // One word is a topic when it is a long one ("over thuisbatterijen", "über Barrierefreiheit": compounds say in one word what English says in several), not a channel the piece goes out on.
    const compound = /^\p{L}{10,}$/u.test(phrase) && !CHANNEL.test(phrase);
    if ((phrase.split(/\s+/).length >= 2 || compound) && !approximation && !/^(?:a budget|time|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i.test(phrase)) {
      return at(source, spanAt(source, region.start + start, region.start + start + phrase.length), phrase, 0.9);
    }
  }
  // "write our year-in-review newsletter": failing those, the words before the format name it (never a period: "the december newsletter").
  // "customers keep asking whether our coffee pods can be recycled. Could you write ... answering that?": the question is the topic.
  const asked = /(?<!\p{L})(?:asked|asking|ask|wonder(?:ing)?|want(?:s)? to know)\s+(?:by\s+\p{L}+\s+)?(?:whether|if)\s+/iu.exec(text);
  if (asked && /\b(?:answer|explain|address|tackl|cover)\w*\s+(?:that|this|it|the question)\b/i.test(text)) {
    const start = asked.index + asked[0].length;
    const phrase = text.slice(start, phraseEnd(text, start, TOPIC_STOPS)).trim();
    if (phrase.split(/\s+/).length >= 2) return at(source, spanAt(source, region.start + start, region.start + start + phrase.length), phrase, 0.9);
  }
  const named = /(?<!\p{L})(?:write|draft|need|do)\s+(?:our|a|an|the|my|this)\s+((?:[\p{L}\d-]+\s+){1,3}?)(?:newsletter|blog post|article|guide|case study)\b/iu.exec(text);
  const words = named?.[1]?.trim();
  if (named && words && !PERIOD.test(words)) {
    const start = named.index + named[0].indexOf(named[1]!);
    return at(source, spanAt(source, region.start + start, region.start + start + words.length), words, 0.9);
  }
  return none();
}

const DENIED_TONE = /\b(?:skip|avoid|drop|lose|not|no|less|without|instead of|rather than|nicht|kein\w*|pas|sans|sin|senza)\s+(?:(?:the|a|an|too|so|that|this|overly|any)\s+)?$/iu;

function toneIn(source: string, region: Span, topic: Field<string | null>): Field<Tone | null> {
  const form = labelled(source, region, 'Tone|Voice|Style|Ton|Tonalität|Tono|Register');
  const inTopic = (index: number) => topic.evidence.kind === 'span' && index >= topic.evidence.span.start && index < topic.evidence.span.end;
  const searched = form ?? region;
  let best: { index: number; length: number; tone: Tone } | null = null;
  for (const [pattern, tone] of TONE_WORDS) {
    const match = new RegExp(pattern.source, 'giu').exec(searched.text);
    for (let m = match; m; m = null) {
      const index = searched.start + m.index;
      // "skip the formal tone", "not too casual": a tone denied is not the tone.
      const denied = DENIED_TONE.test(searched.text.slice(Math.max(0, m.index - 24), m.index));
      if (!inTopic(index) && !denied && (!best || index < best.index)) best = { index, length: m[0].length, tone };
    }
  }
  if (!best) return none();
  return at(source, spanAt(source, best.index, best.index + best.length), best.tone, form ? 0.95 : 0.9);
}

function formatIn(source: string, region: Span): Field<Format | null> {
  const form = labelled(source, region, 'Format|Type|Content type|Kind');
  const searched = form ?? region;
  // A machine-named form writes its values with "_" for spaces ("content_type=linkedin_post"); the swap keeps every offset.
  const words = searched.text.replace(/_/g, ' ');
  let best: { index: number; length: number; format: Format } | null = null;
  for (const [pattern, format] of FORMAT_WORDS) {
    const match = pattern.exec(words);
    if (match && (!best || match.index < best.index)) best = { index: searched.start + match.index, length: match[0].length, format };
  }
  if (!best) return none();
  return at(source, spanAt(source, best.index, best.index + best.length), best.format, form ? 0.95 : 0.9);
}

/** A correction right after a value: "no make that 1000", "sorry, 1,200", "actually 900". */
const CORRECTION = /^[\s,;.—–-]*(?:no|sorry|actually|wait|correction|oops)\b[\s,:;—–-]*(?:(?:no\s+)?(?:make|change)\s+(?:that|it)(?:\s+to)?\s+|(?:it's|it is|let's say|say)\s+)?((?:\d[\d,.']*\d|\d))(?![\d\p{L}])/iu;

/** The length in words; a range or a limit ("under 300 words", "800-1000 words") is its upper bound. */
function wordCountIn(source: string, region: Span): Field<number | null> {
  const form = labelled(source, region, 'Length|How long|Target length|Word count|Words|Länge|Longueur');
  const text = region.text;
  // "1,500-word", "600-ish words": a hyphen or "-ish" between the number and "words" changes nothing.
  const written = /((?:\d[\d,.' ]*\d|\d)(?:\s*[-–]\s*(?:\d[\d,.' ]*\d|\d))?)\s*(?:-?ish\s*)?-?\s*(?:words?\b|wrds?\b|wds?\b|w\b|mots\b|Wörter\b|palabras\b|palavras\b|woorden\b|parole\b|ord\b|słów(?!\p{L})|słowa\b|slov\b)/iu.exec(text);
  const thousands = /(?<![\d.,])(\d+(?:[.,]\d)?)\s?k\s*(?:words?|mots|Wörter|palabras|palavras|woorden|parole|ord)\b/iu.exec(text);
  const inWords = /\b((?:(?:one|two|three|four|five|six|seven|eight|nine|ten|a)\s+)?(?:and a half\s+)?(?:hundred|thousand)(?:\s+and a half)?(?:\s+(?:and\s+)?\w+)?)\s+words\b/iu.exec(text);
  const number = (raw: string) => Number(raw.split(/[-–]/).pop()!.replace(/[,.' ]/g, ''));
  if (form && /\d/.test(form.text)) {
    const digits = /(?:\d[\d,.' ]*\d|\d)(?:\s*[-–]\s*(?:\d[\d,.' ]*\d|\d))?/.exec(form.text)!;
    const span = spanAt(source, form.start + digits.index, form.start + digits.index + digits[0].length);
    return at(source, span, number(digits[0]), 0.95);
  }
  if (thousands) return at(source, spanAt(source, region.start + thousands.index, region.start + thousands.index + thousands[0].length), Math.round(Number(thousands[1]!.replace(',', '.')) * 1000), 0.95);
  if (written) {
    // "1500 words, no make that 1000": the writer's correction right after the count replaces it.
    const after = region.start + written.index + written[0].length;
    const corrected = CORRECTION.exec(source.slice(after));
    if (corrected) return at(source, spanAt(source, after + corrected.index + corrected[0].length - corrected[1]!.length, after + corrected.index + corrected[0].length), number(corrected[1]!), 0.9);
    return at(source, spanAt(source, region.start + written.index, region.start + written.index + written[0].length), number(written[1]!), 0.95);
  }
  if (inWords) {
    const phrase = inWords[1]!;
    const half = /and a half/i.test(phrase);
    const numbers: unknown = nlp(phrase.replace(/and a half\s*/i, '').replace(/^a\s/i, 'one ')).numbers().get();
    const base = Array.isArray(numbers) ? numbers[0] : numbers;
    if (typeof base === 'number') {
      const unit = /thousand/i.test(phrase) ? 1000 : 100;
      const value = half ? base + unit / 2 : base;
      return at(source, spanAt(source, region.start + inWords.index, region.start + inWords.index + inWords[0].length), value, 0.9);
    }
  }
  return none();
}

/** "Topic TBD", "Audience: not decided yet": the brief says the field is open, so nothing is read for it. */
function undecided(region: Span, labels: string): boolean {
  // "topic - whatever you think works", "topic: up to you": the writer leaves the field to Operator, which asks.
  const open = new RegExp(`(?<!\\p{L})(?:${labels})\\s*(?:[:=—–-]\\s*)?(?:tbd|tbc|tba|to be (?:decided|confirmed|defined)|not (?:yet )?(?:decided|sure)|undecided|no idea|don't know|open|offen|whatever you|up to you|your call|your choice|you (?:choose|decide|pick))\\b`, 'iu');
  // "I haven't decided on the topic yet": the same, said before the field's name.
  const notYet = new RegExp(`(?<!\\p{L})(?:haven't|have not|not yet|still haven't|didn't|did not)\\s+(?:decided|chosen|picked|settled)(?:\\s+(?:on|upon))?\\s+(?:the|a|our|any)\\s+(?:${labels})\\b`, 'iu');
  // "Audience: they haven't decided yet, might be ...": the field's own value says someone has yet to choose it.
  const pending = new RegExp(`(?<!\\p{L})(?:${labels})\\s*[:=—–-]\\s*(?:(?:they|we|I|the client|our client|he|she)\\s+)?(?:haven't|have not|hasn't|has not|havent|hasnt|still (?:needs?|has|have) to|needs? to|are still|is still)\\s+(?:yet\\s+)?(?:decided|decide|deciding|chosen|choose|settled|confirmed|confirm)\\b`, 'iu');
  return open.test(region.text) || notYet.test(region.text) || pending.test(region.text);
}

/** "not sure who it's for yet": the writer has not settled the readers, whatever a "for" elsewhere names. */
const WHO_UNSURE = /\b(?:not (?:yet )?sure|unsure|don't know(?: yet)?|no idea|haven't decided|not decided)\s+who\s+(?:it's|it is|this is|it'll be|we're writing|the post is|the piece is)\s+for\b/iu;

/** What separates one field of a chat brief from the next: a comma, a spaced dash, a sentence's end. */
const FIELD_BREAK = /,\s|\s[-–—]\s|[.;!?](?=\s)|\n/u;

/** Words that start another field of a brief: a number, a field's label, a tone, a format, a deadline's cue. */
const ANOTHER_FIELD = new RegExp(String.raw`\d|\b(?:topic|subject|audience|readers|for|aimed at|written for|tone|format|length|words?|by|due|deadline)\b|${[...TONE_WORDS, ...FORMAT_WORDS].map(([pattern]) => pattern.source).join('|')}`, 'iu');

/** A topic or audience the writer doubts ("for CFOs (or maybe controllers?)") is their guess: asked, not written to. */
function doubted(source: string, field: Field<string | null>): Field<string | null> {
  if (field.evidence.kind !== 'span') return field;
  // A chat brief strings its fields with commas and dashes: "600-ish words" or "topic TBD, suggest some?" doubts its own field,
  // not the readers before it; words after the field that start no field of their own ("for CFOs, I think") are still about it.
  const { start, end } = field.evidence.span;
  const from = Math.max(...[...source.slice(0, start).matchAll(new RegExp(FIELD_BREAK.source, 'gu'))].map((m) => m.index + m[0].length), 0);
  const breakAt = (at: number) => {
    const next = FIELD_BREAK.exec(source.slice(at));
    return next ? { start: at + next.index, end: at + next.index + next[0].length } : null;
  };
  const first = breakAt(end);
  const second = first ? breakAt(first.end) : null;
  const following = first ? source.slice(first.end, second?.start ?? source.length) : '';
  const to = !first ? source.length : ANOTHER_FIELD.test(following) ? first.start : (second?.start ?? source.length);
  const part = source.slice(from, to);
  if (!doubtAbout(part, { start: start - from, end: end - from })) return field;
  return { ...field, confidence: Math.min(field.confidence, 0.6) };
}

/** Reads a brief pasted as chat, form or e-mail; relative deadlines count from `written`. */
export async function readBrief(source: string, written: Date): Promise<ReadBrief> {
  const message = await readMessage(source);
  // The author's own words, signature left out: a phone number there is no word count.
  const region = spanAt(source, message.body.start, message.signature?.start ?? message.body.end);
  const reply = fieldsOf(source, region, message.date ?? written);
  // "One change: ... Everything else as below": the quoted brief still holds what the reply does not change.
  if (!KEEPS_THE_REST.test(region.text) || message.body.end >= source.length) return reply;
  // The quote's attribution line ("On 4 Jan 2027, Ruth wrote:") names when it was written, not what about.
  const attribution = ATTRIBUTION.exec(source.slice(message.body.end));
  const quotedStart = message.body.end + (attribution ? attribution.index + attribution[0].length : 0);
  const quoted = fieldsOf(source, spanAt(source, quotedStart, source.length), message.date ?? written);
  const kept = <T>(mine: Field<T | null>, theirs: Field<T | null>) => (mine.value === null ? theirs : mine);
  return {
    topic: kept(reply.topic, quoted.topic),
    audience: kept(reply.audience, quoted.audience),
    tone: kept(reply.tone, quoted.tone),
    format: kept(reply.format, quoted.format),
    wordCount: kept(reply.wordCount, quoted.wordCount),
    deadline: kept(reply.deadline, quoted.deadline),
  };
}

/** A reply that changes part of the quoted brief and keeps the rest ("everything else as below", "rest as before"). */
// "as in my brief below", "as in the original e-mail": the quoted brief named by what it is.
const KEEPS_THE_REST = /\b(?:everything|all|the rest|rest)\s+(?:else\s+)?(?:(?:stays|is|remains)\s+)?(?:as|same as)\s+(?:below|before|in (?:my|the|your) (?:(?:last|previous|earlier|original|first)\b|(?:brief|e-?mail|message|note)\s+(?:below|before)\b))/iu;

const ATTRIBUTION = /^[> \t]*[^\n]*(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|skrev)[ \t]*:[ \t]*$/imu;

function fieldsOf(source: string, region: Span, written: Date): ReadBrief {
  const topic = undecided(region, 'topic|subject|theme|thema|sujet|tema') ? none<string>() : doubted(source, topicIn(source, region));
  return {
    topic,
    audience: undecided(region, 'audience|target audience|readers|zielgruppe|public|público') || WHO_UNSURE.test(region.text) ? none<string>() : doubted(source, audienceIn(source, region)),
    tone: toneIn(source, region, topic),
    format: formatIn(source, region),
    wordCount: wordCountIn(source, region),
    deadline: readDeadline(source, region, written),
  };
}
