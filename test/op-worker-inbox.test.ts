// Scale-out: the interface side only writes the inbox and acknowledges; an `op worker` process
// (bin/op.js, its own process) takes the entry, runs it and answers the platform. Here the entry
// is written by this test's process, as the service's front door would write it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inboxDraft } from '../src/bot/inbox-event.ts';
import { recordInbound } from '../src/store/inbox.ts';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { exited, freePort, opBinary } from './support/processes.ts';

const OPERATOR = 'UWORKER';

for (const provider of providers()) {
  describe(`op worker takes inbox entries (${provider})`, () => {
    let fake: FakeSlack;
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      fake = await startFakeSlack();
      database = await createTestDatabase(provider);
      store = await openStore(database.url);
    });
    after(async () => {
      await store.close();
      await fake.close();
      await database.drop();
    });

    test('a command written to the inbox by another process is run and answered by an op worker process', { timeout: 180_000 }, async () => {
      const draft = inboxDraft('slack:command:op-worker-1', {
        event: { kind: 'command', actor: { platform: 'slack', userId: OPERATOR }, text: 'start supplier-payment Pay Acme Ltd 1250 EUR for invoice WORKER-1', channel: 'C1' },
        answerTo: { responseUrl: fake.responseUrl('worker-1') },
      });
      assert.equal((await recordInbound(store, draft)).fresh, true);

      let log = '';
      const worker = spawn(process.execPath, [opBinary, 'worker'], {
        cwd: projectRoot,
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          DATA_DIR: path.join(database.dir, 'data'),
          LOG_LEVEL: 'warn',
          WORKER_ID: 'op-worker-test',
          SLACK_BOT_TOKEN: 'xoxb-worker',
          SLACK_SIGNING_SECRET: 'worker-signing-secret',
          SLACK_API_URL: fake.apiUrl,
          OPERATOR_SLACK_USER_IDS: OPERATOR,
          CHROMA_URL: `http://127.0.0.1:${await freePort()}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      worker.stdout!.on('data', (chunk: Buffer) => (log += chunk));
      worker.stderr!.on('data', (chunk: Buffer) => (log += chunk));
      const gone = exited(worker).then((code) => Promise.reject(new Error(`op worker exited (${code}) before it answered: ${log.slice(-3000)}`)));
      try {
        const answered = await Promise.race([
          fake.waitFor((calls) => calls.find((call) => call.method === 'response_url' && call.name === 'worker-1'), 150_000),
          gone,
        ]).catch((error: unknown) => Promise.reject(new Error(`${(error as Error).message}\nop worker said: ${log.slice(-3000)}`)));
        const planId = /plan (p[a-z0-9]+)/.exec(String(answered.body.text))?.[1];
        assert.ok(planId, `the answer names the plan: ${String(answered.body.text)}`);
        const entry = await store.prisma((db) => db.inboxEntry.findUniqueOrThrow({ where: { id: draft.id } }));
        assert.ok(entry.answeredAt, 'the entry is answered');
        assert.match(entry.answer ?? '', new RegExp(planId));
        const plans = await store.prisma((db) => db.plan.findMany({ where: { input: { contains: 'WORKER-1' } }, select: { id: true, requestedBy: true } }));
        assert.deepEqual(plans, [{ id: planId, requestedBy: `slack:${OPERATOR}` }]);
      } catch (error) {
        worker.kill('SIGKILL');
        await exited(worker);
        throw error;
      }
      gone.catch(() => undefined);
      worker.kill('SIGTERM');
      assert.equal(await exited(worker), 0, `op worker stops cleanly on SIGTERM: ${log.slice(-2000)}`);
    });
  });
}
