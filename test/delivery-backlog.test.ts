// The second failure mode, injected end to end: Slack rate-limits every chat call for a while
// (429 with Retry-After) as plans run and wait for approval. Delivery backs off as Slack says;
// once it answers again every card is brought to its current state with the progress notices
// in between coalesced, every approval prompt is posted exactly once (none lost, none doubled),
// and the outbox_behind alert is raised once while the backlog ages and resolves when it drains.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BENCH_APPROVAL_WORKFLOW, BENCH_WORKFLOW, benchApprovalWorkflow, benchWorkflow } from '../bench/workflow.ts';
import type { Service } from '../src/service.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';

const PLANS_EACH = 5;
const LIMITED_MS = 8_000;
const CHANNEL = 'C0BACKLOG';

for (const provider of providers()) {
  describe(`Slack rate-limiting every chat call for ${LIMITED_MS / 1000} s (${provider})`, () => {
    let database: TestDatabase;
    let slack: FakeSlack;
    let service: Service;

    before(async () => {
      database = await createTestDatabase(provider);
      slack = await startFakeSlack();
      service = await testService(database, [benchWorkflow, benchApprovalWorkflow], {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: 'slack-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        ALERT_EVALUATE_MS: '500',
        ALERT_OUTBOX_BEHIND_SECONDS: '2',
        // Memory is not what this test is about: no local Chroma is started (recall degrades).
        CHROMA_URL: 'http://127.0.0.1:9',
      });
    });
    after(async () => {
      await service?.stop();
      await slack?.close();
      await database?.drop();
    });

    test('cards catch up to their current state, every approval prompt is posted once, and one alert covers the backlog', async (t) => {
      const { conductor, store } = service.operator;
      const until = Date.now() + LIMITED_MS;
      slack.rateLimitUntil(until, 1);
      const conversation = { platform: 'slack', channel: CHANNEL };
      const linear: string[] = [];
      const gated: string[] = [];
      for (let n = 1; n <= PLANS_EACH; n++) {
        linear.push((await conductor.start(BENCH_WORKFLOW, { n }, { requestedBy: 'slack:UOPS', conversation })).plan.id);
        gated.push((await conductor.start(BENCH_APPROVAL_WORKFLOW, { n }, { requestedBy: 'slack:UOPS', conversation })).plan.id);
      }

      const alert = await pollUntil(
        () => store.prisma((db) => db.alert.findFirst({ where: { name: 'outbox_behind', status: 'firing' } })),
        LIMITED_MS,
        () => 'no outbox_behind alert while Slack refused every call',
      );
      const undelivered = () => store.prisma((db) => db.notice.count({ where: { deliveredAt: null, planId: { in: [...linear, ...gated] } } }));
      await pollUntil(async () => Date.now() > until && (await undelivered()) === 0, 60_000, () => 'the backlog never drained after the rate limit ended');
      const drainedMs = Date.now() - until;
      await pollUntil(
        () => store.prisma((db) => db.alert.findFirst({ where: { id: alert.id, status: 'resolved' } })),
        10_000,
        () => 'the outbox_behind alert did not resolve once the backlog drained',
      );
      assert.equal(await store.prisma((db) => db.alert.count({ where: { name: 'outbox_behind' } })), 1, 'one alert for one backlog');
      assert.ok(slack.calls.some((call) => call.method.startsWith('chat.') && call.at < until), 'delivery was tried during the rate limit');

      // What Slack accepted: the calls after the limit, the only ones it answered.
      const accepted = slack.calls.filter((call) => call.method.startsWith('chat.') && call.at >= until);
      const textOf = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);
      const cardOf = (planId: string) => accepted.filter((call) => textOf(call).includes(planId) && (call.method === 'chat.update' || !call.body.thread_ts));
      let cardCalls = 0;
      for (const planId of linear) {
        const calls = cardOf(planId);
        assert.match(textOf(calls.at(-1)!), /Completed/, `the card of ${planId} shows where the plan is now`);
        cardCalls += calls.length;
      }
      // Each plan wrote five progress notices and its completion: a card per plan is posted and
      // updated to the end state, not stepped through every notice.
      assert.ok(cardCalls <= 2 * PLANS_EACH, `cards posted and updated ${cardCalls} times for ${PLANS_EACH} plans`);
      for (const planId of gated) {
        assert.match(textOf(cardOf(planId).at(-1)!), /Waiting for your approval/, `the card of ${planId} shows it waits`);
        const prompts = accepted.filter((call) => call.method === 'chat.postMessage' && call.body.thread_ts && textOf(call).includes('op:approve') && textOf(call).includes(`${planId}:`));
        assert.equal(prompts.length, 1, `the approval prompt of ${planId} was posted once`);
      }
      t.diagnostic(`rate limit ${LIMITED_MS} ms; backlog drained ${drainedMs} ms after it ended; card calls ${cardCalls} for ${PLANS_EACH} plans of 7 notices each; alerts raised 1`);
    });
  });
}
