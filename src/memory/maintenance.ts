// Memory's upkeep, run by the retention job and `op memory ...`: forgetting what has expired,
// rebuilding and verifying the index, rotating sealing keys, opening a sealed original and the
// labeled evaluation. Changes when an upkeep task changes.
import type { Logger } from 'pino';
import { OperatorError } from '../core/errors.ts';
import {
  deleteMemory,
  expiredMemoryIds,
  findLiveMemories,
  insertRetrievalEval,
  markIndexed,
  memoryCount,
  memoryPage,
  pendingIndexTaskCount,
  sealedMemories,
  updateSealedOriginal,
} from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import type { ChromaIndex } from './chroma-index.ts';
import type { Embedder } from './embedder.ts';
import { evaluateRetrieval, type EvalReport } from './eval.ts';
import { INDEX_PAGE, type MemoryIndexer } from './indexer.ts';
import type { KeyRing } from './sealing.ts';

export interface VerifyReport {
  records: number;
  indexed: number;
  /** Index tasks not applied yet (their records are missing from the index until they are). */
  pending: number;
  missing: string[];
  orphans: string[];
}

export class MemoryMaintenance {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #index: ChromaIndex;
  readonly #indexer: MemoryIndexer;
  readonly #keys: KeyRing | null;
  readonly #log: Logger;

  constructor(options: { store: Store; embedder: Embedder; index: ChromaIndex; indexer: MemoryIndexer; keys: KeyRing | null; log: Logger }) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#index = options.index;
    this.#indexer = options.indexer;
    this.#keys = options.keys;
    this.#log = options.log;
  }

  /** Forgets every record whose retention has run out; their vectors go through the outbox. */
  async expire(now = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const ids = await this.#store.transaction((runner) => expiredMemoryIds(runner, INDEX_PAGE, now));
      if (ids.length === 0) break;
      await this.#store.transaction(async (runner) => {
        for (const id of ids) await deleteMemory(runner, id);
      });
      expired += ids.length;
    }
    if (expired > 0) {
      this.#log.info({ expired }, 'forgot memories whose retention ran out');
      this.#indexer.wake();
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
      const page = await this.#store.transaction((runner) => memoryPage(runner, after, INDEX_PAGE));
      if (page.length === 0) break;
      const now = new Date();
      const live = page.filter((row) => !row.expiresAt || row.expiresAt > now);
      await this.#index.upsert(await this.#indexer.entries(live));
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
    const keys = this.#keys;
    if (!keys) throw new OperatorError('MEMORY_ENCRYPTION_KEYS is not set, so there is nothing to rotate.', 'Set it to <new id>:<key>,<old id>:<old key> and run this again.');
    let changed = 0;
    for (let after = ''; ; ) {
      const page = await this.#store.transaction((runner) => sealedMemories(runner, after, INDEX_PAGE));
      if (page.length === 0) break;
      await this.#store.transaction(async (runner) => {
        for (const row of page) {
          const resealed = keys.reseal(row.sealedOriginal);
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
}
