// `op memory ...` as a user runs it: no CHROMA_URL, so each command starts the local Chroma server
// on DATA_DIR (or finds the one already running there) and stops what it started.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { latestRetrievalEval } from '../src/store/digest.ts';
import { sql } from '../src/store/sql.ts';
import { openStore } from '../src/store/store.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { opBinary, runNode } from './support/processes.ts';

describe('op memory', () => {
  let database: TestDatabase;
  const op = (...args: string[]) => runNode([opBinary, 'memory', ...args], { DATABASE_URL: database.url, DATA_DIR: `${database.dir}/data`, LOG_LEVEL: 'warn' });
  const json = async (...args: string[]) => {
    const result = await op(...args, '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
  });
  after(() => database.drop());

  test('remember, recall, verify, reindex and forget from the terminal', async () => {
    const first = await json('remember', 'Acme Ltd pays within 14 days; bills go to maria.keller@acme.example', '--workflow', 'invoicing', '--tag', 'acme');
    assert.equal(first.duplicate, false);
    assert.equal(first.indexed, true);
    const again = await json('remember', 'Acme Ltd pays within 14 days; bills go to maria.keller@acme.example');
    assert.deepEqual([again.id, again.duplicate], [first.id, true]);
    await json('remember', 'The blog publishes every Tuesday at nine.', '--kind', 'fact');

    const recalled = await json('recall', 'when does Acme pay?', '--limit', '1');
    assert.equal(recalled.degraded, false);
    assert.deepEqual(recalled.citations.map((c: { recordId: string; n: number }) => [c.n, c.recordId]), [[1, first.id]]);
    assert.equal(recalled.citations[0].snippet, 'Acme Ltd pays within 14 days; bills go to [email]');

    const human = await op('recall', 'when does Acme pay?');
    assert.match(human.stdout, new RegExp(`^\\[1\\] Acme Ltd pays within 14 days; bills go to \\[email\\]\\n    ${first.id} · fact · cli`));

    assert.deepEqual(await json('verify'), { records: 2, indexed: 2, pending: 0, missing: [], orphans: [] });
    assert.deepEqual(await json('reindex'), { reindexed: 2 });
    assert.deepEqual(await json('forget', first.id), { forgotten: first.id });
    assert.deepEqual(await json('verify'), { records: 1, indexed: 1, pending: 0, missing: [], orphans: [] });
    assert.ok(!fs.existsSync(path.join(database.dir, 'data', 'chroma', 'server.json')), 'the server the command started is stopped');
  });

  test('eval measures the labeled set and stores the figures for the digest', async () => {
    const report = await json('eval');
    assert.equal(report.queries, 100);
    assert.ok(report.recallAt5 >= 0.8, `recall@5 is ${report.recallAt5}`);
    const store = await openStore(database.url);
    try {
      const stored = await latestRetrievalEval(store);
      assert.deepEqual(stored && [stored.embeddingModel, stored.queries, stored.recallAt5], ['local-wink-sif-hash@2', 100, report.recallAt5]);
      const [row] = await store.transaction((runner) => runner.query(sql`SELECT "perWorkflow" FROM "RetrievalEval" WHERE "id" = ${report.id}`));
      assert.deepEqual(Object.keys(JSON.parse(row!.perWorkflow as string)).sort(), ['content-production', 'general', 'invoicing', 'lead-qualification', 'supplier-payment']);
    } finally {
      await store.close();
    }
  });

  test('history shows what memory knows of a customer, fact by fact, with the memory that says so', async () => {
    const vat = await json('remember', 'Nordlicht Energie GmbH: VAT ID DE311222333, invoices in EUR.');
    await json('remember', "Nordlicht's billing address is Hafenstraße 12, 20457 Hamburg.");
    const shown = await op('history', 'nordlicht');
    assert.equal(shown.code, 0, shown.stderr);
    const today = new Date().toISOString().slice(0, 10);
    assert.match(shown.stdout, /^Nordlicht Energie GmbH \(organisation; also .*nordlicht/);
    assert.match(shown.stdout, new RegExp(`VAT ID:\\n\\s+since ${today} \\(current\\)\\s+DE311222333\\s+\\[${vat.id} · cli\\]`));
    assert.match(shown.stdout, /billing address:\n\s+since \S+ \(current\)\s+Hafenstraße 12, 20457 Hamburg/);
    const unknown = await op('history', 'Nordlich Energy');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Memory knows no one called "Nordlich Energy"; nothing was changed[\s\S]*Did you mean: Nordlicht Energie GmbH\?/);
  });

  for (const [name, args, expected] of [
    ['remember without text', ['remember'], /needs the text to remember[\s\S]*Example: op memory remember/],
    ['an unknown kind', ['remember', 'x', '--kind', 'rumour'], /"rumour" is not a kind of memory[\s\S]*Use --kind with one of: fact/],
    ['an unknown retention class', ['remember', 'x', '--retention', 'forever'], /"forever" is not a retention class[\s\S]*Use one of: ephemeral, chat/],
    ['forgetting a missing memory', ['forget', 'mnope12'], /There is no memory mnope12; nothing was changed/],
    ['a recall limit out of range', ['recall', 'x', '--limit', '99'], /--limit must be a whole number from 1 to 20/],
    ['rotation without keys', ['rotate-keys'], /MEMORY_ENCRYPTION_KEYS is not set/],
  ] as const) {
    test(`${name} exits 2 with what to type instead`, async () => {
      const result = await op(...args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, expected);
    });
  }
});
