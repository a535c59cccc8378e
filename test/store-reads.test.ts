import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { memoryDraft } from '../src/memory/drafts.ts';
import { insertMemory, memoryCount } from '../src/store/memory.ts';
import { openStore } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';

for (const provider of providers()) {
  describe(`store reads (${provider})`, () => {
    const databases: TestDatabase[] = [];
    after(async () => Promise.all(databases.map((database) => database.drop())));

    test('a read is answered from committed rows while a write transaction is still open, and sees it once committed', async () => {
      const database = await createTestDatabase(provider);
      databases.push(database);
      const store = await openStore(database.url);
      try {
        const draft = (text: string) => memoryDraft({ kind: 'fact', text, source: 'cli', createdBy: 'test' });
        await store.transaction((runner) => insertMemory(runner, draft('Acme pays in 30 days.')));
        let inserted!: () => void;
        const insertedOne = new Promise<void>((resolve) => (inserted = resolve));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        const writing = store.transaction(async (runner) => {
          await insertMemory(runner, draft('Acme moved to Harbour Road 4.'));
          inserted();
          await released;
        });
        await insertedOne;
        // Were the read queued behind the write, it would wait for a release that comes only after it.
        const waited = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the read waited for the open write transaction')), 10_000).unref());
        const during = await Promise.race([store.read((runner) => memoryCount(runner)), waited]).finally(release);
        await writing;
        assert.equal(during, 1, 'the uncommitted record is not read');
        assert.equal(await store.read((runner) => memoryCount(runner)), 2, 'the committed record is read');
      } finally {
        await store.close();
      }
    });
  });
}
