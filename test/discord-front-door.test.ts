// Discord is taken in by the front door, on a thread of its own, as Slack is: a /op interaction
// is deferred while the core thread (conductor, dispatcher, store) cannot run at all, and the plan
// it asks for starts as soon as the core runs again. The fake Discord runs in a process of its
// own, since this test holds its own thread.
import assert from 'node:assert/strict';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { discordConnected, testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';

interface FakeDiscordProcess {
  restUrl: string;
  token: string;
  applicationId: string;
  guildId: string;
  operator: string;
  controlUrl: string;
}

/** Sends /op start through the fake and prints whether it was deferred within 10 s: a client that needs nothing from this thread. */
const CLIENT = `
const control = require('node:fs').readFileSync(0, 'utf8');
(async () => {
  const sent = await fetch(control + '/command?workflow=fixture-gated&input=amount%3D7', { method: 'POST' });
  if (!sent.ok) throw new Error('the fake Discord did not send the command: ' + (await sent.text()));
  const { id } = await sent.json();
  const until = Date.now() + 10000;
  while (Date.now() < until) {
    if ((await (await fetch(control + '/deferred/' + id)).json()).deferred) return console.log('deferred');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log('not deferred');
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('Discord front door', () => {
  let discord: ChildProcess;
  let fake: FakeDiscordProcess;
  let database: TestDatabase;
  let service: Service;

  before(async () => {
    discord = fork(new URL('./support/fake-discord-process.ts', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    [fake] = (await once(discord, 'message')) as [FakeDiscordProcess];
    database = await createTestDatabase('sqlite');
    service = await testService(database, [gatedWorkflow], {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.restUrl,
      OPERATOR_DISCORD_USER_IDS: fake.operator,
    });
    await discordConnected(service);
  });
  after(async () => {
    await service.stop();
    discord.disconnect();
    await database.drop();
  });

  test('a slash command is deferred while the core thread is blocked, and its plan starts once the core runs again', async () => {
    // spawnSync holds this thread, which is the service's core thread, until the client has its
    // answer: a deferral that needed the core would never come.
    const client = spawnSync(process.execPath, ['-e', CLIENT], { input: fake.controlUrl, encoding: 'utf8', timeout: 20_000 });
    assert.equal(client.signal, null, 'the client was killed');
    assert.equal(client.stdout.trim(), 'deferred', client.stderr);

    const plan = await pollUntil(
      async () => (await service.operator.conductor.list({ limit: 5 })).find((p) => p.workflow === 'fixture-gated'),
      10_000,
      () => 'the deferred command started no plan',
    );
    assert.equal(plan.requestedBy, `discord:${fake.operator}`);
  });
});
