// People named by their first name alone ("Jonas is leaving Nordlicht", "where did Sofia end up"):
// the one person memory knows by a full name that starts with it, or whose first name starts with
// it when it is shortened ("Rodri"). Two known Annas make "Anna" nobody's, and a word the language has another use for ("Mark", "Bill") is never taken for one.
import { aliasesStartingWith, peopleFirstNamed } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { aliasOf } from './entities.ts';
import { isOnlyAFirstName } from './english-words.ts';
import { isStopWord } from './local-embedder.ts';

/** A first name shortened ("Rodri" for Rodrigo, "Zsofi" for Zsófia) keeps at least this many letters. */
const SHORTENED = 4;

/**
 * The people the words (normalised, see words.ts) name by a first name only one of them has, or
 * by its beginning when no one has it whole ("rodri" is Rodrigo Mendoza, if he is the one Rodrigo).
 */
export async function peopleByFirstName(runner: SqlRunner, words: string[]): Promise<string[]> {
  const people: string[] = [];
  for (const word of new Set(words)) {
    if (word.length < 3 || isStopWord(word) || !isOnlyAFirstName(word)) continue;
    const named = await peopleFirstNamed(runner, word);
    if (named.length === 1) people.push(named[0]!);
    if (named.length > 0 || word.length < SHORTENED) continue;
    const longer = (await aliasesStartingWith(runner, word)).filter((row) => row.entityKind === 'person' && row.kind === 'name' && row.alias.includes(' ') && row.alias.split(' ')[0]!.length > word.length);
    const ids = new Set(longer.map((row) => row.entityId));
    if (ids.size === 1) people.push(...ids);
  }
  return people;
}

/** The capitalised words of a note, normalised: where it names someone by a first name. */
export const capitalisedWords = (text: string) => (text.match(/\p{Lu}[\p{L}\p{M}'’-]+/gu) ?? []).map(aliasOf);
