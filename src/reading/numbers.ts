// Numbers as people write them: "1.200", "1 250,00", "1’234.50", "12,34,567", "2,5k", "14,5".
// Whether a "." or "," groups thousands or starts decimals is decided by the number itself
// (two different separators, repeated separators, how many digits follow) and, only when the
// number alone cannot tell ("1.200", "1,200"), by the style of the rest of the text. A number
// read against the text's own style is flagged ambiguous, so its reader asks instead of guessing.
import nlp from 'compromise';

/** Characters that only ever group digits: spaces (plain, no-break, narrow no-break, thin) and apostrophes. */
const GROUP_ONLY = " \u00a0\u202f\u2009'’";
const SEPARATOR = `[.,${GROUP_ONLY}]`;

/** Words and letters that scale the number before them: "2,5k", "1.2M", "3 Mio", "40 thousand". */
const SCALES: [RegExp, number][] = [
  // "15 T€" (Tausend Euro); "3 mil euros" (Spanish and Portuguese thousand, said before a currency word); Polish "tys.", Czech "tis.", Italian "mila" (thousands, as in "20 mila euro").
  [/^(?:k|K|thousand|grand|tsd\.?|Tsd\.?|tys\.?|tis\.?|mila|T(?=€)|mil(?=\s+(?:euros?|d[oó]lares|pesos|reais|libras)\b))/, 1_000],
  [/^(?:m|M|mn|MM|million|millions|Mio\.?)/, 1_000_000],
  [/^(?:lakh|lakhs|lac)/, 100_000],
  [/^(?:crore|crores|cr)/, 10_000_000],
];

export type DecimalMark = '.' | ',';

export type NumberToken = {
  /** The value, scale applied ("2,5k" is 2500). */
  value: number;
  start: number;
  end: number;
  text: string;
  /** Digits after the decimal mark (0 for whole numbers): a price rarely has more than the currency's. */
  decimals: number;
  /** The reading chose one of two plausible meanings against the text's own style. */
  ambiguous: boolean;
  /** The scale word, if any ("k", "million"), and what it multiplies by (1 without one). */
  scale: string | null;
  factor: number;
};

/**
 * The decimal mark the text uses where it is unambiguous: "1.234,56" or "45,80" say ","; "1,234.56"
 * or "12.50" say ".". Null when the text never says, or says both.
 */
