// E-mail across a crash, with a real worker process SIGKILLed and the real email executor over
// SMTP: what the README promises. A message whose acceptance by the server reached the effects
// ledger is never sent again; the one window left (the server took the message, the process died
// before its 250 was recorded) sends it again with the same Message-ID.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Operator } from '../src/operator.ts';
import { emailWorkflow, spawnEmailWorker } from './fixtures/email-worker-process.ts';
import type { WorkerProcess } from './fixtures/worker-process.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeSmtp, type FakeSmtp } from './support/fake-smtp.ts';
import { testOperator, waitForStatus } from './support/operator.ts';

const messageIdOf = (data: string) => /^Message-ID: (.+)$/im.exec(data)?.[1]?.trim();

for (const provider of providers()) {
  describe(`e-mail across a crash (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    let smtp: FakeSmtp;
    const live = new Set<WorkerProcess>();

    before(async () => {
      database = await createTestDatabase(provider);
      // Starts plans and reads them; its own worker never runs.
      operator = await testOperator(database, [emailWorkflow]);
    });
    after(async () => {
      for (const worker of live) worker.child.kill('SIGKILL');
      await operator?.close();
      await database?.drop();
    });

    const worker = (settings: Record<string, string> = {}) => {
      const started = spawnEmailWorker({ DATABASE_URL: database.url, DATA_DIR: path.join(database.dir, 'data'), WORKER_ID: 'mail-worker', SMTP_URL: smtp.url, ...settings });
      live.add(started);
      void started.exited.then(() => live.delete(started));
      return started;
    };
    const sendPlan = async (subject: string) => (await operator.conductor.start('fixture-email', { to: 'billing@acme.example', subject }, { requestedBy: 'crash-test' })).plan.id;

    test(`a crash after the server accepted the message and before the checkpoint: the resumed step sends nothing (${provider})`, async () => {
      smtp = await startFakeSmtp();
      try {
        const planId = await sendPlan('Invoice INV-000001');
        const crashing = worker({ CRASH_AFTER_EFFECT: '1' });
        assert.equal(await crashing.exited, 'SIGKILL', `the worker was to die right after the send: ${crashing.stderr()}`);
        assert.equal(smtp.messages.length, 1);
        const [pending] = await operator.conductor.effects(planId);
        assert.equal(pending!.status, 'started', 'the step never checkpointed');

        const resumed = worker();
        await resumed.ready;
        await waitForStatus(operator, planId, ['completed']);
        assert.equal(smtp.messages.length, 1, 'the message went out once');
        const [effect] = await operator.conductor.effects(planId);
        assert.equal(effect!.status, 'applied');
        assert.equal(effect!.performCount, 2, 'the step ran again after the crash');
        const result = effect!.result as { alreadySent: boolean; messageId: string };
        assert.equal(result.alreadySent, true, 'and found the acceptance in the ledger');
        assert.equal(result.messageId, messageIdOf(smtp.messages[0]!.data));
        resumed.child.kill('SIGTERM');
        assert.equal(await resumed.exited, 'exit code 0');
      } finally {
        await smtp.close();
      }
    });

    test(`a crash after the server took the message and before its acceptance was recorded: sent again, with the same Message-ID (${provider})`, async () => {
      smtp = await startFakeSmtp();
      try {
        const planId = await sendPlan('Invoice INV-000002');
        const victim = worker();
        // The server has stored the message; the worker dies before it reads the 250.
        smtp.beforeAccepting = async () => {
          smtp.beforeAccepting = null;
          victim.child.kill('SIGKILL');
          await victim.exited;
        };
        assert.equal(await victim.exited, 'SIGKILL');
        assert.equal(smtp.messages.length, 1);

        const resumed = worker();
        await resumed.ready;
        await waitForStatus(operator, planId, ['completed']);
        assert.equal(smtp.messages.length, 2, 'SMTP cannot be asked whether a message went out: the one window left sends it again');
        const ids = smtp.messages.map((message) => messageIdOf(message.data));
        assert.ok(ids[0], 'the message carries a Message-ID');
        assert.equal(ids[1], ids[0], 'with the same Message-ID, which mail clients show once');
        const [effect] = await operator.conductor.effects(planId);
        assert.deepEqual([effect!.status, effect!.performCount, (effect!.result as { alreadySent: boolean }).alreadySent], ['applied', 2, false]);
        resumed.child.kill('SIGTERM');
        assert.equal(await resumed.exited, 'exit code 0');
      } finally {
        await smtp.close();
      }
    });
  });
}
