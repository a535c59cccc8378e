// Words that say the writer is not sure of a value they state ("budget maybe 5k", "600 EUR? or was
// it 650", "Topic TBD"). A value said with doubt is the writer's guess, and Operator does not act on
// a guess: every reader asks such a value instead of acting on it. The test is on the clause that
// holds the value, so a doubt elsewhere in the message ("not sure about the colours") changes nothing.
import { type Span } from './field.ts';

/** The writer doubts the value or has not settled it, in the languages requests arrive in. */
const DOUBT = new RegExp(
  [
    String.raw`\b(?:maybe|perhaps|something like|possibly|might be|could be (?:more|less|higher|lower)|or so|i think|i guess|i believe|guess|guesstimate|if i remember|can't remember|cannot remember|don't remember|not (?:yet )?sure|unsure|no idea|open to suggestions|noch offen|not (?:yet )?(?:decided|fixed|settled|confirmed|final)|haven't (?:\w+ )?decided|undecided|tbd|tbc|tba|to be (?:decided|confirmed|agreed|defined)|negotiable|flexible|depends on|depending on|check (?:the|my|last)|i'll (?:check|confirm)|need to check|vielleicht|eventuell|ungefähr|evtl|peut-être|à (?:définir|confirmer)|quizás|quizá|tal vez|por definir|forse|da definire|misschien|kanske|ehkä|może)\b`,
    // "5k-ish", "10ish"
    String.raw`\d\s?[kKmM]?-?ish\b`,
  ].join('|'),
  'iu',
);
/** What a doubt is about when it names who, not how much: "not sure who pays", "unsure which entity". */
const ABOUT_WHO = /^[\s,]*(?:who|whom|to whom|which\s+(?:legal\s+)?(?:entity|entities|company|companies|client|customer|business|firm|name))\b/iu;
/** The value is an approximation: fine for a budget, which is an estimate by nature, but no amount to bill. */
const APPROXIMATE = /(?:\b(?:about|around|roughly|approx(?:imately|\.)?|ca\.|circa|give or take|more or less|ungefähr|ungefär|omkring|cirka|etwa|environ|aproximadamente|aprox\.|zirka|około|cerca de|cca\.?|přibližně|zhruba|približne|približno|ongeveer)|~|±|≈)\s?(?:\p{Sc}|[A-Z]{3})?\s?$/iu;
/** A question that asks for something ("could you do it for €12,000?", "schrijf je een blog over ...?"), not doubt about a statement. */
const REQUEST_QUESTION = /\b(?:(?:can|could|would|will|shall)\s+(?:you|we|u)|is it|are you|do you|does it|what|how|when|which|who|kannst|können|könnten|könntest|würdest|schreibst du|kun je|kunt u|kan je|wil je|wilt u|zou je|zou u|schrijf je|schrijft u|kan du|kan ni|puoi|potresti|potete|podrías|puedes|podéis|puede|pourriez|pouvez|peux|podes|pode|voisitko)\b|¿/iu;
/** Abbreviations whose stop does not end a clause ("ca. 1.200 €", "max. 25.000 EUR", "Std."). */
const ABBREVIATION = /\b(?:ca|approx|aprox|max|min|inc|incl|inkl|zzgl|ltd|co|corp|st|std|nr|no|vs|etc|bzw|evtl|z\.b|p\.a|e\.g|i\.e)\.$/iu;

/** The clause around a span: from the last stop, ";", "?", "!" or line break before it to the next one after it. */
export function clauseAround(text: string, start: number, end: number): Span {
  const stops: number[] = [];
  for (const match of text.matchAll(/[.!?;](?=\s|$)|\n/gu)) {
    const at = match.index;
    if (match[0] === '.' && ABBREVIATION.test(text.slice(Math.max(0, at - 6), at + 1))) continue;
    stops.push(at);
  }
  const from = Math.max(-1, ...stops.filter((at) => at < start)) + 1;
  // The stop that ends the clause belongs to it: "Budget: €4,000?" asks with its "?".
  const stop = stops.find((at) => at >= end);
  const to = stop === undefined ? text.length : stop + 1;
  return { text: text.slice(from, to), start: from, end: to };
}

