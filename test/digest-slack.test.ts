// The daily digest end to end: the service's schedule fires, the digest goes through the outbox
// and Bolt to the configured Slack channel (once), its buttons settle the plan waiting on the
// operator, and `/op digest` posts one now in the channel it was asked in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testOperator, testService, waitForNoticesDelivered, waitForStatus } from './support/operator.ts';
import { within } from './support/poll.ts';
import { blockActionBody, postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret';
const OPERATOR = 'UOPS';
const STRANGER = 'UNOBODY';
const DIGEST_CHANNEL = 'CDIGEST';

describe('daily digest through Slack', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;
  let url: string;
  let waitingPlan: string;

  const textOf = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);
  const digestPosts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.body.channel === channel && textOf(c).includes('Daily digest'));

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    // A plan already waits for approval when the service starts.
    const operator = await testOperator(database, [gatedWorkflow]);
    await operator.worker.start();
    waitingPlan = (await operator.conductor.start('fixture-gated', { amount: 50 }, { requestedBy: `slack:${OPERATOR}` })).plan.id;
    await waitForStatus(operator, waitingPlan, ['waiting_answer']);
    await operator.conductor.answer(waitingPlan, `slack:${OPERATOR}`, 'PO-7');
    await waitForStatus(operator, waitingPlan, ['waiting_approval']);
    await operator.close();

    service = await testService(database, [gatedWorkflow], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: OPERATOR,
      DIGEST_SLACK_CHANNEL: DIGEST_CHANNEL,
      DIGEST_CRON: '* * * * * *', // every second: the test sees several firings
      DIGEST_TZ: 'Europe/Berlin',
    });
    url = `http://127.0.0.1:${service.port}/slack/events`;
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  test('the schedule posts one digest a day to the configured channel, with buttons for what waits', async () => {
    const posted = await fake.waitFor(() => digestPosts(DIGEST_CHANNEL)[0]);
    // A firing after this one found today's digest written, and whatever it wrote has been delivered.
    await within(service.digest.rounds.finishedSince(), 5000, () => 'the digest schedule did not fire again');
    await waitForNoticesDelivered(service.operator, 'digest');
    assert.equal(digestPosts(DIGEST_CHANNEL).length, 1);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    assert.match(textOf(posted), new RegExp(`Daily digest · ${today}`));
    assert.match(textOf(posted), new RegExp(`fixture-gated ${waitingPlan} · Approve sending \\(approval\\)`));
    assert.equal((posted.body.metadata as { event_type: string }).event_type, 'operator_notice', 'a retried delivery finds this post');

    const actions = (posted.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).filter((b) => b.type === 'actions');
    assert.deepEqual(actions[0]!.elements!.map((e) => `${e.action_id}=${e.value}`), [`op:approve=${waitingPlan}:1`, `op:deny=${waitingPlan}:1`]);

    const click = await postToSlackEndpoint(
      url,
      SECRET,
      blockActionBody({ userId: OPERATOR, channelId: DIGEST_CHANNEL, actionId: 'op:approve', value: `${waitingPlan}:1`, messageTs: '1700000000.000100', responseUrl: fake.responseUrl('digest-approve') }),
    );
    assert.equal(click.status, 200);
    await waitForStatus(service.operator, waitingPlan, ['completed']);
  });

  test('/op digest posts one now in the channel it was asked in; strangers are refused', async () => {
    await postToSlackEndpoint(url, SECRET, slashCommandBody({ text: 'digest', userId: OPERATOR, channelId: 'C1', responseUrl: fake.responseUrl('digest-now') }));
    const reply = await fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === 'digest-now'));
    assert.match(String(reply.body.text), /Posting the digest in this channel/);
    const now = await fake.waitFor(() => digestPosts('C1')[0]);
    assert.match(textOf(now), /1 completed, 0 did not/, 'the plan approved from the digest has completed since');
    assert.equal(digestPosts(DIGEST_CHANNEL).length, 1, 'a digest asked for now takes no day slot and goes only where asked');

    await postToSlackEndpoint(url, SECRET, slashCommandBody({ text: 'digest', userId: STRANGER, channelId: 'C1', responseUrl: fake.responseUrl('digest-stranger') }));
    const refused = await fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === 'digest-stranger'));
    assert.match(String(refused.body.text), /only the operators/);
  });
});

for (const provider of providers()) {
  describe(`daily digest from two service replicas (${provider})`, () => {
    let fake: FakeSlack;
    let database: TestDatabase;
    let replicas: Service[];

    before(async () => {
      fake = await startFakeSlack();
      database = await createTestDatabase(provider);
      const settings = (worker: string) => ({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        OPERATOR_SLACK_USER_IDS: OPERATOR,
        DIGEST_SLACK_CHANNEL: DIGEST_CHANNEL,
        DIGEST_CRON: '* * * * * *',
        WORKER_ID: worker,
      });
      replicas = [await testService(database, [gatedWorkflow], settings('replica-a')), await testService(database, [gatedWorkflow], settings('replica-b'))];
    });
    after(async () => {
      for (const replica of replicas) await replica.stop();
      await fake.close();
      await database.drop();
    });

    test('both schedules fire every second; Slack gets exactly one digest today', async () => {
      const posts = () => fake.callsTo('chat.postMessage').filter((c) => c.body.channel === DIGEST_CHANNEL && JSON.stringify(c.body.blocks).includes('Daily digest'));
      await fake.waitFor(() => posts()[0]);
      // Each replica fired again after the post, and what those firings wrote has been delivered.
      await within(Promise.all(replicas.map((replica) => replica.digest.rounds.finishedSince())), 5000, () => 'a replica did not fire again');
      await waitForNoticesDelivered(replicas[0]!.operator, 'digest');
      assert.equal(posts().length, 1);
      const runs = await replicas[1]!.operator.store.prisma((db) => db.digestRun.findMany());
      assert.deepEqual(runs.map((r) => r.channel).sort(), ['local:workspace', `slack:${DIGEST_CHANNEL}`]);
    });
  });
}
