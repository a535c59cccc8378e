// Two worker processes share one database: leases must keep every step to a single run even
// though both claim from the same runnable plans (PostgreSQL with SKIP LOCKED, SQLite with its
// one writer at a time and the compare-and-set claim).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Operator } from '../src/operator.ts';
import { ledgerWorkflow } from './fixtures/workflows.ts';
import { spawnWorker } from './fixtures/worker-process.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { testOperator } from './support/operator.ts';

const PLANS = 500;
const TRANSFORMS = ['compute', 'between', 'finish'];
const WORKERS = ['worker-a', 'worker-b'];
const TIME_LIMIT_MS = 120_000;

for (const provider of providers()) {
  describe(`two worker processes (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    const live = new Set<ChildProcess>();

    before(async () => {
      database = await createTestDatabase(provider);
      // Used only to start plans and read them: its in-process worker is never started.
      operator = await testOperator(database, [ledgerWorkflow]);
    });
    after(async () => {
      for (const child of live) child.kill('SIGKILL');
      await operator?.close();
      await database?.drop();
    });

    test(`two workers over ${PLANS} plans: every step ran exactly once (${provider})`, { timeout: TIME_LIMIT_MS + 30_000 }, async (t) => {
      const planIds: string[] = [];
      for (let n = 0; n < PLANS; n++) {
        planIds.push((await operator.conductor.start('fixture-ledger', { n }, { requestedBy: 'workers-test' })).plan.id);
      }
      const logOf = (workerId: string) => path.join(database.dir, `${workerId}.steps`);
      const workers = WORKERS.map((workerId) =>
        spawnWorker({ DATABASE_URL: database.url, DATA_DIR: path.join(database.dir, 'data'), WORKER_ID: workerId, STEP_LOG: logOf(workerId) }),
      );
      for (const worker of workers) live.add(worker.child);
      await Promise.all(workers.map((worker) => worker.ready));

      const deadline = Date.now() + TIME_LIMIT_MS;
      for (;;) {
        const counts: Record<string, number> = {};
        for (const plan of await operator.conductor.list({ limit: PLANS + 1 })) counts[plan.status] = (counts[plan.status] ?? 0) + 1;
        if (counts.completed === PLANS) break;
        const stderr = workers.map((worker) => worker.stderr()).join('\n');
        assert.ok(Date.now() < deadline, `plans not all completed after ${TIME_LIMIT_MS} ms: ${JSON.stringify(counts)}; workers' stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await Promise.all(
        workers.map(async ({ child, exited, stderr }) => {
          child.kill('SIGTERM');
          assert.equal(await exited, 'exit code 0', `a worker did not stop cleanly: ${stderr()}`);
          live.delete(child);
        }),
      );

      // Every transform step of every plan ran exactly once, in one worker or the other.
      const runs = WORKERS.flatMap((workerId) => fs.readFileSync(logOf(workerId), 'utf8').trim().split('\n'));
      const expected = planIds.flatMap((planId) => TRANSFORMS.map((key) => `${planId} ${key}`));
      const seen = new Map<string, number>();
      for (const line of runs) {
        const step = line.split(' ').slice(0, 2).join(' ');
        seen.set(step, (seen.get(step) ?? 0) + 1);
      }
      assert.deepEqual([...seen].filter(([, count]) => count > 1), [], 'steps that ran more than once');
      assert.deepEqual([...seen.keys()].sort(), expected.sort());
      assert.equal(runs.length, TRANSFORMS.length * PLANS);

      const plansPerWorker = WORKERS.map((workerId) => new Set(runs.filter((line) => line.endsWith(` ${workerId}`)).map((line) => line.split(' ')[0])).size);
      // Errors the workers logged and recovered from (e.g. a plan left until its lease lapsed)
      // do not break the guarantees above, but they should show.
      const errors = workers.map(({ stderr }) => stderr().split('\n').filter((line) => line.includes('"level":50')).length);
      t.diagnostic(`plans touched per worker: ${WORKERS.map((id, i) => `${id} ${plansPerWorker[i]}`).join(', ')}; errors logged: ${errors.join(', ')}`);
      for (const [i, count] of plansPerWorker.entries()) {
        assert.ok(count > PLANS / 10, `${WORKERS[i]} advanced only ${count} of ${PLANS} plans`);
      }

      for (const planId of planIds) {
        const effects = await operator.conductor.effects(planId);
        assert.deepEqual(effects.map((e) => [e.stepKey, e.status, e.performCount]).sort(), [['record-a', 'applied', 1], ['record-b', 'applied', 1]], `effects of ${planId}`);
      }
      const documents = fs.readdirSync(path.join(database.dir, 'data', 'ledger')).filter((file) => file.endsWith('.json'));
      assert.equal(documents.length, 2 * PLANS);
    });
  });
}
