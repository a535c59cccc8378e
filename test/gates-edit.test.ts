// Approve with changes and deny with a reason: the approval prompt's Edit button opens a form
// pre-filled with the gate's editable fields, and its Deny button a form asking why, through the
// real Bolt client against the fake Slack (views.open, then a view_submission answered with
// response_action: errors), the Discord modal, and the workspace's own form. A value that breaks
// the workflow's contract is shown in the form and changes nothing; a valid one makes a new plan
// version and approves it in one audited decision; a denial keeps its reason on the prompt, in the
// audit and in memory; submitting a form again changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Operator } from '../src/operator.ts';
import type { Service } from '../src/service.ts';
import { sql } from '../src/store/sql.ts';
import { deadlineWorkflow } from './fixtures/gates.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import type { ChatDriver } from './support/drivers/chat-driver.ts';
import { discordDriver } from './support/drivers/discord-driver.ts';
import { slackDriver } from './support/drivers/slack-driver.ts';
import { testService, waitForStatus } from './support/operator.ts';
import { openForm, post, says, WorkspaceStream } from './support/workspace-client.ts';

const REASON = 'the supplier refunded it already';

/** The memories the plan's approval step left, as later plans recall them. */
const decisionsOf = (operator: Operator, planId: string) =>
  operator.store.transaction((runner) => runner.query(sql<{ text: string }>`SELECT "text" FROM "MemoryRecord" WHERE "planId" = ${planId} AND "kind" = 'decision' AND "stepKey" = 'approve'`));

const denialsOf = async (operator: Operator, planId: string) => (await operator.conductor.audit(planId)).filter((entry) => entry.action === 'approval.denied');

const chats: [string, (database: TestDatabase) => Promise<ChatDriver>][] = [
  ['Slack', (database) => slackDriver(database, [deadlineWorkflow])],
  ['Discord', (database) => discordDriver(database, [deadlineWorkflow])],
];

for (const provider of providers()) {
  for (const [name, driverFor] of chats) {
    describe(`approve with changes and deny with a reason through ${name} (${provider})`, () => {
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
        assert.deepEqual((approvals[0]!.detail as { changes: unknown }).changes, { amount: { from: '900', to: '450' } });
        assert.equal((await operator.conductor.effects(planId)).filter((effect) => effect.stepKey === 'pay').length, 1, 'the payment ran once, for the new version');

        const again = await form.submit({ amount: '300' });
        assert.match(Object.values(again ?? {}).join(' '), /version 1 .* since become version 2; nothing was done/);
        state = await operator.conductor.show(planId);
        assert.equal(state.plan.version, 2, 'a second submission changes nothing');
        assert.deepEqual(state.plan.input, { amount: 450, then: 'escalate' });
      });

      test('Deny asks why in a form; the reason shows on the prompt, in the audit and in memory, and a second submission changes nothing', async () => {
        const operator = chat.service.operator;
        const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-deadline amount=800'))![1]!;
        const thread = await chat.threadOf(planId);
        await chat.waitForThreadMessage(thread, /Pay 800 EUR/);

        const form = await chat.openForm(thread, 'deny', await chat.buttonValue(thread, 'deny'));
        assert.deepEqual(form.fields, { reason: '' });
        assert.deepEqual(form.maxLengths, { reason: 1000 }, 'the form itself stops a reason at 1,000 characters');
        assert.equal((await operator.conductor.show(planId)).plan.status, 'waiting_approval', 'opening the form decides nothing');

        assert.equal(await form.submit({ reason: `  ${REASON} ` }), null, 'accepted: the modal closes');
        await waitForStatus(operator, planId, ['cancelled', 'compensated']);
        await chat.waitForOutcome(thread, new RegExp(`Denied by .*: ${REASON}`));
        const denials = await denialsOf(operator, planId);
        assert.equal(denials.length, 1);
        assert.equal(denials[0]!.actor, `${chat.platform}:${chat.operatorId}`);
        assert.equal(denials[0]!.reason, REASON);
        const [memory] = await decisionsOf(operator, planId);
        assert.match(memory?.text ?? '', new RegExp(`^Denied "Approve the payment" in fixture-deadline \\(amount: 800; .*\\)\\. Reason: ${REASON}$`));
        assert.equal((await operator.conductor.effects(planId)).length, 0, 'nothing was paid');

        const again = await form.submit({ reason: 'another reason' });
        assert.match(Object.values(again ?? {}).join(' '), /is cancelled, not waiting approval; nothing was done/);
        assert.equal((await denialsOf(operator, planId)).length, 1, 'a second submission changes nothing');
        assert.equal((await decisionsOf(operator, planId)).length, 1);
      });

      test('Deny on a prompt already decided answers at once, without a form', async () => {
        const planId = /plan (p[a-z0-9]+)/.exec(await chat.command('start fixture-deadline amount=100'))![1]!;
        const thread = await chat.threadOf(planId);
        await chat.waitForThreadMessage(thread, /Pay 100 EUR/);
        const value = await chat.buttonValue(thread, 'deny');
        await chat.click(thread, 'approve', value);
        await waitForStatus(chat.service.operator, planId, ['completed']);
        assert.match((await chat.click(thread, 'deny', value)) ?? '', /is completed, not waiting approval; nothing was done/);
      });
    });
  }
}

