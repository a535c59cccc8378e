// Nothing acknowledged is lost: the service (`src/main.ts`, its own process) is SIGKILLed at
// random moments while signed Slack slash commands (through Bolt's receiver), Discord slash
// commands (a real discord.js client on the fake gateway) and workspace commands stream in, then
// restarted, several times. Slack never retries a command it got a 200 for, and Discord never
// re-sends an interaction it saw deferred; the workspace page sends the same request id again
// until it gets an answer. Afterwards every acknowledged command has exactly one plan, every
// workspace command too (after its retries), and no command has two. The service's log is kept
// in the test's folder while it runs; a failure shows its end and the inbox entries still open.
// Every wait is bounded by the test's own budget, and a failure says which stage stalled and when
// each stage was reached, then stops the service and every retry loop: a stall fails this test
// with its diagnosis, it never holds the test run.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeDiscord, type FakeDiscord } from './support/fake-discord.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { pollUntil, within } from './support/poll.ts';
import { exited, reservedPort } from './support/processes.ts';
import { postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';
import { workspaceRequest } from './support/workspace-client.ts';

const SECRET = 'chaos-signing-secret';
const SLACK_OPERATOR = 'UCHAOS';
const DISCORD_OPERATOR = '2100000000000000009';
const ROUNDS = 3;
/** At most; a round ends with its kill. */
const SLACK_PER_ROUND = 60;
const WORKSPACE_PER_ROUND = 8;
const DISCORD_PER_ROUND = 8;
/** Generous: on a busy shared machine a start-up or an answer can take a while. */
const START_PATIENCE_MS = 150_000;
/** The whole test's; a normal run takes under a minute. */
const BUDGET_MS = 480_000;
/** A request to the service that has no answer after this is given up (the service is stuck or being killed). */
const REQUEST_TIMEOUT_MS = 10_000;
/** After the last start, every command has run within this (the inbox's lease is LEASE_MS). */
const SETTLE_MS = 90_000;
/** The page gives up on a request after this and sends it again. */
const WORKSPACE_REQUEST_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const command = (marker: string) => `supplier-payment Pay Acme Ltd 1250 EUR for invoice ${marker}`;
const MARKER = /CHAOS-[SWD]\d+-\d+/;

/** Where each open inbox entry stands, for a failure's message. */
async function openInboxEntries(store: Store): Promise<string> {
  const open = await store.prisma((db) =>
    db.inboxEntry.findMany({ where: { answeredAt: null }, select: { id: true, attempts: true, appliedAt: true, leaseExpiresAt: true, lastError: true } }),
  );
  return open.map((entry) => JSON.stringify(entry)).join('\n') || 'none';
}

for (const provider of providers()) {
  describe(`inbox under SIGKILL (${provider})`, () => {
    let slackFake: FakeSlack;
    let discordFake: FakeDiscord;
    let database: TestDatabase;
    let port: number;
    let env: Record<string, string>;
    let logFile: string;
    let service: ChildProcess | null = null;

    before(async () => {
      slackFake = await startFakeSlack();
      // Discord allows 3 s for the deferral; a start-up on a loaded machine can take longer, and
      // what is tested here is exactly-once, not latency, so the fake waits longer.
      discordFake = await startFakeDiscord({ interactionTimeoutMs: 15_000 });
      database = await createTestDatabase(provider);
      port = await reservedPort();
      logFile = path.join(database.dir, 'service.log');
      env = {
        DATABASE_URL: database.url,
        DATA_DIR: path.join(database.dir, 'data'),
        PORT: String(port),
        LOG_LEVEL: 'info',
        WORKER_ID: 'chaos',
        LEASE_MS: '2000',
        SLACK_BOT_TOKEN: 'xoxb-chaos',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slackFake.apiUrl,
        OPERATOR_SLACK_USER_IDS: SLACK_OPERATOR,
        DISCORD_TOKEN: discordFake.token,
        DISCORD_APPLICATION_ID: discordFake.applicationId,
        DISCORD_GUILD_ID: discordFake.guildId,
        DISCORD_API_URL: discordFake.restUrl,
        OPERATOR_DISCORD_USER_IDS: DISCORD_OPERATOR,
        // Memory recall by keywords: no local Chroma child to outlive a SIGKILL.
        CHROMA_URL: `http://127.0.0.1:${await reservedPort()}`,
      };
    });
    after(async () => {
      service?.kill('SIGKILL');
      if (service) await exited(service);
      await discordFake.close();
      await slackFake.close();
      await database.drop();
    });

    const logTail = () => fs.readFileSync(logFile, 'utf8').slice(-6000);

    /** Where the test stands and when each stage began, for a failure's message and the run's log. */
    let testStartedAt = 0;
    const timeline: string[] = [];
    const reached = (stage: string) => {
      const line = `+${((Date.now() - testStartedAt) / 1000).toFixed(1)} s ${stage}`;
      timeline.push(line);
      process.stderr.write(`[inbox chaos ${provider}] ${line}\n`);
    };
    /** Past this, every wait gives up: the test fails with its timeline instead of holding the run. */
    let giveUpAt = Number.POSITIVE_INFINITY;
    const patience = (ms: number) => Math.max(0, Math.min(ms, giveUpAt - Date.now()));
    const requestSignal = () => AbortSignal.timeout(patience(REQUEST_TIMEOUT_MS));

    /** Starts the service, its log appended to logFile; resolves once it is healthy and Discord's gateway session is up. */
    async function startService(run: number): Promise<ChildProcess> {
      fs.appendFileSync(logFile, `\n===== run ${run} =====\n`);
      const log = fs.openSync(logFile, 'a');
      const identifies = discordFake.identifies;
      const child = spawn(process.execPath, ['src/main.ts'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
      service = child;
      fs.closeSync(log);
      const healthy = async () => (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: requestSignal() }).catch(() => null))?.status === 200;
      await pollUntil(
        async () => (discordFake.identifies > identifies && (await healthy())) || null,
        patience(START_PATIENCE_MS),
        () => `the service did not become healthy (${child.exitCode ?? child.signalCode ?? 'running'}): ${logTail()}`,
      );
      return child;
    }

    /** As the page does: the same request id until an answer comes (202, failures and silence are retried); false if none came by deadline(). */
    async function workspaceCommand(marker: string, deadline: () => number): Promise<boolean> {
      const body = { requestId: `chaos-${marker}`, text: `/op start ${command(marker)}` };
      while (Date.now() < Math.min(deadline(), giveUpAt)) {
        const answer = await workspaceRequest(port, 'POST', '/workspace/command', { body, timeoutMs: WORKSPACE_REQUEST_TIMEOUT_MS }).catch(() => null);
        if (answer?.status === 200) return true;
        await sleep(100);
      }
      return false;
    }

    /** Discord's acknowledgement of an interaction: its deferral reached Discord in time. */
    const deferred = (interactionId: string) =>
      discordFake.calls.some((call) => call.method === 'POST' && call.path.startsWith(`/interactions/${interactionId}/`) && call.status < 300);

    test('every acknowledged Slack and Discord command and every retried workspace command runs exactly once', { timeout: BUDGET_MS + 120_000 }, async () => {
      testStartedAt = Date.now();
      giveUpAt = testStartedAt + BUDGET_MS;
      // A stall nothing above bounds still ends here, with the timeline; stopping the service and
      // the retry loops then lets the stalled run wind down instead of outliving the test.
      const run = runChaos();
      try {
        await within(run, BUDGET_MS + 30_000, () => `the test stalled; service log:\n${logTail()}`);
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\ntimeline:\n${timeline.join('\n')}`, { cause: error });
      } finally {
        giveUpAt = 0;
        service?.kill('SIGKILL');
        await within(run, REQUEST_TIMEOUT_MS * 2, () => 'the stalled run did not wind down').catch(() => undefined);
      }
    });

    async function runChaos(): Promise<void> {
      const slackAcknowledged: string[] = [];
      const slackUnacknowledged: string[] = [];
      const discordSent: { marker: string; id: string }[] = [];
      const workspace: Promise<boolean>[] = [];
      const workspaceMarkers: string[] = [];
      // Workspace commands keep retrying through the kills; they give up SETTLE_MS after the last start.
      let settleBy = Number.POSITIVE_INFINITY;
      for (let round = 0; round < ROUNDS; round++) {
        reached(`round ${round + 1}: starting the service`);
        const current = await startService(round + 1);
        reached(`round ${round + 1}: up; commands streaming in`);
        const slack: Promise<void>[] = [];
        // The kill lands at a random moment once acks are coming: after 1 to 15 of this round's
        // Slack acks and a Discord one, plus up to 200 ms, while commands keep streaming in.
        const acksBeforeKill = 1 + Math.floor(Math.random() * 15);
        const ackedBefore = slackAcknowledged.length;
        const discordBefore = discordSent.length;
        const acksCame = () => slackAcknowledged.length - ackedBefore >= acksBeforeKill && discordSent.slice(discordBefore).some(({ id }) => deferred(id));
        const killed = pollUntil(() => acksCame() || null, patience(START_PATIENCE_MS), () => `no Slack or no Discord acks came: ${logTail()}`)
          .then(() => sleep(Math.random() * 200))
          .then(() => current.kill('SIGKILL'));
        let stopped = false;
        const stop = () => void (stopped = true);
        void killed.then(stop, stop);
        for (let i = 0; !stopped && i < SLACK_PER_ROUND; i++) {
          const marker = `CHAOS-S${round}-${i}`;
          const body = slashCommandBody({ text: `start ${command(marker)}`, userId: SLACK_OPERATOR, channelId: 'C1', responseUrl: slackFake.responseUrl(marker) });
          slack.push(
            postToSlackEndpoint(`http://127.0.0.1:${port}/slack/events`, SECRET, body, { signal: requestSignal() }).then(
              (answer) => void (answer.status === 200 ? slackAcknowledged : slackUnacknowledged).push(marker),
              () => void slackUnacknowledged.push(marker),
            ),
          );
          if (i < WORKSPACE_PER_ROUND) {
            const marker = `CHAOS-W${round}-${i}`;
            workspaceMarkers.push(marker);
            workspace.push(workspaceCommand(marker, () => settleBy));
          }
          if (i < DISCORD_PER_ROUND) {
            const marker = `CHAOS-D${round}-${i}`;
            const interaction = discordFake.sendInteraction(discordFake.slashCommand({ userId: DISCORD_OPERATOR, subcommand: 'start', args: { workflow: 'supplier-payment', input: command(marker).replace(/^\S+ /, '') } }));
            discordSent.push({ marker, id: String(interaction.id) });
          }
          await sleep(15);
        }
        await killed;
        await Promise.all(slack);
        await exited(current);
        reached(`round ${round + 1}: killed after ${slackAcknowledged.length - ackedBefore} Slack acks`);
      }
      reached('last start');
      await startService(ROUNDS + 1);
      settleBy = Date.now() + SETTLE_MS;
      reached('up for good; waiting for the workspace commands');
      const discordAcknowledged = discordSent.filter(({ id }) => deferred(id)).map(({ marker }) => marker);
      const discordUnacknowledged = discordSent.filter(({ id }) => !deferred(id)).map(({ marker }) => marker);

      const store = await openStore(database.url);
      try {
        const answeredWorkspace = await Promise.all(workspace);
        reached('workspace commands answered; waiting for every plan');
        const unanswered = workspaceMarkers.filter((_, i) => !answeredWorkspace[i]);
        const diagnosis = async () => `open inbox entries:\n${await openInboxEntries(store)}\nservice log:\n${logTail()}`;
        if (unanswered.length > 0) assert.fail(`workspace commands never answered: ${unanswered.join(', ')}\n${await diagnosis()}`);

        const plansPerMarker = async () => {
          const counts = new Map<string, number>();
          for (const { input } of await store.prisma((db) => db.plan.findMany({ select: { input: true } }))) {
            const marker = MARKER.exec(input)?.[0];
            if (marker) counts.set(marker, (counts.get(marker) ?? 0) + 1);
          }
          return counts;
        };
        const expected = [...slackAcknowledged, ...discordAcknowledged, ...workspaceMarkers];
        let counts = await plansPerMarker();
        while (!expected.every((marker) => counts.has(marker)) && Date.now() < Math.min(settleBy, giveUpAt)) {
          await sleep(200);
          counts = await plansPerMarker();
        }
        const lost = expected.filter((marker) => !counts.has(marker));
        const doubled = [...counts].filter(([, count]) => count > 1).map(([marker]) => marker);
        reached(
          `Slack: ${slackAcknowledged.length} acknowledged, ${slackUnacknowledged.length} not; ` +
            `Discord: ${discordAcknowledged.length} acknowledged, ${discordUnacknowledged.length} not; ${workspaceMarkers.length} workspace commands; ` +
            `lost ${lost.length}, doubled ${doubled.length}`,
        );
        assert.ok(slackAcknowledged.length > 0, 'no Slack command was acknowledged: the kills came too early to test anything');
        assert.ok(discordAcknowledged.length > 0, 'no Discord command was acknowledged: the kills came too early to test anything');
        if (lost.length > 0) assert.fail(`acknowledged commands without a plan: ${lost.join(', ')}\n${await diagnosis()}`);
        assert.deepEqual(doubled, [], 'commands that ran twice');
        for (const marker of [...slackUnacknowledged, ...discordUnacknowledged]) assert.ok((counts.get(marker) ?? 0) <= 1, `${marker} ran twice`);
      } finally {
        await store.close();
      }
    }
  });
}
