// Dates and timelines relative to when the message was written: "in 6 weeks", "before end of Q1",
// "summer season (June)", "bis Mitte Dezember", "leverans vecka 10". chrono-node reads dates in
// several languages; what it does not know (quarters, ISO weeks, the middle of a month, named
// days such as Easter or Christmas) is read here into the same shape. A deadline is the last day
// that still meets it: a month means its last day, "before X" the day before X (but "before the
// end of X" X's last day), a week its Sunday.
import * as chrono from 'chrono-node';
import nlp from 'compromise';
import { z } from 'zod';
import { spanAt, type Field, type Span } from './field.ts';

export const Deadline = z.object({
  /** The last day that meets it, as an ISO day (2027-03-31). */
  by: z.iso.date(),
  /** The words it was read from, cue included ("before end of Q1"). */
  phrase: z.string(),
});
export type Deadline = z.infer<typeof Deadline>;

/** A calendar day, free of time zones. */
interface Day {
  year: number;
  month: number;
  day: number;
}

interface Mention {
  start: number;
  end: number;
  day: Day;
  /** How exact the text is about the day: a stated day, or a month, quarter or week taken to its end. */
  exact: boolean;
  /** A month, quarter or week's first day: "before April" is the day before it, not before its last. */
  first?: Day;
  /** Counted from when it was written ("next week", "in 6 weeks"): it only makes sense as a time to do something by. */
  relative?: boolean;
}

const LOCALES = [chrono.en, chrono.de, chrono.fr, chrono.nl, chrono.it, chrono.pt, chrono.es, chrono.sv];

