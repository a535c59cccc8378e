// The lexical ranker follows the store: records read after the newest it holds are searchable at
// the next search, and a reading that committed late (older than the newest already seen, as a
// slower transaction or another process commits) is found within a second, by a look at the ids
// of the last minute's readings that fetches only the text it lacks. Words no record uses are
// matched with a typo's distance; words the records use are not. A word in very many records is
// left out of a question that has rarer words, and searched when it has none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LexicalIndex } from '../src/memory/lexical-index.ts';
import { memoryDraft } from '../src/memory/drafts.ts';
import { insertMemory } from '../src/store/memory.ts';
import { sql } from '../src/store/sql.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';

for (const provider of providers()) {
  describe(`lexical index (${provider})`, () => {
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      database = await createTestDatabase(provider);
      store = await openStore(database.url, { walCheckpointThread: false });
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    /** A record whose entities were read at the given time (what the indexer stamps). */
    const readAt = (text: string, at: Date) =>
      store.transaction(async (runner) => {
        const { id } = await insertMemory(runner, memoryDraft({ kind: 'customer_note', text, source: 'cli', createdBy: 'cli:test' }));
        await runner.execute(sql`UPDATE "MemoryRecord" SET "entitiesAt" = ${at} WHERE "id" = ${id}`);
        return id;
      });
    const found = async (index: LexicalIndex, query: string, id: string) => (await index.search(query, 10)).some((hit) => hit.id === id);

    test('a record read after the newest is found at the next search, and one that committed late within a second', async () => {
      const index = new LexicalIndex(store);
      const now = Date.now();
      const first = await readAt('Quillfeather Press prints the catalogue in March.', new Date(now));
      assert.equal(await found(index, 'quillfeather catalogue', first), true);

      const newer = await readAt('Marrowdale Farms wants the harvest dashboard.', new Date(now + 1000));
      assert.equal(await found(index, 'marrowdale harvest', newer), true, 'a newer reading is searched at once');

      const late = await readAt('Thistlewick Tools asked for a quote on the torque sensors.', new Date(now - 10_000));
      const deadline = Date.now() + 5000;
      while (!(await found(index, 'thistlewick torque', late))) {
        assert.ok(Date.now() < deadline, 'the late reading was never found');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    test('a word no record uses finds the one a letter away; a word the records use finds only itself', async () => {
      const index = new LexicalIndex(store);
      const pallets = await readAt('Brackenridge ships the pallets on Monday.', new Date());
      const wallets = await readAt('Brackenridge sells leather wallets to hotels.', new Date());
      assert.equal(await found(index, 'palets brackenridge', pallets), true, 'a typo finds the word');
      const hits = (await index.search('pallets', 10)).map((hit) => hit.id);
      assert.ok(hits.includes(pallets) && !hits.includes(wallets), 'the known word "pallets" is not matched as "wallets"');
    });

    test('a company is described by two words of what its heading says it is, or by one word only its description has that is a place or no word of the language', async () => {
      const index = new LexicalIndex(store);
      const cidery = await readAt('Saltmarsh Ciders (orchard cidery near Brindleford) signed for the shop.', new Date());
      await readAt('Copperkettle Ales (brewery in Harrowgate) wants a keg tracker.', new Date());
      await readAt('Pennyworth Bakes (bakery in Harrowgate; Owen Price runs it) asked for a quote.', new Date());
      await index.sync();
      assert.deepEqual(index.describedNames('the orchard cidery, who is our contact?'), ['Saltmarsh Ciders']);
      assert.deepEqual(index.describedNames('anything new from the brindleford lot?'), ['Saltmarsh Ciders'], 'a place only one description has');
      assert.deepEqual(index.describedNames('which invoices are due in harrowgate'), [], 'a place two descriptions have names neither');
      assert.deepEqual(index.describedNames('what is our hourly price?'), [], 'a word of the language is no description alone, however it is stemmed');
      await readAt('Pemberton Deli (sandwich bar in Leeds) wants an order form.', new Date());
      await index.sync();
      assert.deepEqual(index.describedNames('the leeds client, any news?'), ['Pemberton Deli'], 'a place of the language only one description has');
      index.remove(cidery);
      assert.deepEqual(index.describedNames('the orchard cidery'), [], 'a forgotten record describes nothing');
    });

    test('a word in over a thousand records is left out of a question with rarer words, and searched when there are none', async () => {
      const index = new LexicalIndex(store);
      const readNow = new Date();
      const common = await store.transaction(async (runner) => {
        const ids: string[] = [];
        for (let i = 0; i < 1001; i++) {
          const { id } = await insertMemory(runner, memoryDraft({ kind: 'customer_note', text: `Timesheet ${i} logged for the retainer.`, source: 'cli', createdBy: 'cli:test' }));
          ids.push(id);
        }
        await runner.execute(sql`UPDATE "MemoryRecord" SET "entitiesAt" = ${readNow} WHERE "entitiesAt" IS NULL`);
        return ids;
      });
      const rare = await readAt('Quayside Kayaks sent the timesheet for the estuary tours.', new Date());
      const hits = (await index.search('quayside estuary timesheet', 50)).map((hit) => hit.id);
      assert.deepEqual(hits, [rare], 'only the record with the rare words: the thousand timesheets are not walked');
      const commonHits = (await index.search('timesheet', 50)).map((hit) => hit.id);
      assert.equal(commonHits.length, 50, 'a question of only common words still searches them');
      assert.ok(commonHits.every((id) => common.includes(id) || id === rare));
    });
  });
}
