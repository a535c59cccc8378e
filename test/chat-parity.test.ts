// One list of operator scenarios, run against every chat adapter: parity between Slack and
// Discord is tested, not claimed. Each platform runs its real client (Bolt, discord.js) against
// a local server that plays the platform.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkflowDefinition } from '../src/conductor/workflow.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { flakyWorkflow, gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import type { ChatDriver } from './support/drivers/chat-driver.ts';
import { discordDriver } from './support/drivers/discord-driver.ts';
import { slackDriver } from './support/drivers/slack-driver.ts';
import { waitForStatus } from './support/operator.ts';

const drivers: [string, (database: TestDatabase, workflows: WorkflowDefinition[]) => Promise<ChatDriver>][] = [
  ['slack', slackDriver],
  ['discord', discordDriver],
];

const planIdIn = (text: string) => /plan (p[a-z0-9]+)/.exec(text)?.[1] ?? assert.fail(`no plan id in: ${text}`);

for (const [platform, makeDriver] of drivers) {
  describe(`operator scenarios on ${platform}`, () => {
    let database: TestDatabase;
    let chat: ChatDriver;

    before(async () => {
      database = await createTestDatabase('sqlite');
      chat = await makeDriver(database, [supplierPayment, gatedWorkflow, flakyWorkflow]);
    });
    after(async () => {
      await chat.close();
      await database.drop();
    });

    test('start, progress on the card, a question answered in the thread, approval, completion', async () => {
      const planId = planIdIn(await chat.command('start fixture-gated amount=120 customer=Initech'));
      const thread = await chat.threadOf(planId);
      await chat.waitForThreadMessage(thread, /Which purchase order number\?/);
      await chat.waitForCard(planId, /Waiting for your answer/);
      await chat.reply(thread, 'PO-77');
      await chat.waitForThreadMessage(thread, /Send Initech: 120 \(PO-77\)/);
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      await chat.waitForOutcome(thread, /Approved by/);
      await chat.waitForCard(planId, /Completed/);
      const { plan } = await waitForStatus(chat.service.operator, planId, ['completed']);
      assert.equal(plan.requestedBy, `${platform}:${chat.operatorId}`);
    });

    test('a non-operator is refused, and nothing changes', async () => {
      assert.match(await chat.command('start fixture-gated amount=5', chat.strangerId), /only the operators/);
      const planId = planIdIn(await chat.command('start fixture-gated amount=5'));
      const thread = await chat.threadOf(planId);
      // An operator answers the question once it is asked; a reply before it is chatter.
      await chat.waitForThreadMessage(thread, /Which purchase order number\?/);
      await chat.reply(thread, 'PO-1');
      const value = await chat.buttonValue(thread, 'approve');
      assert.match((await chat.click(thread, 'approve', value, chat.strangerId)) ?? '', /only the operators/);
      assert.equal((await chat.service.operator.conductor.show(planId)).plan.status, 'waiting_approval');
    });

    test('a second click on a decided prompt gets a private answer and changes nothing', async () => {
      const planId = planIdIn(await chat.command('start fixture-gated amount=6'));
      const thread = await chat.threadOf(planId);
      // An operator answers the question once it is asked; a reply before it is chatter.
      await chat.waitForThreadMessage(thread, /Which purchase order number\?/);
      await chat.reply(thread, 'PO-2');
      const value = await chat.buttonValue(thread, 'approve');
      await chat.click(thread, 'approve', value);
      await waitForStatus(chat.service.operator, planId, ['completed']);
      const late = (await chat.click(thread, 'deny', value)) ?? '';
      assert.match(late, new RegExp(`is completed, not waiting approval[\\s\\S]*\`/op status ${planId}\` shows where it stands`));
      assert.doesNotMatch(late, /\bop plan\b/, 'no terminal command in a chat');
      assert.equal((await chat.service.operator.conductor.show(planId)).plan.status, 'completed');
    });

    test('a request that does not fit says what to type next in the chat, not in a terminal', async () => {
      const missing = await chat.command('approve pmissing1');
      assert.match(missing, /There is no plan pmissing1[\s\S]*`\/op list` shows your plans/);
      const unknown = await chat.command('start no-such-flow');
      assert.match(unknown, /no workflow named \W*no-such-flow[\s\S]*`\/op workflows` describes them/);
      for (const answer of [missing, unknown]) assert.doesNotMatch(answer, /\bop (plan|workflows list)\b/, 'no terminal command in a chat');
    });

    test('a step that failed for good offers retry, skip and abort; skip moves on', async () => {
      const planId = planIdIn(await chat.command('start fixture-flaky failTimes=1 fatal=true'));
      const thread = await chat.threadOf(planId);
      await chat.waitForThreadMessage(thread, /the supplier does not exist/);
      for (const action of ['retry', 'skip', 'abort']) assert.ok(await chat.buttonValue(thread, action));
      await chat.click(thread, 'skip', await chat.buttonValue(thread, 'skip'));
      await chat.waitForOutcome(thread, /Skipped by/);
      await waitForStatus(chat.service.operator, planId, ['completed']);
    });

    test('abort undoes what the plan did', async () => {
      const planId = planIdIn(await chat.command('start fixture-flaky failTimes=1 fatal=true'));
      const thread = await chat.threadOf(planId);
      await chat.click(thread, 'abort', await chat.buttonValue(thread, 'abort'));
      await chat.waitForCard(planId, /every action was undone/);
      await waitForStatus(chat.service.operator, planId, ['compensated']);
    });
  });
}
