// The lexical ranker: BM25 (MiniSearch's BM25+) over the records' words, spelled the way the
// embedder and entity matching spell them (words.ts) and stemmed, with a little fuzziness for
// typos ("adress", "nordlict"). It lives in the process and follows the store: before each search
// it adds the records read since it last looked (by entitiesAt, the time a record's entities
// were read, so a record written elsewhere or with an older createdAt is still found); forgotten
// ones drop out when recall hydrates its candidates from the records.
import MiniSearch from 'minisearch';
import { recordsReadSince, type LexicalRow } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import { isStopWord, stem } from './local-embedder.ts';
import { tokens } from './words.ts';

/** Records whose reading committed a little after a later one's are picked up on the next look. */
const COMMIT_SKEW_MS = 60_000;
const SYNC_PAGE = 5000;

export interface LexicalHit {
  id: string;
  score: number;
}

const termsOf = (text: string) => tokens(text).filter((word) => !isStopWord(word)).map(stem);

export class LexicalIndex {
  readonly #store: Store;
  #search = LexicalIndex.#empty();
  #readUntil: Date | null = null;
  #syncing: Promise<void> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  static #empty() {
    return new MiniSearch<LexicalRow>({
      fields: ['text'],
      storeFields: ['workflow'],
      tokenize: (text) => termsOf(text),
      processTerm: (term) => term,
      searchOptions: { tokenize: (text) => termsOf(text), processTerm: (term) => term },
    });
  }

  /** Up to limit records best first; a workflow sees its own records and the general ones. */
  async search(query: string, limit: number, workflow?: string): Promise<LexicalHit[]> {
    await this.sync();
    const hits = this.#search.search(query, {
      fuzzy: (term) => (term.length >= 5 ? 0.2 : 0),
      filter: workflow ? (hit) => hit.workflow === null || hit.workflow === workflow : undefined,
    });
    return hits.slice(0, limit).map((hit) => ({ id: String(hit.id), score: hit.score }));
  }

  /** Adds the records read since the last look; one look at a time. */
  sync(): Promise<void> {
    this.#syncing ??= this.#catchUp().finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  async #catchUp(): Promise<void> {
    const since = this.#readUntil && new Date(this.#readUntil.getTime() - COMMIT_SKEW_MS);
    for (let after: { at: Date; id: string } | null = null; ; ) {
      const page = await this.#store.transaction((runner) => recordsReadSince(runner, since, after, SYNC_PAGE));
      for (const row of page) if (!this.#search.has(row.id)) this.#search.add(row);
      const last = page.at(-1);
      if (last) {
        after = { at: last.entitiesAt, id: last.id };
        if (!this.#readUntil || last.entitiesAt > this.#readUntil) this.#readUntil = last.entitiesAt;
      }
      if (page.length < SYNC_PAGE) break;
    }
  }

  /** Drops a forgotten record at once (other processes' forgets drop out at hydration). */
  remove(id: string): void {
    if (this.#search.has(id)) this.#search.discard(id);
  }

  /** Starts again from the records (after a rebuild). */
  reset(): void {
    this.#search = LexicalIndex.#empty();
    this.#readUntil = null;
  }
}
