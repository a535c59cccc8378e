// Durable memory: records in the store (the truth), vectors in Chroma (an index that can always be
// rebuilt). remember commits the record with its index task; the indexer applies tasks to Chroma
// and retries until done. recall asks Chroma for candidates, hydrates them from the records
// (forgotten and expired ones drop out), ranks them and answers with numbered citations. When
// Chroma (or the embedding model) cannot answer, recall searches the records by keyword and says
// it is degraded; nothing is lost, indexing catches up when Chroma is back.
import type { Logger } from 'pino';
import { OperatorError } from '../conductor/errors.ts';
import type { Citation, MemoryPort, RecallResult, RememberRequest, StepScope } from '../conductor/services.ts';
import { redactText } from '../privacy/redact.ts';
import {
  completeIndexTasks,
  deferIndexTasks,
  deleteMemory,
  dueIndexTasks,
  expiredMemoryIds,
  findLiveMemories,
  insertMemory,
  insertRecallEvent,
  insertRetrievalEval,
  markIndexed,
  memoryCount,
  memoryPage,
  pendingIndexTaskCount,
  queueRecordsIndexedElsewhere,
  sealedMemories,
  updateSealedOriginal,
  type MemoryRow,
  type RecallEventDraft,
} from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import { IndexUnavailable, type ChromaIndex, type IndexEntry } from './chroma-index.ts';
import { memoryDraft } from './drafts.ts';
import type { Embedder } from './embedder.ts';
import { evaluateRetrieval, type EvalReport } from './eval.ts';
import type { Answerer } from './grounded-answer.ts';
import { keywordRank } from './keyword-search.ts';
import { CANDIDATES, type Candidate } from './rerank.ts';
import type { KeyRing } from './sealing.ts';

export interface MemoryOptions {
  store: Store;
  embedder: Embedder;
  index: ChromaIndex;
  keys: KeyRing | null;
  logger: Logger;
  /** Writes a short answer from the citations when asked to (a model is configured). */
  answerer?: Answerer | null;
}

export interface VerifyReport {
  records: number;
  indexed: number;
  /** Index tasks not applied yet (their records are missing from the index until they are). */
  pending: number;
  missing: string[];
  orphans: string[];
}

