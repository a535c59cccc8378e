// The content-production workflow end to end through Slack: once with a model behind
// @langchain/openai, once with no model (templates).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import contentProduction from '../workflows/content-production.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { deny } from './support/drivers/chat-driver.ts';
import type { ChatRequest } from './support/fake-openai.ts';
import { waitForStatus } from './support/operator.ts';
import { describeMode, MODEL_MODES, startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

const FIRST_BRIEF = 'A blog post for freelance designers about pricing by value instead of by the hour';
const SECOND_BRIEF = 'A newsletter for freelance designers about value pricing for retainers';
const DECLINED_BRIEF = 'A LinkedIn post about our office plants';

/** What a model would answer for the briefs above. */
const modelAnswers = {
  'read-content-brief': (request: ChatRequest) => {
    const text = request.messages.at(-1)!.content;
    if (text.includes('retainers')) return { topic: 'value pricing for retainers', audience: 'freelance designers', format: 'newsletter', tone: 'practical', keywords: ['pricing', 'retainers'] };
    if (text.includes('plants')) return { topic: 'our office plants', audience: null, format: 'linkedin post', tone: 'casual', keywords: ['plants'] };
    return { topic: 'value pricing', audience: 'freelance designers', format: 'blog post', tone: 'practical', keywords: ['pricing', 'value'] };
  },
  'outline-content': (request: ChatRequest) => {
    const text = request.messages.at(-1)!.content.split('\nPublished before')[0]!;
    const title = text.includes('retainers') ? 'Retainers priced by value' : text.includes('plants') ? 'Our office jungle' : 'Stop billing by the hour';
    return { title, sections: [{ heading: 'Why', points: ['a', 'b'] }, { heading: 'How', points: ['c', 'd'] }] };
  },
  'draft-content': (request: ChatRequest) => {
    const text = request.messages.at(-1)!.content;
    const title = /"title":"([^"]+)"/.exec(text)![1]!;
    const cites = /\[(\d+)\] Published/.exec(text);
    return { markdown: `# ${title}\n\nValue beats hours.${cites ? ` As we wrote before [${cites[1]}].` : ''}\n\n## Why\n\nBecause.\n` };
  },
};

for (const mode of MODEL_MODES) {
  describe(`content production through Slack with ${describeMode(mode)}`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;

    before(async () => {
      database = await createTestDatabase('sqlite');
      harness = await startWorkflowHarness(database, [contentProduction], mode);
      for (const [name, answer] of Object.entries(modelAnswers)) harness.openai?.respond(name, answer);
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    test('a brief becomes an outline and a saved draft, the approval shows a preview, and it is published, announced and remembered once', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('content-production', FIRST_BRIEF);
      const title = mode === 'model' ? 'Stop billing by the hour' : 'Pricing by value instead of by the hour, for freelance designers';
      await chat.waitForThreadMessage(thread, new RegExp(`Publish \\\\"${title}\\\\"\\? Full draft: drafts/${planId}-`));
      assert.equal(harness.files('drafts').length, 1, 'the draft is saved before the approval');
      assert.deepEqual(harness.files('published'), [], 'nothing is published before the approval');
      assert.equal((await chat.service.operator.conductor.show(planId)).steps.find((s) => s.key === 'ask-audience')!.status, 'skipped', 'the brief named its readers');
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      const { steps } = await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);

      const output = (key: string) => steps.find((step) => step.key === key)!.output as Record<string, unknown>;
      for (const key of ['read-brief', 'outline', 'draft']) assert.equal(output(key).via, mode, `${key} records which path ran`);
      const published = harness.files('published');
      assert.equal(published.length, 1);
      assert.match(harness.read(`published/${published[0]}`).toString(), new RegExp(`^# ${title}`));
      const hooks = harness.webhooksOf(planId);
      assert.deepEqual(hooks.map((hook) => [hook.event, hook.data.title]), [['content.published', title]]);
      assert.equal(output('remember-publication').duplicate, false);
      const calls = await harness.modelCalls(planId);
      assert.deepEqual(calls.map((call) => [call.task, call.path]), [['read-content-brief', mode], ['outline-content', mode], ['draft-content', mode]]);
    });

    test('a related brief recalls the earlier publication and the draft cites it', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('content-production', SECOND_BRIEF);
      await chat.waitForThreadMessage(thread, /Publish .*\[1\]/);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
      const recalled = steps.find((s) => s.key === 'recall-related')!.output as { citations: { n: number; snippet: string }[] };
      const earlier = recalled.citations.find((c) => c.snippet.startsWith('Published "'));
      assert.equal(earlier?.n, 1, 'the earlier publication is recalled first');
      assert.ok((steps.find((s) => s.key === 'draft')!.output as { cited: number[] }).cited.includes(1), 'the draft cites it');
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      assert.equal(harness.files('published').length, 2);
    });

    test('a brief that names no readers asks who they are in the thread; a denied publication publishes nothing and withdraws its draft', async () => {
      const { chat } = harness;
      const { planId, thread } = await harness.start('content-production', DECLINED_BRIEF);
      await chat.waitForThreadMessage(thread, /Who is the linkedin post on \\"our office plants\\" for\?/);
      await chat.reply(thread, 'our customers');
      await chat.waitForThreadMessage(thread, /Publish /);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
      assert.match((steps.find((s) => s.key === 'draft')!.output as { markdown: string }).markdown, mode === 'model' ? /^# Our office jungle/ : /for our customers/);
      await deny(chat, thread);
      await waitForStatus(chat.service.operator, planId, ['compensated']);
      assert.equal(harness.files('published').length, 2, 'nothing more was published');
      assert.ok(!harness.files('drafts').some((file) => file.startsWith(planId)), 'the draft left the drafts folder');
      assert.ok(harness.files('drafts/withdrawn').some((file) => file.startsWith(planId)), 'and is kept under drafts/withdrawn');
      assert.deepEqual(harness.webhooksOf(planId), []);
    });

    test('a brief\'s stated audience, tone, format and length shape the outline, and its citations leave out the plan answers and unpublished drafts', async () => {
      const { chat } = harness;
      assert.match(await chat.command('recall office plants our customers'), /Answer to|office plants/, 'memory holds the earlier plan\'s answer and draft about office plants');
      const { planId, thread } = await harness.start('content-production', 'Write a guide about caring for our office plants, aimed at non-technical founders. Friendly tone, ~1500 words.');
      await chat.waitForThreadMessage(thread, /Publish /);
      const { steps } = await waitForStatus(chat.service.operator, planId, ['waiting_approval']);
      assert.deepEqual(steps.filter((s) => s.key.startsWith('ask-')).map((s) => s.status), ['skipped', 'skipped'], 'topic and readers were stated');
      const recalled = steps.find((s) => s.key === 'recall-related')!.output as { citations: { snippet: string }[] };
      assert.deepEqual(recalled.citations.map((c) => c.snippet).filter((snippet) => !snippet.startsWith('Published "')), [], 'no answer, decision or unpublished draft is cited');
      const { markdown, cited } = steps.find((s) => s.key === 'draft')!.output as { markdown: string; cited: number[] };
      assert.deepEqual(cited, [], 'nothing about office plants was published before');
      if (mode === 'fallback') {
        assert.match(markdown, /^# Caring for our office plants, for non-technical founders\n\n_Outline, not the finished piece: Guide, for non-technical founders, friendly tone, about 1500 words\. With a model configured/);
        assert.match(markdown, /## Step by step/, 'a guide is outlined as steps, not as a fixed skeleton');
      }
      await deny(chat, thread);
      await waitForStatus(chat.service.operator, planId, ['compensated']);
    });
  });
}
