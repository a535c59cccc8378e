// Approve with changes: the approval prompt's Edit button opens a form pre-filled with the gate's
// editable fields, through the real Bolt client against the fake Slack (views.open, then a
// view_submission answered with response_action: errors). A value that breaks the workflow's
// contract is shown in the form and changes nothing; a valid one makes a new plan version and
// approves it in one audited decision; submitting the form again changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deadlineWorkflow } from './fixtures/gates.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import type { ChatDriver } from './support/drivers/chat-driver.ts';
import { discordDriver } from './support/drivers/discord-driver.ts';
import { slackDriver } from './support/drivers/slack-driver.ts';
import { waitForStatus } from './support/operator.ts';

const chats: [string, (database: TestDatabase) => Promise<ChatDriver>][] = [
  ['Slack', (database) => slackDriver(database, [deadlineWorkflow])],
  ['Discord', (database) => discordDriver(database, [deadlineWorkflow])],
];

for (const provider of providers()) {
  for (const [name, driverFor] of chats) {
    describe(`approve with changes through ${name} (${provider})`, () => {
      let database: TestDatabase;
      let chat: ChatDriver;

      before(async () => {
        database = await createTestDatabase(provider);
        chat = await driverFor(database);
      });
      after(async () => {
        await chat?.close();
        await database?.drop();
      });

      test('Edit opens the form with the plan values; an invalid value shows its error, a valid one approves a new version once', async () => {
        const operator = chat.service.operator;
        const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-deadline amount=900'))![1]!;
        const thread = await chat.threadOf(planId);
        await chat.waitForThreadMessage(thread, /Pay 900 EUR/);

        const form = await chat.openForm(thread, 'edit', await chat.buttonValue(thread, 'edit'));
        assert.deepEqual(form.fields, { amount: '900' });

        const errors = await form.submit({ amount: 'nine hundred' });
        assert.ok(errors?.amount, 'the error is shown on the amount field');
        assert.match(errors.amount, /number/i);
        let state = await operator.conductor.show(planId);
        assert.equal(state.plan.status, 'waiting_approval');
        assert.equal(state.plan.version, 1, 'nothing changed');

        assert.equal(await form.submit({ amount: '450' }), null, 'accepted: the modal closes');
        state = await waitForStatus(operator, planId, ['completed']);
        assert.equal(state.plan.version, 2);
        assert.deepEqual(state.plan.input, { amount: 450, then: 'escalate' });
        const approvals = (await operator.conductor.audit(planId)).filter((entry) => entry.action.startsWith('approval.granted'));
        assert.equal(approvals.length, 1);
        assert.equal(approvals[0]!.action, 'approval.granted_with_changes');
        assert.equal(approvals[0]!.actor, `${chat.platform}:${chat.operatorId}`);
        assert.deepEqual((approvals[0]!.detail as { changes: unknown }).changes, { amount: { from: 900, to: 450 } });
        assert.equal((await operator.conductor.effects(planId)).filter((effect) => effect.stepKey === 'pay').length, 1, 'the payment ran once, for the new version');

        const again = await form.submit({ amount: '300' });
        assert.match(Object.values(again ?? {}).join(' '), /version 1 .* since become version 2; nothing was done/);
        state = await operator.conductor.show(planId);
        assert.equal(state.plan.version, 2, 'a second submission changes nothing');
        assert.deepEqual(state.plan.input, { amount: 450, then: 'escalate' });
      });
    });
  }
}
