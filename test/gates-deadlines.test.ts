// Gate deadlines: an approval or question with a deadline fires its outcome (approve by rule,
// deny, hand back, escalate) once, by the database's clock, across restarts and replicas; an
// escalation walks thread reminder, direct message and e-mail, and Snooze postpones it. Time is
// controlled by moving due times into the past (the database's clock), never by sleeping.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Conductor } from '../src/conductor/conductor.ts';
import { DeadlineJob } from '../src/conductor/deadlines.ts';
import type { Operator } from '../src/operator.ts';
import { databaseNow, sql } from '../src/store/sql.ts';
import { openStore, type Store } from '../src/store/store.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { deadlineWorkflow, questionDeadlineWorkflow } from './fixtures/gates.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { deny, type ChatDriver } from './support/drivers/chat-driver.ts';
import { discordDriver } from './support/drivers/discord-driver.ts';
import { slackDriver } from './support/drivers/slack-driver.ts';
import { silentLogger, testOperator, waitForStatus } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';

const workflows = [deadlineWorkflow, questionDeadlineWorkflow, supplierPayment];
const escalation = { chain: ['thread', 'direct', 'email'] as const, intervalMs: 60 * 60_000, workspaceUrl: 'http://localhost:3000/' };

/** Every open timer (of planId, if given) falls due now, as if its hour had passed. */
const passTime = (store: Store, planId?: string) =>
  store.transaction((runner) =>
    runner.execute(sql`UPDATE "GateTimer" SET "dueAt" = ${databaseNow(-1000)} WHERE "doneAt" IS NULL ${planId ? sql`AND "planId" = ${planId}` : sql``}`),
  );
const deadlineJob = (store: Store, conductor: Conductor) => new DeadlineJob({ store, conductor, escalation, logger: silentLogger(), pollMs: 20 });
const actionsOf = async (operator: Operator, planId: string) => (await operator.conductor.audit(planId)).map((entry) => `${entry.actor} ${entry.action}`);
const startPlan = async (operator: Operator, workflow: string, input: Record<string, unknown>) =>
  (await operator.conductor.start(workflow, input, { requestedBy: 'cli:test' })).plan.id;

