/**
 * `npm run bench -- recall`: how well and how fast memory recalls. Prints one JSON line per result
 * on stdout (notes go to stderr):
 *   {"bench":"recall","metric":...,"value":N,"unit":...,"baseline":...,"baseline_value":N,"ratio":N}
 *
 * 1. recall_at_5, precision_at_5, mrr: the labeled set in test/fixtures/memory-eval (325 records
 *    of five workflows, 100 paraphrased queries) ranked the way recall ranks with the local
 *    embedder (exact nearest candidates, then its word-alignment stage). Baseline keyword-search:
 *    the keyword ranking recall falls back to when Chroma is down, on the same set, same run.
 * 2. fresh_test_* (and fresh_dev_*): the fresh labeled set in test/fixtures/memory-fresh (163 notes
 *    about 30 companies, questions split by company into dev and test) stored through Memory at
 *    the notes' own times, entities read, indexed into Chroma, and asked with recall. Recall's
 *    constants were chosen on the dev split only; test is the figure to quote. recall@5, MRR and
 *    current_first (questions about a fact that changed: the best ranked of the notes stating the
 *    current or a replaced value states the current one) for recall as it is (hybrid), each
 *    against, same run: today-vector-rerank (recall before this change: the vector index and its
 *    word-alignment stage, nothing else), and for recall@5 and MRR also bm25-alone. fact_answers:
 *    memory.factFor gives the expected current value, against the share of the same questions
 *    where today's recall puts a note stating that value first.
 * 3. ingest_records_per_s: records remembered (record and index task committed, a transaction per
 *    batch, as a plan checkpoint or an import would) and then indexed by the indexer (embedded and
 *    upserted into Chroma, marked indexed), until 10,000 are in. Baseline bare-chroma-upsert: the
 *    same embeddings upserted into a collection of their own by the Chroma client alone.
 * 4. p50_ms_10k, p95_ms_10k, p95_ms_100k: Memory.recall end to end (embed the query, Chroma top-20,
 *    BM25, the entities the query names, hydrate from the records, fuse, mark current facts, answer
 *    with citations; recall events written in the
 *    background as in the service) with 10,000 and then 100,000 records in memory. Baseline
 *    bare-chroma: the same Chroma query (same embedding, same top-20) by the client alone,
 *    interleaved with the recalls in the same run.
 * The database is SQLite with the shipped pragmas, the Chroma server is the local one the service
 * starts, both in a temporary folder. Settings: OP_BENCH_RECALL_RECORDS (default 100000),
 * OP_BENCH_RECALL_QUERIES (default 1000 per size).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChromaClient } from 'chromadb';
import { ConfigSchema } from '../src/config/config.ts';
import { startLocalChroma } from '../src/memory/chroma-server.ts';
import { createMemory } from '../src/memory/create-memory.ts';
import { memoryDraft } from '../src/memory/drafts.ts';
import { localEmbedder } from '../src/memory/embedder.ts';
import { evaluateKeywordSearch, evaluateRetrieval, loadLabeledSet } from '../src/memory/eval.ts';
import { factAnswerAccuracy, freshFigures, rememberFreshNotes, type Split } from './recall-fresh.ts';
import type { Memory } from '../src/memory/memory.ts';
import { CANDIDATES } from '../src/memory/rerank.ts';
import { createLogger } from '../src/ops/logger.ts';
import { insertMemory } from '../src/store/memory.ts';
import { migrateDatabase } from '../src/store/migrate.ts';
import { openStore, type Store } from '../src/store/store.ts';

const note = (text: string) => process.stderr.write(`[bench recall] ${text}\n`);
const intSetting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

function emit(metric: string, value: number, unit: string, baseline: string, baselineValue: number): void {
  const round = (n: number) => (unit === 'ms' ? Number(n.toFixed(2)) : unit === 'records/s' ? Math.round(n) : Number(n.toFixed(4)));
  const line = { bench: 'recall', metric, value: round(value), unit, baseline, baseline_value: round(baselineValue), ratio: Number((value / baselineValue).toFixed(2)) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** Distinct, realistic texts: the labeled records with a varying tail of their own words. */