for (const provider of providers()) {
  describe(`approve with changes and deny with a reason in the workspace (${provider})`, () => {
    let database: TestDatabase;
    let service: Service;
    let stream: WorkspaceStream;

    before(async () => {
      database = await createTestDatabase(provider);
      service = await testService(database, [deadlineWorkflow], {});
      stream = await WorkspaceStream.open(service.port);
    });
    after(async () => {
      stream?.close();
      await service?.stop();
      await database?.drop();
    });

    /** Starts a payment and waits for its approval prompt in the card's thread. */
    async function prompt(amount: number) {
      const started = await post(service.port, '/workspace/command', { text: `/op start fixture-deadline amount=${amount}` });
      const planId = /plan (p[a-z0-9]+)/.exec(started.reply?.text ?? '')![1]!;
      const card = await stream.waitForCard(planId, /Waiting for your approval/);
      const entry = await stream.waitForThreadMessage(card.id, (e) => Boolean(e.message.buttons?.length), 'approval prompt');
      const button = (action: string) => entry.message.buttons!.find((b) => b.action === action)!;
      return { planId, card, entry, button };
    }

    test('Edit opens a form with the plan values; an invalid value shows its error, a valid one approves a new version once', async () => {
      const operator = service.operator;
      const { planId, card, entry, button } = await prompt(900);
      const form = await openForm(service.port, button('edit'));
      assert.deepEqual(form.fields, { amount: '900' });

      const invalid = await form.submit({ amount: 'nine hundred' });
      assert.equal(invalid.status, 200);
      assert.match(invalid.formErrors?.amount ?? '', /number/i, 'the error is shown next to the amount field');
      assert.equal((await operator.conductor.show(planId)).plan.version, 1, 'nothing changed');

      const valid = await form.submit({ amount: '450' });
      assert.deepEqual(valid, { status: 200, reply: null, error: undefined }, 'accepted: the form closes');
      const state = await waitForStatus(operator, planId, ['completed']);
      assert.equal(state.plan.version, 2);
      assert.deepEqual(state.plan.input, { amount: 450, then: 'escalate' });
      await stream.waitForThreadMessage(card.id, (e) => e.id === entry.id && /^Approved with changes by operator at /.test(e.message.footer ?? ''), 'decided prompt');
      const approvals = (await operator.conductor.audit(planId)).filter((e) => e.action.startsWith('approval.granted'));
      assert.deepEqual(approvals.map((e) => [e.action, e.actor]), [['approval.granted_with_changes', 'local:operator']]);

      const again = await form.submit({ amount: '300' });
      assert.match(Object.values(again.formErrors ?? {}).join(' '), /version 1 .* since become version 2; nothing was done/);
      assert.deepEqual((await operator.conductor.show(planId)).plan.input, { amount: 450, then: 'escalate' }, 'a second submission changes nothing');
    });

    test('Deny asks why; the reason shows on the prompt, in the audit and in memory, and a second submission changes nothing', async () => {
      const operator = service.operator;
      const { planId, card, entry, button } = await prompt(800);
      const form = await openForm(service.port, button('deny'));
      assert.deepEqual(form.form.fields.map((f) => [f.name, f.value, f.optional, f.maxLength]), [['reason', '', true, 1000]]);

      assert.deepEqual(await form.submit({ reason: REASON }), { status: 200, reply: null, error: undefined });
      await waitForStatus(operator, planId, ['cancelled', 'compensated']);
      await stream.waitForThreadMessage(card.id, (e) => e.id === entry.id && new RegExp(`^Denied by operator at .*: ${REASON}$`).test(e.message.footer ?? ''), 'denied prompt with its reason');
      await stream.waitForThreadMessage(card.id, says(new RegExp(`cancelled by local:operator: ${REASON}`)), 'cancellation with its reason');
      assert.deepEqual((await denialsOf(operator, planId)).map((e) => e.reason), [REASON]);
      assert.match((await decisionsOf(operator, planId))[0]?.text ?? '', new RegExp(`Reason: ${REASON}$`));

      const again = await form.submit({ reason: 'another reason' });
      assert.match(again.formErrors?.reason ?? '', /is cancelled, not waiting approval; nothing was done/);
      assert.equal((await denialsOf(operator, planId)).length, 1, 'a second submission changes nothing');
    });

    test('Deny without a reason denies and remembers that none was given; a reason too long is refused in the form', async () => {
      const operator = service.operator;
      const { planId, card, entry, button } = await prompt(700);
      const form = await openForm(service.port, button('deny'));

      const long = await form.submit({ reason: 'x'.repeat(1200) });
      assert.match(long.formErrors?.reason ?? '', /1,200 characters long; shorten it to at most 1,000/);
      assert.equal((await operator.conductor.show(planId)).plan.status, 'waiting_approval', 'nothing changed');

      assert.equal((await form.submit({ reason: '   ' })).reply, null);
      await waitForStatus(operator, planId, ['cancelled', 'compensated']);
      await stream.waitForThreadMessage(card.id, (e) => e.id === entry.id && /^Denied by operator at [^:]+:\d\d UTC$/.test(e.message.footer ?? ''), 'denied prompt');
      assert.deepEqual((await denialsOf(operator, planId)).map((e) => e.reason ?? null), [null]);
      assert.match((await decisionsOf(operator, planId))[0]?.text ?? '', /No reason given\.$/);
    });
  });
}
