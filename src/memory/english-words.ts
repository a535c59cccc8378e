// What compromise's English lexicon knows about a word, for telling a name from an ordinary word:
// a company named by one word is none of the language's words, and a first name is a person's
// only when the language has no other use for it ("Jonas", not "Mark" or "Bill").
import nlp from 'compromise';
import { z } from 'zod';

const Lexicon = z.object({ one: z.object({ lexicon: z.record(z.string(), z.unknown()) }) });
const LEXICON = Lexicon.parse(nlp.model()).one.lexicon;

/** Labels notes open with that the lexicon lacks ("Summary:", "Reminder:"), and the months and weekdays it reads as verbs ("March", "May"). */
const ORDINARY_WORDS = new Set(
  [
    'reminder summary todo status decision action followup follow-up idea agenda context background outcome correction attention fyi re fwd aw wg ps nb tldr heads-up email e-mail supplier timeline scope office afternoon christmas easter',
    'january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday',
  ].flatMap((words) => words.split(' ')),
);

/** A first name, place, date, or a word of the language, rather than a company's name. */
export function isOrdinaryWord(word: string): boolean {
  const lower = word.toLowerCase();
  return ORDINARY_WORDS.has(lower) || lower in LEXICON || nlp(word).has('(#Person|#FirstName|#Place|#Date|#Pronoun|#Determiner|#Preposition|#Conjunction|#Adverb|#Adjective|#Verb)');
}

/** A word the lexicon holds (compromise's guesses for unknown words aside: "nordlict" is none). */
export const isKnownWord = (word: string) => ORDINARY_WORDS.has(word.toLowerCase()) || word.toLowerCase() in LEXICON;

/** A word that can only be a first name: the lexicon knows it as one and nothing else, or not at all ("Giulia"). */
export function isOnlyAFirstName(word: string): boolean {
  const lower = word.toLowerCase();
  const known = LEXICON[lower];
  return !ORDINARY_WORDS.has(lower) && (known === undefined || known === 'MaleName' || known === 'FemaleName');
}
