// What a quantity or a rate counts: "12h", "5 days", "per hour", "/Tag", "an hour", "each".

export const UNITS = ['hour', 'day', 'week', 'month', 'year', 'item'] as const;
export type Unit = (typeof UNITS)[number];

const WORDS: [RegExp, Unit][] = [
  [/^(?:h|hrs?|hours?|hourly|std\.?|stunden?|heures?|uur|ore|godz\.?|godzin[ay]?|horas?|timmar|timer)$/i, 'hour'],
  [/^(?:d|days?|daily|tage?n?|jours?|dagen?|giorni|dni|dzień|dias?|días?|jornadas?|dagar|(?:person|man)-days?|personentage?|jours?-hommes?)$/i, 'day'],
  [/^(?:wk|wks|weeks?|weekly|wochen?)$/i, 'week'],
  [/^(?:mo|mos|mths?|months?|monthly|monat|monate|mois)$/i, 'month'],
  [/^(?:yr|yrs|years?|yearly|annually|jahr)$/i, 'year'],
  [/^(?:each|ea|items?|pcs?|pieces?|units?|stück|stk)$/i, 'item'],
];

/** The unit a word names, or null: "hrs" is hour, "Tag" is day. */
export function unitOf(word: string): Unit | null {
  const clean = word.trim().replace(/\.$/, '');
  return WORDS.find(([pattern]) => pattern.test(clean))?.[1] ?? null;
}

/**
 * "Per unit" right after a price: "/h", "/day", " per hour", " an hour", " a day", " each", "/Std."
 * Returns the unit and the length of the text it took, or null.
 */
export function perUnitAt(text: string): { unit: Unit; length: number } | null {
  const each = /^\s?each\b/i.exec(text);
  if (each) return { unit: 'item', length: each[0].length };
  // "per person-day" names a day; "/hour-ish" still an hour.
  for (const pattern of [/^(?:\s?\/\s?|\s(?:per|pro|par|an?)\s|\s?p\/)(\p{L}+-\p{L}+)/iu, /^(?:\s?\/\s?|\s(?:per|pro|par|an?)\s|\s?p\/)(\p{L}+\.?)/iu]) {
    const match = pattern.exec(text);
    const unit = match ? unitOf(match[1]!) : null;
    if (match && unit) return { unit, length: match[0].length };
  }
  // "€240 per session", "35 € pro Person": a price for each one of something counted elsewhere.
  const perOne = /^\s(?:per|pro|par|je)\s(\p{L}{3,})/iu.exec(text);
  return perOne ? { unit: 'item', length: perOne[0].length } : null;
}
