// Slack in Socket Mode (SLACK_APP_TOKEN set): no public address, Bolt holds a WebSocket that the
// local fake Slack opens through apps.connections.open and pushes envelopes down. The same
// plan runs as over HTTP: a command, a question answered in the thread, an approval click; and,
// as over HTTP, an envelope is acknowledged only once it is written to the inbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Service } from '../src/service.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { databaseTarget } from '../src/store/database-url.ts';
import { landingFile } from '../src/store/inbox-landing.ts';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testService, waitForStatus } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { exited } from './support/processes.ts';
import { blockActionBody, messageEventBody, slashCommandBody } from './support/slack-requests.ts';

const OPERATOR = 'UOPS';
/**
 * Takes SQLite's write lock on the file named in argv, says so, and lets go by itself after
 * HOLD_MS, printing when. It lets go on its own because the service shares this test's process:
 * a write that waits for the lock blocks that thread, so the test could not tell it to let go.
 */
const HOLD_WRITE_LOCK = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('ROLLBACK'); db.close(); process.stdout.write(String(Date.now())); process.exit(0); }, Number(process.argv[2]));
`;
/** Long enough for an ack sent before the write (as Bolt's own receiver does) to arrive. */
const HOLD_MS = 1500;
/** Past the Socket Mode client's 5 s pong timeout: a thread blocked this long would lose the socket. */
const LONG_HOLD_MS = 6000;
const CHANNEL = 'C1';

describe('Slack in Socket Mode', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    service = await testService(database, [supplierPayment], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: 'xapp-test-token',
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: OPERATOR,
    });
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  const textOf = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);
  const threadPosts = (threadTs: string) => fake.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === threadTs);

  test('a command, a thread reply and a click arrive over the socket, are acked and run the plan', async () => {
    await fake.socketMode.connected();
    const http = await fetch(`http://127.0.0.1:${service.port}/slack/events`, { method: 'POST', body: '{}' });
    assert.equal(http.status, 404, 'no HTTP endpoint in Socket Mode');
    assert.equal(fake.callsTo('apps.connections.open').length, 1, 'the connection was opened through SLACK_API_URL');

    const command = Object.fromEntries(
      new URLSearchParams(
        slashCommandBody({ text: 'start supplier-payment Pay Acme Ltd 1250 EUR for invoice INV-42', userId: OPERATOR, channelId: CHANNEL, responseUrl: fake.responseUrl('start') }),
      ),
    );
    const commandAck = await fake.socketMode.deliver('slash_commands', command);
    assert.ok(commandAck.envelope_id, 'the command envelope is acknowledged');
    const started = await fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === 'start'));
    const planId = /plan (p[a-z0-9]+)/.exec(String(started.body.text))![1]!;

    const card = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((c) => !c.body.thread_ts && textOf(c).includes(planId)));
    const cardTs = (await fake.waitFor(() => fake.callsTo('chat.update').find((c) => c.body.channel === card.body.channel && textOf(c).includes(planId))))!.body.ts as string;
    await fake.waitFor(() => threadPosts(cardTs).find((c) => textOf(c).includes('Which IBAN')));

    const replyEvent = JSON.parse(messageEventBody({ text: 'DE89 3704 0044 0532 0130 00', ts: '1800000000.000100', threadTs: cardTs, userId: OPERATOR, channelId: CHANNEL })) as Record<string, unknown>;
    await fake.socketMode.deliver('events_api', replyEvent, { retry_attempt: 0, retry_reason: '' });
    const prompt = await fake.waitFor(() => threadPosts(cardTs).find((c) => JSON.stringify(c.body.blocks ?? '').includes('op:approve')));
    const approveValue = JSON.stringify(prompt.body.blocks).match(/"value":"(p[a-z0-9]+:\d+)"/)![1]!;

    const click = new URLSearchParams(
      blockActionBody({ userId: OPERATOR, channelId: CHANNEL, actionId: 'op:approve', value: approveValue, messageTs: cardTs, responseUrl: fake.responseUrl('click') }),
    ).get('payload')!;
    await fake.socketMode.deliver('interactive', JSON.parse(click) as Record<string, unknown>);
    const done = await waitForStatus(service.operator, planId, ['completed']);
    assert.equal(done.plan.requestedBy, `slack:${OPERATOR}`);
    const approval = (await service.operator.conductor.audit(planId)).find((e) => e.action === 'approval.granted');
    assert.equal(approval?.actor, `slack:${OPERATOR}`);
  });

  test('a thread reply is acknowledged only once it is in the inbox, never before', async () => {
    await fake.socketMode.connected();
    const event = JSON.parse(messageEventBody({ eventId: 'EvINBOXFIRST', text: 'noted', ts: '1800000001.000200', threadTs: '1800000001.000100', userId: OPERATOR, channelId: CHANNEL })) as Record<string, unknown>;
    // Another process holds the database's write lock for HOLD_MS: the inbox cannot be written meanwhile.
    const lock = await holdWriteLock(database, HOLD_MS);
    const ackedAt = await fake.socketMode.deliver('events_api', event, { retry_attempt: 0, retry_reason: '' }).then(() => Date.now());
    const releasedAt = await lock.released;
    assert.ok(ackedAt >= releasedAt, `the reply was acknowledged ${releasedAt - ackedAt} ms before the inbox could be written`);
    const entry = await pollUntil(() => service.operator.store.prisma((db) => db.inboxEntry.findUnique({ where: { id: 'slack:event:EvINBOXFIRST' } })), 10_000, () => 'the reply never reached the inbox');
    assert.equal(entry?.kind, 'reply', 'the acknowledged reply is in the inbox');
  });

  test('an inbox write that waits past the ping timeout keeps the socket: the ack follows the write on the same connection, and the reply is taken in once', async () => {
    await fake.socketMode.connected();
    const connectionsBefore = fake.socketMode.connections();
    const event = JSON.parse(messageEventBody({ eventId: 'EvSLOWWRITE', text: 'noted', ts: '1800000002.000200', threadTs: '1800000002.000100', userId: OPERATOR, channelId: CHANNEL })) as Record<string, unknown>;
    const lock = await holdWriteLock(database, LONG_HOLD_MS);
    const ackedAt = await fake.socketMode.deliver('events_api', event, { retry_attempt: 0, retry_reason: '' }).then(() => Date.now());
    assert.ok(ackedAt >= (await lock.released), 'the ack came after the write');
    assert.equal(fake.socketMode.connections(), connectionsBefore, 'the waiting write did not cost the socket (its pings went on)');
    await pollUntil(() => service.operator.store.prisma((db) => db.inboxEntry.findUnique({ where: { id: 'slack:event:EvSLOWWRITE' } })), 10_000, () => 'the reply never reached the inbox');

    const command = Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'help', userId: OPERATOR, channelId: CHANNEL, responseUrl: fake.responseUrl('after') })));
    await fake.socketMode.deliver('slash_commands', command);
    await fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === 'after'));
  });
});

