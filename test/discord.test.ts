// Discord specifics: the real discord.js Client against a local server that plays Discord's REST
// API and gateway (HELLO, IDENTIFY, READY, heartbeats, INTERACTION_CREATE, MESSAGE_CREATE, RESUME).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeDiscord, type FakeDiscord } from './support/fake-discord.ts';
import { discordConnected, testService, waitForStatus } from './support/operator.ts';

const OPERATOR = '2100000000000000001';
const ROLE_HOLDER = '2100000000000000002';

describe('Discord', () => {
  let fake: FakeDiscord;
  let database: TestDatabase;
  let service: Service;
  const operatorRole = '3100000000000000001';

  before(async () => {
    fake = await startFakeDiscord({ roles: [{ id: operatorRole, name: 'operators' }] });
    database = await createTestDatabase('sqlite');
    service = await testService(database, [gatedWorkflow], {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.restUrl,
      OPERATOR_DISCORD_USER_IDS: OPERATOR,
      OPERATOR_DISCORD_ROLE_ID: operatorRole,
    });
    await discordConnected(service);
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  const start = async (args: Record<string, string>, userId = OPERATOR, roles?: string[]) => {
    const interaction = fake.sendInteraction(fake.slashCommand({ userId, subcommand: 'start', args, roles }));
    const reply = await fake.waitFor(() =>
      fake.calls.find((c) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${String(interaction.token)}/messages/@original`),
    );
    return /plan (p[a-z0-9]+)/.exec(JSON.stringify(reply.body))?.[1] ?? '';
  };
  const cardOf = (planId: string) => fake.waitFor(() => fake.messagesIn(fake.channelId).find((m) => JSON.stringify(m).includes(planId)));

  test('/op is registered in the guild at start-up, with a subcommand per command', async () => {
    const [registration] = fake.callsTo('PUT', new RegExp(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`));
    const [op] = registration!.body as { name: string; options: { name: string }[] }[];
    assert.equal(op!.name, 'op');
    assert.deepEqual(op!.options.map((o) => o.name).sort(), ['abort', 'alerts', 'approve', 'audit', 'budget', 'cancel', 'continue', 'deny', 'digest', 'forget', 'help', 'inbox', 'list', 'recall', 'remember', 'retry', 'rollback', 'schedule', 'skip', 'start', 'status', 'workflows']);
    // Discord takes required options first; --dry-run is a boolean option (type 5) of start.
    const start = (op!.options as { name: string; options: { name: string; type: number; required?: boolean }[] }[]).find((o) => o.name === 'start')!;
    assert.deepEqual(start.options.map((o) => [o.name, o.type, o.required ?? false]), [['workflow', 3, true], ['dry-run', 5, false], ['input', 3, false]]);
  });

  test('interactions are deferred at once, then answered', async () => {
    const interaction = fake.sendInteraction(fake.slashCommand({ userId: OPERATOR, subcommand: 'help' }));
    const callback = await fake.waitFor(() => fake.calls.find((c) => c.path.startsWith(`/interactions/${String(interaction.id)}/`)));
    assert.equal(callback.status, 204);
    assert.equal((callback.body as { type: number }).type, 5, 'deferred channel message');
    const answer = await fake.waitFor(() => fake.calls.find((c) => c.method === 'PATCH' && c.path.includes(String(interaction.token))));
    assert.match(JSON.stringify(answer.body), /\/op start \[--dry-run\] <workflow>/);
  });

  test('a member holding the operator role may approve', async () => {
    const planId = await start({ workflow: 'fixture-gated', input: 'amount=3' });
    const card = await cardOf(planId);
    await fake.waitFor(() => fake.messagesIn(String(card.id)).find((m) => JSON.stringify(m).includes('purchase order')));
    fake.sendMessage({ channelId: String(card.id), userId: ROLE_HOLDER, content: 'PO-5', roles: [operatorRole] });
    await waitForStatus(service.operator, planId, ['waiting_approval']);
    const click = fake.sendInteraction(fake.buttonClick({ userId: ROLE_HOLDER, roles: [operatorRole], channelId: String(card.id), customId: `op:approve|${planId}:1` }));
    await waitForStatus(service.operator, planId, ['completed']);
    const grant = (await service.operator.conductor.audit(planId)).find((e) => e.action === 'approval.granted');
    assert.equal(grant?.actor, `discord:${ROLE_HOLDER}`);
    assert.ok(click.id);
  });

  test('a click sent while the gateway is down is handled after RESUME, and no notice is lost', async () => {
    const planId = await start({ workflow: 'fixture-gated', input: 'amount=4' });
    const card = await cardOf(planId);
    const thread = String(card.id);
    await fake.waitFor(() => fake.messagesIn(thread).find((m) => JSON.stringify(m).includes('purchase order')));
    fake.sendMessage({ channelId: thread, userId: OPERATOR, content: 'PO-6' });
    await fake.waitFor(() => fake.messagesIn(thread).find((m) => JSON.stringify(m).includes(`op:approve|${planId}:1`)));

    const identifies = fake.identifies;
    await fake.disconnect({ resumable: true });
    fake.sendInteraction(fake.buttonClick({ userId: OPERATOR, channelId: thread, customId: `op:approve|${planId}:1` }));
    await waitForStatus(service.operator, planId, ['completed'], 10_000);
    assert.equal(fake.resumes, 1);
    assert.equal(fake.identifies, identifies, 'resumed, not identified again');
    await fake.waitFor(() => fake.messagesIn(thread).find((m) => /Approved by <@2100000000000000001>/.test(JSON.stringify(m))));
    await fake.waitFor(() => fake.messagesIn(thread).find((m) => JSON.stringify(m).includes('fixture-gated completed')));
  });

  test('a 429 defers the notice for retry_after, and the message is posted once', async () => {
    const planId = await start({ workflow: 'fixture-gated', input: 'amount=8' });
    const card = await cardOf(planId);
    const thread = String(card.id);
    await fake.waitFor(() => fake.messagesIn(thread).find((m) => JSON.stringify(m).includes('purchase order')));
    fake.failNext('POST', new RegExp(`/channels/${thread}/messages$`), { status: 429, retryAfterSeconds: 1 });
    fake.sendMessage({ channelId: thread, userId: OPERATOR, content: 'PO-9' });
    const prompt = await fake.waitFor(() => fake.messagesIn(thread).find((m) => JSON.stringify(m).includes(`op:approve|${planId}:1`)), 10_000);
    const attempts = fake.callsTo('POST', new RegExp(`/channels/${thread}/messages$`)).filter((c) => JSON.stringify(c.body).includes('op:approve'));
    assert.deepEqual(attempts.map((c) => c.status), [429, 200]);
    assert.ok(attempts[1]!.at - attempts[0]!.at >= 1000, `retried ${attempts[1]!.at - attempts[0]!.at} ms after the 429`);
    assert.equal(fake.messagesIn(thread).filter((m) => JSON.stringify(m).includes('op:approve')).length, 1);
    assert.ok(prompt.id);
  });

  test('health reports the gateway connection', async () => {
    const health = await fetch(`http://127.0.0.1:${service.port}/healthz`).then((r) => r.json());
    assert.deepEqual(health, { status: 'ok', checks: { store: 'ok', chroma: 'ok', local: 'ok', discord: 'ok' } });
  });
});
