// Several replicas run the digest schedule; each day and channel still gets exactly one digest,
// because the DigestRun row and the digest's notice commit together or not at all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DigestScheduler } from '../src/digest/scheduler.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { silentLogger } from './support/operator.ts';
import { pollUntil, within } from './support/poll.ts';

const TARGETS = [
  { platform: 'slack', channel: 'CDIGEST' },
  { platform: 'discord', channel: '123456' },
];

for (const provider of providers()) {
  describe(`digest on two replicas (${provider})`, () => {
    let database: TestDatabase;
    let stores: Store[];
    let replicas: DigestScheduler[];

    const digestRows = () =>
      stores[0]!.prisma(async (db) => ({
        runs: await db.digestRun.findMany({ orderBy: { channel: 'asc' } }),
        notices: await db.notice.findMany({ where: { kind: 'digest' } }),
      }));

    before(async () => {
      database = await createTestDatabase(provider);
      // Two replicas: each its own connection (pool), its own schedule.
      stores = [await openStore(database.url), await openStore(database.url)];
      replicas = stores.map((store) => new DigestScheduler({ store, cron: '* * * * * *', timeZone: 'Europe/Berlin', targets: TARGETS, logger: silentLogger() }));
    });
    after(async () => {
      for (const replica of replicas) await replica.stop();
      for (const store of stores) await store.close();
      await database.drop();
    });

    test('both fire every second for three seconds: one digest per day and channel', async () => {
      for (const replica of replicas) replica.start();
      await pollUntil(async () => (await digestRows()).runs.length === TARGETS.length, 5000, () => 'no digest was written');
      // Two more firings on each replica, after the day's digests were written.
      for (let round = 0; round < 2; round++) await within(Promise.all(replicas.map((replica) => replica.rounds.finishedSince())), 5000, () => 'a replica did not fire again');
      for (const replica of replicas) await replica.stop();

      const { runs, notices } = await digestRows();
      assert.deepEqual(runs.map((r) => r.channel), ['discord:123456', 'slack:CDIGEST']);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
      assert.ok(runs.every((r) => r.day === today), `the day is counted in DIGEST_TZ (${today})`);
      assert.equal(notices.length, TARGETS.length, 'one notice per channel');
      assert.deepEqual(
        notices.map((n) => JSON.parse(n.payload).target).sort((a, b) => a.platform.localeCompare(b.platform)),
        [TARGETS[1], TARGETS[0]],
        'each notice carries its own target',
      );
      assert.deepEqual(new Set(runs.map((r) => r.noticeId)), new Set(notices.map((n) => n.id)), 'each run names the notice it wrote');
    });

    test('replicas racing for the same day at the same instant: exactly one wins each channel', async () => {
      const day = new Date('2031-05-01T06:00:00Z');
      const results = await Promise.all(replicas.flatMap((replica) => [replica.postScheduled(day), replica.postScheduled(day), replica.postScheduled(day)]));
      const posted = results.flat().map((t) => `${t.platform}:${t.channel}`).sort();
      assert.deepEqual(posted, ['discord:123456', 'slack:CDIGEST']);
      const { runs } = await digestRows();
      assert.equal(runs.filter((r) => r.day === '2031-05-01').length, TARGETS.length);
    });
  });
}
