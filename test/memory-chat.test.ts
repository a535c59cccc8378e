// /op remember, /op recall and /op forget from Slack, end to end: the real Bolt app in the service
// (which starts its own local Chroma server, CHROMA_URL unset) against the local fake Slack.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCommand, type ParseResult } from '../src/bot/command-registry.ts';
import type { Service } from '../src/service.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { waitForIndexInStep } from './support/memory.ts';
import { testService } from './support/operator.ts';
import { postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret';
const OPERATOR = 'UOPS';
const STRANGER = 'UNOBODY';
const CHANNEL = 'C1';

describe('memory from Slack', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;
  let url: string;

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    service = await testService(database, [], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: OPERATOR,
    });
    url = `http://127.0.0.1:${service.port}/slack/events`;
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  /** Sends `/op <text>` and returns the ephemeral answer posted to its response_url. */
  const command = async (text: string, user = OPERATOR): Promise<SlackCall> => {
    const name = `${text}-${user}-${Math.random()}`;
    const ack = await postToSlackEndpoint(url, SECRET, slashCommandBody({ text, userId: user, channelId: CHANNEL, responseUrl: fake.responseUrl(name) }));
    assert.equal(ack.status, 200);
    return fake.waitFor((calls) => calls.find((c) => c.method === 'response_url' && c.name === name));
  };
  const shown = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);

  test('remember, recall with numbered sources, forget', async () => {
    const remembered = await command('remember Acme Ltd pays within 14 days; invoices go to maria.keller@acme.example');
    assert.match(String(remembered.body.text), /Remembered as m[a-z0-9]+/);
    const id = /Remembered as (m[a-z0-9]+)/.exec(String(remembered.body.text))![1]!;
    await command('remember "Brightworks Electric" quoted 1,700 EUR for the wiring');
    assert.match(String((await command('remember Acme Ltd pays within 14 days; invoices go to maria.keller@acme.example')).body.text), new RegExp(`already in memory as ${id}`));
    await waitForIndexInStep(service.operator.memory);

    const recalled = await command('recall when does Acme pay?');
    const text = shown(recalled);
    assert.match(text, /\[1\] Acme Ltd pays within 14 days; invoices go to \[email\]/);
    assert.ok(!text.includes('maria.keller@acme.example'), 'the e-mail address never reaches chat');
    assert.match(text, new RegExp(`\\[1\\] <https://slack.com/app_redirect\\?channel=${CHANNEL}\\|${id} · fact · slack>`), 'the citation links back to the channel it came from');
    assert.ok(!text.includes('Degraded'));

    assert.match(String((await command(`forget ${id}`)).body.text), new RegExp(`Forgot ${id}`));
    assert.ok(!shown(await command('recall when does Acme pay?')).includes(id));
    assert.match(String((await command(`forget ${id}`)).body.text), /There is no memory/);
  });

  test('bad input gets the usage, and only operators may use memory', async () => {
    assert.match(String((await command('forget 42')).body.text), /a memory id looks like m1a2b3c4d5[\s\S]*Usage: `\/op forget <memory id>`/);
    assert.match(String((await command('recall')).body.text), /write a question after \/op recall/);
    assert.match(String((await command('recall what do we know', STRANGER)).body.text), /only the operators/);
  });

  test('/healthz reports the local Chroma server', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${service.port}/healthz`)).json()) as { checks: Record<string, string> };
    assert.equal(health.checks.chroma, 'ok');
  });
});

describe('memory commands grammar', () => {
  test('remember and recall keep the text as typed; forget takes a memory id', () => {
    const parsed = (result: ParseResult) => (result.ok ? { name: result.command.name, ...result.command.args } : result);
    assert.deepEqual(parsed(parseCommand('remember "Acme"  pays   in 14 days')), { name: 'remember', text: '"Acme"  pays   in 14 days' });
    assert.deepEqual(parsed(parseCommand('RECALL when does Acme pay?')), { name: 'recall', query: 'when does Acme pay?' });
    assert.deepEqual(parsed(parseCommand('forget m1a2b3c4d5')), { name: 'forget', memoryId: 'm1a2b3c4d5' });
    const typo = parseCommand('remmeber x');
    assert.equal(typo.ok, false);
    assert.match(!typo.ok ? typo.usage : '', /\/op remember <text>/);
  });
});

