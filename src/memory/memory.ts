// Durable memory: records in the store (the truth), vectors in Chroma (an index that can always be
// rebuilt). remember commits the record with its index task; the indexer (indexer.ts) applies
// tasks to Chroma and retries until done; recall (recall.ts) answers questions with citations;
// what memories say about entities (fact-book.ts) answers factFor and history; upkeep
// (maintenance.ts) expires, rebuilds, verifies and rotates keys. This class is the one
// door the rest of the service uses, each part behind it changing for its own reason.
import type { Logger } from 'pino';
import type { FactAnswer, MemoryPort, RecallResult, RememberRequest, StepScope } from '../core/services.ts';
import { deleteMemory, insertMemory } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import type { ChromaIndex } from './chroma-index.ts';
import { memoryDraft } from './drafts.ts';
import type { Embedder } from './embedder.ts';
import { readRecordEntities } from './entity-reading.ts';
import type { EvalReport } from './eval.ts';
import { MemoryFacts, type EntityHistory } from './fact-book.ts';
import type { Answerer } from './grounded-answer.ts';
import { MemoryIndexer } from './indexer.ts';
import { LexicalIndex } from './lexical-index.ts';
import { MemoryMaintenance, type VerifyReport } from './maintenance.ts';
import { MemoryRecall, type RecallOptions } from './recall.ts';
import type { KeyRing } from './sealing.ts';

export type { VerifyReport } from './maintenance.ts';

export interface MemoryOptions {
  store: Store;
  embedder: Embedder;
  index: ChromaIndex;
  keys: KeyRing | null;
  logger: Logger;
  /** Writes a short answer from the citations when asked to (a model is configured). */
  answerer?: Answerer | null;
}

export class Memory implements MemoryPort {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #index: ChromaIndex;
  readonly #keys: KeyRing | null;
  readonly #log: Logger;
  readonly #indexer: MemoryIndexer;
  readonly #recall: MemoryRecall;
  readonly #maintenance: MemoryMaintenance;
  readonly #facts: MemoryFacts;
  readonly #lexical: LexicalIndex;

  constructor(options: MemoryOptions) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#index = options.index;
    this.#keys = options.keys;
    this.#log = options.logger.child({ component: 'memory' });
    const parts = { store: this.#store, embedder: this.#embedder, index: this.#index, log: this.#log };
    this.#indexer = new MemoryIndexer({ ...parts, keys: this.#keys });
    this.#facts = new MemoryFacts(this.#store);
    this.#lexical = new LexicalIndex(this.#store);
    this.#recall = new MemoryRecall({ ...parts, lexical: this.#lexical, facts: this.#facts, answerer: options.answerer ?? null });
    this.#maintenance = new MemoryMaintenance({ ...parts, indexer: this.#indexer, keys: this.#keys });
  }

  get index(): ChromaIndex {
    return this.#index;
  }

  get embedder(): Embedder {
    return this.#embedder;
  }

  async remember(request: RememberRequest, scope?: StepScope): Promise<{ id: string; duplicate: boolean }> {
    const draft = memoryDraft(request, { scope, keys: this.#keys });
    const result = await this.#store.transaction(async (runner) => {
      const now = new Date();
      const inserted = await insertMemory(runner, draft, now);
      // Read from the original: masking hides the e-mail domains that tell whose a memory is.
      if (!inserted.duplicate) await readRecordEntities(runner, { id: inserted.id, text: draft.text, createdAt: now }, request.text);
      return inserted;
    });
    if (!result.duplicate) this.#indexer.wake();
    this.#log.info({ memoryId: result.id, kind: draft.kind, source: draft.source, duplicate: result.duplicate }, 'remembered');
    return result;
  }

  /** Removes the record now and its vector through the index outbox; false when there is no such memory. */
  async forget(id: string): Promise<boolean> {
    const forgotten = await this.#store.transaction((runner) => deleteMemory(runner, id));
    if (forgotten) {
      this.#lexical.remove(id);
      this.#indexer.wake();
    }
    return forgotten;
  }

  recall(query: string, options: RecallOptions = {}): Promise<RecallResult> {
    return this.#recall.recall(query, options);
  }

  /** The current value of an entity's attribute, cited; or unknown, or a conflict to ask about. */
  factFor(entity: string, attribute: string): Promise<FactAnswer> {
    return this.#facts.factFor(entity, attribute);
  }

  /** How each attribute of an entity changed over time; null when no entity has that name. */
  history(entity: string): Promise<EntityHistory | null> {
    return this.#facts.history(entity);
  }

  /** Entities whose names contain the text, to suggest when a name matched none. */
  entitiesLike(text: string) {
    return this.#facts.entitiesLike(text);
  }

  /** Applies due index tasks to Chroma; returns how many were applied. Throws IndexUnavailable while Chroma is down. */
  indexPending(limit?: number): Promise<number> {
    return this.#indexer.indexPending(limit);
  }

  /** Reads the entities and facts of records not read yet (see MemoryIndexer.readEntities). */
  readEntities(limit?: number): Promise<number> {
    return this.#indexer.readEntities(limit);
  }

  /** Drains the index outbox in the background until stopped (see MemoryIndexer.start). */
  startIndexer(options: { idleMs?: number; maxBackoffMs?: number } = {}): { stop(): Promise<void> } {
    return this.#indexer.start(options);
  }

  expire(now = new Date()): Promise<number> {
    return this.#maintenance.expire(now);
  }

  reindex(onProgress?: (done: number, total: number) => void): Promise<number> {
    return this.#maintenance.reindex(onProgress);
  }

  verify(): Promise<VerifyReport> {
    return this.#maintenance.verify();
  }

  rotateKeys(): Promise<number> {
    return this.#maintenance.rotateKeys();
  }

  original(id: string): Promise<string | null> {
    return this.#maintenance.original(id);
  }

  evaluate(): Promise<EvalReport & { id: string; embeddingModel: string }> {
    return this.#maintenance.evaluate();
  }

  /** Writes queued recall events now and waits for them. */
  flush(): Promise<void> {
    return this.#recall.flush();
  }
}
