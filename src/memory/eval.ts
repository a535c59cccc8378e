// Retrieval quality on the labeled set in test/fixtures/memory-eval: records of five workflows
// and queries written as paraphrases, each with the ids of the records that answer it. The
// embedder under test ranks the records for every query the way recall does (the nearest
// candidates by cosine similarity, then the embedder's second stage if it has one), with exact
// search instead of Chroma's approximate one, so the figures measure the ranking, not the index.
// recall@5, precision@5 and MRR are averaged over the queries, overall and per workflow.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../store/prisma-cli.ts';
import type { Embedder } from './embedder.ts';
import { keywordScore, queryStems } from './keyword-search.ts';
import { CANDIDATES } from './rerank.ts';

export const EVAL_DIR = path.join(projectRoot, 'test', 'fixtures', 'memory-eval');

export interface LabeledRecord {
  id: string;
  kind: string;
  workflow: string;
  text: string;
}

export interface LabeledQuery {
  id: string;
  workflow: string;
  query: string;
  relevant: string[];
}

export interface RetrievalFigures {
  queries: number;
  recallAt5: number;
  precisionAt5: number;
  mrr: number;
}

export interface EvalReport extends RetrievalFigures {
  perWorkflow: Record<string, RetrievalFigures>;
}

const readLines = (file: string) =>
  fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);

export function loadLabeledSet(dir = EVAL_DIR): { records: LabeledRecord[]; queries: LabeledQuery[] } {
  const records: LabeledRecord[] = [];
  for (const file of fs.readdirSync(dir).filter((name) => name.startsWith('records-')).sort()) {
    const workflow = file.replace(/^records-|\.jsonl$/g, '');
    for (const row of readLines(path.join(dir, file))) records.push({ ...(row as Omit<LabeledRecord, 'workflow'>), workflow });
  }
  const queries = readLines(path.join(dir, 'queries.jsonl')) as unknown as LabeledQuery[];
  return { records, queries };
}

/** The figures for one query given the ids retrieved, best first. */
export function scoreQuery(retrieved: string[], relevant: string[]): RetrievalFigures {
  const top = retrieved.slice(0, 5);
  const hits = top.filter((id) => relevant.includes(id)).length;
  const first = retrieved.findIndex((id) => relevant.includes(id));
  return { queries: 1, recallAt5: hits / relevant.length, precisionAt5: hits / 5, mrr: first === -1 ? 0 : 1 / (first + 1) };
}

function average(figures: RetrievalFigures[]): RetrievalFigures {
  const n = figures.length || 1;
  const sum = (key: 'recallAt5' | 'precisionAt5' | 'mrr') => Number((figures.reduce((acc, f) => acc + f[key], 0) / n).toFixed(4));
  return { queries: figures.length, recallAt5: sum('recallAt5'), precisionAt5: sum('precisionAt5'), mrr: sum('mrr') };
}

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
};

/** Scores a ranking function (ids best first) over the labeled queries. */
export async function evaluateRanking(queries: LabeledQuery[], rank: (query: string) => Promise<string[]> | string[]): Promise<EvalReport> {
  const results: { workflow: string; figures: RetrievalFigures }[] = [];
  for (const query of queries) results.push({ workflow: query.workflow, figures: scoreQuery(await rank(query.query), query.relevant) });
  const workflows = [...new Set(results.map((result) => result.workflow))];
  return {
    ...average(results.map((result) => result.figures)),
    perWorkflow: Object.fromEntries(
      workflows.map((workflow) => [workflow, average(results.filter((result) => result.workflow === workflow).map((result) => result.figures))]),
    ),
  };
}

export async function evaluateRetrieval(embedder: Embedder, dir = EVAL_DIR): Promise<EvalReport> {
  const { records, queries } = loadLabeledSet(dir);
  const vectors = await embedder.embeddings.embedDocuments(records.map((record) => record.text));
  return evaluateRanking(queries, async (query) => {
    const vector = await embedder.embeddings.embedQuery(query);
    const nearest = records
      .map((record, i) => ({ id: record.id, text: record.text, similarity: cosine(vector, vectors[i]!) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, CANDIDATES);
    return (embedder.rerank ? embedder.rerank(query, nearest) : nearest).map((entry) => entry.id);
  });
}

/** The keyword search recall falls back to without Chroma, on the same set: the baseline. */
export function evaluateKeywordSearch(dir = EVAL_DIR): Promise<EvalReport> {
  const { records, queries } = loadLabeledSet(dir);
  return evaluateRanking(queries, (query) => {
    const stems = queryStems(query);
    return records
      .map((record) => ({ id: record.id, score: keywordScore(stems, record.text) }))
      .sort((a, b) => b.score - a.score)
      .map((entry) => entry.id);
  });
}
