// Slack in Socket Mode (SLACK_APP_TOKEN set): no public address, Bolt holds a WebSocket that the
// local fake Slack opens through apps.connections.open and pushes envelopes down. The same
// plan runs as over HTTP: a command, a question answered in the thread, an approval click; and,
// as over HTTP, an envelope is acknowledged only once it is written to the inbox.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Service } from '../src/service.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { databaseTarget } from '../src/store/database-url.ts';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testService, waitForStatus } from './support/operator.ts';
import { exited } from './support/processes.ts';
import { blockActionBody, messageEventBody, slashCommandBody } from './support/slack-requests.ts';

const OPERATOR = 'UOPS';
/** Takes SQLite's write lock on the file named in argv, says so, and lets go when stdin says release. */
const HOLD_WRITE_LOCK = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
`;
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
    const target = databaseTarget(database.url);
    assert.equal(target.provider, 'sqlite');
    const event = JSON.parse(messageEventBody({ eventId: 'EvINBOXFIRST', text: 'noted', ts: '1800000001.000200', threadTs: '1800000001.000100', userId: OPERATOR, channelId: CHANNEL })) as Record<string, unknown>;
    // Another process holds the database's write lock until told to let go: the inbox cannot be written meanwhile.
    const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLD_WRITE_LOCK, target.file], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    const [locked] = (await once(holder.stdout!, 'data')) as [Buffer];
    assert.equal(locked.toString().trim(), 'locked');
    const acked = fake.socketMode.deliver('events_api', event, { retry_attempt: 0, retry_reason: '' }).then(() => 'acknowledged' as const);
    // Long enough for an ack sent before the write (as Bolt's own receiver does) to arrive.
    const first = await Promise.race([acked, sleep(1000).then(() => 'still locked' as const)]);
    holder.stdin!.end('release\n');
    await exited(holder);
    assert.equal(first, 'still locked', 'the reply was acknowledged while the inbox could not be written');
    await acked;
    const entry = await service.operator.store.prisma((db) => db.inboxEntry.findUnique({ where: { id: 'slack:event:EvINBOXFIRST' } }));
    assert.equal(entry?.kind, 'reply', 'the acknowledged reply is in the inbox');
  });
});
