// Leases: one worker at a time per plan, fenced checkpoints, and fast recovery after restarts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Operator } from '../src/operator.ts';
import { claimRunnablePlans, commitPlanChange } from '../src/store/plans.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { ledgerWorkflow } from './fixtures/workflows.ts';
import { extraWorker, testOperator, waitForStatus } from './support/operator.ts';
import { pollUntil, within } from './support/poll.ts';

const HOUR = 3_600_000;

for (const provider of providers()) {
  describe(`leases (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database, [ledgerWorkflow]);
    });
    after(async () => {
      await operator.close();
      await database.drop();
    });

    test('a plan is leased to one worker at a time, and a lapsed lease can be taken over', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 1 }, { requestedBy: 'alice' });
      const [first] = await claimRunnablePlans(operator.store, { owner: 'a', leaseMs: 100, limit: 10 });
      assert.equal(first!.plan.id, plan.id);
      assert.deepEqual(await claimRunnablePlans(operator.store, { owner: 'b', leaseMs: 100, limit: 10 }), []);
      // The lease lapses by the database's clock: b's claims take it over as soon as it has.
      const second = await pollUntil(async () => (await claimRunnablePlans(operator.store, { owner: 'b', leaseMs: 60_000, limit: 10 }))[0], 5000, () => 'the lapsed lease was never taken over');
      assert.equal(second.plan.id, plan.id);
    });

    test('a worker that lost its lease cannot checkpoint over the new owner', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 2 }, { requestedBy: 'alice' });
      const [stale] = await claimRunnablePlans(operator.store, { owner: 'a', leaseMs: 50, limit: 1 });
      const fresh = await pollUntil(async () => (await claimRunnablePlans(operator.store, { owner: 'b', leaseMs: 60_000, limit: 1 }))[0], 5000, () => 'the lapsed lease was never taken over');
      assert.equal(fresh.plan.id, plan.id);
      const write = (leaseToken: string) =>
        operator.store.transaction((runner) => commitPlanChange(runner, plan.id, { leaseToken }, { plan: { status: 'completed' } }));
      assert.equal(await write(stale!.leaseToken), false);
      assert.equal((await operator.conductor.show(plan.id)).plan.status, 'running');
      assert.equal(await write(fresh.leaseToken), true);
    });

    test('a restarted worker resumes its own leased plans at once; others wait for the lease to lapse', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 3 }, { requestedBy: 'alice' });
      // The previous incarnation of "restarted" died holding a long lease.
      await claimRunnablePlans(operator.store, { owner: 'restarted', leaseMs: 60_000, limit: 1 });
      const stranger = extraWorker(operator, database, 'stranger');
      await stranger.start();
      await within(stranger.claimRounds.finishedSince(), 5000, () => 'the stranger never looked for runnable plans');
      const leased = await operator.store.prisma((db) => db.plan.findUniqueOrThrow({ where: { id: plan.id } }));
      assert.equal(leased.leaseOwner, 'restarted', 'the stranger did not take the live lease');
      assert.equal((await operator.conductor.show(plan.id)).steps.filter((s) => s.status === 'completed').length, 0);

      const restarted = extraWorker(operator, database, 'restarted');
      const began = Date.now();
      await restarted.start();
      await waitForStatus(operator, plan.id, ['completed'], 5_000);
      assert.ok(Date.now() - began < 2_000, `resumed in ${Date.now() - began} ms`);
      await Promise.all([stranger.stop(), restarted.stop()]);
    });

    // Leases are written and compared with the database's clock, so a replica whose clock is
    // wrong neither takes a lease that is still held nor hands out one that has already lapsed.
    test('a replica whose clock runs an hour ahead does not take a lease another replica still holds', async (t) => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 5 }, { requestedBy: 'alice' });
      const [held] = await claimRunnablePlans(operator.store, { owner: 'on-time', leaseMs: 60_000, limit: 10 });
      assert.equal(held!.plan.id, plan.id);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + HOUR });
      const taken = await claimRunnablePlans(operator.store, { owner: 'clock-ahead', leaseMs: 60_000, limit: 10 });
      assert.ok(!taken.some((claim) => claim.plan.id === plan.id), 'the replica with the fast clock took a live lease');
    });

    test('a lease taken by a replica whose clock runs an hour behind is not lapsed for the others', async (t) => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 6 }, { requestedBy: 'alice' });
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() - HOUR });
      const [held] = await claimRunnablePlans(operator.store, { owner: 'clock-behind', leaseMs: 60_000, limit: 10 });
      t.mock.timers.reset();
      assert.equal(held!.plan.id, plan.id);
      const taken = await claimRunnablePlans(operator.store, { owner: 'on-time', leaseMs: 60_000, limit: 10 });
      assert.ok(!taken.some((claim) => claim.plan.id === plan.id), 'the lease written by the slow clock had already lapsed');
    });

    test('cancelling a plan a worker is running revokes its lease', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 4 }, { requestedBy: 'alice' });
      const [lease] = await claimRunnablePlans(operator.store, { owner: 'busy', leaseMs: 60_000, limit: 1 });
      await operator.conductor.cancel(plan.id, 'alice', 'changed my mind');
      const write = operator.store.transaction((runner) =>
        commitPlanChange(runner, plan.id, { leaseToken: lease!.leaseToken }, { plan: { status: 'completed' } }),
      );
      assert.equal(await write, false);
      assert.equal((await operator.conductor.show(plan.id)).plan.status, 'cancelled');
    });
  });
}
