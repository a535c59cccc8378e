// Leases: one worker at a time per plan, fenced checkpoints, and fast recovery after restarts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Operator } from '../src/operator.ts';
import { claimRunnablePlans, commitPlanChange } from '../src/store/plans.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { ledgerWorkflow } from './fixtures/workflows.ts';
import { extraWorker, testOperator, waitForStatus } from './support/operator.ts';

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
      await new Promise((resolve) => setTimeout(resolve, 150));
      const [second] = await claimRunnablePlans(operator.store, { owner: 'b', leaseMs: 60_000, limit: 10 });
      assert.equal(second!.plan.id, plan.id);
    });

    test('a worker that lost its lease cannot checkpoint over the new owner', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 2 }, { requestedBy: 'alice' });
      const [stale] = await claimRunnablePlans(operator.store, { owner: 'a', leaseMs: 50, limit: 1 });
      await new Promise((resolve) => setTimeout(resolve, 80));
      const [fresh] = await claimRunnablePlans(operator.store, { owner: 'b', leaseMs: 60_000, limit: 1 });
      assert.equal(fresh!.plan.id, plan.id);
      const write = (leaseToken: string) =>
        operator.store.transaction((runner) => commitPlanChange(runner, plan.id, { leaseToken }, { plan: { status: 'completed' } }));
      assert.equal(await write(stale!.leaseToken), false);
      assert.equal((await operator.conductor.show(plan.id)).plan.status, 'running');
      assert.equal(await write(fresh!.leaseToken), true);
    });

    test('a restarted worker resumes its own leased plans at once; others wait for the lease to lapse', async () => {
      const { plan } = await operator.conductor.start('fixture-ledger', { n: 3 }, { requestedBy: 'alice' });
      // The previous incarnation of "restarted" died holding a long lease.
      await claimRunnablePlans(operator.store, { owner: 'restarted', leaseMs: 60_000, limit: 1 });
      const stranger = extraWorker(operator, database, 'stranger');
      await stranger.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await operator.conductor.show(plan.id)).steps.filter((s) => s.status === 'completed').length, 0);

      const restarted = extraWorker(operator, database, 'restarted');
      const began = Date.now();
      await restarted.start();
      await waitForStatus(operator, plan.id, ['completed'], 5_000);
      assert.ok(Date.now() - began < 2_000, `resumed in ${Date.now() - began} ms`);
      await Promise.all([stranger.stop(), restarted.stop()]);
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
