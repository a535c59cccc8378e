// A start-up that degrades instead of dying: Discord unreachable, a rejected DISCORD_TOKEN, the
// Message Content intent switched off, a rejected or unreachable Slack. Each time the service
// starts with everything else, /healthz answers "degraded" naming the part and the fix, Slack and
// the workspace keep working, and once Discord is back (or the setting is fixed) the adapter
// connects by itself. The real discord.js and Bolt clients run against the local fakes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LocalChroma } from '../src/memory/chroma-server.ts';
import type { Service } from '../src/service.ts';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeDiscord, type FakeDiscord } from './support/fake-discord.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { testChroma } from './support/memory.ts';
import { testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { exited, freePort } from './support/processes.ts';
import { postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';
import { freshRequestId, post } from './support/workspace-client.ts';

const SECRET = 'test-signing-secret';
const SLACK_OPERATOR = 'UOPS';
const DISCORD_OPERATOR = '2100000000000000001';
/**
 * How long a wait may take. Generous: on a loaded machine a service takes a while to answer,
 * and a reconnect waits for the adapter's next attempt, up to its longest backoff (two minutes).
 */
const PATIENCE_MS = 150_000;

interface Health {
  status: string;
  checks: Record<string, string>;
  problems?: Record<string, string>;
}

const healthOf = async (port: number): Promise<Health> => (await fetch(`http://127.0.0.1:${port}/healthz`)).json() as Promise<Health>;

/** Polls /healthz until accept(health) holds; fails with the last answer. */
async function healthUntil(port: number, accept: (health: Health) => boolean, timeoutMs = PATIENCE_MS): Promise<Health> {
  let last: Health | null = null;
  return pollUntil(
    async () => {
      last = await healthOf(port).catch(() => null);
      return last && accept(last) ? last : null;
    },
    timeoutMs,
    () => `/healthz answered ${JSON.stringify(last)}`,
  );
}

/** /op help from the workspace, sent again with the same request id while it answers 202, as the page does. */
async function workspaceHelp(port: number): Promise<Awaited<ReturnType<typeof post>>> {
  const requestId = freshRequestId();
  return pollUntil(
    async () => {
      const answer = await post(port, '/workspace/command', { text: '/op help', requestId });
      return answer.status === 202 ? null : answer;
    },
    PATIENCE_MS,
    () => 'the workspace never answered /op help',
  );
}

for (const provider of providers()) {
  describe(`start-up with a part down (${provider})`, () => {
    let database: TestDatabase;
    let chroma: LocalChroma;
    let slack: FakeSlack;

    before(async () => {
      database = await createTestDatabase(provider);
      // One Chroma for every service here, so the only part down is the one each test takes down.
      chroma = await testChroma(database);
      slack = await startFakeSlack();
    });
    after(async () => {
      await slack?.close();
      await chroma?.stop();
      await database?.drop();
    });

    const settings = (discord: Record<string, string>) => ({
      CHROMA_URL: chroma.url,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      OPERATOR_SLACK_USER_IDS: SLACK_OPERATOR,
      DISCORD_APPLICATION_ID: '1100000000000000001',
      DISCORD_GUILD_ID: '1200000000000000001',
      OPERATOR_DISCORD_USER_IDS: DISCORD_OPERATOR,
      ...discord,
    });

    /** Slack's /op help and the workspace's /op help both answer while Discord is down. */
    async function slackAndWorkspaceWork(service: Service, name: string): Promise<void> {
      const ack = await postToSlackEndpoint(
        `http://127.0.0.1:${service.port}/slack/events`,
        SECRET,
        slashCommandBody({ text: 'help', userId: SLACK_OPERATOR, channelId: 'C1', responseUrl: slack.responseUrl(name) }),
      );
      assert.equal(ack.status, 200, 'Slack gets its ack');
      const answer = await slack.waitFor((calls) => calls.find((c) => c.method === 'response_url' && c.name === name), PATIENCE_MS);
      assert.match(JSON.stringify(answer.body), /\/op start/, 'Slack gets the help text');
      const workspace = await workspaceHelp(service.port);
      assert.equal(workspace.status, 200);
      assert.match(JSON.stringify(workspace.reply), /\/op start/, 'the workspace gets the help text');
    }

    /** A real /op from Discord is answered: the gateway and the registered command work. */
    async function discordAnswers(fake: FakeDiscord): Promise<void> {
      await pollUntil(() => fake.callsTo('PUT', /\/commands$/).some((call) => call.status === 200), PATIENCE_MS, () => 'the adapter never registered /op');
      const interaction = fake.sendInteraction(fake.slashCommand({ userId: DISCORD_OPERATOR, subcommand: 'help' }));
      await fake.waitFor(() => fake.callsTo('PATCH', new RegExp(`/webhooks/${fake.applicationId}/${String(interaction.token)}/messages/@original`)).find((c) => c.status === 200), PATIENCE_MS);
    }

    test(`Discord unreachable at start: the service is up, /healthz names Discord and the fix, and the adapter connects when Discord comes up (${provider})`, async () => {
      const discordPort = await freePort();
      const token = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.ZmFrZQ.comes-back-later';
      const service = await testService(database, [gatedWorkflow], settings({ DISCORD_TOKEN: token, DISCORD_API_URL: `http://127.0.0.1:${discordPort}/api` }));
      let fake: FakeDiscord | null = null;
      try {
        const health = await healthUntil(service.port, (h) => h.checks.discord === 'unavailable' && /cannot be reached/.test(h.problems?.discord ?? ''));
        assert.equal(health.status, 'degraded');
        assert.deepEqual(health.checks, { store: 'ok', chroma: 'ok', local: 'ok', slack: 'ok', discord: 'unavailable' });
        assert.match(health.problems!.discord!, /^Discord cannot be reached \(ECONNREFUSED\); Operator retries with backoff\. Fix: check the network, or DISCORD_API_URL/);
        assert.deepEqual(Object.keys(health.problems!), ['discord'], 'only the part that is down is named');
        await slackAndWorkspaceWork(service, 'unreachable');

        // Discord comes up where the adapter points; the adapter's backoff finds it.
        fake = await startFakeDiscord({ port: discordPort, token });
        await healthUntil(service.port, (h) => h.status === 'ok');
        await discordAnswers(fake);
      } finally {
        await service.stop();
        await fake?.close();
      }
    });

    test(`the Message Content intent switched off: /healthz says where in the Developer Portal to switch it on, and the adapter connects once it is (${provider})`, async () => {
      const fake = await startFakeDiscord({ messageContentIntent: false });
      const service = await testService(database, [gatedWorkflow], settings({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.restUrl }));
      try {
        const health = await healthUntil(service.port, (h) => /4014/.test(h.problems?.discord ?? ''));
        assert.equal(health.status, 'degraded');
        assert.equal(
          health.problems!.discord,
          'Discord refused the Message Content intent (gateway close 4014, disallowed intents). Fix: Discord Developer Portal → your application → Bot → Privileged Gateway Intents → turn on Message Content Intent and save; Operator reconnects by itself',
        );
        await slackAndWorkspaceWork(service, 'intent');
        const refused = fake.gateway.connections.length;

        fake.messageContentIntent = true;
        await healthUntil(service.port, (h) => h.status === 'ok');
        assert.ok(fake.gateway.connections.length > refused, 'the adapter tried again by itself');
        assert.equal(fake.identifies, 1, 'one session once the intent is allowed');
        await discordAnswers(fake);
      } finally {
        await service.stop();
        await fake.close();
      }
    });

    test(`Slack refusing the bot token or unreachable degrades /healthz with the fix; Discord and the workspace keep working (${provider})`, async () => {
      const fake = await startFakeDiscord();
      const service = await testService(database, [gatedWorkflow], settings({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.restUrl }));
      const closedPort = await freePort();
      const unreachable = await testService(database, [gatedWorkflow], { CHROMA_URL: chroma.url, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `http://127.0.0.1:${closedPort}/api/` });
      try {
        await healthUntil(service.port, (h) => h.status === 'ok');
        slack.failNext('auth.test', { error: 'invalid_auth' });
        const refused = await healthOf(service.port);
        assert.equal(refused.status, 'degraded');
        assert.deepEqual(Object.keys(refused.problems!), ['slack']);
        assert.match(refused.problems!.slack!, /^Slack refused SLACK_BOT_TOKEN \(invalid_auth\)\. Fix: api\.slack\.com\/apps → your app → OAuth & Permissions/);
        await discordAnswers(fake);
        assert.equal((await workspaceHelp(service.port)).status, 200);

        const down = await healthOf(unreachable.port);
        assert.equal(down.status, 'degraded');
        assert.match(down.problems!.slack!, /^Slack cannot be reached \(ECONNREFUSED\); notices wait and are delivered when it is back/);
        assert.equal((await workspaceHelp(unreachable.port)).status, 200);
      } finally {
        await unreachable.stop();
        await service.stop();
        await fake.close();
      }
    });

    test(`a rejected DISCORD_TOKEN: npm start stays up, /healthz says to reset the token, and the corrected token in OPERATOR_ENV_FILE connects without a restart (${provider})`, async () => {
      const fake = await startFakeDiscord();
      const envFile = path.join(database.dir, 'operator.env');
      const discordSettings = (token: string) => `DISCORD_TOKEN=${token}\nDISCORD_API_URL=${fake.restUrl}\nDISCORD_APPLICATION_ID=${fake.applicationId}\nDISCORD_GUILD_ID=${fake.guildId}\n`;
      fs.writeFileSync(envFile, discordSettings('MTEwMDAwMDAwMDAwMDAwMDAwMQ.wrong.token'));
      const port = await freePort();
      const service = spawn(process.execPath, ['src/main.ts'], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: path.join(database.dir, 'data-env'), CHROMA_URL: chroma.url, PORT: String(port), LOG_LEVEL: 'warn', OPERATOR_ENV_FILE: envFile },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      service.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        const health = await healthUntil(port, (h) => /rejected DISCORD_TOKEN/.test(h.problems?.discord ?? ''), 2 * PATIENCE_MS).catch((error: Error) => {
          throw new Error(`${error.message}; the service's log: ${stderr}`);
        });
        assert.equal(health.status, 'degraded');
        assert.match(health.problems!.discord!, /Fix: Discord Developer Portal → your application → Bot → Reset Token, then set DISCORD_TOKEN/);
        assert.equal(service.exitCode, null, 'the service is still running');
        assert.ok(!stderr.includes(fake.token) && !stderr.includes('wrong.token'), 'no token reaches the log');

        fs.writeFileSync(envFile, discordSettings(fake.token));
        await healthUntil(port, (h) => h.status === 'ok');
        await discordAnswers(fake);
        service.kill('SIGTERM');
        assert.equal(await exited(service), 0);
      } finally {
        service.kill('SIGKILL');
        await fake.close();
      }
    });
  });
}