export function decimalStyle(text: string): DecimalMark | null {
  const seen = new Set<DecimalMark>();
  for (const match of text.matchAll(/(?<![\d.,])\d{1,3}(?:([.,' \u00a0\u202f’])\d{3})*([.,])(\d+)(?![\d.,])/g)) {
    const [, group, mark, after] = match;
    if (group !== undefined && group !== mark) seen.add(mark as DecimalMark);
    else if (group === undefined && after!.length !== 3) seen.add(mark as DecimalMark);
  }
  return seen.size === 1 ? [...seen][0]! : null;
}

/** The value of one written numeral (without scale), or null if its separators do not make a number. */
export function parseNumeral(raw: string, style: DecimalMark | null = null): { value: number; decimals: number; ambiguous: boolean } | null {
  const separators = [...raw].filter((c) => !/\d/.test(c));
  const kinds = [...new Set(separators)];
  let decimalMark: string | null = null;
  let ambiguous = false;
  const dotComma = kinds.filter((c) => c === '.' || c === ',');
  if (dotComma.length === 2) {
    decimalMark = raw.at(Math.max(raw.lastIndexOf('.'), raw.lastIndexOf(',')))!;
  } else if (dotComma.length === 1) {
    const mark = dotComma[0]!;
    const count = separators.filter((c) => c === mark).length;
    const afterLast = raw.length - raw.lastIndexOf(mark) - 1;
    const before = raw.slice(0, raw.indexOf(mark)).replace(new RegExp(`[${GROUP_ONLY}]`, 'g'), '');
    if (kinds.length > 1) decimalMark = mark; // "1 234,56", "1’234.50": spaces group, so the mark is decimal
    else if (count > 1) decimalMark = null; // "1.234.567"
    else if (afterLast !== 3 || before === '0' || before.length > 3) decimalMark = mark;
    else {
      // "1.200" or "1,200": three digits after a single mark. Grouping is the usual meaning in prices.
      decimalMark = null;
      ambiguous = style === mark;
    }
  }
  const [whole, fraction = ''] = decimalMark === null ? [raw] : [raw.slice(0, raw.lastIndexOf(decimalMark)), raw.slice(raw.lastIndexOf(decimalMark) + 1)];
  if (!/^\d+$/.test(fraction) && fraction !== '') return null;
  if (!groupsHold(whole!)) return null;
  const digits = whole!.replace(/\D/g, '');
  const value = Number(fraction ? `${digits}.${fraction}` : digits);
  return Number.isFinite(value) ? { value, decimals: fraction.length, ambiguous } : null;
}

/** Digit groups after the first are three digits (Indian style: twos, then a final three). */
function groupsHold(whole: string): boolean {
  const groups = whole.split(/\D/);
  if (groups.length === 1) return /^\d+$/.test(groups[0]!);
  if (new Set(whole.replace(/\d/g, '')).size > 1) return false;
  const [first, ...rest] = groups;
  if (!/^\d{1,3}$/.test(first!)) return false;
  const last = rest.pop()!;
  if (!/^\d{3}$/.test(last)) return false;
  return rest.every((g) => /^\d{3}$/.test(g)) || rest.every((g) => /^\d{2}$/.test(g));
}

const NUMERAL = new RegExp(`\\d+(?:${SEPARATOR}\\d+)*`, 'gu');
/** Dates and times hold digits that are no amounts: "2026-11-06", "19.11.2026", "06/11/26", "08:58". */
const DATE_OR_TIME = /\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g;
/** What may be glued to a number's end: a unit or a currency ("12h", "5days", "2x", "120€", "150usd"). */
const GLUED = /^(?:h|hrs?|hours?|d|days?|x|pcs|months?|weeks?|items?|units?|[a-z]{3}\b)/i;

/**
 * Every number written with digits, with its span. Parts of words and codes ("CRASHCO-01",
 * "DE298765431", "Q1", "2fa"), ordinals, dates ("19.11.2026") and times are not numbers here.
 * `style` is the text's decimal mark; pass it when only part of the text is the writer's own
 * (a pasted e-mail's headers say "MIME-Version: 1.0", which is no style of the sender's).
 */
export function readNumbers(text: string, style: DecimalMark | null = decimalStyle(text)): NumberToken[] {
  const tokens = hoursAndMinutes(text);
  const blocked = [...[...text.matchAll(DATE_OR_TIME)].map((m) => [m.index, m.index + m[0].length] as const), ...tokens.map((t) => [t.start, t.end] as const)];
  for (const match of text.matchAll(NUMERAL)) {
    if (blocked.some(([from, to]) => match.index < to && match.index + match[0].length > from)) continue;
    tokens.push(...splitNumeral(text, match.index, match[0], style));
  }
  return tokens;
}

/** "3:45 h", "7h30", "2:30 Std.": hours and minutes counted, read as hours (3.75, 7.5), not as a time of day or two numbers. */
// "at 14:30 h", "um 9h30", "à 14h00": after such words it is a time of day, no count.
const HOURS_MINUTES = /(?<![\d.:])(?<!\b(?:at|à|um|om|by|alle|las|from|until|till|bis|to|vers|dès)\s)(\d{1,3})(?::([0-5]\d)(?=\s?(?:h|hrs?|hours?|std\.?|stunden|uur|heures?)(?!\p{L}))|h([0-5]\d)(?![\d\p{L}]))/giu;
function hoursAndMinutes(text: string): NumberToken[] {
  return [...text.matchAll(HOURS_MINUTES)].map((m) => {
    const value = Number(m[1]) + Number(m[2] ?? m[3]) / 60;
    // "7h30" reads as hours itself; "3:45" leaves its unit word to the quantity after it.
    const end = m.index + m[0].length;
    return { value: Math.round(value * 1e4) / 1e4, start: m.index, end, text: m[0], decimals: 2, ambiguous: false, scale: null, factor: 1 };
  });
}

/** A numeral run that does not parse as one number is read as its space-separated parts ("5 10"). */
function splitNumeral(text: string, start: number, raw: string, style: DecimalMark | null): NumberToken[] {
  const trimmed = raw.replace(/[\s'’]+$/u, '');
  const whole = tokenAt(text, start, trimmed, style);
  if (whole !== undefined) return whole ? [whole] : [];
  const parts: NumberToken[] = [];
  for (const part of trimmed.matchAll(/[^\s]+/gu)) {
    const token = tokenAt(text, start + part.index, part[0], style);
    if (token) parts.push(token);
  }
  return parts;
}

/** The token at this place: undefined if the numeral does not parse, null if it is part of a word or code. */
function tokenAt(text: string, start: number, raw: string, style: DecimalMark | null): NumberToken | null | undefined {
  const parsed = parseNumeral(raw, style);
  if (!parsed) return undefined;
  const before = text.slice(Math.max(0, start - 3), start);
  const after = text.slice(start + raw.length);
  // Letters or a hyphenated word glued to it make it a code or an ID ("Q1", "CRASHCO-01", "v2.1");
  // a scaled number before the hyphen makes it the high end of a range ("55k-70k").
  if (/[\p{L}_]$|[\p{L}\d][./]$/u.test(before) || (/\p{L}-$/u.test(before) && !/\d[km]-$/iu.test(before))) return null;
  if (/^(?:st|nd|rd|th)\b/i.test(after)) return null;
  let value = parsed.value;
  let end = start + raw.length;
  let scale: string | null = null;
  let factor = 1;
  const word = /^\s?([\p{L}.]+)/u.exec(after);
  if (word) {
    for (const [pattern, multiplier] of SCALES) {
      // Tested on the text from the word on, so a scale may look past it ("T€", "3 mil euros").
      const found = pattern.exec(after.slice(word[0].length - word[1]!.length))?.[0];
      // "2,5k" and "3 million" scale; "3 km", "5 min" and "5 M" (a label) do not.
      const wholeWord = found !== undefined && (found.length === word[1]!.length || !/\p{L}/u.test(word[1]![found.length]!));
      // A spaced single letter scales only when a currency sign follows it ("20 k€").
      const spacedLetter = word[0].startsWith(' ') && found?.length === 1 && !/^\p{Sc}/u.test(after.slice(word[0].indexOf(found) + 1));
      if (found && wholeWord && !spacedLetter) {
        value = Math.round(value * multiplier * 1e6) / 1e6;
        end = start + raw.length + word[0].indexOf(found) + found.length;
        scale = found;
        factor = multiplier;
        break;
      }
    }
  }
  // "R$ 40 mil", "€ 3 mil": after the sign or code of a currency Spanish or Portuguese is spoken in, "mil" is their thousand,
  // as before a currency word; after "$" it may be American slang for a million, so it stays unread.
  const mil = !scale ? /^\s?mil\b/iu.exec(after) : null;
  if (mil && /(?:R\$|€|\b(?:BRL|EUR|MXN|ARS|CLP|COP|PEN|UYU))\s?$/u.test(text.slice(Math.max(0, start - 5), start))) {
    value = Math.round(value * 1_000 * 1e6) / 1e6;
    end = start + raw.length + mil[0].length;
    scale = mil[0].trim();
    factor = 1_000;
  }
  if (!scale && /^\p{L}/u.test(after) && !GLUED.test(after)) return null;
  // "5 mil" is a million in American slang and a thousand in Spanish: with no currency word to say which, no amount.
  if (!scale && /^\s?mil\b/iu.test(after)) return null;
  return { value, start, end, text: text.slice(start, end), decimals: parsed.decimals, ambiguous: parsed.ambiguous, scale, factor };
}

const NUMBER_WORD = /\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen)\b/i;

/**
 * Numbers written in English words ("sixteen hours at ninety euros"), by compromise. It only
 * runs when the text holds such a word, so digit-only requests stay fast.
 */
export function readNumberWords(text: string): NumberToken[] {
  if (!NUMBER_WORD.test(text)) return [];
  const found: { text: string; offset: { start: number; length: number }; number: { num: number } }[] = nlp(text).numbers().json({ offset: true });
  return found
    .filter((n) => NUMBER_WORD.test(n.text) && !/\d/.test(n.text) && Number.isFinite(n.number.num))
    .map((n) => {
      const start = n.offset.start;
      const span = text.slice(start, start + n.offset.length).replace(/[\s,.;:!?]+$/, '');
      return { value: n.number.num, start, end: start + span.length, text: span, decimals: 0, ambiguous: false, scale: null, factor: 1 };
    });
}
