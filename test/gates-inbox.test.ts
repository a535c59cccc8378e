// `/op inbox` and `op inbox`: everything waiting on the operator, the longest wait first, each
// with how long it has waited, its deadline and its buttons; a button in the inbox decides.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flakyWorkflow } from './fixtures/workflows.ts';
import { deadlineWorkflow, questionDeadlineWorkflow } from './fixtures/gates.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import type { ChatDriver } from './support/drivers/chat-driver.ts';
import { slackDriver } from './support/drivers/slack-driver.ts';
import { waitForStatus } from './support/operator.ts';
import { opBinary, runNode } from './support/processes.ts';

for (const provider of providers()) {
  describe(`the operator's inbox (${provider})`, () => {
    let database: TestDatabase;
    let chat: ChatDriver;

    before(async () => {
      database = await createTestDatabase(provider);
      chat = await slackDriver(database, [deadlineWorkflow, questionDeadlineWorkflow, flakyWorkflow]);
    });
    after(async () => {
      await chat?.close();
      await database?.drop();
    });

    test('lists every wait oldest first with its wait, deadline and buttons, in chat and in the terminal; its buttons decide', async () => {
      const operator = chat.service.operator;
      assert.match(await chat.command('inbox'), /Nothing is waiting on you/);

      const started = async (text: string, status: string) => {
        const planId = /plan (p[a-z0-9]+)/.exec(await chat.command(text))![1]!;
        await waitForStatus(operator, planId, [status]);
        return planId;
      };
      const approval = await started('start fixture-deadline amount=900 then=deny', 'waiting_approval');
      const question = await started('start fixture-question-deadline', 'waiting_answer');
      const handBack = await started('start fixture-flaky failTimes=1 fatal=true', 'needs_operator');

      const inbox = await chat.command('inbox');
      const order = [approval, question, handBack].map((planId) => inbox.indexOf(planId));
      assert.ok(order.every((at) => at >= 0), `every wait is listed: ${inbox}`);
      assert.deepEqual([...order].sort((a, b) => a - b), order, 'the longest wait first');
      assert.match(inbox, new RegExp(`${approval} fixture-deadline: approval "Approve the payment", waiting \\d+ min; deadline .* \\(then deny\\)`));
      assert.match(inbox, new RegExp(`${question} fixture-question-deadline: question "Ask for the budget code", waiting \\d+ min; deadline .*: reply in its thread`));
      assert.match(inbox, new RegExp(`${handBack} fixture-flaky: hand-back "Flaky step", waiting \\d+ min`));

      const terminal = await runNode([opBinary, 'inbox'], { DATABASE_URL: database.url, DATA_DIR: `${database.dir}/data`, LOG_LEVEL: 'warn' });
      assert.equal(terminal.code, 0, terminal.stderr);
      assert.match(terminal.stdout, new RegExp(`^${approval}\\s+fixture-deadline\\s+Approve the payment\\s+waiting \\d+ min\\s+deadline \\(then deny\\) \\d{4}-`, 'm'));
      assert.match(terminal.stdout, new RegExp(`op plan retry\\|skip\\|abort ${handBack}`));
      assert.ok(terminal.stdout.indexOf(approval) < terminal.stdout.indexOf(handBack));

      // The inbox's buttons are the prompts' own: Approve on it decides the plan.
      await chat.click('inbox', 'approve', `${approval}:1`);
      await waitForStatus(operator, approval, ['completed']);
      assert.ok(!(await chat.command('inbox')).includes(approval), 'a decided wait leaves the inbox');
    });
  });
}
