// Invoice numbers never skip or repeat: not when claims race (two stores, as two replicas), and
// not when the worker running the invoicing workflow is SIGKILLed again and again, by the test
// at random moments and by itself right after an effect, and restarted.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowRegistry } from '../src/conductor/registry.ts';
import { createOperator, type Operator } from '../src/operator.ts';
import { claimSequenceNumber, listSequenceNumbers } from '../src/store/sequences.ts';
import { openStore } from '../src/store/store.ts';
import invoicing from '../workflows/invoicing.ts';
import { spawnInvoiceWorker } from './fixtures/invoice-worker-process.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { silentLogger, testConfig } from './support/operator.ts';

const PLANS = 40;
const MIN_KILLS = 8;
const CRASH_AFTER_EFFECT = 0.1;
const TIME_LIMIT_MS = 150_000;
const sleep = (ms: number) => new Promise<'timer'>((resolve) => setTimeout(() => resolve('timer'), ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

for (const provider of providers()) {
  describe(`invoice numbers (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    const live = new Set<ChildProcess>();

    before(async () => {
      database = await createTestDatabase(provider);
      // Used to start plans and read them: its in-process worker is never started.
      operator = await createOperator(testConfig(database), silentLogger(), new WorkflowRegistry([invoicing]));
    });
    after(async () => {
      for (const child of live) child.kill('SIGKILL');
      await operator?.close();
      await database?.drop();
    });

    test(`racing claims from two stores get 1..N, each once, and a repeated key gets its number back (${provider})`, async () => {
      const other = await openStore(database.url);
      try {
        const keys = range(60).map((n) => `race-${n}`);
        const claims = await Promise.all(keys.map((key, i) => claimSequenceNumber(i % 2 ? other : operator.store, 'race', key)));
        assert.deepEqual([...claims].sort((a, b) => a - b), range(60));
        const again = await Promise.all(keys.map((key, i) => claimSequenceNumber(i % 2 ? operator.store : other, 'race', key)));
        assert.deepEqual(again, claims, 'a retry with the same key gets the same number');
        await assert.rejects(claimSequenceNumber(operator.store, 'invoice', 'race-1'), /already holds a number of series "race"/);
      } finally {
        await other.close();
      }
    });

    test(`every invoice gets the next number exactly once despite SIGKILLs (${provider})`, { timeout: TIME_LIMIT_MS + 30_000 }, async (t) => {
      const planIds: string[] = [];
      for (let n = 1; n <= PLANS; n++) {
        const input = {
          request: `invoice Customer ${n} for ${n} days of consulting at 100/day`,
          customer: { address: `${n} Main Street, Springfield`, vatId: 'none', currency: 'EUR', email: `billing${n}@customer.example` },
          approvalAbove: 1_000_000,
        };
        planIds.push((await operator.conductor.start('invoicing', input, { requestedBy: 'crash-test' })).plan.id);
      }
      const dataDir = path.join(database.dir, 'data');
      const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, WORKER_ID: 'invoice-crash-worker', OPENAI_API_KEY: '', WEBHOOK_URL: '', SMTP_URL: '' };
      const completed = async () => (await operator.conductor.list({ statuses: ['completed'], limit: PLANS + 1 })).length;
      /** Invoices issued again after a crash so far: the case the test is for. */
      const reissuedSoFar = async () => {
        let reissued = 0;
        for (const planId of planIds) if ((await operator.conductor.effects(planId)).some((e) => e.stepKey === 'issue-invoice' && e.performCount > 1)) reissued++;
        return reissued;
      };
      const deadline = Date.now() + TIME_LIMIT_MS;
      let kills = 0;

      // Workers are killed until the minimum is reached and a crash has hit an issued invoice
      // before its checkpoint (where the kills land is chance), or until every plan is done.
      for (let round = 0; ; round++) {
        const final = (kills >= MIN_KILLS && (await reissuedSoFar()) > 0) || (await completed()) === PLANS;
        const crashing = !final && round % 2 === 1;
        const worker = spawnInvoiceWorker({ ...env, ...(crashing ? { CRASH_AFTER_EFFECT: String(CRASH_AFTER_EFFECT) } : {}) });
        live.add(worker.child);
        await worker.ready;
        if (final) {
          while ((await completed()) < PLANS) {
            const stuck = await operator.conductor.list({ statuses: ['needs_operator', 'failed'], limit: 5 });
            assert.deepEqual(stuck.map((plan) => plan.id), [], `plans needed the operator: ${worker.stderr()}`);
            assert.ok(Date.now() < deadline, `plans not all completed after ${TIME_LIMIT_MS} ms; worker stderr: ${worker.stderr()}`);
            await sleep(100);
          }
          worker.child.kill('SIGTERM');
          assert.equal(await worker.exited, 'exit code 0', `the last worker did not stop cleanly: ${worker.stderr()}`);
          live.delete(worker.child);
          t.diagnostic(`${round} kill rounds, ${kills} kills`);
          break;
        }
        await worker.working;
        const outcome = await Promise.race([worker.exited, sleep(crashing ? 2000 : 50 + Math.random() * 300)]);
        if (outcome === 'timer') {
          worker.child.kill('SIGKILL');
          await worker.exited;
        } else {
          assert.equal(outcome, 'SIGKILL', `worker died on its own: ${worker.stderr()}`);
        }
        kills++;
        live.delete(worker.child);
        assert.ok(Date.now() < deadline, `still killing workers after ${TIME_LIMIT_MS} ms`);
      }

      // The series: 1..N, one number per plan, claimed by that plan's issue step.
      const claimed = await listSequenceNumbers(operator.store, 'invoice');
      assert.deepEqual(claimed.map((c) => c.number), range(PLANS), 'no gap and no repeat');
      assert.deepEqual(claimed.map((c) => c.idempotencyKey).sort(), planIds.map((id) => `${id}:issue-invoice`).sort());

      let reissued = 0;
      const numbers = new Map<string, number>();
      for (const planId of planIds) {
        const { plan, steps } = await operator.conductor.show(planId);
        assert.equal(plan.status, 'completed');
        const issued = steps.find((s) => s.key === 'issue-invoice')!.output as { number: number; alreadyIssued: boolean };
        numbers.set(planId, issued.number);
        const effect = (await operator.conductor.effects(planId)).find((e) => e.stepKey === 'issue-invoice')!;
        if (effect.performCount > 1) reissued++;
      }
      assert.ok(reissued > 0, 'no invoice was issued again after a crash: the test proved too little');
      t.diagnostic(`${reissued} invoices were issued again after a crash and kept their number`);

      // One record per number, each naming the plan it was issued for; one e-mail per plan.
      const records = fs.readdirSync(path.join(dataDir, 'invoices')).filter((file) => file.endsWith('.json'));
      assert.equal(records.length, PLANS);
      for (const file of records) {
        const record = JSON.parse(fs.readFileSync(path.join(dataDir, 'invoices', file), 'utf8')) as { idempotencyKey: string; number: number; voidedAt?: string };
        assert.equal(numbers.get(record.idempotencyKey.replace(/:issue-invoice$/, '')), record.number, `${file} belongs to the plan that holds its number`);
        assert.equal(record.voidedAt, undefined);
      }
      const mails = fs.readdirSync(path.join(dataDir, 'outbox')).filter((file) => file.endsWith('.eml'));
      assert.equal(mails.length, PLANS, 'one e-mail per invoice');
    });
  });
}
