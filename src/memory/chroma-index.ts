// The vector index: one Chroma collection per embedding model and version, cosine space, with
// embeddings always passed in (no embedding function on the collection). Every call fails with
// IndexUnavailable when Chroma cannot be reached or is not configured, which recall turns into
// keyword search and the indexer into a retry later. A circuit breaker (cockatiel) stops calling a
// Chroma that failed several calls in a row: a hung server would otherwise cost every recall the
// full call timeout; one trial call at a time finds it back.
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleType, type CircuitBreakerPolicy } from 'cockatiel';
import { ChromaClient, type Collection } from 'chromadb';

export class IndexUnavailable extends Error {
  override name = 'IndexUnavailable';
}

export interface IndexEntry {
  id: string;
  embedding: number[];
  metadata: { kind: string; workflow: string; source: string };
}

export interface IndexHit {
  id: string;
  /** Cosine similarity, 1 for the same direction. */
  similarity: number;
}

export interface IndexTimings {
  /** Chroma calls that hang (a stopped, not killed, server) count as failed after this. */
  callTimeoutMs: number;
  /** Failed calls in a row after which Chroma is not called... */
  failuresToOpen: number;
  /** ...until this has passed; then one trial call goes through. */
  retryAfterMs: number;
}

const DEFAULT_TIMINGS: IndexTimings = { callTimeoutMs: 5000, failuresToOpen: 3, retryAfterMs: 2000 };

export class ChromaIndex {
  readonly collectionName: string;
  #url: string | null;
  #client: ChromaClient | null = null;
  #collection: Promise<Collection> | null = null;
  readonly #timings: IndexTimings;
  #breaker: CircuitBreakerPolicy;

  constructor(url: string | null, collectionName: string, timings: Partial<IndexTimings> = {}) {
    this.#url = url;
    this.collectionName = collectionName;
    this.#timings = { ...DEFAULT_TIMINGS, ...timings };
    this.#breaker = this.#newBreaker();
  }

  get url(): string | null {
    return this.#url;
  }

  /** Points the index at a server found or started after memory was created. */
  connect(url: string): void {
    this.#url = url;
    this.#client = null;
    this.#collection = null;
    this.#breaker = this.#newBreaker();
  }

  async upsert(entries: IndexEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#call((collection) =>
      collection.upsert({ ids: entries.map((e) => e.id), embeddings: entries.map((e) => e.embedding), metadatas: entries.map((e) => e.metadata) }),
    );
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#call((collection) => collection.delete({ ids }));
  }

  async query(embedding: number[], limit: number, workflow?: string): Promise<IndexHit[]> {
    const result = await this.#call((collection) =>
      collection.query({
        queryEmbeddings: [embedding],
        nResults: limit,
        include: ['distances'],
        // A workflow sees its own memories and the general ones.
        where: workflow ? { workflow: { $in: [workflow, ''] } } : undefined,
      }),
    );
    const ids = result.ids[0] ?? [];
    const distances = result.distances[0] ?? [];
    return ids.map((id, i) => ({ id, similarity: 1 - (distances[i] ?? 1) }));
  }

  /** One page of the ids in the index, for verification. */
  async idPage(offset: number, limit: number): Promise<string[]> {
    const result = await this.#call((collection) => collection.get({ offset, limit, include: [] }));
    return result.ids;
  }

  async count(): Promise<number> {
    return this.#call((collection) => collection.count());
  }

  /** Drops the collection and makes it again, empty: the first step of a rebuild. */
  async recreate(): Promise<void> {
    const client = this.#clientOrThrow();
    try {
      await client.deleteCollection({ name: this.collectionName });
    } catch (error) {
      if (isConnectionError(error)) throw new IndexUnavailable(`Chroma at ${this.#url} is unreachable: ${(error as Error).message}`);
      // No collection yet: nothing to drop.
    }
    this.#collection = null;
    await this.heartbeat();
  }

  /** Throws IndexUnavailable when the server does not answer. */
  async heartbeat(): Promise<void> {
    await this.#call(async () => undefined);
  }

  #clientOrThrow(): ChromaClient {
    if (!this.#url) throw new IndexUnavailable('no Chroma server is configured (CHROMA_URL) or started yet');
    if (!this.#client) {
      const url = new URL(this.#url);
      this.#client = new ChromaClient({ host: url.hostname, port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80), ssl: url.protocol === 'https:' });
    }
    return this.#client;
  }

  #newBreaker(): CircuitBreakerPolicy {
    const { failuresToOpen, retryAfterMs } = this.#timings;
    return circuitBreaker(handleType(IndexUnavailable), { halfOpenAfter: retryAfterMs, breaker: new ConsecutiveBreaker(failuresToOpen) });
  }

  async #call<T>(fn: (collection: Collection) => Promise<T>): Promise<T> {
    try {
      return await this.#breaker.execute(() => this.#attempt(fn));
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      const { failuresToOpen, retryAfterMs } = this.#timings;
      throw new IndexUnavailable(`Chroma at ${this.#url} failed ${failuresToOpen} calls in a row; it is tried again at most every ${retryAfterMs} ms`);
    }
  }

  async #attempt<T>(fn: (collection: Collection) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const client = this.#clientOrThrow();
      // The deadline covers finding the collection too: a hung server never answers that either.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new IndexUnavailable(`Chroma did not answer within ${this.#timings.callTimeoutMs} ms`)), this.#timings.callTimeoutMs);
      });
      this.#collection ??= client.getOrCreateCollection({
        name: this.collectionName,
        embeddingFunction: null,
        configuration: { hnsw: { space: 'cosine' } },
      });
      const collection = await Promise.race([this.#collection, deadline]);
      return await Promise.race([fn(collection), deadline]);
    } catch (error) {
      // The collection handle may be stale (server restarted on empty data): look it up again next time.
      this.#collection = null;
      if (error instanceof IndexUnavailable) throw error;
      if (isConnectionError(error)) throw new IndexUnavailable(`Chroma at ${this.#url} is unreachable: ${(error as Error).message}`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const text = `${(error as Error)?.name} ${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  return /ChromaConnectionError|ECONNREFUSED|ECONNRESET|fetch failed|socket|network|ETIMEDOUT|EHOSTUNREACH|UND_ERR/i.test(text);
}
