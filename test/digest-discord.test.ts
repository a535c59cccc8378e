// The daily digest on Discord: the real discord.js client posts it to DIGEST_DISCORD_CHANNEL,
// once a day, with a row of buttons per waiting plan.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeDiscord, type FakeDiscord } from './support/fake-discord.ts';
import { within } from './support/poll.ts';
import { discordConnected, testOperator, testService, waitForNoticesDelivered, waitForStatus } from './support/operator.ts';

describe('daily digest on Discord', () => {
  let fake: FakeDiscord;
  let database: TestDatabase;
  let service: Service;
  const waiting: string[] = [];

  before(async () => {
    fake = await startFakeDiscord();
    database = await createTestDatabase('sqlite');
    const operator = await testOperator(database, [gatedWorkflow]);
    await operator.worker.start();
    for (const amount of [10, 20]) {
      const { plan } = await operator.conductor.start('fixture-gated', { amount }, { requestedBy: 'cli:test' });
      await waitForStatus(operator, plan.id, ['waiting_answer']);
      await operator.conductor.answer(plan.id, 'cli:test', 'PO-1');
      await waitForStatus(operator, plan.id, ['waiting_approval']);
      waiting.push(plan.id);
    }
    await operator.close();
    service = await testService(database, [gatedWorkflow], {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.restUrl,
      DIGEST_DISCORD_CHANNEL: fake.channelId,
      DIGEST_CRON: '* * * * * *',
    });
    await discordConnected(service);
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  test('one digest in the configured channel, each waiting plan with its own row of buttons', async () => {
    const digests = () => fake.messagesIn(fake.channelId).filter((m) => JSON.stringify(m).includes('Daily digest'));
    const [digest] = await fake.waitFor(() => (digests().length > 0 ? digests() : null));
    // A firing after this one found today's digest written, and whatever it wrote has been delivered.
    await within(service.digest.rounds.finishedSince(), 5000, () => 'the digest schedule did not fire again');
    await waitForNoticesDelivered(service.operator, 'digest');
    assert.equal(digests().length, 1);
    const rows = (digest as { components: { components: { custom_id: string }[] }[] }).components;
    assert.deepEqual(
      rows.map((row) => row.components.map((button) => button.custom_id)),
      waiting.map((id) => [`op:approve|${id}:1`, `op:deny|${id}:1`]),
      'oldest wait first, one row per plan',
    );
  });
});
