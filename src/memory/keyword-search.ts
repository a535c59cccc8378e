// The keyword score recall fell back to while Chroma was unreachable, before BM25 replaced it
// (lexical-index.ts): the share of the query's stems a text contains, longer (rarer looking) words
// counting more. Kept as the labeled set's keyword baseline (eval.ts).
import { isStopWord, stem } from './local-embedder.ts';
import { normaliseText, tokens } from './words.ts';

const MAX_WORDS = 12;

/** The stems a keyword search looks for. */
export function queryStems(query: string): string[] {
  return [...new Set(tokens(query).filter((word) => !isStopWord(word)).map(stem))].filter((root) => root.length >= 2).slice(0, MAX_WORDS);
}

/** The weighted share of the stems that text contains, 0..1. */
export function keywordScore(stems: string[], text: string): number {
  const weightOf = (root: string) => Math.log(1 + root.length);
  const total = stems.reduce((sum, root) => sum + weightOf(root), 0) || 1;
  const lower = normaliseText(text);
  return stems.filter((root) => lower.includes(root)).reduce((sum, root) => sum + weightOf(root), 0) / total;
}
