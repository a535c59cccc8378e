// Chroma killed (SIGKILL) mid-run and restarted on its data: recall keeps answering, degraded,
// from a keyword search of the records; memories written meanwhile are indexed once it is back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Operator } from '../src/operator.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { drainIndex, memoryOperator, testChroma, waitForIndexInStep } from './support/memory.ts';

for (const provider of providers()) {
  describe(`memory when Chroma dies (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
    });
    after(async () => {
      await database.drop();
    });

    test('recall degrades to keyword search while Chroma is down, and nothing written meanwhile is lost', async () => {
      let chroma = await testChroma(database);
      operator = await memoryOperator(database, chroma);
      const indexer = operator.memory.startIndexer({ idleMs: 50, maxBackoffMs: 200 });
      try {
        const before = await operator.memory.remember({ kind: 'fact', text: 'Acme Ltd changed their bank account in May.', source: 'cli', createdBy: 'cli:alice' });
        await drainIndex(operator.memory);
        assert.equal((await operator.memory.recall('Acme bank account')).degraded, false);

        await chroma.stop(); // SIGKILL, then wait for the pid to go

        const during = await operator.memory.recall('did Acme change its bank account?');
        assert.equal(during.degraded, true);
        assert.equal(during.citations[0]?.recordId, before.id, 'the keyword search still finds it');

        const written = await operator.memory.remember({ kind: 'decision', text: 'Approved paying Acme Ltd 1,250 EUR to the new account after a phone check.', source: 'plan', createdBy: 'plan:p1', workflow: 'supplier-payment' });
        const forgotten = await operator.memory.remember({ kind: 'fact', text: 'A note about Acme that is forgotten while Chroma is down.', source: 'cli', createdBy: 'cli:alice' });
        assert.equal(await operator.memory.forget(forgotten.id), true);
        const stillDown = await operator.memory.recall('payment to Acme approved');
        assert.equal(stillDown.degraded, true);
        assert.equal(stillDown.citations[0]?.recordId, written.id, 'records written while Chroma is down are recalled at once');

        chroma = await testChroma(database, { dataDir: chroma.dataDir, port: Number(new URL(chroma.url).port) });
        const report = await waitForIndexInStep(operator.memory);
        assert.equal(report.records, 2);
        assert.equal(report.indexed, 2, 'the indexer caught up: the new record is in, the forgotten one is not');

        const after = await operator.memory.recall('payment to Acme approved');
        assert.equal(after.degraded, false);
        assert.equal(after.citations[0]?.recordId, written.id);
      } finally {
        await indexer.stop();
        await operator.close();
        await chroma.stop();
      }
    });
  });
}
