// Slack end to end: the real Bolt app inside the service receives signed requests as Slack
// sends them; a local server plays the Slack Web API and records every call.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testService, waitForInboxAnswered, waitForOutboxDrained, waitForStatus } from './support/operator.ts';
import { blockActionBody, messageEventBody, postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret';
const OPERATOR = 'UOPS';
const STRANGER = 'UNOBODY';
const CHANNEL = 'C1';

describe('Slack', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;
  let url: string;
  let seq = 0;
  const nextTs = () => `1800000000.${String(++seq).padStart(6, '0')}`;

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    service = await testService(database, [supplierPayment, gatedWorkflow], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: `${OPERATOR}, UOTHER`,
    });
    url = `http://127.0.0.1:${service.port}/slack/events`;
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  const command = (text: string, options: { user?: string; triggerId?: string; responseName?: string; headers?: Record<string, string> } = {}) =>
    postToSlackEndpoint(
      url,
      SECRET,
      slashCommandBody({ text, userId: options.user ?? OPERATOR, channelId: CHANNEL, triggerId: options.triggerId, responseUrl: fake.responseUrl(options.responseName ?? text) }),
      { headers: options.headers },
    );
  const click = (action: string, value: string, messageTs: string, user = OPERATOR, responseName = `${action}-${user}`) =>
    postToSlackEndpoint(url, SECRET, blockActionBody({ userId: user, channelId: CHANNEL, actionId: `op:${action}`, value, messageTs, responseUrl: fake.responseUrl(responseName) }));
  const reply = (text: string, threadTs: string, user = OPERATOR, eventId?: string) =>
    postToSlackEndpoint(url, SECRET, messageEventBody({ text, ts: nextTs(), threadTs, userId: user, channelId: CHANNEL, eventId }));
  const responses = (name: string) => fake.calls.filter((c) => c.method === 'response_url' && c.name === name);
  const textOf = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);
  const cardFor = (planId: string) =>
    fake.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && textOf(c).includes(planId)));
  const threadPosts = (threadTs: string) => fake.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === threadTs);

  test('start, progress in place, a question answered in the thread, an approval click and completion', async () => {
    const ack = await command('start supplier-payment Pay Acme Ltd 1250 EUR for invoice INV-42', { responseName: 'start-1' });
    assert.equal(ack.status, 200);
    const started = await fake.waitFor(() => responses('start-1')[0]);
    assert.match(String(started.body.text), /Started supplier-payment as plan p[a-z0-9]+/);
    assert.equal(started.body.response_type, 'ephemeral');
    const planId = /plan (p[a-z0-9]+)/.exec(String(started.body.text))![1]!;

    const card = await cardFor(planId);
    assert.equal(card.body.channel, CHANNEL);
    const cardTs = (await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(planId))))!.body.ts as string;
    assert.ok(cardTs, 'the card is updated in place as steps advance');

    const question = await fake.waitFor(() => threadPosts(cardTs).find((c) => textOf(c).includes('Which IBAN')));
    assert.equal(question.body.thread_ts, cardTs);
    assert.equal((question.body.metadata as { event_type: string }).event_type, 'operator_notice');

    await reply('what is this about?', cardTs, 'UWATCHER');
    await reply('DE00 1234', cardTs);
    await fake.waitFor(() => threadPosts(cardTs).find((c) => textOf(c).includes('not a valid IBAN')));
    await reply('DE89 3704 0044 0532 0130 00', cardTs);

    const prompt = await fake.waitFor(() => threadPosts(cardTs).find((c) => JSON.stringify(c.body.blocks ?? '').includes('op:approve')));
    const actions = (prompt.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!;
    assert.deepEqual(actions.elements!.map((e) => e.action_id), ['op:approve', 'op:edit', 'op:deny'], "the payment's approval offers Edit");
    assert.equal(actions.elements![0]!.value, `${planId}:1`);
    assert.match(textOf(prompt), /Pay 1250.00 EUR to Acme Ltd/);

    const clicked = await click('approve', actions.elements![0]!.value, cardTs);
    assert.equal(clicked.status, 200);
    const done = await waitForStatus(service.operator, planId, ['completed']);
    assert.equal(done.plan.requestedBy, `slack:${OPERATOR}`);
    const approval = (await service.operator.conductor.audit(planId)).find((e) => e.action === 'approval.granted')!;
    assert.equal(approval.actor, `slack:${OPERATOR}`);

    const decided = await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(`Approved by <@${OPERATOR}> at <!date^`)));
    assert.ok(!JSON.stringify(decided.body.blocks).includes('op:approve'), 'the buttons are replaced by the outcome');
    await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(planId) && textOf(c).includes('Completed')));
    await fake.waitFor(() => threadPosts(cardTs).find((c) => textOf(c).includes('supplier-payment completed')));
    assert.equal(fake.callsTo('chat.postMessage').filter((c) => !c.body.thread_ts && textOf(c).includes(planId)).length, 1, 'one card per plan');
    assert.ok(!threadPosts(cardTs).some((c) => textOf(c).includes('what is this about')), 'chatter is ignored');
  });

  test('a non-operator is refused politely, the attempt is audited and nothing changes', async () => {
    await command('start fixture-gated amount=50', { user: STRANGER, responseName: 'stranger-start' });
    const refused = await fake.waitFor(() => responses('stranger-start')[0]);
    assert.match(String(refused.body.text), /only the operators/);
    const refusals = await service.operator.store.prisma((db) => db.auditEntry.findMany({ where: { actor: `slack:${STRANGER}` } }));
    assert.deepEqual(refusals.map((r) => r.action), ['refused.command.start']);
  });

  test('clicks by non-operators, double clicks and clicks on a superseded version change nothing', async () => {
    await command('start fixture-gated amount=50', { responseName: 'gated-start' });
    const planId = /plan (p[a-z0-9]+)/.exec(String((await fake.waitFor(() => responses('gated-start')[0])).body.text))![1]!;
    const cardTs = (await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(planId)))).body.ts as string;
    await fake.waitFor(() => threadPosts(cardTs).find((c) => textOf(c).includes('purchase order')));
    await reply('PO-7', cardTs);
    await waitForStatus(service.operator, planId, ['waiting_approval']);

    await click('approve', `${planId}:1`, cardTs, STRANGER, 'stranger-click');
    assert.match(String((await fake.waitFor(() => responses('stranger-click')[0])).body.text), /only the operators/);
    assert.equal((await service.operator.conductor.show(planId)).plan.status, 'waiting_approval');

    await service.operator.conductor.edit(planId, 'cli:alice', { input: { amount: 60 } });
    await click('approve', `${planId}:1`, cardTs, OPERATOR, 'stale-click');
    assert.match(String((await fake.waitFor(() => responses('stale-click')[0])).body.text), /version 1 .* since become version 2/);

    await waitForStatus(service.operator, planId, ['waiting_answer']);
    await reply('PO-8', cardTs);
    await waitForStatus(service.operator, planId, ['waiting_approval']);
    await click('approve', `${planId}:2`, cardTs, OPERATOR, 'first-click');
    await click('approve', `${planId}:2`, cardTs, 'UOTHER', 'second-click');
    assert.match(String((await fake.waitFor(() => responses('second-click')[0])).body.text), /is (running|completed), not waiting approval|changed while/);
    await waitForStatus(service.operator, planId, ['completed']);
    const grants = (await service.operator.conductor.audit(planId)).filter((e) => e.action === 'approval.granted');
    assert.deepEqual(grants.map((g) => g.actor), [`slack:${OPERATOR}`]);
  });

  test('a retried delivery of the same command starts one plan', async () => {
    const before = (await service.operator.conductor.list({ limit: 1000 })).length;
    const triggerId = `trigger-retry-${Date.now()}`;
    await command('start fixture-gated amount=5', { triggerId, responseName: 'retry-1' });
    await command('start fixture-gated amount=5', { triggerId, responseName: 'retry-2', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await fake.waitFor(() => responses('retry-1')[0]);
    await waitForInboxAnswered(service.operator, `slack:command:${triggerId}`);
    assert.equal((await service.operator.conductor.list({ limit: 1000 })).length, before + 1);
    assert.equal(responses('retry-2').length, 0);
  });

  test('forged signatures and stale or future timestamps are rejected with 401 and change nothing', async () => {
    const before = (await service.operator.conductor.list({ limit: 1000 })).length;
    const body = slashCommandBody({ text: 'start fixture-gated amount=1', userId: OPERATOR, responseUrl: fake.responseUrl('forged') });
    const forged = await postToSlackEndpoint(url, 'not-the-secret', body);
    assert.equal(forged.status, 401);
    const stale = await postToSlackEndpoint(url, SECRET, body, { timestampSeconds: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(stale.status, 401);
    const future = await postToSlackEndpoint(url, SECRET, body, { timestampSeconds: Math.floor(Date.now() / 1000) + 6 * 60 });
    assert.equal(future.status, 401);
    // Refused before the inbox: nothing was written that could start a plan later.
    assert.equal(await service.operator.store.prisma((db) => db.inboxEntry.count({ where: { payload: { contains: 'amount=1"' } } })), 0);
    assert.equal((await service.operator.conductor.list({ limit: 1000 })).length, before);
  });

  test('bad input gets the usage of the nearest command', async () => {
    await command('aprove p123', { responseName: 'typo' });
    assert.match(String((await fake.waitFor(() => responses('typo')[0])).body.text), /"aprove" is not an \/op command[\s\S]*\/op approve <plan> \[reason\]/);
    await command('rollback p1234567 latest', { responseName: 'bad-version' });
    assert.match(String((await fake.waitFor(() => responses('bad-version')[0])).body.text), /Usage: `\/op rollback <plan> <version>`/);
  });

  test('a 429 from the Web API pauses delivery for Retry-After, and the message is still posted once', async () => {
    await command('start fixture-gated amount=9', { responseName: 'limited' });
    const planId = /plan (p[a-z0-9]+)/.exec(String((await fake.waitFor(() => responses('limited')[0])).body.text))![1]!;
    const cardTs = (await cardFor(planId)).body.ts as string | undefined;
    const threadTs = cardTs ?? ((await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(planId)))).body.ts as string);
    await fake.waitFor(() => threadPosts(threadTs).find((c) => textOf(c).includes('purchase order')));

    fake.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const limitedAt = fake.calls.length;
    await reply('PO-9', threadTs);
    const posts = await fake.waitFor(() => {
      const later = fake.calls.slice(limitedAt).filter((c) => c.method === 'chat.postMessage');
      return later.length >= 2 ? later : null;
    });
    const [refused, retried] = posts;
    assert.ok(retried!.at - refused!.at >= 1000, `posted again ${retried!.at - refused!.at} ms after the 429`);
    assert.equal(JSON.stringify(retried!.body.metadata), JSON.stringify(refused!.body.metadata), 'the same notice was retried');
    await waitForOutboxDrained(service.operator, planId);
    const approvalPrompts = threadPosts(threadTs).filter((c) => JSON.stringify(c.body.blocks ?? '').includes('op:approve'));
    assert.equal(approvalPrompts.length, 2, 'one refused, one posted');
  });

  test('a message Slack accepted but whose answer was lost is found by notice id, not posted twice', async () => {
    await command('start fixture-gated amount=11', { responseName: 'lost' });
    const planId = /plan (p[a-z0-9]+)/.exec(String((await fake.waitFor(() => responses('lost')[0])).body.text))![1]!;
    const threadTs = (await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(planId)))).body.ts as string;
    await fake.waitFor(() => threadPosts(threadTs).find((c) => textOf(c).includes('purchase order')));

    fake.failNext('chat.postMessage', { lostAnswer: true });
    await reply('PO-10', threadTs);
    await fake.waitFor(() => fake.callsTo('conversations.replies').find((c) => c.body.ts === threadTs), 10_000);
    await click('approve', `${planId}:1`, threadTs, OPERATOR, 'after-lost');
    await waitForStatus(service.operator, planId, ['completed']);
    await waitForOutboxDrained(service.operator, planId);
    const prompts = threadPosts(threadTs).filter((c) => JSON.stringify(c.body.blocks ?? '').includes('op:approve'));
    assert.equal(prompts.length, 1, 'the approval prompt was posted once');
    await fake.waitFor(() => fake.callsTo('chat.update').find((c) => textOf(c).includes(`Approved by <@${OPERATOR}>`)));
  });
});
