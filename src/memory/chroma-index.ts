// The vector index: one Chroma collection per embedding model and version, cosine space, with
// embeddings always passed in (no embedding function on the collection). Every call fails with
// IndexUnavailable when Chroma cannot be reached or is not configured, which recall turns into
// keyword search and the indexer into a retry later.
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

/** Chroma calls that hang (a stopped, not killed, server) count as down after this. */
const CALL_TIMEOUT_MS = 5000;

export class ChromaIndex {
  readonly collectionName: string;
  #url: string | null;
  #client: ChromaClient | null = null;
  #collection: Promise<Collection> | null = null;

  constructor(url: string | null, collectionName: string) {
    this.#url = url;
    this.collectionName = collectionName;
  }

  get url(): string | null {
    return this.#url;
  }

  /** Points the index at a server found or started after memory was created. */
  connect(url: string): void {
    this.#url = url;
    this.#client = null;
    this.#collection = null;
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

  async #call<T>(fn: (collection: Collection) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const client = this.#clientOrThrow();
      this.#collection ??= client.getOrCreateCollection({
        name: this.collectionName,
        embeddingFunction: null,
        configuration: { hnsw: { space: 'cosine' } },
      });
      const collection = await this.#collection;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new IndexUnavailable(`Chroma did not answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      });
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
