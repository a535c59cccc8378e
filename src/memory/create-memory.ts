// Memory as the settings describe it: the embedder they choose, the Chroma server at CHROMA_URL
// (or one found or started later, see connect), the sealing keys, and the model that answers
// from citations when one is configured.
import type { Logger } from 'pino';
import { budgetCaps, type Config } from '../config/config.ts';
import type { StructuredChat } from '../llm/openai-chat.ts';
import type { Store } from '../store/store.ts';
import { ChromaIndex } from './chroma-index.ts';
import { collectionName, embedderFor } from './embedder.ts';
import { groundedAnswerer } from './grounded-answer.ts';
import { Memory } from './memory.ts';
import { keyRingFrom } from './sealing.ts';

/** chat, when a model is configured, lets recall answer in words from its citations. */
export function createMemory(config: Config, store: Store, logger: Logger, chat: StructuredChat | null = null): Memory {
  const embedder = embedderFor(config);
  return new Memory({
    store,
    embedder,
    index: new ChromaIndex(config.CHROMA_URL ?? null, collectionName(embedder)),
    keys: keyRingFrom(config.MEMORY_ENCRYPTION_KEYS),
    logger,
    answerer: chat ? groundedAnswerer(chat, store, budgetCaps(config)) : null,
  });
}
