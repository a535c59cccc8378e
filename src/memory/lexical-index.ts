// The lexical ranker: BM25 (MiniSearch's BM25+) over the records' words, spelled the way the
// embedder and entity matching spell them (words.ts) and stemmed, with a little fuzziness for
// typos ("adress", "nordlict": words no record uses). It lives in the process and follows the store: before each search
// it adds the records read after the newest it holds (by entitiesAt, the time a record's entities
// were read, so a record written elsewhere or with an older createdAt is still found), and at most
// once a second it looks at the ids read in the minute before that, for readings that committed
// late, fetching the text of only those it lacks; forgotten ones drop out when recall hydrates its
// candidates from the records. Beside the records it holds what their headings say each company is
// ("Saltmarsh Ciders (orchard cidery near Hereford)"), for questions that describe a company instead of naming it.
import MiniSearch from 'minisearch';
import nlp from 'compromise';
import { lexicalRowsByIds, recordIdsReadSince, recordsReadAfter, type LexicalRow } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import { isStopWord, stem } from './local-embedder.ts';
import { headingDescriptions } from './entities.ts';
import { isKnownWord } from './english-words.ts';
import { tokens } from './words.ts';

/** How far behind the newest reading one may still commit (another process's, or a transaction that took its time). */
const COMMIT_SKEW_MS = 60_000;
/** How often that window is looked at again; a search between looks reads only what is newer. */
const LATE_LOOK_MS = 1000;
const SYNC_PAGE = 5000;

export interface LexicalHit {
  id: string;
  score: number;
}

const termsOf = (text: string) => tokens(text).filter((word) => !isStopWord(word)).map(stem);

interface Description {
  id: string;
  recordId: string;
  name: string;
  text: string;
}

const emptyDescriptions = () =>
  new MiniSearch<Description>({ fields: ['text'], storeFields: ['name'], tokenize: termsOf, processTerm: (term) => term, searchOptions: { tokenize: termsOf, processTerm: (term) => term } });

export class LexicalIndex {
  readonly #store: Store;
  #vocabulary = new Set<string>();
  #search = LexicalIndex.#empty(this.#vocabulary);
  /** What the records' headings say each company is or where (see headingDescriptions), by the record that says it. */
  #descriptions = emptyDescriptions();
  #descriptionsOf = new Map<string, string[]>();
  /** The newest reading added, as a position in reading order. */
  #newest: { at: Date; id: string } | null = null;
  #lateLookAt = 0;
  #syncing: Promise<void> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The terms of every record added, to tell a word the records use from a typo. */
  static #empty(vocabulary: Set<string>) {
    return new MiniSearch<LexicalRow>({
      fields: ['text'],
      storeFields: ['workflow'],
      tokenize: (text) => {
        const terms = termsOf(text);
        for (const term of terms) vocabulary.add(term);
        return terms;
      },
      processTerm: (term) => term,
      searchOptions: { tokenize: (text) => termsOf(text), processTerm: (term) => term },
    });
  }

  /** Up to limit records best first; a workflow sees its own records and the general ones. */
  async search(query: string, limit: number, workflow?: string): Promise<LexicalHit[]> {
    await this.sync();
    const hits = this.#search.search(query, {
      // Only a word no record uses may be a typo of one that does: fuzzy matching a known word costs time and finds other words.
      fuzzy: (term) => (term.length >= 5 && !this.#vocabulary.has(term) ? 0.2 : 0),
      filter: workflow ? (hit) => hit.workflow === null || hit.workflow === workflow : undefined,
    });
    return hits.slice(0, limit).map((hit) => ({ id: String(hit.id), score: hit.score }));
  }

  /**
   * The names of the companies a question describes as the records' headings do: two of the
   * words of one company's description ("the orchard cidery"), or one word no other description
   * has that is a place or no word of the language ("the brindleford lot", "the munich client"):
   * a kind of business alone ("the brewery") is as likely a company memory has no heading for.
   * Of the records held now: recall asks right after its search, which has caught up (a second
   * look at the store would cost every question one more query).
   */
  describedNames(query: string): string[] {
    const termsOfName = new Map<string, Set<string>>();
    const namesOfTerm = new Map<string, Set<string>>();
    for (const hit of this.#descriptions.search(query)) {
      const name = String(hit['name']);
      for (const term of hit.terms) {
        termsOfName.set(name, (termsOfName.get(name) ?? new Set()).add(term));
        namesOfTerm.set(term, (namesOfTerm.get(term) ?? new Set()).add(name));
      }
    }
    // Whether the language has the word is asked of the word as written: "price" is a word, its stem "pric" is none.
    const known = new Set(tokens(query).filter((word) => isKnownWord(word) && !nlp(word).has('#Place')).map(stem));
    const distinctive = (term: string) => namesOfTerm.get(term)!.size === 1 && !known.has(term);
    return [...termsOfName].filter(([, terms]) => terms.size >= 2 || [...terms].some(distinctive)).map(([name]) => name);
  }

  /** Adds the records read since the last look; one look at a time. */
  sync(): Promise<void> {
    this.#syncing ??= this.#catchUp().finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const page = await this.#store.transaction((runner) => recordsReadAfter(runner, this.#newest, SYNC_PAGE));
      this.#add(page);
      const last = page.at(-1);
      if (last) this.#newest = { at: last.entitiesAt, id: last.id };
      if (page.length < SYNC_PAGE) break;
    }
    if (!this.#newest || Date.now() - this.#lateLookAt < LATE_LOOK_MS) return;
    this.#lateLookAt = Date.now();
    const since = new Date(this.#newest.at.getTime() - COMMIT_SKEW_MS);
    const missing = (await this.#store.transaction((runner) => recordIdsReadSince(runner, since))).filter((id) => !this.#search.has(id));
    if (missing.length > 0) this.#add(await this.#store.transaction((runner) => lexicalRowsByIds(runner, missing)));
  }

  #add(rows: LexicalRow[]): void {
    for (const row of rows) {
      if (this.#search.has(row.id)) continue;
      this.#search.add(row);
      const descriptions = headingDescriptions(row.text).map(({ name, description }, i) => ({ id: `${row.id}:${i}`, recordId: row.id, name, text: description }));
      if (descriptions.length === 0) continue;
      this.#descriptions.addAll(descriptions);
      this.#descriptionsOf.set(row.id, descriptions.map((description) => description.id));
    }
  }

  /** Drops a forgotten record at once (other processes' forgets drop out at hydration). */
  remove(id: string): void {
    if (this.#search.has(id)) this.#search.discard(id);
    for (const description of this.#descriptionsOf.get(id) ?? []) this.#descriptions.discard(description);
    this.#descriptionsOf.delete(id);
  }

  /** Starts again from the records (after a rebuild). */
  reset(): void {
    this.#vocabulary = new Set<string>();
    this.#search = LexicalIndex.#empty(this.#vocabulary);
    this.#descriptions = emptyDescriptions();
    this.#descriptionsOf = new Map();
    this.#newest = null;
    this.#lateLookAt = 0;
  }
}
