// Slack is acknowledged by the front door, on a thread of its own: a slash command gets its ack
// while the core thread (conductor, dispatcher, store) cannot run at all, and the plan it asks
// for starts as soon as the core runs again. Everything else on the port passes through.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { signSlackRequest, slashCommandBody } from './support/slack-requests.ts';

const SECRET = 'front-door-signing-secret';
const OPERATOR = 'UOPS';

/** Posts stdin's {url, headers, body} and prints the status: a client that needs nothing from this thread. */
const CLIENT = `
const { url, headers, body } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
fetch(url, { method: 'POST', headers, body }).then((r) => console.log(r.status), (e) => { console.error(e); process.exit(1); });
`;

describe('Slack front door', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    service = await testService(database, [gatedWorkflow], {
      SLACK_BOT_TOKEN: 'xoxb-front-door',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: OPERATOR,
    });
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  test('a slash command is acknowledged while the core thread is blocked, and its plan starts once the core runs again', async () => {
    const body = slashCommandBody({ text: 'start fixture-gated amount=7', userId: OPERATOR, channelId: 'C1', responseUrl: fake.responseUrl('blocked') });
    const request = { url: `http://127.0.0.1:${service.port}/slack/events`, headers: signSlackRequest(SECRET, body), body };
    // spawnSync holds this thread, which is the service's core thread, until the client has its
    // answer: an ack that needed the core would never come, and the client would be killed.
    const client = spawnSync(process.execPath, ['-e', CLIENT], { input: JSON.stringify(request), encoding: 'utf8', timeout: 20_000 });
    assert.equal(client.signal, null, 'no ack while the core thread was blocked');
    assert.equal(client.stdout.trim(), '200', client.stderr);

    const plan = await pollUntil(
      async () => (await service.operator.conductor.list({ limit: 5 })).find((p) => p.workflow === 'fixture-gated'),
      10_000,
      () => 'the acknowledged command started no plan',
    );
    assert.equal(plan.requestedBy, `slack:${OPERATOR}`);
    const reply = await fake.waitFor((calls) => calls.find((c) => c.method === 'response_url' && c.name === 'blocked'));
    assert.match(JSON.stringify(reply.body), new RegExp(`Started fixture-gated as plan ${plan.id}`));
  });

  test('health, metrics and unknown paths pass through the front door to the core', async () => {
    const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(((await health.json()) as { checks: object }).checks).sort(), ['chroma', 'local', 'slack', 'store']);
    assert.equal((await fetch(`http://127.0.0.1:${service.port}/metrics`)).status, 200);
    const missing = await fetch(`http://127.0.0.1:${service.port}/nope`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /GET \/healthz/);
  });
});