/** Why the value at this span is said with doubt ("maybe", "TBD", a "?" on a statement), or null. */
export function doubtAbout(text: string, span: Pick<Span, 'start' | 'end'>): string | null {
  const clause = clauseAround(text, span.start, span.end);
  // "€900, not sure which entity pays": a doubt that names who it is about leaves the amount beside it as stated.
  const word = [...clause.text.matchAll(new RegExp(DOUBT.source, 'giu'))].find((m) => !ABOUT_WHO.test(clause.text.slice(m.index + m[0].length)));
  if (word) return `"${word[0].trim()}"`;
  // "Budget: €4,000?" doubts the figure; "could you build it for DKK 45.000?" asks for the work.
  if (clause.text.trimEnd().endsWith('?') && !REQUEST_QUESTION.test(clause.text)) return 'a question mark';
  // "9 or 10 hours", "3 oder 4 Tage": two numbers offered for one value; the writer has not settled which.
  if (/^\s?(?:or|oder|ou|o|eller|tai|lub|nebo)\s+\d/iu.test(text.slice(span.end, span.end + 10)) || /\d\s+(?:or|oder|ou|o|eller|tai|lub|nebo)\s$/iu.test(text.slice(Math.max(0, span.start - 10), span.start))) return 'two numbers offered';
  // A parenthesis right after the value that doubts it: "USD 10,000 (or maybe 12,000)".
  const aside = /^[^(\n]{0,12}\(([^)\n]{1,80})\)/u.exec(text.slice(span.end));
  if (aside && DOUBT.test(aside[1]!)) return `"${aside[1]!.trim()}"`;
  return null;
}

/** Words that name what something costs, in the languages requests arrive in. */
const PRICE_WORD = String.raw`(?:price|cost|costs|amount|fee|Preis|Kosten|Betrag|prix|coût|montant|precio|coste|importe|prezzo|costo|importo|prijs|pris)`;
/** Words that put a price off until later: "I'll get", "to follow", "later", "Preis folgt", "à venir", "pendiente". */
const TO_COME = String.raw`(?:I'll (?:get|have|know|send)|I will (?:get|have|know|send)|to follow|follows|will follow|(?:comes?|coming) later|later|pending|not (?:in|known) yet|once I (?:have|get|know)|when I (?:have|get|know)|waiting (?:for|on)|still (?:waiting|missing|open)|folgt|kommt noch|reiche ich nach|steht noch aus|à venir|suivra|plus tard|pendiente|más tarde|in arrivo|volgt|kommer senare)`;
/** A price the writer does not have yet: "printing price I'll get from the printer monday", "studio hire, price to follow", "Druckkosten – Preis folgt". */
const PRICE_TO_COME = new RegExp(String.raw`(?<!\p{L})${PRICE_WORD}(?!\p{L})[^.!?\n\d]{0,30}?(?<!\p{L})${TO_COME}(?!\p{L})`, 'iu');

/**
 * Why the text says a price is still to come, quoting the words, or null. The thing it prices is still to be billed, and no
 * number stands for it: whatever lines are read, billing them alone would bill less than the writer asked for.
 */
export function priceStillToCome(text: string): string | null {
  const match = PRICE_TO_COME.exec(text);
  return match ? `"${match[0].trim()}"` : null;
}

/** Why the value at this span is only approximate ("about", "~", "roughly"), or null. */
export function approximation(text: string, span: Pick<Span, 'start' | 'end'>): string | null {
  const before = text.slice(Math.max(clauseAround(text, span.start, span.end).start, span.start - 20), span.start);
  const word = APPROXIMATE.exec(before);
  return word ? `"${word[0].trim()}"` : null;
}