const SNIPPET_CHARS = 280;
const RECALL_EVENT_BATCH_MS = 1000;
const PAGE = 256;
const errorText = (error: unknown) => redactText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export class Memory implements MemoryPort {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #index: ChromaIndex;
  readonly #keys: KeyRing | null;
  readonly #log: Logger;
  readonly #answerer: Answerer | null;
  #recallEvents: RecallEventDraft[] = [];
  #flushing: Promise<void> | null = null;
  #flushTimer: NodeJS.Timeout | undefined;
  #flushNow: () => void = () => undefined;
  #wakeIndexer: () => void = () => undefined;

  constructor(options: MemoryOptions) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#index = options.index;
    this.#keys = options.keys;
    this.#log = options.logger.child({ component: 'memory' });
    this.#answerer = options.answerer ?? null;
  }

  get index(): ChromaIndex {
    return this.#index;
  }

  get embedder(): Embedder {
    return this.#embedder;
  }

  async remember(request: RememberRequest, scope?: StepScope): Promise<{ id: string; duplicate: boolean }> {
    const draft = memoryDraft(request, { scope, keys: this.#keys });
    const result = await this.#store.transaction((runner) => insertMemory(runner, draft));
    if (!result.duplicate) this.#wakeIndexer();
    this.#log.info({ memoryId: result.id, kind: draft.kind, source: draft.source, duplicate: result.duplicate }, 'remembered');
    return result;
  }

  /** Removes the record now and its vector through the index outbox; false when there is no such memory. */
  async forget(id: string): Promise<boolean> {
    const forgotten = await this.#store.transaction((runner) => deleteMemory(runner, id));
    if (forgotten) this.#wakeIndexer();
    return forgotten;
  }

  async recall(query: string, options: { k?: number; workflow?: string; scope?: StepScope; answer?: boolean } = {}): Promise<RecallResult> {
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

  /** Applies due index tasks to Chroma; returns how many were applied. Throws IndexUnavailable while Chroma is down. */
  async indexPending(limit = PAGE): Promise<number> {
    const tasks = await this.#store.transaction((runner) => dueIndexTasks(runner, limit));
    if (tasks.length === 0) return 0;
    const upsertIds = [...new Set(tasks.filter((task) => task.operation === 'upsert').map((task) => task.recordId))];
    const deleteIds = [...new Set(tasks.filter((task) => task.operation === 'delete').map((task) => task.recordId))];
    try {
      // Records forgotten since their task was written are gone: nothing to upsert for them.
      const rows = await this.#store.transaction((runner) => findLiveMemories(runner, upsertIds));
      await this.#index.upsert(await this.#entries(rows));
      await this.#index.delete(deleteIds.filter((id) => !rows.some((row) => row.id === id)));
      await this.#store.transaction((runner) =>
        completeIndexTasks(runner, tasks.map((task) => task.id), { recordIds: rows.map((row) => row.id), model: this.#embedder.model, version: this.#embedder.version }),
      );
      return tasks.length;
    } catch (error) {
      // Chroma being down is nobody's attempt: the loop waits and tries again. Anything else
      // (a record the model cannot embed) counts against the tasks, with backoff.
      if (!(error instanceof IndexUnavailable)) {
        const attempts = Math.max(...tasks.map((task) => task.attempts));
        const delayMs = Math.min(300_000, 1000 * 2 ** attempts) * (0.5 + Math.random() / 2);
        await this.#store.transaction((runner) => deferIndexTasks(runner, tasks, delayMs, errorText(error)));
      }
      throw error;
    }
  }

  async #entries(rows: MemoryRow[]): Promise<IndexEntry[]> {
    if (rows.length === 0) return [];
    const vectors = await this.#embedder.embeddings.embedDocuments(rows.map((row) => row.text));
    return rows.map((row, i) => ({
      id: row.id,
      embedding: vectors[i]!,
      metadata: { kind: row.kind, workflow: row.workflow ?? '', source: row.source },
    }));
  }

  /**
   * Drains the index outbox until stopped: at once when woken by remember or forget, every
   * idleMs otherwise, and with growing pauses (up to maxBackoffMs) while Chroma is down.
   */
  startIndexer(options: { idleMs?: number; maxBackoffMs?: number } = {}): { stop(): Promise<void> } {
    const idleMs = options.idleMs ?? 1000;
    const maxBackoffMs = options.maxBackoffMs ?? 30_000;
    let running = true;
    let failures = 0;
    let wake: () => void = () => undefined;
    this.#wakeIndexer = () => wake();
    const loop = (async () => {
      await this.#queueRecordsIndexedElsewhere();
      while (running) {
        let pauseMs = idleMs;
        try {
          const applied = await this.indexPending();
          if (failures > 0) this.#log.info('the memory index is reachable again; catching up');
          failures = 0;
          if (applied > 0) continue;
        } catch (error) {
          if (failures === 0) this.#log.warn({ err: error }, 'memory indexing paused; retrying with backoff');
          failures++;
          pauseMs = Math.min(maxBackoffMs, idleMs * 2 ** Math.min(failures, 10));
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pauseMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
    return {
      stop: async () => {
        running = false;
        wake();
        await loop;
        this.#wakeIndexer = () => undefined;
      },
    };
  }

  /** A new embedder starts with an empty collection: its records are indexed again, in the background. */
  async #queueRecordsIndexedElsewhere(): Promise<void> {
    try {
      const queued = await queueRecordsIndexedElsewhere(this.#store, this.#embedder.model, this.#embedder.version);
      if (queued > 0) this.#log.info({ queued, model: this.#embedder.model, version: this.#embedder.version }, 'memories indexed by another embedder are being indexed again');
    } catch (error) {
      this.#log.warn({ err: error }, 'could not queue memories indexed by another embedder; `op memory reindex` rebuilds the index');
    }
  }

  /** Forgets every record whose retention has run out; their vectors go through the outbox. */
  async expire(now = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const ids = await this.#store.transaction((runner) => expiredMemoryIds(runner, PAGE, now));
      if (ids.length === 0) break;
      await this.#store.transaction(async (runner) => {
        for (const id of ids) await deleteMemory(runner, id);
      });
      expired += ids.length;
    }
    if (expired > 0) {
      this.#log.info({ expired }, 'forgot memories whose retention ran out');
      this.#wakeIndexer();
    }
    return expired;
  }

  /** Rebuilds the index from the records: an empty collection, then every live record. */
  async reindex(onProgress: (done: number, total: number) => void = () => undefined): Promise<number> {
    const total = await this.#store.transaction((runner) => memoryCount(runner));
    await this.#index.recreate();
    let done = 0;
    let after = '';
    for (;;) {
      const page = await this.#store.transaction((runner) => memoryPage(runner, after, PAGE));
      if (page.length === 0) break;
      const now = new Date();
      const live = page.filter((row) => !row.expiresAt || row.expiresAt > now);
      await this.#index.upsert(await this.#entries(live));
      if (live.length > 0) await this.#store.transaction((runner) => markIndexed(runner, live.map((row) => row.id), this.#embedder.model, this.#embedder.version));
      done += page.length;
      after = page.at(-1)!.id;
      onProgress(done, total);
    }
    return done;
  }

  /** Records missing from the index, and vectors in it whose record is gone. */
  async verify(): Promise<VerifyReport> {
    const recordIds = new Set<string>();
    for (let after = ''; ; ) {
      const page = await this.#store.transaction((runner) => memoryPage(runner, after, 1000));
      if (page.length === 0) break;
      for (const row of page) recordIds.add(row.id);
      after = page.at(-1)!.id;
    }
    const indexIds = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const page = await this.#index.idPage(offset, 1000);
      for (const id of page) indexIds.add(id);
      if (page.length < 1000) break;
    }
    const pending = await this.#store.transaction((runner) => pendingIndexTaskCount(runner));
    return {
      records: recordIds.size,
      indexed: indexIds.size,
      pending,
      missing: [...recordIds].filter((id) => !indexIds.has(id)),
      orphans: [...indexIds].filter((id) => !recordIds.has(id)),
    };
  }

  /** Re-seals every kept original under the newest key; returns how many changed. */
  async rotateKeys(): Promise<number> {
    if (!this.#keys) throw new OperatorError('MEMORY_ENCRYPTION_KEYS is not set, so there is nothing to rotate.', 'Set it to <new id>:<key>,<old id>:<old key> and run this again.');
    let changed = 0;
    for (let after = ''; ; ) {
      const page = await this.#store.transaction((runner) => sealedMemories(runner, after, PAGE));
      if (page.length === 0) break;
      await this.#store.transaction(async (runner) => {
        for (const row of page) {
          const resealed = this.#keys!.reseal(row.sealedOriginal);
          if (resealed !== row.sealedOriginal) {
            await updateSealedOriginal(runner, row.id, resealed);
            changed++;
          }
        }
      });
      after = page.at(-1)!.id;
    }
    return changed;
  }

  /** The unredacted original of a memory, when one was sealed and the key is at hand. */
  async original(id: string): Promise<string | null> {
    const [row] = await this.#store.transaction((runner) => findLiveMemories(runner, [id]));
    if (!row?.sealedOriginal || !this.#keys) return null;
    return this.#keys.open(row.sealedOriginal);
  }

  /** Runs the labeled evaluation set with this memory's embedder and stores the figures (the digest reads them). */
  async evaluate(): Promise<EvalReport & { id: string; embeddingModel: string }> {
    const report = await evaluateRetrieval(this.#embedder);
    const embeddingModel = `${this.#embedder.model}@${this.#embedder.version}`;
    const id = await this.#store.transaction((runner) => insertRetrievalEval(runner, { embeddingModel, ...report }));
    return { id, embeddingModel, ...report };
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

function citationOf(row: MemoryRow, n: number, score: number): Citation {
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
