// The lead-qualification workflow end to end through Slack: once with a model behind
// @langchain/openai, once with no model (rules and templates).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import leadQualification from '../workflows/lead-qualification.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import type { ChatRequest } from './support/fake-openai.ts';
import { waitForStatus } from './support/operator.ts';
import { describeMode, MODEL_MODES, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

const HOT_LEAD = "Hi, I'm Jane Doe from Globex (jane@globex.example). We need a new booking website, budget around 15k EUR, ideally live by March.";
const GREY_LEAD = 'Hello, this is Bob from Initech. We need a data pipeline review, budget maybe 5k EUR.';
const RETURNING_LEAD = "Hi again, I'm Jane Doe from Globex (jane@globex.example). We need a mobile app next, budget 30k EUR, start in May.";

/** What a model would extract from the leads above. */
function extractAnswer(request: ChatRequest) {
  const text = request.messages.at(-1)!.content;
  if (text.includes('Initech')) return { company: 'Initech', contactName: 'Bob', email: null, need: 'a data pipeline review', budget: 5000, currency: 'EUR', timeline: null };
  const returning = text.includes('mobile app');
  return {
    company: 'Globex',
    contactName: 'Jane Doe',
    email: 'jane@globex.example',
    need: returning ? 'a mobile app' : 'a new booking website',
    budget: returning ? 30_000 : 15_000,
    currency: 'EUR',
    timeline: returning ? 'start in May' : 'by March',
  };
}

for (const mode of MODEL_MODES) {
  describe(`lead qualification through Slack with ${describeMode(mode)}`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;
    const mailsOf = (planId: string) => harness.files('outbox').filter((file) => file.startsWith(planId) && file.endsWith('.eml'));

    before(async () => {
      database = await createTestDatabase('sqlite');
      harness = await startWorkflowHarness(database, [leadQualification], mode);
      harness.openai?.respond('extract-lead', extractAnswer);
      harness.openai?.respond('draft-lead-reply', { subject: 'Re: your booking website', body: 'Hi Jane,\n\nthanks for reaching out. Could we talk this week?\n\nBest regards' });
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    test('a hot lead is scored, a reply drafted and shown for approval, sent once after the click, and remembered', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('lead-qualification', HOT_LEAD);
      await chat.waitForThreadMessage(thread, /Send this reply to Globex \(hot, 90\/100\)\?/);
      assert.deepEqual(mailsOf(planId), [], 'nothing is sent before the approval');
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      const { steps } = await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      await chat.waitForCard(planId, /Completed/);

      const output = (key: string) => steps.find((step) => step.key === key)!.output as Record<string, unknown>;
      assert.equal(output('read-lead').via, mode);
      assert.deepEqual(
        [output('read-lead').company, output('read-lead').email, output('read-lead').budget, output('read-lead').currency],
        ['Globex', 'jane@globex.example', 15_000, 'EUR'],
      );
      assert.equal(output('draft-reply').via, mode, 'the plan records which path drafted the reply');
      assert.deepEqual(steps.filter((s) => s.status === 'skipped').map((s) => s.key), ['ask-email', 'clarify'], 'a clear lead asks nothing');

      const mails = mailsOf(planId);
      assert.equal(mails.length, 1, 'one reply e-mail');
      // Quoted-printable wraps long lines with a trailing "=".
      const mail = harness.read(`outbox/${mails[0]}`).toString().replace(/=\r\n/g, '');
      assert.match(mail, /^To: jane@globex\.example/m);
      assert.match(mail, mode === 'model' ? /Could we talk this week/ : /Could we have a 30-minute call this week/);
      assert.equal(output('remember-lead').duplicate, false, 'the outcome is remembered');

      const calls = await harness.modelCalls(planId);
      assert.deepEqual(calls.map((call) => [call.task, call.path]), [['extract-lead', mode], ['draft-lead-reply', mode]]);
      const stored = JSON.stringify(calls[0]!.input);
      assert.ok(!stored.includes('jane@globex.example') && stored.includes('[email]'), 'model inputs are stored redacted');
    });

    test('a borderline lead without an e-mail asks both in the thread, is scored again with the answers, and a denied reply is never sent', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('lead-qualification', GREY_LEAD);
      await chat.waitForThreadMessage(thread, /Which e-mail address should the reply to Initech go to/);
      await chat.reply(thread, 'not sure');
      await chat.waitForThreadMessage(thread, /That answer does not fit: an e-mail address/);
      await chat.reply(thread, 'bob@initech.example');
      await chat.waitForThreadMessage(thread, /Initech scores 45\/100 .*borderline/);
      await chat.reply(thread, 'They said budget 20k EUR, start in April');
      await chat.waitForThreadMessage(thread, /Send this reply to Initech \(hot, 90\/100\)\?/);
      await chat.click(thread, 'deny', await chat.buttonValue(thread, 'deny'));
      const { steps } = await waitForStatus(chat.service.operator, planId, ['cancelled']);
      const rescored = steps.find((s) => s.key === 'rescore')!.output as { lead: { budget: number; timeline: string; email: string } };
      assert.deepEqual([rescored.lead.budget, rescored.lead.timeline, rescored.lead.email], [20_000, 'start in April', 'bob@initech.example']);
      assert.deepEqual(mailsOf(planId), [], 'a denied reply is not sent');
      const audit = await chat.service.operator.conductor.audit(planId);
      const answered = audit.filter((entry) => entry.action === 'question.answered');
      assert.equal(answered.length, 2);
      assert.ok(answered.every((entry) => typeof (entry.detail as { waitedMs?: number }).waitedMs === 'number'), 'each answer records how long it waited');
    });

    test('a returning company is recognised from memory, and the approval shows the cited earlier lead', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('lead-qualification', RETURNING_LEAD);
      await chat.waitForThreadMessage(thread, /Send this reply to Globex \(hot, 100\/100\)\?.*Recalled:.*\[\d\] Lead Globex \(Jane Doe\): needs a new booking website/);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
      const recalled = steps.find((s) => s.key === 'recall-history')!.output as { citations: { n: number; snippet: string }[] };
      const earlier = recalled.citations.find((c) => c.snippet.startsWith('Lead Globex'))!;
      const score = steps.find((s) => s.key === 'score-lead')!.output as { reasons: string[]; cited: number[] };
      assert.ok(score.cited.includes(earlier.n), 'the score cites the earlier lead');
      assert.ok(score.reasons.some((reason) => reason.startsWith('known to us [')));
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      assert.equal(mailsOf(planId).length, 1);
    });
  });
}