describe('Slack in Socket Mode, with an app token Slack refuses at first', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;
  after(async () => {
    await service?.stop();
    await fake.close();
    await database.drop();
  });

  test('the service starts degraded with the fix on /healthz, and connects once Slack takes the token', async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    fake.failNext('apps.connections.open', { error: 'invalid_auth' });
    fake.failNext('apps.connections.open', { error: 'invalid_auth' });
    service = await testService(database, [supplierPayment], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: 'xapp-test-token',
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: OPERATOR,
    });
    const health = async () => (await (await fetch(`http://127.0.0.1:${service.port}/healthz`)).json()) as { status: string; problems?: Record<string, string> };
    const degraded = await pollUntil(async () => ((await health()).problems?.['slack-socket']?.includes('invalid_auth') ? health() : null), 10_000, () => 'the refused token never showed on /healthz');
    assert.equal(degraded.status, 'degraded');
    assert.match(degraded.problems!['slack-socket']!, /Fix: set SLACK_APP_TOKEN/);

    await fake.socketMode.connected(15_000);
    const healthy = await pollUntil(async () => ((await health()).problems?.['slack-socket'] === undefined ? health() : null), 10_000, () => '/healthz still reports the socket');
    assert.equal(healthy.problems?.['slack-socket'], undefined);
    const command = Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'help', userId: OPERATOR, channelId: CHANNEL, responseUrl: fake.responseUrl('help') })));
    await fake.socketMode.deliver('slash_commands', command);
    await fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === 'help'));
  });
});

/**
 * Another process takes the write lock of the file the front door lands the inbox in (beside the
 * SQLite database, src/store/inbox-landing.ts) and lets go after holdMs; `released`
 * resolves with when it let go (Date.now() there).
 */
async function holdWriteLock(database: TestDatabase, holdMs: number): Promise<{ released: Promise<number> }> {
  const target = databaseTarget(database.url);
  assert.equal(target.provider, 'sqlite');
  const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLD_WRITE_LOCK, landingFile(target.file), String(holdMs)], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const output: Buffer[] = [];
  holder.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
  await once(holder.stdout!, 'data');
  assert.equal(Buffer.concat(output).toString(), 'locked\n');
  return { released: exited(holder).then(() => Number(Buffer.concat(output).toString().split('\n')[1])) };
}
