// The lead-qualification workflow end to end through Slack: once with a model behind
// @langchain/openai, once with no model (rules and templates). A returning company's contact,
// rate and terms come from the facts memory holds as current, never from an older note.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { memoryDraft } from '../src/memory/drafts.ts';
import { insertMemory } from '../src/store/memory.ts';
import leadQualification from '../workflows/lead-qualification.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { deny } from './support/drivers/chat-driver.ts';
import type { ChatRequest } from './support/fake-openai.ts';
import { waitForStatus } from './support/operator.ts';
import { describeMode, MODEL_MODES, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

const HOT_LEAD = "Hi, I'm Jane Doe from Globex (jane@globex.example). We need a new booking website, budget around 15k EUR, ideally live by March.";
const GREY_LEAD = 'Hello, this is Bob from Initech. We need a data pipeline review, budget maybe 5k EUR.';
const RETURNING_LEAD = "Hi again, I'm Jane Doe from Globex (jane@globex.example). We need a mobile app next, budget 30k EUR, start in May.";
const RENEGOTIATED_LEAD = 'Hello, Dana Scully from Hooli here (dana@hooli.example). We need a data platform audit, budget 25k EUR, by June.';

/** A pasted e-mail: the company only in the signature, a referrer's studio and a tool in the text. */
const emailLead = (subject: string) =>
  `From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@alpenglanz.example>\nTo: Sam <hello@studio.example>\nDate: Tue, 01 Dec 2026 09:00:00 +0100\nSubject: ${subject}\n\n` +
  'Hello Sam,\n\nAnna from Studio Nord recommended you. We want to move our shop from Magento to something simpler. Budget is $40-50K, and we need it live by 31 March 2027.\n\nBest regards,\nJörg\n\n--\nJörg Müller\nHead of E-Commerce\nAlpenglanz Sport GmbH\n+49 89 5550 1234\n';
const SIGNATURE_LEAD = emailLead('New shop');
/** The same lead, for which the model answers the referrer's studio and a wrong budget. */
const MISREAD_LEAD = emailLead('Shop relaunch');

/** What a model would extract from the leads above. */
function extractAnswer(request: ChatRequest) {
  const text = request.messages.at(-1)!.content;
  if (text.includes('Shop relaunch')) return { company: 'Studio Nord', contactName: 'Jörg Müller', email: 'joerg@alpenglanz.example', need: 'a simpler shop', budget: 4000, currency: 'USD', timeline: 'by 31 March 2027' };
  if (text.includes('Alpenglanz')) return { company: 'Alpenglanz Sport GmbH', contactName: 'Jörg Müller', email: 'joerg@alpenglanz.example', need: 'a simpler shop', budget: 45_000, currency: 'USD', timeline: 'by 31 March 2027' };
  if (text.includes('Hooli')) return { company: 'Hooli', contactName: 'Dana Scully', email: 'dana@hooli.example', need: 'a data platform audit', budget: 25_000, currency: 'EUR', timeline: 'by June' };
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
      const valueOf = (field: string) => (output('read-lead')[field] as { value: unknown }).value;
      assert.deepEqual([valueOf('company'), valueOf('email'), valueOf('budget')], ['Globex', 'jane@globex.example', { min: 15_000, max: 15_000, currency: 'EUR' }]);
      const budgetEvidence = (output('read-lead').budget as { evidence: { kind: string; span?: { text: string } } }).evidence;
      assert.deepEqual(budgetEvidence.span?.text, '15k EUR', 'the budget carries the words it was read from');
      assert.equal(output('draft-reply').via, mode, 'the plan records which path drafted the reply');
      assert.deepEqual(steps.filter((s) => s.status === 'skipped').map((s) => s.key), ['ask-company', 'ask-email', 'ask-budget', 'ask-timeline'], 'a clear lead asks nothing');

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

    test('a lead whose company, e-mail, hedged budget ("maybe 5k EUR") and timeline are not read surely asks for each in the thread, quoting the text, and a denied reply is never sent', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('lead-qualification', GREY_LEAD);
      if (mode === 'fallback') {
        // The rules read "Initech" only from "this is Bob from Initech": offered, not acted on.
        await chat.waitForThreadMessage(thread, /Which company is this lead from\? I read \\"Initech\\" in: \\"Hello, this is Bob from Initech\.\\"\. Reply \\"yes\\" to use it/);
        await chat.reply(thread, 'yes');
      }
      await chat.waitForThreadMessage(thread, /Which e-mail address should the reply to Initech go to/);
      await chat.reply(thread, 'not sure');
      await chat.waitForThreadMessage(thread, /That answer does not fit: an e-mail address/);
      await chat.reply(thread, 'bob@initech.example');
      // "maybe 5k EUR" is the lead's guess: offered with its sentence, not acted on.
      await chat.waitForThreadMessage(thread, /What budget does Initech have, with its currency\? I read 5,000 EUR in: \\"[^"]*budget maybe 5k EUR\.\\"/);
      await chat.reply(thread, 'yes');
      await chat.waitForThreadMessage(thread, /By when does Initech need it\? The text does not say it/);
      await chat.reply(thread, 'start in April');
      await chat.waitForThreadMessage(thread, /Send this reply to Initech \(hot, 75\/100\)\?[\s\S]*budget: 5,000 EUR/);
      await deny(chat, thread);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['cancelled']);
      const scored = steps.find((s) => s.key === 'score-lead')!.output as { lead: { budget: unknown; timeline: string; email: string } };
      assert.deepEqual([scored.lead.budget, scored.lead.timeline, scored.lead.email], [{ min: 5000, max: 5000, currency: 'EUR' }, 'start in April', 'bob@initech.example']);
      assert.deepEqual(mailsOf(planId), [], 'a denied reply is not sent');
      const audit = await chat.service.operator.conductor.audit(planId);
      const answered = audit.filter((entry) => entry.action === 'question.answered');
      assert.equal(answered.length, mode === 'fallback' ? 4 : 3);
      assert.ok(answered.every((entry) => typeof (entry.detail as { waitedMs?: number }).waitedMs === 'number'), 'each answer records how long it waited');
    });

    test('a pasted e-mail: the company comes from the signature, not the referrer\'s studio or the tool, "$40-50K" is 40,000-50,000, and the approval shows where each value came from', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('lead-qualification', SIGNATURE_LEAD);
      await chat.waitForThreadMessage(thread, /Send this reply to Alpenglanz Sport GmbH \(hot, 90\/100\)\?[\s\S]*To: joerg@alpenglanz\.example[\s\S]*budget: 40,000-50,000 USD from \\"\$40-50K\\"/);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
      assert.deepEqual(steps.filter((s) => s.status === 'skipped').map((s) => s.key), ['ask-company', 'ask-email', 'ask-budget', 'ask-timeline'], 'every value the reply depends on was read surely');
      const scored = steps.find((s) => s.key === 'score-lead')!.output as { lead: { company: string; contactName: string; budget: unknown } };
      assert.deepEqual([scored.lead.company, scored.lead.contactName, scored.lead.budget], ['Alpenglanz Sport GmbH', 'Jörg Müller', { min: 40_000, max: 50_000, currency: 'USD' }]);
      await deny(chat, thread);
      await waitForStatus(chat.service.operator, planId, ['cancelled']);
    });

    if (mode === 'model') {
      test('a model that names the referrer\'s studio and a budget the text does not say is caught: both are asked, quoting the text', async () => {
        const { chat } = harness;
        const { planId, thread } = await harness.start('lead-qualification', MISREAD_LEAD);
        await chat.waitForThreadMessage(thread, /Which company is this lead from\? I read \\"Studio Nord\\" in: \\"Anna from Studio Nord recommended you\.\\"/);
        await chat.reply(thread, 'Alpenglanz Sport GmbH');
        await chat.waitForThreadMessage(thread, /What budget does Alpenglanz Sport GmbH have, with its currency\? I read 40,000-50,000 USD in: \\"Budget is \$40-50K, and we need it live by 31 March 2027\.\\"/);
        await chat.reply(thread, 'yes');
        await chat.waitForThreadMessage(thread, /Send this reply to Alpenglanz Sport GmbH \(hot, 90\/100\)\?[\s\S]*company: Alpenglanz Sport GmbH as you answered/);
        const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
        const read = steps.find((s) => s.key === 'read-lead')!.output as { disagreements: string[] };
        assert.equal(read.disagreements.length, 2, `the model's company and budget disagree with the text: ${read.disagreements.join('; ')}`);
        await deny(chat, thread);
        await waitForStatus(chat.service.operator, planId, ['cancelled']);
      });
    }

    test('a returning company is recognised from memory, and the approval shows the cited earlier lead', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('lead-qualification', RETURNING_LEAD);
      await chat.waitForThreadMessage(thread, /Send this reply to Globex \(hot, 100\/100\)\?.*Recalled:.*\[\d\] Lead Globex \(Jane Doe\): needs a new booking website/);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
      const recalled = steps.find((s) => s.key === 'recall-history')!.output as { citations: { n: number; snippet: string }[] };
      const earlier = recalled.citations.find((c) => c.snippet.startsWith('Lead Globex'))!;
      const { score } = steps.find((s) => s.key === 'score-lead')!.output as { score: { reasons: string[]; cited: number[] } };
      assert.ok(score.cited.includes(earlier.n), 'the score cites the earlier lead');
      assert.ok(score.reasons.some((reason) => reason.startsWith('known to us [')));
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      assert.equal(mailsOf(planId).length, 1);
    });

    test('a returning company is quoted at what memory holds as current: the renegotiated rate and the contact who took over, each citing what it replaced', async () => {
      const { chat } = harness;
      const { operator } = chat.service;
      const rememberedAt = async (at: string, text: string) => {
        await operator.store.transaction((runner) => insertMemory(runner, memoryDraft({ kind: 'customer_note', text, source: 'slack', createdBy: 'slack:UOPS' }), new Date(at)));
        while ((await operator.memory.readEntities()) > 0);
      };
      await rememberedAt('2026-02-10T09:00:00Z', 'Hooli Inc.: day rate 850 EUR per day; they pay net 30. Our contact is Gavin Belson.');
      await rememberedAt('2026-10-05T09:00:00Z', 'Renegotiated with Hooli: 920 EUR per day from October. Dana Scully took over from Gavin Belson as our contact at Hooli.');

      const { planId, thread } = await harness.start('lead-qualification', RENEGOTIATED_LEAD);
      await chat.waitForThreadMessage(
        thread,
        // The prompt as posted, JSON of its text and blocks: a line break comes as \n, a quote as \".
        /Memory holds as current:\\ncontact: Dana Scully \(since 2026-10-05, [^)]*it replaced \\"Gavin Belson\\"\)\\nrate: 920 EUR \(since 2026-10-05, [^)]*it replaced \\"850 EUR\\"\)\\npayment terms: 30 days \(since 2026-02-10/,
      );
      if (harness.openai) {
        const drafted = harness.openai.requestsTo('/v1/chat/completions').map((request) => JSON.stringify(request.body)).find((body) => body.includes('True of them today') && body.includes('Hooli'));
        const today = drafted!.split('True of them today')[1]!;
        assert.match(today, /rate: 920 EUR/, 'the model is told the current rate');
        assert.doesNotMatch(today, /850|Gavin/, 'and not the old rate or the former contact');
      }
      await deny(chat, thread);
      await waitForStatus(operator, planId, ['cancelled']);
    });
  });
}
