// Counted work: "12h", "5 days", "14,5 hours", "2 half-days", "3 x", "x 3". A quantity is a
// number followed by what it counts (or a multiplication sign), never a number with a currency.
import { z } from 'zod';
import { fieldOf, spanAt, type Field } from './field.ts';
import { readNumbers, type NumberToken } from './numbers.ts';
import { UNITS, unitOf } from './units.ts';

export const QuantityValue = z.object({
  amount: z.number().positive(),
  /** What is counted; "item" for things ("workshops", "photos") and for "2 x". */
  unit: z.enum(UNITS),
  /** The counted noun as written when it is not a time unit ("workshops", "half-days"), else null. */
  noun: z.string().nullable(),
});
export type QuantityValue = z.infer<typeof QuantityValue>;
export const Quantity = fieldOf(QuantityValue);
export type Quantity = Field<QuantityValue>;

/** "half-days", "half days" and "Halbtage" count items priced per half day. */
const HALF_DAY = /^[^\S\n]?(half[- ]?days?|halbe?\s?tage?n?|demi-journées?)\b/iu;
// A unit is on the number's own line: "Days: 4\nDay rate: 720" counts no days with the 4.
const TIME_UNIT = /^[^\S\n]?([\p{L}]+\.?)/u;
// "1h 30m": after hours, a lone "m" is minutes (the number reader takes "30m" for 30 million).
const MINUTE_WORD = String.raw`(?:m|min|mins|minutes?|minuten|minuti|minutos|minuter|minut)\b\.?`;
/** What is left of "2h 45min" or "3h45m" beside the hours: "min", "h45m". No description's word. */
export const isMinutesWord = (word: string) => new RegExp(String.raw`^(?:h\d{1,2})?${MINUTE_WORD}$`, 'iu').test(word);
const MINUTES_AFTER = new RegExp(String.raw`^[^\S\n]?(\d{1,2})[^\S\n]?${MINUTE_WORD}`, 'iu');
/** The "45" of "2h 45min" (or the "30m" of "1h 30m", read with its "m"): minutes that belong to the hours before them, no count of their own. */
export const isMinutesOfHours = (text: string, token: NumberToken) =>
  /\d[^\S\n]?(?:h|hrs?|hours?|std\.?|stunden?|heures?|uur|ore|godz\.?|horas?|timmar)[^\S\n]?$/iu.test(text.slice(Math.max(0, token.start - 12), token.start)) &&
  (/^\d{1,2}m$/i.test(token.text) || new RegExp(String.raw`^[^\S\n]?${MINUTE_WORD}`, 'iu').test(text.slice(token.end, token.end + 10)));
const TIMES_AFTER = /^[^\S\n]?[x×*]\s?/u;
const TIMES_BEFORE = /[x×*]\s?$/u;

/** The quantity a number states, if it is one: the unit after it, a "x" next to it, or null. */
export function quantityAt(text: string, token: NumberToken): Quantity | null {
  // "7h30": hours and minutes carry their unit inside them.
  if (/^\d+h[0-5]\d$/i.test(token.text)) return make(text, token.start, token.end, token.value, 'hour', null);
  const after = text.slice(token.end);
  const half = HALF_DAY.exec(after);
  if (half) return make(text, token.start, token.end + half[0].length, token.value, 'item', half[1]!);
  const word = TIME_UNIT.exec(after);
  const unit = word ? unitOf(word[1]!) : null;
  if (unit === 'hour') {
    // "2h 45min", "3 Std. 30 Min.": the minutes after the hours are part of the same count.
    const minutes = MINUTES_AFTER.exec(after.slice(word![0].length));
    if (minutes && Number(minutes[1]) < 60) return make(text, token.start, token.end + word![0].length + minutes[0].length, token.value + Number(minutes[1]) / 60, unit, null);
  }
  if (unit && unit !== 'item') return make(text, token.start, token.end + word![0].length, token.value, unit, null);
  const times = TIMES_AFTER.exec(after);
  if (times) return make(text, token.start, token.end + times[0].length, token.value, 'item', null);
  const timesBefore = TIMES_BEFORE.exec(text.slice(0, token.start));
  if (timesBefore && !/\d\s?[x×*]\s?$/u.test(text.slice(0, token.start))) {
    return make(text, token.start - timesBefore[0].length, token.end, token.value, 'item', null);
  }
  return null;
}

/** Every quantity stated in the text, in order. */
export function readQuantities(text: string): Quantity[] {
  return readNumbers(text).flatMap((token) => quantityAt(text, token) ?? []);
}

function make(text: string, start: number, end: number, amount: number, unit: QuantityValue['unit'], noun: string | null): Quantity | null {
  if (!(amount > 0)) return null;
  return { value: { amount, unit, noun }, evidence: { kind: 'span', span: spanAt(text, start, end) }, confidence: 0.95, via: 'rules' };
}