function syntheticTexts(from: number, to: number): string[] {
  const { records } = loadLabeledSet();
  const words = [...new Set(records.flatMap((record) => record.text.toLowerCase().match(/[a-z]{4,}/g) ?? []))];
  const texts: string[] = [];
  for (let i = from; i < to; i++) {
    const base = records[i % records.length]!.text;
    const tail = [0, 1, 2].map((k) => words[(i * 7919 + k * 104729) % words.length]).join(' ');
    texts.push(`${base} Note ${i}: ${tail}.`);
  }
  return texts;
}

async function remember(store: Store, texts: string[]): Promise<void> {
  const drafts = texts.map((text) => memoryDraft({ kind: 'fact', text, source: 'cli', createdBy: 'bench' }));
  for (let i = 0; i < drafts.length; i += 1000) {
    await store.transaction(async (runner) => {
      for (const draft of drafts.slice(i, i + 1000)) await insertMemory(runner, draft);
    });
  }
}

async function drainIndex(memory: Memory): Promise<void> {
  while ((await memory.indexPending(1024)) > 0);
}

async function latencies(memory: Memory, collectionName: string, chromaUrl: string, queries: string[], count: number) {
  const url = new URL(chromaUrl);
  const bare = await new ChromaClient({ host: url.hostname, port: Number(url.port) }).getCollection({ name: collectionName });
  const { embeddings } = memory.embedder;
  const full: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < count + 20; i++) {
    const query = queries[i % queries.length]!;
    const vector = await embeddings.embedQuery(query);
    const runBare = async () => {
      const started = performance.now();
      await bare.query({ queryEmbeddings: [vector], nResults: CANDIDATES, include: ['distances'] });
      return performance.now() - started;
    };
    const runFull = async () => {
      const started = performance.now();
      const result = await memory.recall(query);
      if (result.degraded) throw new Error('recall degraded during the bench: Chroma stopped answering');
      return performance.now() - started;
    };
    // Alternate which goes first, so neither always meets a warm cache; the first 20 warm up.
    let b: number;
    let f: number;
    if (i % 2 === 0) {
      b = await runBare();
      f = await runFull();
    } else {
      f = await runFull();
      b = await runBare();
    }
    if (i >= 20) {
      baseline.push(b);
      full.push(f);
    }
  }
  return { full, baseline };
}

