// Which embeddings memory uses: OpenAI's (or any OpenAI-compatible server's) when a key is set,
// else the local embedder. Each model and version gets its own Chroma collection, so switching
// models never mixes vectors of different spaces (`op memory reindex` fills the new one).
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import type { Config } from '../config/config.ts';
import { LOCAL_EMBEDDING_MODEL, LOCAL_EMBEDDING_VERSION, LocalEmbeddings } from './local-embedder.ts';
import { rerank, type Candidate } from './rerank.ts';

export interface Embedder {
  embeddings: EmbeddingsInterface;
  model: string;
  version: string;
  /** A second ranking stage over the index's candidates, when the embedder has one. */
  rerank?: (query: string, candidates: Candidate[]) => Candidate[];
}

export function localEmbedder(): Embedder {
  const local = new LocalEmbeddings();
  return {
    embeddings: local,
    model: LOCAL_EMBEDDING_MODEL,
    version: LOCAL_EMBEDDING_VERSION,
    rerank: (query, candidates) => rerank(query, candidates, local.words),
  };
}

export function embedderFor(config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_EMBEDDING_MODEL'>): Embedder {
  if (!config.OPENAI_API_KEY) return localEmbedder();
  return {
    embeddings: new OpenAIEmbeddings({
      apiKey: config.OPENAI_API_KEY,
      model: config.OPENAI_EMBEDDING_MODEL,
      configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
      maxRetries: 2,
    }),
    model: config.OPENAI_EMBEDDING_MODEL,
    version: '1',
  };
}

/** Chroma collection names allow letters, digits, dot, dash and underscore, 3 to 512 long. */
export function collectionName(embedder: Pick<Embedder, 'model' | 'version'>): string {
  return `memory_${embedder.model}_v${embedder.version}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 200);
}
