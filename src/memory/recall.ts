// The question side of memory: recall asks Chroma for candidates, hydrates them from the records
// (forgotten and expired ones drop out), ranks them and answers with numbered citations. When
// Chroma (or the embedding model) cannot answer, it searches the records by keyword and says it
// is degraded. Each recall is logged as an event, written off the answer's path. Changes when how
// memory answers a question changes.
import type { Logger } from 'pino';
import { OperatorError } from '../conductor/errors.ts';
import type { Citation, RecallResult, StepScope } from '../conductor/services.ts';
import { redactText } from '../ops/redact.ts';
import { findLiveMemories, insertRecallEvent, type MemoryRow, type RecallEventDraft } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import type { ChromaIndex } from './chroma-index.ts';
import type { Embedder } from './embedder.ts';
import type { Answerer } from './grounded-answer.ts';
import { keywordRank } from './keyword-search.ts';
import { CANDIDATES, type Candidate } from './rerank.ts';

export interface RecallOptions {
  k?: number;
  workflow?: string;
  scope?: StepScope;
  answer?: boolean;
}

const SNIPPET_CHARS = 280;
const RECALL_EVENT_BATCH_MS = 1000;

export class MemoryRecall {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #index: ChromaIndex;
  readonly #log: Logger;
  readonly #answerer: Answerer | null;
  #recallEvents: RecallEventDraft[] = [];
  #flushing: Promise<void> | null = null;
  #flushTimer: NodeJS.Timeout | undefined;
  #flushNow: () => void = () => undefined;

  constructor(options: { store: Store; embedder: Embedder; index: ChromaIndex; log: Logger; answerer: Answerer | null }) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#index = options.index;
    this.#log = options.log;
    this.#answerer = options.answerer;
  }

  async recall(query: string, options: RecallOptions = {}): Promise<RecallResult> {
    const started = performance.now();
    const asked = redactText(query.trim());
    if (asked === '') throw new OperatorError('Recall what? The query is empty.', 'Ask in words, e.g. `/op recall payment terms for Acme`.');
    const k = Math.min(Math.max(Math.trunc(options.k ?? 5), 1), 20);
    const workflow = options.workflow ?? options.scope?.workflow;
    let citations: Citation[];
    let degraded = false;
    try {
      citations = await this.#semanticRecall(asked, k, workflow);
    } catch (error) {
      degraded = true;
      this.#log.warn({ err: error }, 'vector recall failed; answering from a keyword search of the records');
      citations = await this.#keywordRecall(asked, k, workflow);
    }
    this.#queueRecallEvent({
      query: asked,
      workflow: workflow ?? null,
      planId: options.scope?.planId ?? null,
      citedIds: citations.map((citation) => citation.recordId),
      degraded,
      latencyMs: performance.now() - started,
    });
    const answer = options.answer && this.#answerer ? await this.#answerer(asked, citations) : undefined;
    return answer === undefined ? { query: asked, citations, degraded } : { query: asked, citations, degraded, answer };
  }

  async #semanticRecall(asked: string, k: number, workflow: string | undefined): Promise<Citation[]> {
    const vector = await this.#embedder.embeddings.embedQuery(asked);
    const hits = await this.#index.query(vector, this.#embedder.rerank ? Math.max(CANDIDATES, 2 * k) : 2 * k, workflow);
    const rows = await this.#store.transaction((runner) => findLiveMemories(runner, hits.map((hit) => hit.id)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const candidates: Candidate[] = hits.filter((hit) => byId.has(hit.id)).map((hit) => ({ ...hit, text: byId.get(hit.id)!.text }));
    const ranked = this.#embedder.rerank ? this.#embedder.rerank(asked, candidates) : candidates;
    return ranked.slice(0, k).map((candidate, i) => citationOf(byId.get(candidate.id)!, i + 1, candidate.similarity));
  }

  async #keywordRecall(asked: string, k: number, workflow: string | undefined): Promise<Citation[]> {
    const ranked = await keywordRank(this.#store, asked, workflow);
    return ranked.slice(0, k).map(({ row, score }, i) => citationOf(row, i + 1, score));
  }

  /**
   * Recall events are written off the answer's path, a batch a second: each write is a commit
   * (an fsync on SQLite) that the next recall's read would otherwise wait behind.
   */
  #queueRecallEvent(event: RecallEventDraft): void {
    this.#recallEvents.push(event);
    this.#flushing ??= new Promise<void>((resolve) => {
      this.#flushTimer = setTimeout(resolve, RECALL_EVENT_BATCH_MS);
      this.#flushTimer.unref();
      this.#flushNow = resolve;
    })
      .then(() => this.#flushRecallEvents())
      .finally(() => {
        this.#flushing = null;
      });
  }

  async #flushRecallEvents(): Promise<void> {
    const events = this.#recallEvents;
    this.#recallEvents = [];
    try {
      await this.#store.transaction(async (runner) => {
        for (const event of events) await insertRecallEvent(runner, event);
      });
    } catch (error) {
      this.#log.warn({ err: error, lost: events.length }, 'could not record recall events');
    }
  }

  /** Writes queued recall events now and waits for them. */
  async flush(): Promise<void> {
    while (this.#flushing) {
      clearTimeout(this.#flushTimer);
      this.#flushNow();
      await this.#flushing;
    }
  }
}

export function citationOf(row: MemoryRow, n: number, score: number): Citation {
  return {
    n,
    recordId: row.id,
    kind: row.kind,
    snippet: row.text.length > SNIPPET_CHARS ? `${row.text.slice(0, SNIPPET_CHARS - 1)}…` : row.text,
    source: row.source,
    link: row.link ?? (row.planId ? `plan:${row.planId}#${row.stepKey ?? ''}` : null),
    score: Number(score.toFixed(4)),
  };
}
