// Names typed with one letter wrong ("nordlict" for Nordlicht, "kesler" for Kessler): a question's
// longer word that is no alias and no word of the language is the name one edit away (a letter
// added, dropped, changed, or two swapped) when exactly one known one-word name is, starting with
// the same two letters. Short words are left alone: one edit away from them is too many names.
import { aliasesStartingWith } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { isKnownWord } from './english-words.ts';
import { isStopWord } from './local-embedder.ts';

const SHORTEST = 6;

/** Whether two words are at most one edit apart (Damerau: a swap of neighbours is one edit). */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i);
}

/** The entities that the unknown longer words (normalised) misspell, one each at most. */
export async function misspelledNames(runner: SqlRunner, words: string[]): Promise<string[]> {
  const entities: string[] = [];
  for (const word of new Set(words)) {
    if (word.length < SHORTEST || /\d/.test(word) || isStopWord(word) || isKnownWord(word)) continue;
    const near = (await aliasesStartingWith(runner, word.slice(0, 2))).filter((row) => !row.alias.includes(' ') && oneEditApart(word, row.alias));
    const ids = new Set(near.map((row) => row.entityId));
    if (ids.size === 1) entities.push(...ids);
  }
  return entities;
}