const iso = ({ year, month, day }: Day) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
const utc = ({ year, month, day }: Day) => new Date(Date.UTC(year, month - 1, day));
const dayOf = (date: Date): Day => ({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
const addDays = (day: Day, days: number) => dayOf(new Date(utc(day).getTime() + days * 86_400_000));
const lastOfMonth = (year: number, month: number): Day => dayOf(new Date(Date.UTC(year, month, 0)));
/** The next occurrence of a month-day on or after the reference day. */
const nextOccurrence = (reference: Day, month: number, day: number, year?: number): Day => {
  if (year) return { year, month, day };
  const candidate = { year: reference.year, month, day };
  return iso(candidate) >= iso(reference) ? candidate : { year: reference.year + 1, month, day };
};

function easter(year: number): Day {
  // Anonymous Gregorian computus (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((8 * b + 13) / 25) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { year, month, day: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** US Thanksgiving: the fourth Thursday of November. */
function thanksgiving(year: number): Day {
  const first = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  return { year, month: 11, day: 1 + ((4 - first + 7) % 7) + 21 };
}

/** ISO week's Sunday. */
function isoWeekSunday(year: number, week: number): Day {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4.getTime() - (((jan4.getUTCDay() + 6) % 7) * 86_400_000) + (week - 1) * 7 * 86_400_000);
  return addDays(dayOf(monday), 6);
}

/** A table of numbered names ([1, 'january jan ...'], ...) as name → number. */
const numberedNames = (table: readonly (readonly [number, string])[]): Record<string, number> =>
  Object.fromEntries(table.flatMap(([n, names]) => names.split(' ').map((name) => [name, n])));

const MONTHS = numberedNames([
  [1, 'january jan januar janvier gennaio enero janeiro januari stycznia ledna ocak'],
  [2, 'february feb februar février febbraio febrero fevereiro februari lutego února şubat'],
  [3, 'march mar märz mars marts marzo março maart marca března mart'],
  [4, 'april apr avril aprile abril kwietnia dubna nisan'],
  [5, 'may mai maggio mayo maio mei maj maja května mayıs'],
  [6, 'june jun juni juin giugno junio junho czerwca června haziran'],
  [7, 'july jul juli juillet luglio julio julho lipca července temmuz'],
  [8, 'august aug août agosto augusti augustus sierpnia srpna ağustos'],
  [9, 'september sep sept septembre settembre septiembre setembro września září eylül'],
  [10, 'october oct oktober octobre ottobre octubre outubro października října ekim'],
  [11, 'november nov novembre noviembre novembro listopada listopadu kasım'],
  [12, 'december dec dezember décembre dicembre diciembre dezembro grudnia desember prosince aralık'],
]);
/** The month (1-12) a name or abbreviation stands for, in any of the languages above. */
export const monthNumber = (name: string): number | undefined => MONTHS[name.toLowerCase()];
/** Month names and abbreviations in the languages texts arrive in, longest first, for a regular expression. */
export const MONTH_NAME = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

/** Weekdays (0 Monday) chrono does not read: other languages', in the forms a deadline puts them ("do piątku", "do pátku"), and English short forms ("thurs"). */
const WEEKDAYS_UNREAD = numberedNames([
  [0, 'poniedziałek poniedziałku pondělí mandag'],
  [1, 'wtorek wtorku úterý tirsdag tues'],
  [2, 'środa środy środę středa středy onsdag weds'],
  [3, 'czwartek czwartku čtvrtek čtvrtka torsdag thur thurs'],
  [4, 'piątek piątku pátek pátku fredag'],
  [5, 'sobota soboty sobotę lørdag'],
  [6, 'niedziela niedzieli neděle neděli søndag'],
]);

/** "in N weeks/months" in the languages texts arrive in. */
const COUNTED_AHEAD = /(?<!\p{L})(em|en|dans|tra|fra|entro|binnen|over|om|innen|inden for|za)\s+(\d{1,2})\s+(meses|mês|mesi|mese|mois|maanden|maand|månader|månad|måneder|måned|miesięcy|miesiące|měsíců|měsíce|semanas|semana|settimane|settimana|semaines|weken|veckor|uker|uger|tygodni|tygodnie|týdnů|týdny)(?!\p{L})/iu;
const WEEK_UNIT = /^(?:semanas|semana|settimane|settimana|semaines|weken|veckor|uker|uger|tygodni|tygodnie|týdnů|týdny)$/iu;

/** A deadline word written after its date, as Turkish writes "until": "Nisan sonuna kadar". */
const UNTIL_AFTER = /(?<!\p{L})(?:kadar|dek)$/iu;

/** What chrono does not read: quarters, ISO weeks, mid-month, named days, "the 8th". */
function customMentions(text: string, reference: Day): Mention[] {
  const found: Mention[] = [];
  const add = (match: RegExpExecArray, day: Day, exact: boolean, first?: Day) => found.push({ start: match.index, end: match.index + match[0].length, day, exact, ...(first ? { first } : {}) });
  const quarterOf = (month: number) => Math.floor((month - 1) / 3) + 1;
  const quarterEnd = (quarter: number, year: number) => lastOfMonth(year, quarter * 3);
  for (const match of text.matchAll(/\b(?:(?:the )?end of )?(?:(Q([1-4])(?:\s*\/?\s*(20\d\d))?)|(this|next) quarter)\b/gi)) {
    const current = quarterOf(reference.month);
    let quarter: number;
    let year: number;
    if (match[2]) {
      quarter = Number(match[2]);
      year = match[3] ? Number(match[3]) : quarter >= current ? reference.year : reference.year + 1;
    } else {
      const next = match[4]!.toLowerCase() === 'next';
      quarter = next ? (current % 4) + 1 : current;
      year = next && current === 4 ? reference.year + 1 : reference.year;
    }
    add(match, quarterEnd(quarter, year), false, { year, month: quarter * 3 - 2, day: 1 });
  }
  for (const match of text.matchAll(/\b(?:KW|CW|vecka|week|wk|semaine|settimana|semana|v\.)\s*(\d{1,2})(?:\s*[/.]\s*(20\d\d))?\b/gi)) {
    const week = Number(match[1]);
    if (week < 1 || week > 53) continue;
    const thisYear = isoWeekSunday(reference.year, week);
    const year = match[2] ? Number(match[2]) : iso(thisYear) >= iso(reference) ? reference.year : reference.year + 1;
    add(match, isoWeekSunday(year, week), false, addDays(isoWeekSunday(year, week), -6));
  }
  // "the first week of March": that week's last day, counting weeks from the 1st.
  for (const match of text.matchAll(new RegExp(`\\b(?:the\\s+)?(first|second|third|fourth|last)\\s+week\\s+(?:of|in)\\s+(${MONTH_NAME})\\b(?:\\s+(20\\d\\d))?`, 'giu'))) {
    const month = MONTHS[match[2]!.toLowerCase()]!;
    const start = nextOccurrence(reference, month, 1, match[3] ? Number(match[3]) : undefined);
    const nth = ['first', 'second', 'third', 'fourth'].indexOf(match[1]!.toLowerCase());
    add(match, nth < 0 ? lastOfMonth(start.year, month) : { ...start, day: 7 * (nth + 1) }, false, nth < 0 ? { ...start, day: lastOfMonth(start.year, month).day - 6 } : { ...start, day: 7 * nth + 1 });
  }
  for (const match of text.matchAll(new RegExp(`\\b(?:mid|mid-|Mitte|mi-|metà|mediados de|meados de|half)\\s*(${MONTH_NAME})\\b(?:\\s+(20\\d\\d))?`, 'giu'))) {
    const month = MONTHS[match[1]!.toLowerCase()]!;
    add(match, nextOccurrence(reference, month, 15, match[2] ? Number(match[2]) : undefined), false);
  }
  // "fin mars", "Ende Februar", "fine febbraio", "finales de marzo", "eind maart", "slutet av mars", "do końca kwietnia",
  // "o fim de janeiro", "o final de março", "utgangen av mars", "udgangen af marts", "do konce března": the month's last day.
  for (const match of text.matchAll(new RegExp(`(?<!\\p{L})(?:fin(?:\\s+de)?|ende|fine|finales?\\s+de|fim\\s+de|final\\s+de|eind|slutet\\s+av|utgangen\\s+av|udgangen\\s+af|end\\s+of|końca|koniec|konce|konec)\\s+(${MONTH_NAME})(?!\\p{L})(?:\\s+(20\\d\\d))?`, 'giu'))) {
    const month = MONTHS[match[1]!.toLowerCase()]!;
    const next = nextOccurrence(reference, month, 1, match[2] ? Number(match[2]) : undefined);
    add(match, lastOfMonth(next.year, month), false);
  }
  // Turkish puts the end after the month and the "until" after both: "Nisan sonuna kadar", "Mart sonuna dek".
  for (const match of text.matchAll(new RegExp(`(?<!\\p{L})(${MONTH_NAME})(?:\\s+(20\\d\\d))?\\s+sonun[ae](?:\\s+(?:kadar|dek))?(?!\\p{L})`, 'giu'))) {
    const month = MONTHS[match[1]!.toLowerCase()]!;
    const next = nextOccurrence(reference, month, 1, match[2] ? Number(match[2]) : undefined);
    found.push({ start: match.index, end: match.index + match[0].length, day: lastOfMonth(next.year, month), exact: false });
  }
  const named: [RegExp, (year: number) => Day][] = [
    [/\bChristmas Eve\b/gi, (year) => ({ year, month: 12, day: 24 })],
    [/\b(?:Christmas|Xmas|Weihnachten|Noël|Natale|Navidad|Natal|Kerstmis|jul)\b(?!\s+(?:market|party|sale))/gi, (year) => ({ year, month: 12, day: 25 })],
    [/\bValentine'?s(?: Day)?\b/gi, (year) => ({ year, month: 2, day: 14 })],
    [/\bGood Friday\b/gi, (year) => addDays(easter(year), -2)],
    [/\bEaster Monday\b/gi, (year) => addDays(easter(year), 1)],
    [/\b(?:Easter|Ostern|Pâques|Pasqua|Pascua|Páscoa|Pasen|påsk)\b(?! Monday)/gi, (year) => easter(year)],
    [/\bThanksgiving\b/gi, (year) => thanksgiving(year)],
    [/\bBlack Friday\b/gi, (year) => addDays(thanksgiving(year), 1)],
    [/\bCyber Monday\b/gi, (year) => addDays(thanksgiving(year), 4)],
    [/\bHalloween\b/gi, (year) => ({ year, month: 10, day: 31 })],
    [/\bNew Year'?s?(?: Day| Eve)?\b/gi, (year) => ({ year, month: 1, day: 1 })],
  ];
  for (const [pattern, on] of named) {
    for (const match of text.matchAll(pattern)) {
      const after = text.slice(match.index + match[0].length);
      const year = /(20\d\d)/.exec(after.slice(0, 6))?.[1];
      // "Christmas next year": the one after this year's.
      const nextYear = /^\s*(?:next year|nächstes Jahr|l'année prochaine|el año que viene|l'anno prossimo|volgend jaar|nästa år)/iu.exec(after);
      const stated = year ? Number(year) : nextYear ? reference.year + 1 : undefined;
      let day = on(stated ?? reference.year);
      if (!stated && iso(day) < iso(reference)) day = on(reference.year + 1);
      const end = year ? after.indexOf(year) + 4 : nextYear ? nextYear[0].length : 0;
      found.push({ start: match.index, end: match.index + match[0].length + end, day, exact: true });
    }
  }
  // "1. mars", "15 marca": a day and a month name, for the languages chrono does not read (Norwegian, Danish, Polish).
  for (const match of text.matchAll(new RegExp(`(?<![\\p{L}\\d.])(\\d{1,2})\\.?\\s+(${MONTH_NAME})(?!\\p{L})(?:\\s+(20\\d\\d))?`, 'giu'))) {
    const day = Number(match[1]);
    const month = MONTHS[match[2]!.toLowerCase()]!;
    if (day >= 1 && day <= lastOfMonth(2028, month).day) add(match, nextOccurrence(reference, month, day, match[3] ? Number(match[3]) : undefined), true);
  }
  // "bis 20.11.", "senest 3.2.": a day and month with their stops and no year, as German, Scandinavian and Czech write them; the next such day.
  // A version looks the same ("WordPress 6.4."), so it names a deadline only after a deadline word: not exact on its own.
  for (const match of text.matchAll(/(?<![\p{L}\d.,])(\d{1,2})\.(\d{1,2})\.(?![\d\p{L}])/gu)) {
    const day = Number(match[1]);
    const month = Number(match[2]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= lastOfMonth(2028, month).day) add(match, nextOccurrence(reference, month, day), false);
  }
  // "do piątku", "inden fredag", "do pátku": a weekday of a language chrono does not read is the next one after the day written, never that day.
  for (const match of text.matchAll(new RegExp(`(?<!\\p{L})(${Object.keys(WEEKDAYS_UNREAD).join('|')})(?!\\p{L})`, 'giu'))) {
    const weekday = WEEKDAYS_UNREAD[match[1]!.toLowerCase()]!;
    const today = (utc(reference).getUTCDay() + 6) % 7;
    add(match, addDays(reference, ((weekday - today + 6) % 7) + 1), true);
  }
  // "em 3 meses", "tra 6 settimane", "over 2 maanden", "om 3 månader": weeks or months counted from when it was written,
  // in the languages chrono does not count them in; a month later is the same day of that month (or its last day).
  for (const match of text.matchAll(new RegExp(COUNTED_AHEAD.source, 'giu'))) {
    const count = Number(match[2]);
    const weeks = WEEK_UNIT.test(match[3]!);
    const month = reference.month - 1 + count;
    const year = reference.year + Math.floor(month / 12);
    const day = weeks ? addDays(reference, 7 * count) : { year, month: (month % 12) + 1, day: Math.min(reference.day, lastOfMonth(year, (month % 12) + 1).day) };
    found.push({ start: match.index, end: match.index + match[0].length, day, exact: true, relative: true });
  }
  // "in a fortnight", "within two fortnights": fourteen days each, counted from when it was written.
  for (const match of text.matchAll(/\b(?:in|within)\s+(a|one|two|three|\d)\s+fortnights?\b/gi)) {
    const count = { a: 1, one: 1, two: 2, three: 3 }[match[1]!.toLowerCase()] ?? Number(match[1]);
    found.push({ start: match.index, end: match.index + match[0].length, day: addDays(reference, 14 * count), exact: true, relative: true });
  }
  // "by the 12th", and "até dia 12", "hasta el día 12", "entro il giorno 12": a day of this month, or of the next once it has passed.
  for (const match of text.matchAll(/(?:\b(?:by|before|on|for|until) (the) (\d{1,2})(?:st|nd|rd|th)\b|(?<!\p{L})(?:até|para|hasta|antes del?|entro)\s+(?:o\s+|el\s+|il\s+)?(d[ií]a|giorno)\s+(\d{1,2})(?!\d|[.:/,]\d|\s+(?:de|del|di)\s))/giu)) {
    const day = Number(match[2] ?? match[4]);
    if (day < 1 || day > 31) continue;
    const start = match.index + match[0].indexOf(match[1] ?? match[3] ?? '');
    let candidate: Day = { year: reference.year, month: reference.month, day };
    if (iso(candidate) < iso(reference)) candidate = reference.month === 12 ? { year: reference.year + 1, month: 1, day } : { year: reference.year, month: reference.month + 1, day };
    found.push({ start, end: match.index + match[0].length, day: candidate, exact: true });
  }
  return found;
}

/** Weekday names in the languages chrono reads here: a bare "viernes" names a day as surely as "Friday". */
const WEEKDAY = /(?<!\p{L})(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|segunda|terça|quarta|quinta|sexta|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(?!\p{L})/iu;
const YEAR_WORD = /(?<!\p{L})(?:year|jahr|année|an|año|anno|jaar|år)(?!\p{L})/iu;
const MONTH_WORD = /(?<!\p{L})(?:month|monat|mois|mes|mese|maand|månad)(?!\p{L})/iu;

const MONTH_MENTION = new RegExp(`\\b(?:${MONTH_NAME})\\b`, 'iu');
const EN_RELATIVE = /\b(?:today|tomorrow|tonight|next|this|coming|week|month|year|quarter|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|weekend|end of|two|three|four|five|six|few|couple)\b/i;
/** Words that can name a date in any language read here: a digit, a month or a weekday. */
const named = (words: string) => /\d/.test(words) || MONTH_MENTION.test(words) || WEEKDAY.test(words);

/**
 * The stretches of consecutive lines that may hold a kept date, with their offsets: chrono costs
 * time per character and per language, and most of a message names no date.
 */
function datedLines(text: string, keep: (line: string) => boolean): { text: string; at: number }[] {
  const runs: { text: string; at: number }[] = [];
  let run: { start: number; end: number } | null = null;
  for (const line of text.matchAll(/[^\n]*(?:\n|$)/g)) {
    if (line[0] === '') break;
    if (keep(line[0])) run = run ? { start: run.start, end: line.index + line[0].length } : { start: line.index, end: line.index + line[0].length };
    else if (run) {
      runs.push({ text: text.slice(run.start, run.end).replace(/\n$/, ''), at: run.start });
      run = null;
    }
  }
  if (run) runs.push({ text: text.slice(run.start, run.end).replace(/\n$/, ''), at: run.start });
  return runs;
}

function chronoMentions(text: string, referenceDate: Date): Mention[] {
  const found: Mention[] = [];
  const forEnglish = datedLines(text, (line) => named(line) || EN_RELATIVE.test(line));
  const forOthers = datedLines(text, named);
  for (const locale of LOCALES) {
    for (const { text: lines, at } of locale === chrono.en ? forEnglish : forOthers) for (const parsed of locale.parse(lines, { instant: referenceDate, timezone: 'UTC' }, { forwardDate: true })) {
      const result = { text: parsed.text, start: parsed.start, index: parsed.index + at };
      // Casual words ("to", a name, "by the hour") are no dates; a digit, a month, a weekday or a relative word is.
      if (!named(result.text) && (locale !== chrono.en || !EN_RELATIVE.test(result.text))) continue;
      // "nový", "marchand": chrono bounds its words as ASCII does, so a month's short form may be cut
      // from a longer word whose next letter is accented or whose first letters it is. A mention
      // that starts or ends inside a word is no date.
      const cutFromWord = /\p{L}$/u.test(lines.slice(0, parsed.index)) || /^\p{L}/u.test(lines.slice(parsed.index + parsed.text.length));
      if (cutFromWord) continue;
      const start = result.start;
      // "01.04.2027" is day first wherever dots are written; only English reads it month first.
      if (locale === chrono.en && /\d{1,2}\.\d{1,2}\.\d{2,4}/.test(result.text)) continue;
      // "do 15": a bare number, no month, read as a day of this month by a language it is not written in.
      if (/^\p{L}{0,3}\s?\d{1,2}$/u.test(result.text.trim()) && !start.isCertain('month')) continue;
      const year = start.get('year');
      const month = start.get('month');
      const date = start.get('day');
      if (year === null || month === null || date === null) continue;
      // "900 Wörter", "800w", "from 3 weeks to 4 days": a bare length of time is no date; counted from now it says "in", "within" or "from now".
      // A form's timeline field that holds only a length of time ("Timeline: 3 months") counts it from when it was written.
      const inTimelineField = TIMELINE_FIELD.test(text.slice(0, result.index)) && /^[ \t]*(?:\n|$)/.test(text.slice(result.index + result.text.length));
      if (BARE_DURATION.test(result.text) && !inTimelineField) continue;
      // "starting in February for six months": how long the work lasts, not when it is due.
      if (/^for\s/i.test(result.text) && BARE_DURATION.test(result.text.replace(/^for\s+/i, ''))) continue;
      const relative = inTimelineField || /\b(?:in|within|binnen|innerhalb|dans|entro|em|en|om)\b/i.test(result.text) || /\b(?:next|this|today|tomorrow|morgen|demain|domani)\b/i.test(result.text);
      const weekday = start.isCertain('weekday');
      // "Super Bowl Sunday", "Blue Monday": a weekday in a name (a capitalised word before it, mid-sentence) is no day to plan by.
      if (weekday && /[\p{Ll},;] \p{Lu}[\p{L}]+ $/u.test(text.slice(Math.max(0, result.index - 30), result.index)) && WEEKDAY.test(result.text) && result.text.trim().split(/\s+/).length === 1) continue;
      const week = /\bweek\b/i.test(result.text) && !weekday;
      const dayStated = start.isCertain('day') || weekday || relative;
      // "next year", "this year": a whole year is too vague to plan by (unlike "in 1 year", counted to the day).
      if (YEAR_WORD.test(result.text) && !/\d/.test(result.text) && !start.isCertain('month') && !start.isCertain('day') && !weekday) continue;
      let day: Day = { year, month, day: date };
      // "até sexta-feira" written on a Friday morning: a bare weekday is the next one after the day written, never that day.
      if (weekday && !relative && iso(day) === iso(dayOf(referenceDate))) day = addDays(day, 7);
      // "next month", "this month": the month's last day, as for a month named.
      const wholeMonth = !start.isCertain('day') && !weekday && MONTH_WORD.test(result.text) && !/\d|\b(?:in|within|binnen|dans|entro|em|en|om)\b/i.test(result.text);
      if (wholeMonth) {
        found.push({ start: result.index, end: result.index + result.text.length, day: lastOfMonth(year, month), exact: false, relative: true, first: { year, month, day: 1 } });
        continue;
      }
      let first: Day | undefined;
      if (week) {
        // "next week": its Sunday.
        const weekdayIndex = (utc(day).getUTCDay() + 6) % 7;
        first = addDays(day, -weekdayIndex);
        day = addDays(day, 6 - weekdayIndex);
      } else if (!dayStated && start.isCertain('month')) {
        first = { year, month, day: 1 };
        day = lastOfMonth(year, month);
      } else if (!dayStated) continue;
      // "ready two weeks prior", "a week before that": a span of time counted from another date, not a date.
      if (/^\s*(?:prior|before|after|earlier|later|ahead|beforehand|in advance)\b/i.test(text.slice(result.index + result.text.length)) && !/\b(?:in|within)\b/i.test(result.text)) continue;
      found.push({ start: result.index, end: result.index + result.text.length, day, exact: dayStated && !week, relative, ...(first ? { first } : {}) });
    }
  }
  return found;
}

/** A form's label for when the work is due, with nothing after it on its line yet. */
const TIMELINE_FIELD = /(?:^|\n)[ \t]*[\p{L} _-]*(?:timeline|time ?frame|deadline|turnaround|zeitrahmen|frist|délai|plazo|prazo)[\p{L} ?_-]*[:=][ \t]*$/iu;
// Seconds, minutes and hours too: "900 s" is what a language chrono reads makes of "900 słów".
const DURATION = String.raw`(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|couple of)\s?(?:w|wk|wks|weeks?|d|days?|months?|mo|y|yrs?|years?|Wochen?|Tage?|W|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)`;
// "in their 20s and 30s": two lengths joined by "and" are no date either.
const BARE_DURATION = new RegExp(String.raw`^\s*${DURATION}(?:\s*(?:to|-|–|bis|à|and|or)\s*${DURATION})?\s*$`, 'iu');

/** A cue that dates when something starts or opens, not when the work is due. */
const START_CUE = /^(?:start\w*|begin\w*|kick off|launch\w*|go-live|open)\b/iu;
/** Words before a date that make it a deadline, in the languages leads arrive in ("até" ends in a letter \b does not know, so it has its own bounds). */
// Danish "inden" is "before"; "klar", "klart", "ferdig", "færdig" are the Scandinavian "ready".
// A form's label ends in ":" or, written as machine names, "=" ("needed_by=2027-01-16", "deadline=...").
const CUE = /\b(?:by|before|until|start\w*|begin\w*|kick off|till|due|deadline|ready|live|launch\w*|finished|delivered|deliver|in time for|needed|need it|go-live|open|publish\w*|for|within|avant|pour|d'ici|bis|vor|spätestens|vóór|voor|uiterlijk|entro|prima d(?:[ie]|el(?:la|lo)?)|para|antes d(?:el?|o)|hasta|före|senast|leverans|innan|innen|inden|klart?|ferdig|færdig|senest|najpóźniej)\b|(?<!\p{L})do\s$|(?<!\p{L})até(?!\p{L})|(?:\b|(?<=_))(?:timeline|timing|deadline|due|when|date|termin|délai|fecha|plazo|prazo|scadenza|consegna|frist|échéance|zeitrahmen|start|launch|go-live)\b[^:\n]{0,30}:|(?:\b|(?<=_))(?:timeline|deadline|due|date|by|until)\b[^=\n]{0,30}=/iu;
/** A noun phrase and "in"/"during" between a cue and a month: "before [our anniversary in] February". */
const EVENT_IN = /^\s+(?:\p{L}+\s+){0,3}?(?!(?:in|the|end|of|by|on)\s)\p{L}{3,}\s+(?:in|during|im|en|au|a|nel)\s+(?:the\s+)?$/iu;
/** A deadline word denied right before it ("no deadline", "no rush", "not before"). */
// Portuguese "no ar" ("on air": live) is "in the", not "no".
const NEGATION = /\b(?:no(?!\s+ar\b)|not|without|kein\w*|pas de|sin|senza|geen|ingen)\s+(?:\w+\s+)?$/iu;
/** Words that make the date that follows approximate. German "Ende" ("bis Ende KW 12") is the period's end, a day, as "end of" is. */
const VAGUE = /\b(?:early|late|around|approximately|roughly|sometime|some time|towards|probably|maybe|perhaps|ideally around|anfang|début|principios|inizio)\s*(?:of\s+|in\s+|de\s+)?(?:the\s+)?$/iu;
const BEFORE = /\b(?:before|avant|vor|vóór|voor|prima d(?:[ie]|el(?:la|lo)?)|antes d(?:el?|o)|före|innan|inden)\b(?!.*\b(?:by|bis|pour|entro)\b)/iu;
/** A date written as a period's end: "end of March", "Ende Juni", "fin mars", "the end of Q2". */
const PERIOD_END = /^(?:the\s+)?(?:end|ende|fin|fim|final|fine|finales?|eind|slutet|utgangen|udgangen|końca|koniec|konce|konec)\b/iu;
const BEFORE_END = /\b(?:before|avant|vor|vóór|voor|inden)\s+(?:the\s+|la\s+|de\s+|het\s+|dem\s+)?(?:end|fin|ende|eind|udgangen)\b/iu;

/** A count of days or weeks before or after the date that follows: "the week after", "2 days before", "three weeks after". */
const OFFSET_BEFORE = /\b(the|a|one|two|three|four|five|six|\d{1,2})\s+(days?|weeks?)\s+(after|before)\s+(?:(?!(?:by|until|before)\s)[\p{L}'’]+\s+){0,4}$/iu;
const COUNT_WORDS: Record<string, number> = { the: 1, a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };
/** A stated count of days or weeks before or after the date just named, said of it ("a week before that", "3 days after it"); "two weeks later" alone may count from something else. */
const COUNTED_FROM_IT = /^[^.!?\n]*?\b(a|one|two|three|four|five|six|\d{1,2})\s+(days?|weeks?)\s+(before|after|earlier|later|prior|ahead)\s+(?:of\s+|to\s+)?(?:that|then|it|this|that date|the date)\b/i;

/** The day an offset names: "the week after X" ends on the Sunday of the week after X's; days and counted weeks move the day itself. */
function shiftedBy(offset: RegExpExecArray, day: Day): Day {
  const count = COUNT_WORDS[offset[1]!.toLowerCase()] ?? Number(offset[1]);
  const sign = offset[3]!.toLowerCase() === 'after' ? 1 : -1;
  if (/^day/i.test(offset[2]!)) return addDays(day, sign * count);
  const moved = addDays(day, sign * 7 * count);
  // "the week after/before": the whole week, so its Sunday.
  return offset[1]!.toLowerCase() === 'the' ? addDays(moved, 6 - ((utc(moved).getUTCDay() + 6) % 7)) : moved;
}

/** A determiner right before a month: "the January rush", "our June sale". */
const ATTRIBUTIVE_BEFORE = /\b(?:the|our|their|your|my|this|next|a|an)\s+$/iu;
/** The word after a month is a noun it describes ("rush", "launch", "issue"), not "please", "at the latest" or a year; read in "the <month> <word>". */
function namesAThing(month: string, after: string): boolean {
  const word = /^\s+(\p{Ll}{3,})\b/u.exec(after)?.[1];
  if (!word || !/^\p{L}+$/u.test(month)) return false;
  const terms = (nlp(`the ${month} ${word}`).json() as { terms: { tags: string[] }[] }[]).flatMap((s) => s.terms);
  const last = terms.at(-1)?.tags ?? [];
  return terms.length === 3 && last.includes('Noun') && !last.includes('Pronoun');
}

/** A verb of talking or meeting right before a date, with no deadline word between. */
const MEETING_BEFORE = /\b(?:talk|speak|call|chat|meet|catch up|hop on a call|jump on a call|discuss (?:it|this)|sprechen|telefonieren|parler|appeler|hablar|llamar|parlare|sentirci)\b(?:\s+(?:about (?:it|this)|again|more|briefly|with you|to you|on|at))*\s*$/iu;

/** Words that offer a second deadline in place of the first. */
/** Words that start the purpose a deadline serves: "so we can", "so that", "in order to", "damit", "pour que", "para que". */
const PURPOSE = /(?<!\p{L})(?:so(?: that)?\s+(?:we|I|they|you|it|our|the)\b|in order to|damit|pour que|afin (?:de|que)|para que|zodat|så att|slik at|perché|affinché)/iu;
/** Words that set a deadline, as opposed to naming when something happens. */
const DEADLINE_WORD = /(?<!\p{L})(?:by|until|till|before|no later than|bis|spätestens|vor|avant|d'ici|antes|hasta|até|uiterlijk|vóór|entro|senast|innen|senest|najpóźniej)(?!\p{L})/iu;
const ALTERNATIVE_DEADLINE = /\b(?:otherwise|or else|failing that|if not|alternatively|sonst|andernfalls|ansonsten|sinon|altrimenti|si no|anders|annars)\b/iu;

/** Where the clause holding a date starts; a form's question label ("When do you need this?: Q2") is part of it. */
function clauseStartBefore(text: string, at: number): number {
  const stops = [...text.slice(0, at).matchAll(/[.;!\n]|\?(?!:)/g)];
  return stops.length === 0 ? 0 : stops.at(-1)!.index + 1;
}

/**
 * The deadline a text sets, relative to when it was written; none when it sets none or only a
 * vague one. Several deadlines ("proposals due 20 November; delivered by 30 April") give the latest.
 */
export function readDeadline(source: string, region: Span, written: Date): Field<Deadline | null> {
  const text = region.text;
  const reference = dayOf(written);
  const everyReading = [...customMentions(text, reference), ...chronoMentions(text, written)];
  const mentions = everyReading.filter((m) => iso(m.day) >= iso(reference)).sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  // "04/05/2027": languages that read the same words as different days leave the day to the operator,
  // even when one of the days has passed ("01/03/2027" on 8 January: 3 January or 1 March?).
  // Only the day and month are compared (a locale that puts a year-less "Feb 6" in the past disputes
  // nothing), and only by a reading within a year of the message ("Feb 6" read as 2006 is noise).
  const disputed = (m: Mention) =>
    everyReading.some((other) => other.start === m.start && other.end === m.end && other.day.year >= reference.year - 1 && (other.day.month !== m.day.month || other.day.day !== m.day.day));
  // Overlapping readings of the same words: keep the longest.
  const distinct = mentions.filter((m, i) => !mentions.some((other, j) => j !== i && other.start <= m.start && other.end >= m.end && (other.end - other.start > m.end - m.start || (other.end - other.start === m.end - m.start && j < i))));
  // "for Easter (we open 26 March)": the date in the parenthesis says which day is meant.
  const meant = distinct.filter((m) => !distinct.some((other) => other.start > m.end && /^[^()\n]{0,3}\([^)]*$/.test(text.slice(m.end, other.start))));
  // "let's talk next week", "can we call on Friday?": when to talk is no deadline for the work.
  const dated = meant.filter((mention) => !MEETING_BEFORE.test(text.slice(Math.max(clauseStartBefore(text, mention.start), mention.start - 30), mention.start)));
  const readings = dated.map((mention) => {
    const clauseStart = clauseStartBefore(text, mention.start);
    const before = text.slice(Math.max(clauseStart, mention.start - 40), mention.start);
    const cue = CUE.exec(before);
    const phraseStart = cue ? Math.max(clauseStart, mention.start - 40) + cue.index : mention.start;
    const phrase = text.slice(phraseStart, mention.end);
    // "the week after Easter", "two days before the fair on 9 March": a span counted from the date.
    const offset = OFFSET_BEFORE.exec(before);
    // "before the rainy season, end of March": a date that is itself a period's end is met on that end day, as "before the end of March" is.
    const strictlyBefore = !offset && BEFORE.test(before) && !BEFORE_END.test(phrase) && !PERIOD_END.test(text.slice(mention.start, mention.end));
    // "no deadline, but the fair is on 10 March": a denied cue cues nothing.
    const denied = cue !== null && NEGATION.test(before.slice(0, cue.index));
    // "before our anniversary in February": the month places the event, and the event's day is not said.
    const event = cue !== null && !mention.exact && EVENT_IN.test(before.slice(cue.index + cue[0].length));
    // "before the January rush", "for our June sale": a month before a noun names an event in it, not the month.
    const attributive = !mention.exact && ATTRIBUTIVE_BEFORE.test(text.slice(Math.max(0, mention.start - 8), mention.start)) && namesAThing(text.slice(mention.start, mention.end), text.slice(mention.end, mention.end + 24));
    // "start in February and finish in 3 months": counted from the other date, not from today.
    const sentence = text.slice(clauseStart, text.slice(mention.end).search(/[.!?\n]/) < 0 ? text.length : mention.end + text.slice(mention.end).search(/[.!?\n]/));
    const counted = mention.relative === true && /\d|\b(?:one|two|three|four|five|six|few|couple)\b/i.test(text.slice(mention.start, mention.end)) && meant.some((other) => other !== mention && other.start >= clauseStart && other.end <= clauseStart + sentence.length);
    return {
      mention,
      startCued: !denied && START_CUE.test([...before.matchAll(new RegExp(CUE.source, 'giu'))].at(-1)?.[0] ?? ''),
      cued: (cue !== null && !denied) || offset !== null || /^(?:in|within)\b/i.test(text.slice(mention.start, mention.end)) || COUNTED_AHEAD.test(text.slice(mention.start, mention.end)) || UNTIL_AFTER.test(text.slice(mention.start, mention.end)),
      vague: VAGUE.test(before) || disputed(mention) || event || counted,
      attributive,
      day: offset ? shiftedBy(offset, mention.day) : strictlyBefore ? addDays(mention.first ?? mention.day, -1) : mention.day,
      phraseStart: offset && !cue ? Math.max(clauseStart, mention.start - 40) + offset.index : phraseStart,
    };
  });
  // "for the January newsletter ... by 8 January": a stated day says which day of its month is meant.
  const specific = readings.filter((r) => r.mention.exact || !readings.some((other) => other.mention.exact && other.mention.day.year === r.mention.day.year && other.mention.day.month === r.mention.day.month));
  // An event named by its month is no deadline where the text also states one ("before the January rush, so by 28 Dec").
  const stated = specific.filter((r) => !r.attributive);
  const cuedAll = (stated.length > 0 ? stated : specific).filter((r) => r.cued);
  // "live by the end of March so we can open bookings in April": a date in the purpose the deadline serves is no deadline,
  // where an earlier date of the same sentence is set with "by", "until" or "before" and the purpose's date is not.
  const servesPurpose = (r: (typeof readings)[number]) =>
    cuedAll.some((other) => {
      if (other.mention.end > r.mention.start) return false;
      const between = text.slice(other.mention.end, r.mention.start);
      const purpose = PURPOSE.exec(between);
      return purpose !== null && !/[.!?\n]/.test(between) && DEADLINE_WORD.test(text.slice(Math.max(0, other.phraseStart - 1), other.mention.start + 1)) && !DEADLINE_WORD.test(between.slice(purpose.index));
    });
  const cued = cuedAll.some(servesPurpose) ? cuedAll.filter((r) => !servesPurpose(r)) : cuedAll;
  // A date with no deadline word is a deadline only when it names a day.
  const pool = cued.length > 0 ? cued : specific.filter((r) => r.mention.exact || r.mention.relative);
  if (pool.length === 0) return { value: null, evidence: { kind: 'none' }, confidence: 0, via: 'rules' };
  const latest = pool.reduce((a, b) => (iso(b.day) > iso(a.day) ? b : a));
  // "by Friday week if possible, otherwise by the end of February": two deadlines offered as alternatives are the writer's to choose.
  const earliest = pool.reduce((a, b) => (a.mention.start < b.mention.start ? a : b));
  const alternatives = pool.length > 1 && ALTERNATIVE_DEADLINE.test(text.slice(earliest.mention.end, Math.max(...pool.map((r) => r.mention.start))));
  // "launching on 3/15 and needs a site a week before that": a stated count of days or weeks before or after the date moves it.
  const moved = COUNTED_FROM_IT.exec(text.slice(latest.mention.end));
  const day = moved ? addDays(latest.day, (/^(?:before|earlier|prior|ahead)$/i.test(moved[3]!) ? -1 : 1) * (COUNT_WORDS[moved[1]!.toLowerCase()] ?? Number(moved[1])) * (/^week/i.test(moved[2]!) ? 7 : 1)) : latest.day;
  const span = spanAt(source, region.start + latest.phraseStart, region.start + latest.mention.end + (moved ? moved[0].length : 0));
  // "the campaign starts on 1 February, so we need the material by 25 January": the latest date is when
  // something starts, and an earlier one is set by another cue; which the work is due by is the writer's to say.
  const startAfterDeadline = latest.startCued && pool.some((r) => r.cued && !r.startCued && iso(r.day) < iso(latest.day));
  // "launching on 3/15 and needs a site a week before that": the deadline is counted from this date, not on it.
  const offset = /^[^.!?\n]*?\b(?:a|one|two|three|four|five|six|a few|a couple of|few|several|\d+)\s+(?:days?|weeks?|months?)\s+(?:before|after|earlier|later|prior|ahead)\b/i.test(text.slice(latest.mention.end));
  // "late April", "sometime in spring", "around March": the text itself says the day is not settled.
  // A deadline counted from a date ("... two weeks before that") is set by those words, whatever cue the date itself has.
  const confidence = moved ? (latest.vague || alternatives ? 0.7 : 0.9) : offset ? 0.5 : latest.vague || alternatives || startAfterDeadline ? 0.7 : latest.cued ? (latest.mention.exact ? 0.95 : 0.9) : 0.7;
  return { value: { by: iso(day), phrase: span.text }, evidence: { kind: 'span', span }, confidence, via: 'rules' };
}
