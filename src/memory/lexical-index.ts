// The lexical ranker: BM25 (MiniSearch's BM25+) over the records' words, spelled the way the
// embedder and entity matching spell them (words.ts) and stemmed, with a little fuzziness for
// typos ("adress", "nordlict": words no record uses). It lives in the process and follows the store: before each search
// it adds the records read after the newest it holds (by entitiesAt, the time a record's entities
// were read, so a record written elsewhere or with an older createdAt is still found), and at most
// once a second it looks at the ids read in the minute before that, for readings that committed
// late, fetching the text of only those it lacks; forgotten ones drop out when recall hydrates its
// candidates from the records. A word in very many records is left out of a question that has
// rarer ones (see COMMON_WORD_RECORDS). Beside the records it holds what their headings say each
// company is ("Saltmarsh Ciders (orchard cidery near Hereford)"), for questions that describe a
// company instead of naming it.
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
/**
 * A question's word found in more records than this is left out when at least MIN_TERMS of its
 * words are rarer (as Lucene's common-terms cutoff): scoring it walks every record that has it,
 * which at 100,000 records was most of recall's time, while its weight in BM25 is small beside a
 * rare word's and nearly the same for every record it is in. Below this many records nothing changes.
 */
const COMMON_WORD_RECORDS = 1000;
const MIN_TERMS = 2;

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
  /** How many records hold each term (forgotten ones still count: they are few). */
  #recordsWith = new Map<string, number>();
  #search = LexicalIndex.#empty(this.#recordsWith);
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

  /** Counts the records that hold each term, to tell a word the records use from a typo and a common word from a rare one. */
  static #empty(recordsWith: Map<string, number>) {
    return new MiniSearch<LexicalRow>({
      fields: ['text'],
      storeFields: ['workflow'],
      tokenize: (text) => {
        const terms = termsOf(text);
        for (const term of new Set(terms)) recordsWith.set(term, (recordsWith.get(term) ?? 0) + 1);
        return terms;
      },
      processTerm: (term) => term,
      // A question arrives as its terms already (#questionTerms), joined by spaces.
      searchOptions: { tokenize: (terms) => terms.split(' '), processTerm: (term) => term },
    });
  }

  /** The question's terms, without its common words when enough rarer ones remain. */
  #questionTerms(query: string): string[] {
    const terms = termsOf(query);
    const inRecords = (term: string) => this.#recordsWith.get(term) ?? 0;
    const rarest = [...new Set(terms)].sort((a, b) => inRecords(a) - inRecords(b));
    const kept = new Set(rarest.filter((term, i) => i < MIN_TERMS || inRecords(term) <= COMMON_WORD_RECORDS));
    return terms.filter((term) => kept.has(term));
  }

  /** Up to limit records best first; a workflow sees its own records and the general ones. */
  async search(query: string, limit: number, workflow?: string): Promise<LexicalHit[]> {
    await this.sync();
    const terms = this.#questionTerms(query);
    if (terms.length === 0) return [];
    const hits = this.#search.search(terms.join(' '), {
      // Only a word no record uses may be a typo of one that does: fuzzy matching a known word costs time and finds other words.
      fuzzy: (term) => (term.length >= 5 && !this.#recordsWith.has(term) ? 0.2 : 0),
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
    if (termsOfName.size === 0) return [];
    // Whether the language has the word is asked of the word as written: "price" is a word, its stem "pric" is none.
    // Only the words a description holds are asked (tagging a word is the slow part).
    const known = new Set(tokens(query).filter((word) => namesOfTerm.has(stem(word)) && isKnownWord(word) && !nlp(word).has('#Place')).map(stem));
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
      const page = await this.#store.read((runner) => recordsReadAfter(runner, this.#newest, SYNC_PAGE));
      this.#add(page);
      const last = page.at(-1);
      if (last) this.#newest = { at: last.entitiesAt, id: last.id };
      if (page.length < SYNC_PAGE) break;
    }
    if (!this.#newest || Date.now() - this.#lateLookAt < LATE_LOOK_MS) return;
    this.#lateLookAt = Date.now();
    const since = new Date(this.#newest.at.getTime() - COMMIT_SKEW_MS);
    const missing = (await this.#store.read((runner) => recordIdsReadSince(runner, since))).filter((id) => !this.#search.has(id));
    if (missing.length > 0) this.#add(await this.#store.read((runner) => lexicalRowsByIds(runner, missing)));
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
    this.#recordsWith = new Map<string, number>();
    this.#search = LexicalIndex.#empty(this.#recordsWith);
    this.#descriptions = emptyDescriptions();
    this.#descriptionsOf = new Map();
    this.#newest = null;
    this.#lateLookAt = 0;
  }
}
