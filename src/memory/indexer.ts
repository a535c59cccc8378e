// The index side of memory: applies the index outbox to Chroma (embedding records on the way),
// reads the entities and facts of records nobody has read yet (plan memories, records from
// before entities existed), and keeps doing so in the background, waking at once when a record
// changes and backing off while Chroma is down. Changes when how or when records reach the
// indexes changes.
import type { Logger } from 'pino';
import { redactText } from '../privacy/redact.ts';
import { recordsWithoutEntities } from '../store/entities.ts';
import { completeIndexTasks, deferIndexTasks, dueIndexTasks, findLiveMemories, queueRecordsIndexedElsewhere, type MemoryRow } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import { IndexUnavailable, type ChromaIndex, type IndexEntry } from './chroma-index.ts';
import type { Embedder } from './embedder.ts';
import { readRecordEntities } from './entity-reading.ts';
import type { KeyRing } from './sealing.ts';

export const INDEX_PAGE = 256;
const errorText = (error: unknown) => redactText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export class MemoryIndexer {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #index: ChromaIndex;
  readonly #keys: KeyRing | null;
  readonly #log: Logger;
  #wake: () => void = () => undefined;

  constructor(options: { store: Store; embedder: Embedder; index: ChromaIndex; keys: KeyRing | null; log: Logger }) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#index = options.index;
    this.#keys = options.keys;
    this.#log = options.log;
  }

  /** Tells a running indexer that the outbox has new tasks. */
  wake(): void {
    this.#wake();
  }

  /**
   * Reads the entities of up to limit unread records, then applies due index tasks to Chroma;
   * returns how many records and tasks it handled. Throws IndexUnavailable while Chroma is down
   * (the entities read before that stay read).
   */
  async indexPending(limit = INDEX_PAGE): Promise<number> {
    return (await this.readEntities(limit)) + (await this.#applyIndexTasks(limit));
  }

  /** Reads the entities and facts of up to limit records not read yet; returns how many. */
  async readEntities(limit = INDEX_PAGE): Promise<number> {
    return this.#store.transaction(async (runner) => {
      const rows = await recordsWithoutEntities(runner, limit);
      for (const row of rows) {
        // The sealed original still holds the e-mail domains masking took out, when the key is at hand.
        const original = row.sealedOriginal && this.#keys ? this.#keys.open(row.sealedOriginal) : null;
        await readRecordEntities(runner, row, original);
      }
      return rows.length;
    });
  }

  async #applyIndexTasks(limit: number): Promise<number> {
    const tasks = await this.#store.transaction((runner) => dueIndexTasks(runner, limit));
    if (tasks.length === 0) return 0;
    const upsertIds = [...new Set(tasks.filter((task) => task.operation === 'upsert').map((task) => task.recordId))];
    const deleteIds = [...new Set(tasks.filter((task) => task.operation === 'delete').map((task) => task.recordId))];
    try {
      // Records forgotten since their task was written are gone: nothing to upsert for them.
      const rows = await this.#store.transaction((runner) => findLiveMemories(runner, upsertIds));
      await this.#index.upsert(await this.entries(rows));
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

  /** The index entries (embedded now) for records. */
  async entries(rows: MemoryRow[]): Promise<IndexEntry[]> {
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
  start(options: { idleMs?: number; maxBackoffMs?: number } = {}): { stop(): Promise<void> } {
    const idleMs = options.idleMs ?? 1000;
    const maxBackoffMs = options.maxBackoffMs ?? 30_000;
    let running = true;
    let failures = 0;
    let wake: () => void = () => undefined;
    this.#wake = () => wake();
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
        this.#wake = () => undefined;
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
}
