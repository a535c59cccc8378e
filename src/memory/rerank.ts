// The second stage of recall. The index returns candidates by embedding similarity; this scores
// each candidate again by how well every query word is matched by some word of the candidate
// (the best cosine of their word vectors, 1 for the same stem), weighted by how rare the query
// word is. Averaged sentence vectors blur "electrician" and "invoice"; word-by-word matching keeps
// them, and finds "bill" in "invoice" and "vacation" in "holiday". Cheap: a few thousand dot
// products per candidate.
import { isStopWord, stem, wordWeight } from './local-embedder.ts';
import { tokens } from './words.ts';
import type { WordVectors } from './word-vectors.ts';

export interface Candidate {
  id: string;
  text: string;
  /** Cosine similarity from the index, 0..1. */
  similarity: number;
}

/** How many candidates recall asks the index for, per answer it gives (20 and 40 score alike on the labeled set). */
export const CANDIDATES = 20;
/** Chosen on the labeled set: 30 % index similarity, 70 % word alignment. */
const INDEX_SHARE = 0.3;
const FLOOR = 0.3;
/** Words seen recently, with their stem, weight and unit vector: recall meets the same words again and again. */
const TERM_CACHE_LIMIT = 50_000;

interface Term {
  root: string;
  weight: number;
  vector: Float32Array | null;
}

const termCache = new Map<string, Term>();

function termOf(word: string, words: WordVectors): Term {
  let term = termCache.get(word);
  if (!term) {
    if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
    term = { root: stem(word), weight: wordWeight(words, word), vector: words.unitVector(word) };
    termCache.set(word, term);
  }
  return term;
}

function terms(text: string, words: WordVectors): Term[] {
  const seen = new Set<string>();
  const out: Term[] = [];
  for (const word of tokens(text)) {
    if (isStopWord(word) || seen.has(word)) continue;
    seen.add(word);
    out.push(termOf(word, words));
  }
  return out;
}

function similarity(a: Term, b: Term): number {
  if (a.root === b.root) return 1;
  if (!a.vector || !b.vector) return 0;
  let dot = 0;
  for (let d = 0; d < a.vector.length; d++) dot += a.vector[d]! * b.vector[d]!;
  return dot;
}

/** Candidates best first by the blend of index similarity and word alignment (which becomes their similarity). */
export function rerank(query: string, candidates: Candidate[], words: WordVectors): Candidate[] {
  const asked = terms(query, words);
  const total = asked.reduce((sum, term) => sum + term.weight, 0) || 1;
  // Candidates share many words: each word's similarity to the query's words is computed once.
  const known = new Map<Term, Float64Array>();
  const similaritiesOf = (term: Term) => {
    let values = known.get(term);
    if (!values) {
      values = Float64Array.from(asked, (question) => similarity(question, term));
      known.set(term, values);
    }
    return values;
  };
  return candidates
    .map((candidate) => {
      const best = new Float64Array(asked.length);
      for (const term of terms(candidate.text, words)) {
        const values = similaritiesOf(term);
        for (let i = 0; i < values.length; i++) if (values[i]! > best[i]!) best[i] = values[i]!;
      }
      let aligned = 0;
      // Weak matches are noise between unrelated words; only the part above the floor counts.
      asked.forEach((term, i) => (aligned += term.weight * Math.max(0, (best[i]! - FLOOR) / (1 - FLOOR))));
      return { ...candidate, similarity: INDEX_SHARE * candidate.similarity + (1 - INDEX_SHARE) * (aligned / total) };
    })
    .sort((a, b) => b.similarity - a.similarity);
}
