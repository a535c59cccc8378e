// Recall's fallback while Chroma is unreachable: the records whose text contains a query word
// (by stem, case-insensitive), ranked by the share of query words they contain, longer (rarer
// looking) words counting more, newest first among equals.
import { findMemoriesContaining, type MemoryRow } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import { isStopWord, stem } from './local-embedder.ts';
import { normaliseText, tokens } from './words.ts';

const CANDIDATE_ROWS = 500;
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

export async function keywordRank(store: Store, query: string, workflow?: string): Promise<{ row: MemoryRow; score: number }[]> {
  const stems = queryStems(query);
  const rows = await store.transaction((runner) => findMemoriesContaining(runner, stems, CANDIDATE_ROWS));
  return rows
    .filter((row) => !workflow || row.workflow === null || row.workflow === workflow)
    .map((row) => ({ row, score: keywordScore(stems, row.text) }))
    .sort((a, b) => b.score - a.score || b.row.createdAt.getTime() - a.row.createdAt.getTime());
}
