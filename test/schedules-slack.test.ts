// Schedules from Slack end to end: the real Bolt app receives `/op schedule ...` as Slack sends
// it, the service's schedule runner fires what is due by the database's clock, and the plan's
// card (posted through a local Slack Web API) names the schedule that started it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret';
const OPERATOR = 'UOPS';
const CHANNEL = 'CSCHED';

describe('schedules from Slack', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;
  let url: string;

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    service = await testService(database, [gatedWorkflow], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: OPERATOR,
      DIGEST_TZ: 'Europe/Berlin',
      SCHEDULE_POLL_MS: '50',
    });
    url = `http://127.0.0.1:${service.port}/slack/events`;
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  let sent = 0;
  /** Sends `/op <text>` and returns the text of Bolt's ephemeral answer. */
  const op = async (text: string, user = OPERATOR) => {
    const name = `r${++sent}`;
    const ack = await postToSlackEndpoint(url, SECRET, slashCommandBody({ text, userId: user, channelId: CHANNEL, responseUrl: fake.responseUrl(name) }));
    assert.equal(ack.status, 200);
    const answer = await fake.waitFor((calls) => calls.find((c) => c.method === 'response_url' && c.name === name));
    return JSON.stringify(answer.body.blocks ?? answer.body.text);
  };
  const textOf = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);
  const schedules = () => service.operator.store.prisma((db) => db.schedule.findMany());

  test('a plain phrase schedules a workflow and shows its next three fire times; bad input changes nothing', async () => {
    const created = await op('schedule fixture-gated every Monday 8am amount=5');
    assert.match(created, /Scheduled fixture-gated as sc[a-z0-9]+/);
    assert.match(created, /0 8 \* \* 1, Europe\/Berlin/, 'the phrase became a cron expression in DIGEST_TZ');
    assert.equal(created.match(/<!date\^/g)?.length, 3, 'three fire times, as Slack dates');

    assert.match(await op('schedule fixture-gated every Monday amount=5'), /needs a time of day: write e.g\./);
    assert.match(await op('schedule fixture-gated "every blue moon" amount=5'), /is not a time I can read\. Write a phrase like .*every Monday 8am/);
    assert.match(await op('schedule fixture-gated every day at 9:00 amount=-3'), /The input for fixture-gated is not valid: amount/);
    assert.match(await op('schedule fixture-gated every day at 9:00 amount=5 --catch-up sometimes'), /--catch-up sometimes is not a policy/);
    assert.match(await op('schedule fixture-gated every day at 9:00 amount=5', 'USTRANGER'), /only the operators/);
    assert.equal((await schedules()).length, 1, 'only the valid schedule was made');
  });

  test('a due fire time starts one plan whose card, in the schedule\'s channel, names the schedule', async () => {
    const created = await op('schedule fixture-gated "* * * * *" amount=9');
    const id = /as (sc[a-z0-9]+)/.exec(created)![1]!;
    // Its fire time arrives: the minute that began less than 50 s ago (so it is on time).
    await pollUntil(() => new Date().getUTCSeconds() < 50, 15_000, () => 'the clock');
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await service.operator.store.prisma((db) => db.schedule.update({ where: { id }, data: { nextFireAt: minute } }));

    const card = await fake.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && textOf(c).includes(`Started by schedule ${id}`)));
    assert.equal(card.body.channel, CHANNEL);
    assert.doesNotMatch(textOf(card), /late/);
    const runs = await service.operator.store.prisma((db) => db.scheduleRun.findMany({ where: { scheduleId: id } }));
    assert.deepEqual(runs.map((r) => [r.fireAt.toISOString(), r.outcome]), [[minute.toISOString(), 'started']]);
    await op(`schedule delete ${id}`);
  });

  test('list, pause, resume, run-now and delete, each answering with the next fire times', async () => {
    const [schedule] = await schedules();
    const id = schedule!.id;
    assert.match(await op('schedule list'), new RegExp(`${id} · fixture-gated · every Monday 8am.*next: <!date`));
    const paused = await op(`schedule pause ${id}`);
    assert.match(paused, /Paused sc/);
    assert.match(paused, /paused \(would next run: <!date/);
    assert.equal((await schedules())[0]!.nextFireAt, null, 'a paused schedule has no pending fire time');
    assert.match(await op(`schedule pause ${id}`), /is already paused/);
    assert.match(await op(`schedule resume ${id}`), /Resumed .*next: <!date/s);

    const ran = await op(`schedule run-now ${id}`);
    const planId = /as plan (p[a-z0-9]+)/.exec(ran)![1]!;
    const card = await fake.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && textOf(c).includes(planId)));
    assert.match(textOf(card), new RegExp(`Run now from schedule ${id} \\(every Monday 8am\\)`));

    assert.match(await op(`schedule delete ${id}`), /Deleted sc.*plans it started are untouched/);
    assert.match(await op('schedule list'), /No schedules yet/);
    assert.match(await op(`schedule resume ${id}`), /There is no schedule/);
  });
});
