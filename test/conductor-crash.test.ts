// Durability under SIGKILL: a worker process is killed again and again, by the test at random
// moments and by itself right after an action's effect (before its checkpoint), and restarted
// under the same WORKER_ID so it takes its leases back at once. Every plan must still complete
// with each action applied exactly once.
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

const PLANS = 400;
const MIN_KILLS = 10;
/** Probability of a self-kill after each effect on crash rounds (the test kills the worker after 2 s if it has not). */
const CRASH_AFTER_EFFECT = 0.05;
const TIME_LIMIT_MS = 120_000;

const sleep = (ms: number) => new Promise<'timer'>((resolve) => setTimeout(() => resolve('timer'), ms));

for (const provider of providers()) {
  describe(`worker crashes (${provider})`, () => {
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

    const statusCounts = async () => {
      const counts: Record<string, number> = {};
      for (const plan of await operator.conductor.list({ limit: PLANS + 1 })) counts[plan.status] = (counts[plan.status] ?? 0) + 1;
      return counts;
    };

    test(`every plan completes and every action is applied exactly once despite SIGKILLs (${provider})`, { timeout: TIME_LIMIT_MS + 30_000 }, async (t) => {
      const planIds: string[] = [];
      for (let n = 0; n < PLANS; n++) {
        planIds.push((await operator.conductor.start('fixture-ledger', { n }, { requestedBy: 'crash-test' })).plan.id);
      }
      const env = { DATABASE_URL: database.url, DATA_DIR: path.join(database.dir, 'data'), WORKER_ID: 'crash-worker' };
      const deadline = Date.now() + TIME_LIMIT_MS;
      let parentKills = 0;
      let selfKills = 0;

      // Kill rounds: alternately the test kills the worker 0-250 ms after it starts its first
      // step, or the worker kills itself after an effect (with a kill by the test after 2 s
      // in case it never does). Timed from the first step, not from the start of the process,
      // kills land in the middle of work however loaded the machine is. Then one clean round
      // runs every plan to completion.
      for (let round = 0; ; round++) {
        const remaining = PLANS - ((await statusCounts()).completed ?? 0);
        const final = parentKills + selfKills >= MIN_KILLS || remaining === 0;
        const crashing = !final && round % 2 === 1;
        const worker = spawnWorker({ ...env, ...(crashing ? { CRASH_AFTER_EFFECT: String(CRASH_AFTER_EFFECT) } : {}) });
        live.add(worker.child);
        await worker.ready;

        if (final) {
          for (;;) {
            const counts = await statusCounts();
            if (counts.completed === PLANS) break;
            assert.ok(Date.now() < deadline, `plans not all completed after ${TIME_LIMIT_MS} ms: ${JSON.stringify(counts)}; worker stderr: ${worker.stderr()}`);
            await sleep(100);
          }
          worker.child.kill('SIGTERM');
          assert.equal(await worker.exited, 'exit code 0', `the last worker did not stop cleanly: ${worker.stderr()}`);
          live.delete(worker.child);
          t.diagnostic(`${round} kill rounds: ${parentKills} kills by the test, ${selfKills} self-kills after an effect; ${remaining} plans were left for the clean round`);
          break;
        }

        await worker.working;
        const outcome = await Promise.race([worker.exited, sleep(crashing ? 2000 : Math.random() * 250)]);
        if (outcome === 'timer') {
          worker.child.kill('SIGKILL');
          parentKills++;
          await worker.exited;
        } else {
          assert.ok(crashing && outcome === 'SIGKILL', `worker died on its own (${outcome}): ${worker.stderr()}`);
          selfKills++;
        }
        live.delete(worker.child);
        assert.ok(Date.now() < deadline, `still killing workers after ${TIME_LIMIT_MS} ms: ${JSON.stringify(await statusCounts())}`);
      }

      assert.ok(parentKills + selfKills >= MIN_KILLS, `every plan completed after only ${parentKills + selfKills} kills; the test proved too little`);
      assert.ok(selfKills > 0, 'no worker ever died between an effect and its checkpoint');

      const expectedKeys: string[] = [];
      const reruns: string[] = [];
      for (const planId of planIds) {
        const { plan, steps } = await operator.conductor.show(planId);
        assert.equal(plan.status, 'completed');
        assert.deepEqual(steps.filter((s) => s.status !== 'completed').map((s) => s.key), [], `plan ${planId} has unfinished steps`);
        const effects = await operator.conductor.effects(planId);
        assert.deepEqual(effects.map((e) => [e.stepKey, e.status]).sort(), [['record-a', 'applied'], ['record-b', 'applied']], `effects of ${planId}`);
        expectedKeys.push(...effects.map((e) => e.key));
        // performCount counts starts; alreadyWritten says the re-run found the effect done.
        for (const e of effects) if (e.performCount >= 2 && (e.result as { alreadyWritten: boolean }).alreadyWritten) reruns.push(e.key);
      }
      assert.ok(reruns.length > 0, 'no action was re-run after a crash between its effect and its checkpoint');
      t.diagnostic(`${reruns.length} actions were performed again after a crash and found their effect already done`);

      // One document per action. A kill inside file-drop may leave its write-aside *.tmp file,
      // which is not a document, so only the *.json files count.
      const ledger = path.join(database.dir, 'data', 'ledger');
      const files = fs.readdirSync(ledger);
      const documents = files.filter((file) => file.endsWith('.json'));
      t.diagnostic(`${files.length - documents.length} write-aside files were left behind by kills`);
      const keys = documents.map((file) => (JSON.parse(fs.readFileSync(path.join(ledger, file), 'utf8')) as { idempotencyKey: string }).idempotencyKey);
      assert.equal(documents.length, 2 * PLANS);
      assert.deepEqual(keys.sort(), expectedKeys.sort());
    });
  });
}
