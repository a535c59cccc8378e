// Companies written as a word of their names' beginnings run together ("KLog" for Kowalczyk
// Logistyka, "NordEn" for Nordlicht Energie): each capital starts a part, and the parts begin the
// name's words in order. Such a word names the one organisation whose name it fits, if only one does.
import { organisationsNamedLike } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { aliasOf } from './entities.ts';

/** A word with a capital inside it after the first letter: two parts or more, one of them with lower-case letters. */
const RUN_TOGETHER = /(?<![\p{L}\p{M}])\p{Lu}\p{Ll}*(?:\p{Lu}\p{Ll}*)+(?![\p{L}\p{M}])/gu;

export interface Abbreviation {
  /** The word, normalised: the alias it gives its organisation. */
  alias: string;
  entityId: string;
}

/** The run-together abbreviations in a text that fit exactly one known organisation's name. */
export async function abbreviatedOrganisations(runner: SqlRunner, text: string): Promise<Abbreviation[]> {
  const found: Abbreviation[] = [];
  for (const [word] of text.matchAll(RUN_TOGETHER)) {
    const parts = word.match(/\p{Lu}\p{Ll}*/gu)!.map(aliasOf);
    if (!parts.some((part) => part.length > 1)) continue;
    const ids = await organisationsNamedLike(runner, parts.map((part) => `${part}%`).join(' '));
    if (ids.length === 1) found.push({ alias: aliasOf(word), entityId: ids[0]! });
  }
  return found;
}
