// The labeled evaluation set and the local embedder's quality on it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localEmbedder } from '../src/memory/embedder.ts';
import { evaluateRetrieval, loadLabeledSet } from '../src/memory/eval.ts';
import { tokens } from '../src/memory/words.ts';

const WORKFLOWS = ['content-production', 'general', 'invoicing', 'lead-qualification', 'supplier-payment'];

describe('memory evaluation set', () => {
  const { records, queries } = loadLabeledSet();

  test('holds at least 300 records across the five workflows and 100 queries that name existing records', () => {
    assert.ok(records.length >= 300, `${records.length} records`);
    assert.deepEqual([...new Set(records.map((r) => r.workflow))].sort(), WORKFLOWS);
    assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'record ids are unique');
    assert.equal(queries.length, 100);
    const ids = new Set(records.map((r) => r.id));
    for (const query of queries) {
      assert.ok(query.relevant.length > 0, `${query.id} names its relevant records`);
      for (const id of query.relevant) assert.ok(ids.has(id), `${query.id} names ${id}, which exists`);
    }
  });

  test('queries are paraphrases: none repeats four words in a row of a record it should find', () => {
    const grams = (text: string) => {
      const words = tokens(text);
      return new Set(words.slice(3).map((_, i) => words.slice(i, i + 4).join(' ')));
    };
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const query of queries) {
      const asked = grams(query.query);
      for (const id of query.relevant) {
        const shared = [...grams(byId.get(id)!.text)].filter((gram) => asked.has(gram));
        assert.deepEqual(shared, [], `${query.id} copies "${shared[0]}" from ${id}`);
      }
    }
  });

  test('the local embedder finds at least 80 % of the relevant records in its top 5, and at least 70 % in every workflow', async () => {
    const report = await evaluateRetrieval(localEmbedder());
    assert.ok(report.recallAt5 >= 0.8, `recall@5 ${report.recallAt5}`);
    assert.ok(report.mrr >= 0.7, `MRR ${report.mrr}`);
    for (const [workflow, figures] of Object.entries(report.perWorkflow)) {
      assert.ok(figures.recallAt5 >= 0.7, `${workflow}: recall@5 ${figures.recallAt5}`);
    }
  });

  test('the local embedder is deterministic and gives paraphrases a higher similarity than unrelated text', async () => {
    const { embeddings } = localEmbedder();
    const [a, b, c] = await embeddings.embedDocuments(['Vacation cover for urgent client issues', 'who handles emergencies while I am on holiday', 'brand colours for the ebook cover']);
    assert.deepEqual(await embeddings.embedQuery('Vacation cover for urgent client issues'), a);
    const cosine = (x: number[], y: number[]) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);
    assert.ok(cosine(a!, b!) > cosine(b!, c!), `paraphrase ${cosine(a!, b!)} vs unrelated ${cosine(b!, c!)}`);
  });
});
