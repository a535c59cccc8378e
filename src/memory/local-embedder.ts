// The embedder that needs no network and no model download: a sentence vector made of
// (1) the frequency-weighted average of pretrained word vectors (smooth inverse frequency, with
//     the word's corpus rank standing in for its frequency, Zipf's law), which brings paraphrases
//     with different words close, and
// (2) hashed lexical features (word stems and character 4-grams, weighted the same way), which
//     keep names, numbers and codes such as "INV-42" or "Acme" decisive.
// Both parts are unit-normalised and concatenated with fixed weights, so the cosine of two
// embeddings is a fixed blend of the two similarities. Quality on the labeled set is in
// README (Memory) and `npm run bench -- recall`.
import { setImmediate as turn } from 'node:timers/promises';
import { Embeddings } from '@langchain/core/embeddings';
import { loadWordVectors, type WordVectors } from './word-vectors.ts';
import { tokens } from './words.ts';

const EMBED_SLICE = 16;

export const LOCAL_EMBEDDING_MODEL = 'local-wink-sif-hash';
/** 2: words normalised (possessives, accents, apostrophes: words.ts); a new version fills a new collection by itself. */
export const LOCAL_EMBEDDING_VERSION = '2';

const LEXICAL_DIMENSIONS = 412;
// Blend and constants chosen on the labeled set (see README, Memory): 60 % of the cosine comes
// from the word vectors, 40 % from the lexical features.
const SEMANTIC_WEIGHT = Math.sqrt(0.6);
const LEXICAL_WEIGHT = Math.sqrt(0.4);
const CHARACTER_GRAM_WEIGHT = 0.35;
/** The most frequent words, whose mean direction is removed from every sentence vector (SIF's common component). */
const COMMON_WORDS = 20_000;
/** SIF's smoothing constant: words more frequent than about this share count for little. */
const SIF_A = 3e-3;
/** The harmonic number of the vocabulary: turns a Zipf rank into a probability. */
const ZIPF_NORMALISER = Math.log(200_000) + 0.5772;

const STOP_WORDS = new Set(
  'a an and are as at be been but by did do does for from had has have he her his i if in into is it its me my no not of on or our she so than that the their them then there these they this to was we were what when which who will with would you your about after before can could should just also any all some how'.split(' '),
);

export const isStopWord = (word: string) => STOP_WORDS.has(word);

/** Smooth inverse frequency; a word with no vector is rare, so it weighs fully. */
export function wordWeight(words: WordVectors, word: string): number {
  const rank = words.rank(word);
  if (rank === undefined) return 1;
  const probability = 1 / ((rank + 1) * ZIPF_NORMALISER);
  return SIF_A / (SIF_A + probability);
}

/** A light suffix stripper: enough to meet "invoiced" and "invoices" at "invoic". */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  return word.replace(/(?:ingly|edly|ations?|ments?|ness|ings?|ied|ies|ers?|ed|es|ly|s|e)$/, '') || word;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function normalise(vector: Float64Array): Float64Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

export class LocalEmbeddings extends Embeddings {
  readonly #load: () => WordVectors;
  #loaded: { words: WordVectors; common: Float64Array } | null = null;

  /** The word vectors load at the first embedding, so a process that never embeds never pays for them. */
  constructor(load: () => WordVectors = loadWordVectors) {
    super({});
    this.#load = load;
  }

  get words(): WordVectors {
    return this.#vectors().words;
  }

  get dimensions(): number {
    return this.words.dimensions + LEXICAL_DIMENSIONS;
  }

  #vectors(): { words: WordVectors; common: Float64Array } {
    if (!this.#loaded) {
      const words = this.#load();
      this.#loaded = { words, common: words.commonDirection(COMMON_WORDS) };
    }
    return this.#loaded;
  }

  /** In slices, yielding between them: the indexer's batches must not hold up chat acks. */
  async embedDocuments(documents: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < documents.length; start += EMBED_SLICE) {
      if (start > 0) await turn();
      for (const document of documents.slice(start, start + EMBED_SLICE)) vectors.push(this.embed(document));
    }
    return vectors;
  }

  embedQuery(document: string): Promise<number[]> {
    return Promise.resolve(this.embed(document));
  }

  /** Synchronous, for the hot path of recall and for batch ingest. */
  embed(text: string): number[] {
    const { words, common } = this.#vectors();
    const semantic = new Float64Array(words.dimensions);
    const lexical = new Float64Array(LEXICAL_DIMENSIONS);
    for (const word of tokens(text)) {
      if (STOP_WORDS.has(word)) continue;
      const weight = wordWeight(words, word);
      words.addTo(semantic, word, weight);
      const root = stem(word);
      this.#addHashed(lexical, `w:${root}`, weight);
      const padded = `<${root}>`;
      for (let i = 0; i + 4 <= padded.length; i++) this.#addHashed(lexical, `g:${padded.slice(i, i + 4)}`, weight * CHARACTER_GRAM_WEIGHT);
    }
    // Text of stop words alone still needs a direction: cosine is undefined for a zero vector.
    if (lexical.every((value) => value === 0)) lexical[0] = 1;
    const out = new Array<number>(this.dimensions);
    let projection = 0;
    for (let i = 0; i < semantic.length; i++) projection += semantic[i]! * common[i]!;
    for (let i = 0; i < semantic.length; i++) semantic[i]! -= projection * common[i]!;
    const s = normalise(semantic);
    const l = normalise(lexical);
    for (let i = 0; i < s.length; i++) out[i] = s[i]! * SEMANTIC_WEIGHT;
    for (let i = 0; i < l.length; i++) out[s.length + i] = l[i]! * LEXICAL_WEIGHT;
    return out;
  }

  #addHashed(target: Float64Array, feature: string, weight: number): void {
    const hash = fnv1a(feature);
    // The sign bit halves the bias collisions add to the cosine (the hashing trick).
    target[hash % LEXICAL_DIMENSIONS]! += hash & 0x80000000 ? -weight : weight;
  }
}
