// People named by their first name alone ("Jonas is leaving Nordlicht", "where did Sofia end up"):
// the one person memory knows by a full name that starts with it. Two known Annas make "Anna"
// nobody's, and a word the language has another use for ("Mark", "Bill") is never taken for one.
import { peopleFirstNamed } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { aliasOf } from './entities.ts';
import { isOnlyAFirstName } from './english-words.ts';
import { isStopWord } from './local-embedder.ts';

/** The people the words (normalised, see words.ts) name by a first name only one of them has. */
export async function peopleByFirstName(runner: SqlRunner, words: string[]): Promise<string[]> {
  const people: string[] = [];
  for (const word of new Set(words)) {
    if (word.length < 3 || isStopWord(word) || !isOnlyAFirstName(word)) continue;
    const named = await peopleFirstNamed(runner, word);
    if (named.length === 1) people.push(named[0]!);
  }
  return people;
}

/** The capitalised words of a note, normalised: where it names someone by a first name. */
export const capitalisedWords = (text: string) => (text.match(/\p{Lu}[\p{L}\p{M}'’-]+/gu) ?? []).map(aliasOf);
