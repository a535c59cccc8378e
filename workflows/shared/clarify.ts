// Clarifying questions about a read field: quote the sentence the reading came from and offer
// the reading as the default answer, so the operator confirms with "yes" or types the value.
import type { Field } from '../../src/reading/field.ts';

/** Answers that take the offered reading. */
export const TAKES_DEFAULT = /^(?:y|yes|ok|okay|correct|right|confirm(?:ed)?|sure|ja|oui|sí|si)\.?$/i;
/** Answers that say the value is not known (or does not exist). */
export const NOT_KNOWN = /^(?:no|none|unknown|n\/a|not known|don't know|dont know|nothing|-)\.?$/i;

/** The sentence (or line) around a span, trimmed to a quotable length. */
export function sentenceOf(source: string, start: number, end: number): string {
  const stops = [...source.matchAll(/[.!?](?=\s+\p{Lu})|\n/gu)].map((m) => m.index);
  const from = Math.max(-1, ...stops.filter((at) => at < start)) + 1;
  const to = Math.min(source.length, (stops.find((at) => at >= end) ?? source.length) + 1);
  const sentence = source.slice(from, to).replace(/\s+/g, ' ').trim();
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
}

/**
 * "Which company is this lead from? I read "Globex" in: "I'm Jane from Globex." Reply "yes" to
 * use it, or type ...". With no reading: says so and asks for the value.
 */
export function questionAbout<T>(source: string, field: Field<T | null>, ask: { question: string; shown: (value: T) => string; typeInstead: string }): string {
  if (field.value !== null && field.evidence.kind === 'span') {
    const { span } = field.evidence;
    return `${ask.question} I read ${ask.shown(field.value)} in: "${sentenceOf(source, span.start, span.end)}". Reply "yes" to use it, or ${ask.typeInstead}.`;
  }
  if (field.value !== null) return `${ask.question} My best reading is ${ask.shown(field.value)}, but the text does not say it plainly. Reply "yes" to use it, or ${ask.typeInstead}.`;
  return `${ask.question} The text does not say it. Please ${ask.typeInstead}.`;
}