/** The fresh labeled set through Memory, in a database and Chroma of its own. */
async function freshSet(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-bench-recall-fresh-'));
  const databaseUrl = `file:${path.join(dir, 'operator.db')}`;
  await migrateDatabase(databaseUrl);
  const chroma = await startLocalChroma({ dataDir: dir, reuse: false });
  const store = await openStore(databaseUrl);
  try {
    const memory = createMemory(ConfigSchema.parse({ DATABASE_URL: databaseUrl, DATA_DIR: dir, CHROMA_URL: chroma.url }), store, createLogger('warn'));
    note('fresh set: storing the notes, reading entities, indexing');
    const recordOf = await rememberFreshNotes(store, memory);
    for (const split of ['test', 'dev'] satisfies Split[]) {
      note(`fresh set, ${split} split${split === 'dev' ? ' (recall was tuned on this one)' : ' (never tuned on)'}`);
      const hybrid = await freshFigures(memory, recordOf, split, 'hybrid');
      // Test is empty between a blind split's measurement and the next one's writing.
      if (hybrid.questions === 0) {
        note(`${split}: no questions`);
        continue;
      }
      const today = await freshFigures(memory, recordOf, split, 'vector');
      const bm25 = await freshFigures(memory, recordOf, split, 'lexical');
      const facts = await factAnswerAccuracy(memory, split);
      note(`${split}: ${hybrid.questions} questions, ${hybrid.changedFacts} about facts that changed, ${facts.questions} fact questions`);
      emit(`fresh_${split}_recall_at_5`, hybrid.recallAt5, 'fraction', 'today-vector-rerank', today.recallAt5);
      emit(`fresh_${split}_recall_at_5`, hybrid.recallAt5, 'fraction', 'bm25-alone', bm25.recallAt5);
      emit(`fresh_${split}_mrr`, hybrid.mrr, 'fraction', 'today-vector-rerank', today.mrr);
      emit(`fresh_${split}_mrr`, hybrid.mrr, 'fraction', 'bm25-alone', bm25.mrr);
      emit(`fresh_${split}_current_first`, hybrid.currentFirst, 'fraction', 'today-vector-rerank', today.currentFirst);
      emit(`fresh_${split}_fact_answers`, facts.accuracy, 'fraction', 'today-top-note-current', today.factTopCurrent);
    }
    await memory.flush();
  } finally {
    await store.close();
    await chroma.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const totalRecords = intSetting('OP_BENCH_RECALL_RECORDS', 100_000);
  const queryCount = intSetting('OP_BENCH_RECALL_QUERIES', 1000);

  note('labeled set: local embedder vs keyword search');
  const quality = await evaluateRetrieval(localEmbedder());
  const keyword = await evaluateKeywordSearch();
  emit('recall_at_5', quality.recallAt5, 'fraction', 'keyword-search', keyword.recallAt5);
  emit('precision_at_5', quality.precisionAt5, 'fraction', 'keyword-search', keyword.precisionAt5);
  emit('mrr', quality.mrr, 'fraction', 'keyword-search', keyword.mrr);

  await freshSet();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-bench-recall-'));
  const databaseUrl = `file:${path.join(dir, 'operator.db')}`;
  await migrateDatabase(databaseUrl);
  const chroma = await startLocalChroma({ dataDir: dir, reuse: false });
  const store = await openStore(databaseUrl);
  try {
    const config = ConfigSchema.parse({ DATABASE_URL: databaseUrl, DATA_DIR: dir, CHROMA_URL: chroma.url });
    const memory = createMemory(config, store, createLogger('warn'));
    const queries = loadLabeledSet().queries.map((query) => query.query);
    const first = Math.min(10_000, totalRecords);

    note(`ingest: remembering and indexing ${first} records`);
    const texts = syntheticTexts(0, first);
    const ingestStarted = performance.now();
    await remember(store, texts);
    await drainIndex(memory);
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const vectors = await memory.embedder.embeddings.embedDocuments(texts);
    const url = new URL(chroma.url);
    const bareCollection = await new ChromaClient({ host: url.hostname, port: Number(url.port) }).getOrCreateCollection({
      name: 'bench_bare_upsert',
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
    });
    const bareStarted = performance.now();
    for (let i = 0; i < texts.length; i += 1024) {
      await bareCollection.upsert({ ids: texts.slice(i, i + 1024).map((_, k) => `b${i + k}`), embeddings: vectors.slice(i, i + 1024) });
    }
    const bareSeconds = (performance.now() - bareStarted) / 1000;
    emit('ingest_records_per_s', first / ingestSeconds, 'records/s', 'bare-chroma-upsert', first / bareSeconds);

    note(`recall latency with ${first} records (${queryCount} queries)`);
    const at10k = await latencies(memory, memory.index.collectionName, chroma.url, queries, queryCount);
    emit('p50_ms_10k', percentile(at10k.full, 50), 'ms', 'bare-chroma', percentile(at10k.baseline, 50));
    emit('p95_ms_10k', percentile(at10k.full, 95), 'ms', 'bare-chroma', percentile(at10k.baseline, 95));

    if (totalRecords > first) {
      for (let from = first; from < totalRecords; from += 10_000) {
        const to = Math.min(totalRecords, from + 10_000);
        note(`ingest: ${to} of ${totalRecords} records`);
        await remember(store, syntheticTexts(from, to));
        await drainIndex(memory);
      }
      note(`recall latency with ${totalRecords} records (${queryCount} queries)`);
      const atMax = await latencies(memory, memory.index.collectionName, chroma.url, queries, queryCount);
      const label = totalRecords % 1000 === 0 ? `${totalRecords / 1000}k` : String(totalRecords);
      emit(`p95_ms_${label}`, percentile(atMax.full, 95), 'ms', 'bare-chroma', percentile(atMax.baseline, 95));
      note(`p50 at ${label}: recall ${percentile(atMax.full, 50).toFixed(2)} ms, bare Chroma ${percentile(atMax.baseline, 50).toFixed(2)} ms`);
    }
    await memory.flush();
  } finally {
    await store.close();
    await chroma.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
