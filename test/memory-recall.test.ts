// Memory end to end against a real Chroma server: remember, recall with citations, forget,
// retention, PII redaction and sealing, reindex and verify; on SQLite and (with
// OP_TEST_POSTGRES_URL) on PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ChromaClient } from 'chromadb';
import type { LocalChroma } from '../src/memory/chroma-server.ts';
import { createMemory } from '../src/memory/create-memory.ts';
import type { Operator } from '../src/operator.ts';
import { sql } from '../src/store/sql.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { drainIndex, memoryOperator, testChroma, waitForIndexInStep } from './support/memory.ts';
import { silentLogger, testConfig } from './support/operator.ts';

const key = () => randomBytes(32).toString('base64');

for (const provider of providers()) {
  describe(`memory with Chroma (${provider})`, () => {
    let database: TestDatabase;
    let chroma: LocalChroma;
    let operator: Operator;
    const keys = { old: `k1:${key()}`, new: `k2:${key()}` };

    before(async () => {
      database = await createTestDatabase(provider);
    });
    after(async () => {
      await database.drop();
    });
    beforeEach(async () => {
      chroma = await testChroma(database);
      operator = await memoryOperator(database, chroma, { MEMORY_ENCRYPTION_KEYS: keys.old });
      // Each test starts from empty memory (the database is shared by the tests of this file).
      await operator.store.transaction(async (runner) => {
        await runner.execute(sql`DELETE FROM "MemoryRecord"`);
        await runner.execute(sql`DELETE FROM "MemoryIndexTask"`);
        await runner.execute(sql`DELETE FROM "RecallEvent"`);
      });
    });
    afterEach(async () => {
      await operator.close();
      await chroma.stop();
    });

    const remember = (text: string, extra: Partial<Parameters<Operator['memory']['remember']>[0]> = {}) =>
      operator.memory.remember({ kind: 'fact', text, source: 'cli', createdBy: 'cli:alice', ...extra });

    test('recall answers with numbered citations that link back to their sources', async () => {
      await remember('Acme Ltd pays supplier invoices within 14 days of receipt.', { source: 'slack', link: 'https://example.slack.com/archives/C1/p1700000000000100' });
      await remember('The blog publishes every Tuesday morning.', { source: 'discord', link: 'https://discord.com/channels/1/2/3' });
      await remember('Brightworks Electric charged 600 EUR more than their quote for the wiring.');
      await drainIndex(operator.memory);

      const result = await operator.memory.recall('how fast does Acme pay its bills?', { k: 3 });
      assert.equal(result.degraded, false);
      assert.deepEqual(result.citations.map((c) => c.n), [1, 2, 3]);
      const [first] = result.citations;
      assert.match(first!.snippet, /Acme Ltd pays supplier invoices within 14 days/);
      assert.equal(first!.source, 'slack');
      assert.equal(first!.link, 'https://example.slack.com/archives/C1/p1700000000000100');
      assert.ok(first!.score > result.citations[1]!.score);
    });

    test('remembering the same content twice keeps one record', async () => {
      const first = await remember('Invoices are due 30 days after the invoice date.');
      const again = await remember('  invoices are due 30 days after the INVOICE date. ');
      assert.equal(again.duplicate, true);
      assert.equal(again.id, first.id);
      await drainIndex(operator.memory);
      assert.equal((await operator.memory.verify()).records, 1);
    });

    test('personal data is redacted before it is embedded; the original stays sealed and survives key rotation', async () => {
      const text = 'Pay Lumen Optics to NL91 ABNA 0417 1643 00, questions to jan@lumen.example or +31 6 1234 5678.';
      const { id } = await remember(text, { kind: 'customer_note' });
      await drainIndex(operator.memory);
      const [row] = await operator.store.transaction((runner) => runner.query(sql`SELECT "text", "sealedOriginal" FROM "MemoryRecord" WHERE "id" = ${id}`));
      assert.equal(row!.text, 'Pay Lumen Optics to [iban], questions to [email] or [phone].');
      assert.ok(!String(row!.sealedOriginal).includes('lumen.example'), 'the original is not stored in clear');
      assert.match(String(row!.sealedOriginal), /^k1:/);
      assert.equal(await operator.memory.original(id), text);

      const recalled = await operator.memory.recall('how do we pay Lumen Optics');
      assert.equal(recalled.citations[0]!.recordId, id);
      assert.ok(!JSON.stringify(recalled).includes('jan@lumen.example'));

      // Rotation: the new key seals, the old one still opens, rotate-keys re-seals everything.
      const rotating = createMemory(testConfig(database, { CHROMA_URL: chroma.url, MEMORY_ENCRYPTION_KEYS: `${keys.new},${keys.old}` }), operator.store, silentLogger());
      assert.equal(await rotating.original(id), text);
      assert.equal(await rotating.rotateKeys(), 1);
      assert.equal(await rotating.rotateKeys(), 0, 'a second rotation has nothing left to do');
      const newOnly = createMemory(testConfig(database, { CHROMA_URL: chroma.url, MEMORY_ENCRYPTION_KEYS: keys.new }), operator.store, silentLogger());
      assert.equal(await newOnly.original(id), text);
    });

    test('a memory with nothing to redact keeps no sealed copy', async () => {
      const { id } = await remember('Office rent is paid on the first of the month.');
      const [row] = await operator.store.transaction((runner) => runner.query(sql`SELECT "sealedOriginal" FROM "MemoryRecord" WHERE "id" = ${id}`));
      assert.equal(row!.sealedOriginal, null);
    });

    test('forget removes the record and its vector', async () => {
      const kept = await remember('Greenline Couriers send a weekly statement every Monday.');
      const forgotten = await remember('Greenline Couriers charge 12 EUR per delivery in town.');
      await drainIndex(operator.memory);
      assert.equal(await operator.memory.forget(forgotten.id), true);
      assert.equal(await operator.memory.forget(forgotten.id), false, 'forgetting twice finds nothing the second time');

      const recalled = await operator.memory.recall('Greenline Couriers delivery price');
      assert.deepEqual(recalled.citations.map((c) => c.recordId), [kept.id], 'a forgotten record is never cited, even before its vector is gone');
      await drainIndex(operator.memory);
      const report = await waitForIndexInStep(operator.memory);
      assert.equal(report.indexed, 1);
    });

    test('the retention job forgets expired records and their vectors', async () => {
      const scratch = await remember('Temporary door code for the coworking space is in the vault.', { retention: 'ephemeral' });
      const decision = await remember('Decided to keep the coworking desk.', { kind: 'decision' });
      await drainIndex(operator.memory);
      assert.equal(await operator.memory.expire(new Date()), 0, 'nothing has expired yet');

      const inEightDays = new Date(Date.now() + 8 * 86_400_000);
      assert.equal(await operator.memory.expire(inEightDays), 1);
      await drainIndex(operator.memory);
      const report = await waitForIndexInStep(operator.memory);
      assert.equal(report.records, 1);
      assert.equal(report.indexed, 1);
      const recalled = await operator.memory.recall('coworking door code');
      assert.ok(recalled.citations.every((c) => c.recordId !== scratch.id));
      assert.equal(recalled.citations[0]?.recordId, decision.id);
    });

    test('an unknown retention class is refused with the classes to use, and nothing is stored', async () => {
      await assert.rejects(remember('Something.', { retention: 'forever' }), /"forever" is not a retention class/);
      await assert.rejects(remember('   '), /nothing to remember/);
      assert.equal((await operator.memory.verify()).records, 0);
    });

    test('verify reports records missing from the index and orphans in it; reindex rebuilds it from the records', async () => {
      const a = await remember('Payments are queued on Tuesdays and Fridays.');
      await remember('The bank executes queued payments the next business day.');
      await drainIndex(operator.memory);
      const url = new URL(chroma.url);
      const collection = await new ChromaClient({ host: url.hostname, port: Number(url.port) }).getCollection({ name: operator.memory.index.collectionName });
      await collection.delete({ ids: [a.id] });
      await collection.add({ ids: ['m-orphan'], embeddings: [new Array(512).fill(0.01)] });

      const broken = await operator.memory.verify();
      assert.deepEqual(broken.missing, [a.id]);
      assert.deepEqual(broken.orphans, ['m-orphan']);

      const progress: number[] = [];
      assert.equal(await operator.memory.reindex((done) => progress.push(done)), 2);
      assert.deepEqual(progress, [2]);
      const fixed = await waitForIndexInStep(operator.memory);
      assert.equal(fixed.indexed, 2);
      assert.equal((await operator.memory.recall('are payments queued on Fridays?')).citations[0]!.recordId, a.id);
    });

    test('records indexed by an earlier embedder are indexed into the current collection when the indexer starts', async () => {
      const { id } = await remember("Kessler's day rate is 950 EUR since March.");
      await drainIndex(operator.memory);
      // As after an upgrade: the record was embedded by version 1, whose vectors live in another collection.
      await operator.store.transaction((runner) => runner.execute(sql`UPDATE "MemoryRecord" SET "embeddingVersion" = '1'`));
      await operator.memory.index.delete([id]);
      assert.deepEqual((await operator.memory.verify()).missing, [id]);

      const indexer = operator.memory.startIndexer({ idleMs: 50 });
      try {
        await waitForIndexInStep(operator.memory);
      } finally {
        await indexer.stop();
      }
      const [row] = await operator.store.transaction((runner) => runner.query(sql`SELECT "embeddingVersion" FROM "MemoryRecord" WHERE "id" = ${id}`));
      assert.equal(row!.embeddingVersion, operator.memory.embedder.version);
      assert.equal((await operator.memory.recall('what is the day rate we agreed with Kessler?')).citations[0]!.recordId, id);
    });

    test('every recall is recorded with what it cited and whether it was degraded', async () => {
      const { id } = await remember('Northwind pays within 14 days.');
      await drainIndex(operator.memory);
      await operator.memory.recall('when does Northwind pay', { k: 1, workflow: 'invoicing' });
      await operator.memory.flush();
      const [event] = await operator.store.transaction((runner) => runner.query(sql`SELECT * FROM "RecallEvent"`));
      assert.equal(event!.query, 'when does Northwind pay');
      assert.equal(event!.workflow, 'invoicing');
      assert.deepEqual(JSON.parse(event!.citedIds as string), [id]);
      assert.equal(event!.degraded, false, 'not degraded: Chroma answered');
    });
  });
}