for (const provider of providers()) {
  describe(`gate deadlines (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database, workflows);
      await operator.worker.start();
    });
    after(async () => {
      await operator?.close();
      await database?.drop();
    });

    test('a deadline that passes while the service is down fires once after the restart', async () => {
      const planId = await startPlan(operator, 'fixture-deadline', { amount: 120, then: 'deny', approveBelow: 500 });
      await waitForStatus(operator, planId, ['waiting_approval']);
      const timers = await operator.store.prisma((db) => db.gateTimer.findMany({ where: { planId } }));
      assert.equal(timers.length, 1);
      assert.equal(timers[0]!.outcome, 'approve', 'the rule held when the wait began');
      assert.ok(timers[0]!.dueAt.getTime() > Date.now() + 55 * 60_000, 'due an hour after the wait began');

      await operator.close();
      const down = await openStore(database.url);
      await passTime(down); // the hour passes while nothing runs
      await down.close();

      operator = await testOperator(database, workflows);
      await operator.worker.start();
      const job = deadlineJob(operator.store, operator.conductor);
      job.start();
      try {
        await waitForStatus(operator, planId, ['completed']);
      } finally {
        await job.stop();
      }
      assert.equal(await job.fireDue(), 0, 'nothing left to fire');
      const granted = (await operator.conductor.audit(planId)).filter((entry) => entry.action === 'approval.granted');
      assert.equal(granted.length, 1);
      assert.equal(granted[0]!.actor, 'deadline');
      assert.match(granted[0]!.reason ?? '', /amount below 500: holds/);
    });

    test('each outcome when nobody decides: deny cancels, a failed approve rule falls back, a question takes the workflow default, hand-back asks again on retry', async () => {
      const denied = await startPlan(operator, 'fixture-deadline', { amount: 900, then: 'deny' });
      const ruleFails = await startPlan(operator, 'fixture-deadline', { amount: 900, then: 'deny', approveBelow: 500 });
      const question = await startPlan(operator, 'fixture-question-deadline', {});
      const handBack = await startPlan(operator, 'fixture-deadline', { amount: 900, then: 'hand-back' });
      for (const planId of [denied, ruleFails, handBack]) await waitForStatus(operator, planId, ['waiting_approval']);
      await waitForStatus(operator, question, ['waiting_answer']);
      await passTime(operator.store);
      assert.equal(await deadlineJob(operator.store, operator.conductor).fireDue(), 4);

      assert.equal((await waitForStatus(operator, denied, ['cancelled'])).plan.status, 'cancelled');
      assert.ok((await actionsOf(operator, denied)).includes('deadline approval.denied'));
      await waitForStatus(operator, ruleFails, ['cancelled']);
      assert.match((await operator.conductor.audit(ruleFails)).find((e) => e.action === 'approval.denied')!.reason ?? '', /amount below 500: does not hold/);
      await waitForStatus(operator, question, ['cancelled']);
      assert.ok((await actionsOf(operator, question)).includes('deadline question.expired'));

      const handed = await waitForStatus(operator, handBack, ['needs_operator']);
      assert.match(handed.steps.find((s) => s.key === 'approve')!.lastError ?? '', /no decision within the deadline/);
      await operator.conductor.retry(handBack, 'cli:test');
      await waitForStatus(operator, handBack, ['waiting_approval']);
      const timers = await operator.store.prisma((db) => db.gateTimer.findMany({ where: { planId: handBack }, orderBy: { createdAt: 'asc' } }));
      assert.deepEqual(timers.map((t) => t.doneAt !== null), [true, false], 'the retried gate waits under a new deadline');
    });

    test('a shipped workflow never waits for ever: a payment nobody decides escalates after a day and is never paid by the deadline', async () => {
      const planId = await startPlan(operator, 'supplier-payment', { request: 'Pay Acme Ltd 1250.00 EUR for invoice INV-42 to IBAN DE89 3704 0044 0532 0130 00' });
      await waitForStatus(operator, planId, ['waiting_approval']);
      const [timer] = await operator.store.prisma((db) => db.gateTimer.findMany({ where: { planId } }));
      assert.equal(timer?.outcome, 'escalate');
      assert.ok(timer.dueAt.getTime() > Date.now() + 23 * 60 * 60_000, 'due a day after the wait began');
      await passTime(operator.store, planId);
      assert.equal(await deadlineJob(operator.store, operator.conductor).fireDue(), 1);
      assert.deepEqual((await actionsOf(operator, planId)).filter((a) => a.startsWith('deadline ')), ['deadline escalation.thread']);
      assert.equal((await operator.conductor.show(planId)).plan.status, 'waiting_approval', 'still waits for the operator');
      assert.equal((await operator.conductor.effects(planId)).length, 0, 'nothing was paid');
    });

    test('a decision before the deadline leaves the timer nothing to do', async () => {
      const planId = await startPlan(operator, 'fixture-deadline', { amount: 900, then: 'deny' });
      await waitForStatus(operator, planId, ['waiting_approval']);
      await operator.conductor.approve(planId, 'cli:test');
      await waitForStatus(operator, planId, ['completed']);
      await passTime(operator.store, planId);
      assert.equal(await deadlineJob(operator.store, operator.conductor).fireDue(), 0);
      assert.equal(await operator.store.prisma((db) => db.gateTimer.count({ where: { planId, doneAt: null } })), 0);
      assert.ok(!(await actionsOf(operator, planId)).some((action) => action.startsWith('deadline ')));
    });

    test('two replicas racing over the same due deadlines fire each once', async () => {
      const planIds: string[] = [];
      for (let n = 0; n < 5; n++) planIds.push(await startPlan(operator, 'fixture-deadline', { amount: 900 + n, then: 'escalate' }));
      for (const planId of planIds) await waitForStatus(operator, planId, ['waiting_approval']);
      const other = await openStore(database.url);
      try {
        const jobs = [deadlineJob(operator.store, operator.conductor), deadlineJob(other, new Conductor(other, operator.workflows))];
        for (const planId of planIds) await passTime(operator.store, planId);
        const fired = await Promise.all([...jobs, ...jobs].map((job) => job.fireDue()));
        assert.equal(fired.reduce((a, b) => a + b, 0), planIds.length);
        for (const planId of planIds) {
          assert.deepEqual((await actionsOf(operator, planId)).filter((a) => a.startsWith('deadline ')), ['deadline escalation.thread']);
        }
        const reminders = await operator.store.prisma((db) => db.notice.count({ where: { kind: 'reminder', planId: { in: planIds } } }));
        assert.equal(reminders, planIds.length);
      } finally {
        await other.close();
      }
    });
  });
}

/** The escalation chain as the operator sees it, on Slack and on Discord. */
const chats: [string, (database: TestDatabase, settings: Record<string, string>) => Promise<ChatDriver>][] = [
  ['Slack', (database, settings) => slackDriver(database, workflows, settings)],
  ['Discord', (database, settings) => discordDriver(database, workflows, settings)],
];

for (const provider of providers()) {
  for (const [name, driverFor] of chats) {
    describe(`escalation through ${name} (${provider})`, () => {
      let database: TestDatabase;
      let chat: ChatDriver;

      before(async () => {
        database = await createTestDatabase(provider);
        chat = await driverFor(database, { ESCALATION_EMAIL: 'lead@test.local', ESCALATION_INTERVAL_MINUTES: '60', DEADLINE_POLL_MS: '50' });
      });
      after(async () => {
        await chat?.close();
        await database?.drop();
      });

      const operator = () => chat.service.operator;
      const escalations = async (planId: string) => (await actionsOf(operator(), planId)).filter((a) => a.startsWith('deadline ') || a.includes('snoozed'));

      test('the chain goes from the thread to a direct message to an e-mail with a link to the workspace, each step once', async () => {
        const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-deadline amount=900 then=escalate'))![1]!;
        const thread = await chat.threadOf(planId);
        await chat.waitForThreadMessage(thread, /Pay 900 EUR/);

        await passTime(operator().store);
        await chat.waitForThreadMessage(thread, /Reminder: Approve the payment/);
        await chat.buttonValue(thread, 'snooze');
        assert.deepEqual(await escalations(planId), ['deadline escalation.thread']);

        await passTime(operator().store);
        await pollUntil(async () => (await escalations(planId)).includes('deadline escalation.direct'), 10_000, () => 'no direct-message step in the audit');
        const direct = await chat.waitForDirectMessage(chat.operatorId, /Waiting on you: Approve the payment/);
        assert.match(direct, /op:approve/, 'the direct message carries the buttons');

        await passTime(operator().store);
        const outbox = path.join(database.dir, 'data', 'outbox');
        const mails = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((file) => file.endsWith('.eml')) : []).map((file) => fs.readFileSync(path.join(outbox, file), 'utf8'));
        const mail = await pollUntil(() => mails().find((text) => text.includes(planId)) ?? null, 10_000, () => `no e-mail about ${planId} in ${outbox}`);
        assert.match(mail, /^To: lead@test\.local/m);
        assert.match(mail, new RegExp(`http://localhost:3000/#${planId}`));
        assert.deepEqual(await escalations(planId), ['deadline escalation.thread', 'deadline escalation.direct', 'deadline escalation.email']);

        await passTime(operator().store);
        assert.equal(await chat.service.deadlines.fireDue(), 0, 'the chain ends at the e-mail');
        await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
        await waitForStatus(operator(), planId, ['completed']);
      });

      test('Snooze postpones the next step of the escalation', async () => {
        const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-deadline amount=700 then=escalate'))![1]!;
        const thread = await chat.threadOf(planId);
        await chat.waitForThreadMessage(thread, /Pay 700 EUR/);
        await passTime(operator().store);
        await chat.waitForThreadMessage(thread, /Reminder: Approve the payment.*Pay 700 EUR/);

        const answer = await chat.click(thread, 'snooze', await chat.buttonValue(thread, 'snooze'));
        assert.match(answer ?? '', /Snoozed/);
        const [timer] = await operator().store.transaction((runner) =>
          runner.query(sql<{ dueIn: number }>`SELECT CASE WHEN "dueAt" > ${databaseNow(50 * 60_000)} THEN 1 ELSE 0 END AS "dueIn" FROM "GateTimer" WHERE "planId" = ${planId} AND "doneAt" IS NULL`),
        );
        assert.equal(timer?.dueIn, 1, 'the next step is an hour away again');
        assert.deepEqual(await escalations(planId), ['deadline escalation.thread', `${chat.platform}:${chat.operatorId} deadline.snoozed`]);
        await deny(chat, thread);
        await waitForStatus(operator(), planId, ['cancelled']);
      });
    });
  }
}
