// The top failure mode, injected end to end: the mail server, then the webhook target, goes down
// while 20 invoicing plans run. Each plan reaches the step that needs it and waits (no retries
// burnt, no hand-backs); one alert is raised; when it is back a probe closes the breaker, every
// plan resumes by itself and completes, each delivery is made once, and the alert resolves.
// OP_TEST_OUTAGE_MS sets how long the server stays down (default 10 s). The same for the model
// endpoint, whose steps fall back instead of waiting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { DependencyUnavailable, type DependencyName } from '../src/core/dependencies.ts';
import { createModelPort } from '../src/llm/model-port.ts';
import { createOpenAIChat } from '../src/llm/openai-chat.ts';
import type { Operator } from '../src/operator.ts';
import { AlertMonitor } from '../src/ops/alerts.ts';
import { DependencyBreakers } from '../src/ops/breakers.ts';
import { dependencyProbes } from '../src/ops/probes.ts';
import type { Service } from '../src/service.ts';
import invoicing from '../workflows/invoicing.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeOpenAI, type FakeOpenAI } from './support/fake-openai.ts';
import { startFakeSmtp, type FakeSmtp } from './support/fake-smtp.ts';
import { silentLogger, testOperator, testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const PLANS = 20;
const OUTAGE_MS = Number(process.env.OP_TEST_OUTAGE_MS ?? 10_000);

/** A dependency taken down end to end: what the plans then wait at, and what reached it once it was back. */
interface Outage {
  dependency: DependencyName;
  /** The step the plans wait at. */
  step: string;
  start(): Promise<Record<string, string>>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
  /** What the dependency accepted, one id per delivery (Message-ID, Idempotency-Key). */
  accepted(): (string | undefined)[];
}

function mailServerOutage(): Outage {
  let smtp: FakeSmtp;
  return {
    dependency: 'smtp',
    step: 'send-invoice',
    start: async () => {
      smtp = await startFakeSmtp();
      return { SMTP_URL: smtp.url };
    },
    stop: () => smtp.stop(),
    restart: () => smtp.restart(),
    close: async () => smtp?.close(),
    accepted: () => smtp.messages.map((message) => /^Message-ID: (.+)$/im.exec(message.data)?.[1]),
  };
}

function webhookTargetOutage(): Outage {
  let receiver: WebhookReceiver;
  return {
    dependency: 'webhook',
    step: 'notify-webhook',
    start: async () => {
      receiver = await startWebhookReceiver();
      return { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: 'breakers-test-secret-0000' };
    },
    stop: () => receiver.stop(),
    restart: () => receiver.restart(),
    close: async () => receiver?.close(),
    // The probes' HEAD requests are no deliveries.
    accepted: () => receiver.requests.filter((request) => request.method === 'POST').map((request) => String(request.headers['idempotency-key'])),
  };
}

for (const provider of providers()) {
  for (const outage of [mailServerOutage(), webhookTargetOutage()]) {
    describe(`${outage.dependency} down while ${PLANS} invoicing plans run (${provider})`, () => {
      let database: TestDatabase;
      let service: Service;

      before(async () => {
        database = await createTestDatabase(provider);
        service = await testService(database, [invoicing], {
          ...(await outage.start()),
          INVOICE_APPROVAL_ABOVE: '1000000',
          DEPENDENCY_FAILURES_TO_OPEN: '3',
          DEPENDENCY_PROBE_MS: '1000',
          ALERT_EVALUATE_MS: '500',
        });
      });
      after(async () => {
        await service?.stop();
        await outage.close();
        await database?.drop();
      });

      test('plans wait instead of failing, one alert is raised and resolved, every plan completes with its delivery made once', async (t) => {
        const { conductor, store } = service.operator;
        const count = (status: string) => store.prisma((db) => db.plan.count({ where: { status } }));
        const handBacks = () => store.prisma((db) => db.notice.count({ where: { kind: 'needs_operator' } }));

        await outage.stop();
        const downAt = Date.now();
        for (let n = 1; n <= PLANS; n++) {
          await conductor.start(
            'invoicing',
            {
              request: `invoice ACME for ${n} days of consulting at 800/day`,
              customer: { address: 'Hauptstr. 1, 10115 Berlin, Germany', vatId: 'DE123456789', currency: 'EUR', email: 'billing@acme.example' },
            },
            { requestedBy: 'cli:test' },
          );
        }

        await pollUntil(async () => (await count('waiting_dependency')) === PLANS, 60_000, () => `not every plan waits for ${outage.dependency}`);
        const alert = await pollUntil(
          () => store.prisma((db) => db.alert.findFirst({ where: { name: 'dependency_down', subject: outage.dependency, status: 'firing' } })),
          10_000,
          () => `no dependency_down alert for ${outage.dependency}`,
        );
        assert.equal(alert.severity, 'critical', 'plans wait: work has stopped');
        assert.match(alert.text, /Next step/);
        const steps = await store.prisma((db) => db.step.findMany({ where: { key: outage.step } }));
        assert.ok(steps.every((step) => step.status === 'pending'), `every ${outage.step} step waits to run again`);
        // Only the failures before the breaker opened count as attempts; waiting burns none.
        assert.ok(steps.reduce((sum, step) => sum + step.attempts, 0) < 3, `attempts burnt: ${steps.map((step) => step.attempts).join(',')}`);

        // The outage lasts OUTAGE_MS whatever the plans do: it is the fault injected, not a wait.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + OUTAGE_MS - Date.now())));
        assert.equal(await handBacks(), 0, 'no plan was handed back during the outage');
        await outage.restart();
        const upAt = Date.now();

        await pollUntil(async () => (await count('completed')) === PLANS, 60_000, () => `not every plan completed after ${outage.dependency} came back`);
        const allDoneAt = Date.now();
        const resumed = await store.prisma((db) => db.auditEntry.findMany({ where: { action: 'plan.resumed' }, orderBy: { at: 'asc' } }));
        assert.ok(resumed.length >= PLANS, 'every plan was resumed by the dependency coming back, not by a person');

        await pollUntil(
          () => store.prisma((db) => db.alert.findFirst({ where: { id: alert.id, status: 'resolved' } })),
          10_000,
          () => 'the alert did not resolve',
        );
        // The local Chroma server on a loaded test machine may time recalls out, which raises its own,
        // true chroma_unreachable alert: it is about the test machine, not about the outage.
        const raised = await store.prisma((db) => db.alert.findMany({ where: { name: { not: 'chroma_unreachable' } }, orderBy: { firedAt: 'asc' } }));
        assert.deepEqual(raised.map((a) => `${a.name}:${a.subject}:${a.status}`), [`dependency_down:${outage.dependency}:resolved`], 'one alert for one outage');
        const announcements = (await store.prisma((db) => db.notice.findMany({ where: { kind: 'alert' }, orderBy: { id: 'asc' } }))).filter(
          (notice) => (JSON.parse(notice.payload) as { alertId: string }).alertId === alert.id,
        );
        assert.deepEqual(
          announcements.map((notice) => (JSON.parse(notice.payload) as { change: string }).change),
          ['raised', 'resolved'],
          'raised once and resolved once in the workspace channel',
        );
        assert.equal(await handBacks(), 0, 'no individual hand-backs');

        const accepted = outage.accepted();
        assert.equal(accepted.length, PLANS, 'one delivery per plan');
        assert.equal(new Set(accepted).size, PLANS, 'nothing delivered twice');

        const firstResumeMs = resumed[0]!.at.getTime() - upAt;
        t.diagnostic(`${outage.dependency}: outage ${OUTAGE_MS} ms; recovery to first resume ${firstResumeMs} ms; recovery to all ${PLANS} completed ${allDoneAt - upAt} ms; alerts raised 1`);
      });
    });
  }
}

// The model endpoint down: model-backed steps do not wait (each has a fallback), so the breaker's
// job is to stop calling a dead endpoint and to raise one alert; a probe closes it again.
for (const provider of providers()) {
  describe(`the model endpoint down (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    let openai: FakeOpenAI;

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database);
      openai = await startFakeOpenAI();
      openai.respond('read-total', { total: 42 });
    });
    after(async () => {
      await operator?.close();
      await openai?.close();
      await database?.drop();
    });

    test('calls fall back at once while the breaker is open, one alert is raised, and a probe closes it when the endpoint is back', async (t) => {
      const { store } = operator;
      const settings = { OPENAI_API_KEY: 'sk-test-breakers-000000', OPENAI_BASE_URL: openai.baseUrl, OPENAI_MODEL: 'gpt-4o-mini' };
      const breakers = new DependencyBreakers({ store, logger: silentLogger(), probes: dependencyProbes(settings), failuresToOpen: 3, probeMs: 300, replica: 'test', onResumed: () => undefined });
      const model = createModelPort({ store, logger: silentLogger(), chat: createOpenAIChat(settings), dependencies: breakers });
      const alerts = new AlertMonitor({ store, logger: silentLogger(), targets: [], limits: { outboxBehindSeconds: 60, operatorWaitHours: 24, diskFreePercent: 0 }, dataDir: database.dir, intervalMs: 60_000 });
      // Each ask is another plan's step: a re-run of one step would get its kept answer back without a call.
      let plans = 0;
      const ask = () =>
        model.structured(
          { task: 'read-total', schema: z.object({ total: z.number() }), system: 'Read the total.', prompt: 'Total: 42 EUR', fallback: () => ({ total: 0 }) },
          { planId: `p-breakers-${++plans}`, workflow: 'test', stepKey: 'read' },
        );

      assert.equal((await ask()).path, 'model');
      await openai.stop();
      for (let n = 0; n < 5; n++) assert.equal((await ask()).path, 'fallback', 'a model-backed step never waits: it takes its fallback');
      assert.deepEqual(breakers.states(), { model: 'open' });
      const calls = await store.prisma((db) => db.modelCall.findMany({ where: { path: 'fallback' }, orderBy: { at: 'asc' } }));
      assert.match(calls.at(-1)!.error ?? '', /model is unavailable/, 'once open, the endpoint is not called at all');

      assert.deepEqual((await alerts.evaluate()).raised, ['dependency_down:model']);
      const [alert] = await store.prisma((db) => db.alert.findMany());
      assert.equal(alert!.severity, 'warning', 'no plan waits for the model');
      assert.match(alert!.text, /model endpoint \(OPENAI_BASE_URL\).*fallbacks meanwhile/);

      await breakers.watchRound();
      assert.equal((await store.prisma((db) => db.dependency.findUnique({ where: { name: 'model' } })))?.status, 'down', 'the probe still finds it down');
      await openai.restart();
      const upAt = Date.now();
      await pollUntil(
        async () => {
          await breakers.watchRound();
          return (await store.prisma((db) => db.dependency.findUnique({ where: { name: 'model' } })))?.status === 'up';
        },
        10_000,
        () => 'no probe found the endpoint back',
      );
      const closedAfterMs = Date.now() - upAt;
      assert.equal((await ask()).path, 'model', 'calls go to the model again');
      assert.deepEqual((await alerts.evaluate()).resolved, ['dependency_down:model']);
      assert.equal(await store.prisma((db) => db.alert.count()), 1);
      t.diagnostic(`model endpoint back to breaker closed ${closedAfterMs} ms (probe every 300 ms); alerts raised 1`);
    });
  });
}

// Two replicas share the dependency's state through the store: the one whose breaker opened
// marks it down; another replica's probe can find it back, and then the first one's breaker,
// still open, trusts the store instead of failing calls until its own half-open trial.
for (const provider of providers()) {
  describe(`a dependency's state across replicas (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    let smtp: FakeSmtp;

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database);
      smtp = await startFakeSmtp();
    });
    after(async () => {
      await operator?.close();
      await smtp?.close();
      await database?.drop();
    });

    test("one replica's open breaker marks the mail server down for all; another's probe brings it back for all", async () => {
      const { store } = operator;
      const replica = (name: string) =>
        // halfOpenAfter of a minute: only the store can close replica a's breaker within this test.
        new DependencyBreakers({ store, logger: silentLogger(), probes: dependencyProbes({ SMTP_URL: smtp.url }), failuresToOpen: 2, probeMs: 60_000, replica: name, onResumed: () => undefined });
      const [a, b] = [replica('a'), replica('b')];
      const send = () => nodemailer.createTransport(smtp.url).sendMail({ from: 'op@example.com', to: 'ap@example.com', subject: 'Invoice', text: 'attached' });
      const status = async () => (await store.prisma((db) => db.dependency.findUnique({ where: { name: 'smtp' } })))?.status;

      await smtp.stop();
      await assert.rejects(a.call('smtp', send), /ECONNREFUSED/);
      await assert.rejects(a.call('smtp', send), DependencyUnavailable, 'the failure that opens the breaker already makes the plan wait');
      await assert.rejects(a.call('smtp', send), /smtp is unavailable/);
      await pollUntil(async () => (await status()) === 'down', 5_000, () => 'replica a did not mark the mail server down');

      await smtp.restart();
      await store.prisma((db) => db.dependency.update({ where: { name: 'smtp' }, data: { probeAfter: new Date(0) } }));
      await b.watchRound();
      assert.equal(await status(), 'up', "replica b's probe found the mail server back");
      assert.deepEqual(a.states(), { smtp: 'open' }, 'replica a has not tried since');
      await a.watchRound();
      await a.call('smtp', send);
      assert.equal(smtp.messages.length, 1, 'replica a sends again at once, trusting the store');
    });
  });
}
