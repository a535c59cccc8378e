// Reminders: a question, an approval or a hand-back that waits longer than
// REMINDER_AFTER_MINUTES gets one reminder in the plan's thread, once per wait, through Slack.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReminderJob } from '../src/conductor/reminders.ts';
import type { Operator } from '../src/operator.ts';
import { waitsDueForReminder } from '../src/store/reminders.ts';
import { openStore } from '../src/store/store.ts';
import { flakyWorkflow, gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import type { ChatDriver } from './support/drivers/chat-driver.ts';
import { slackDriver } from './support/drivers/slack-driver.ts';
import { silentLogger, testOperator, waitForStatus } from './support/operator.ts';
import { pollUntil, within } from './support/poll.ts';

/** 0.01 minutes: a wait is due for its reminder after 600 ms. */
const REMINDER_AFTER_MINUTES = '0.01';
const AFTER_MS = 600;
/** The racing jobs' delay: 60 ms. */
const AFTER_MS_OF_RACE = 60;

for (const provider of providers()) describe(`reminders of waits through Slack (${provider})`, () => {
  let database: TestDatabase;
  let chat: ChatDriver;

  before(async () => {
    database = await createTestDatabase(provider);
    chat = await slackDriver(database, [gatedWorkflow, flakyWorkflow], { REMINDER_AFTER_MINUTES });
  });
  after(async () => {
    await chat?.close();
    await database?.drop();
  });

  /**
   * Waits for a reminder round that began afterMs from now: by then a wait reminded already (or
   * decided) would be due for another reminder if the job reminded a wait more than once.
   */
  const roundAfter = (afterMs: number) =>
    within(chat.service.reminders.rounds.finishedSince(new Date(Date.now() + afterMs)), afterMs + 5000, () => 'the reminder job did not run again');
  const remindersOf = async (planId: string) =>
    (await chat.service.operator.conductor.audit(planId)).filter((entry) => entry.action === 'reminder.sent').map((entry) => entry.stepKey);

  test('a question and then an approval each get one reminder in the thread, and the approval can be given from it', async () => {
    const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-gated amount=120 customer=Initech'))![1]!;
    const thread = await chat.threadOf(planId);
    await chat.waitForThreadMessage(thread, /Which purchase order number\?/);
    await chat.waitForThreadMessage(thread, /Reminder: Ask for the PO number.*<@UOPS>, this has waited for your answer since .*Which purchase order number\?/);
    await roundAfter(2 * AFTER_MS);
    assert.deepEqual(await remindersOf(planId), ['ask-po'], 'one reminder for the wait, however long it lasts');

    await chat.reply(thread, 'PO-77');
    await chat.waitForThreadMessage(thread, /Reminder: Approve sending.*waited for your approval.*Send Initech: 120 \(PO-77\)/);
    await roundAfter(2 * AFTER_MS);
    assert.deepEqual(await remindersOf(planId), ['ask-po', 'approve'], 'the approval is a new wait with a reminder of its own');

    // The reminder carries the buttons: the newest prompt offering approve is the reminder.
    await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
    await waitForStatus(chat.service.operator, planId, ['completed']);
    await roundAfter(2 * AFTER_MS);
    assert.deepEqual(await remindersOf(planId), ['ask-po', 'approve'], 'nothing is reminded once decided');
  });

  test('a hand-back is reminded once, and again only when a retry fails and it waits anew', async () => {
    const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-flaky failTimes=2 fatal=true'))![1]!;
    const thread = await chat.threadOf(planId);
    await chat.waitForThreadMessage(thread, /Reminder: Flaky step.*waited for you to retry, skip or abort/);
    await roundAfter(2 * AFTER_MS);
    assert.deepEqual(await remindersOf(planId), ['flaky']);

    await chat.click(thread, 'retry', await chat.buttonValue(thread, 'retry'));
    await waitForStatus(chat.service.operator, planId, ['needs_operator']);
    await roundAfter(2 * AFTER_MS);
    assert.deepEqual(await remindersOf(planId), ['flaky', 'flaky'], 'the failed retry is a new wait');
    await chat.click(thread, 'skip', await chat.buttonValue(thread, 'skip'));
    await waitForStatus(chat.service.operator, planId, ['completed']);
  });
});

for (const provider of providers()) {
  describe(`reminders with two replicas (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database, [gatedWorkflow]);
      await operator.worker.start();
    });
    after(async () => {
      await operator?.close();
      await database?.drop();
    });

    test(`two reminder jobs racing over the same waits write one reminder per wait (${provider})`, async () => {
      const planIds: string[] = [];
      for (let n = 0; n < 5; n++) planIds.push((await operator.conductor.start('fixture-gated', { amount: n + 1 }, { requestedBy: 'cli:test' })).plan.id);
      for (const planId of planIds) await waitForStatus(operator, planId, ['waiting_answer']);
      const other = await openStore(database.url);
      try {
        const jobs = [operator.store, other].map((store) => new ReminderJob({ store, logger: silentLogger(), afterMinutes: AFTER_MS_OF_RACE / 60_000 }));
        // Every wait is due (by the database's clock) before the jobs race for it.
        await pollUntil(async () => (await waitsDueForReminder(operator.store, AFTER_MS_OF_RACE)).length === planIds.length, 5000, () => 'the waits are not due');
        const sent = await Promise.all([...jobs, ...jobs].map((job) => job.remindDue()));
        assert.equal(sent.reduce((a, b) => a + b, 0), planIds.length);
        const notices = await operator.store.prisma((db) => db.notice.count({ where: { kind: 'reminder' } }));
        assert.equal(notices, planIds.length);
      } finally {
        await other.close();
      }
    });
  });
}
