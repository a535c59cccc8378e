// Nothing acknowledged is lost: the service (`src/main.ts`, its own process) is SIGKILLed at
// random moments while signed Slack slash commands (through Bolt's receiver) and workspace
// commands stream in, then restarted, several times. Slack never retries a command it got a 200
// for; the workspace page sends the same request id again until it gets an answer. Afterwards
// every acknowledged command has exactly one plan, every workspace command too (after its
// retries), and no command has two.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { openStore } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { pollUntil } from './support/poll.ts';
import { exited, freePort } from './support/processes.ts';
import { postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';
import { workspaceRequest } from './support/workspace-client.ts';

const SECRET = 'chaos-signing-secret';
const OPERATOR = 'UCHAOS';
const ROUNDS = 3;
/** At most; a round ends with its kill. */
const SLACK_PER_ROUND = 80;
const WORKSPACE_PER_ROUND = 10;
/** Generous: on a busy shared machine a start-up or an answer can take a while. */
const PATIENCE_MS = 240_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const command = (marker: string) => `start supplier-payment Pay Acme Ltd 1250 EUR for invoice ${marker}`;

for (const provider of providers()) {
  describe(`inbox under SIGKILL (${provider})`, () => {
    let fake: FakeSlack;
    let database: TestDatabase;
    let port: number;
    let env: Record<string, string>;
    let service: ChildProcess | null = null;

    before(async () => {
      fake = await startFakeSlack();
      database = await createTestDatabase(provider);
      port = await freePort();
      env = {
        DATABASE_URL: database.url,
        DATA_DIR: path.join(database.dir, 'data'),
        PORT: String(port),
        LOG_LEVEL: 'error',
        WORKER_ID: 'chaos',
        LEASE_MS: '2000',
        SLACK_BOT_TOKEN: 'xoxb-chaos',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        OPERATOR_SLACK_USER_IDS: OPERATOR,
        // Memory recall by keywords: no local Chroma child to outlive a SIGKILL.
        CHROMA_URL: `http://127.0.0.1:${await freePort()}`,
      };
    });
    after(async () => {
      service?.kill('SIGKILL');
      if (service) await exited(service);
      await fake.close();
      await database.drop();
    });

    async function startService(): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['src/main.ts'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await pollUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200 || null,
        PATIENCE_MS,
        () => `the service did not become healthy (${child.exitCode ?? child.signalCode ?? 'running'}): ${log.slice(-3000)}`,
      );
      return child;
    }

    /** As the page does: the same request id until an answer comes (202 and failures are retried); false if none came. */
    async function workspaceCommand(marker: string): Promise<boolean> {
      const body = { requestId: `chaos-${marker}`, text: `/op ${command(marker)}` };
      const deadline = Date.now() + 2 * PATIENCE_MS;
      while (Date.now() < deadline) {
        const answer = await workspaceRequest(port, 'POST', '/workspace/command', { body }).catch(() => null);
        if (answer?.status === 200) return true;
        await sleep(100);
      }
      return false;
    }

    test('every acknowledged Slack command and every retried workspace command runs exactly once', { timeout: 600_000 }, async () => {
      const acknowledged: string[] = [];
      const unacknowledged: string[] = [];
      const workspace: Promise<boolean>[] = [];
      const workspaceMarkers: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        service = await startService();
        const slack: Promise<void>[] = [];
        // The kill lands at a random moment once acks are coming: after 1 to 15 of this round's
        // acks, plus up to 200 ms, while commands keep streaming in.
        const acksBeforeKill = 1 + Math.floor(Math.random() * 15);
        const ackedBefore = acknowledged.length;
        const killed = pollUntil(() => acknowledged.length - ackedBefore >= acksBeforeKill || null, PATIENCE_MS, () => 'no acks came')
          .then(() => sleep(Math.random() * 200))
          .then(() => service!.kill('SIGKILL'));
        let stopped = false;
        const stop = () => void (stopped = true);
        void killed.then(stop, stop);
        for (let i = 0; !stopped && i < SLACK_PER_ROUND; i++) {
          const marker = `CHAOS-S${round}-${i}`;
          const body = slashCommandBody({ text: command(marker), userId: OPERATOR, channelId: 'C1', responseUrl: fake.responseUrl(marker) });
          slack.push(
            postToSlackEndpoint(`http://127.0.0.1:${port}/slack/events`, SECRET, body).then(
              (answer) => void (answer.status === 200 ? acknowledged : unacknowledged).push(marker),
              () => void unacknowledged.push(marker),
            ),
          );
          if (i < WORKSPACE_PER_ROUND) {
            const workspaceMarker = `CHAOS-W${round}-${i}`;
            workspaceMarkers.push(workspaceMarker);
            workspace.push(workspaceCommand(workspaceMarker));
          }
          await sleep(15);
        }
        await killed;
        await Promise.all(slack);
        await exited(service);
        process.stderr.write(`[inbox chaos ${provider}] round ${round + 1}: killed after ${acknowledged.length - ackedBefore} acks\n`);
      }
      service = await startService();
      const answeredWorkspace = await Promise.all(workspace);
      const unanswered = workspaceMarkers.filter((_, i) => !answeredWorkspace[i]);
      assert.deepEqual(unanswered, [], 'workspace commands never answered');

      const store = await openStore(database.url);
      try {
        const plansPerMarker = async () => {
          const counts = new Map<string, number>();
          for (const { input } of await store.prisma((db) => db.plan.findMany({ select: { input: true } }))) {
            const marker = /CHAOS-[SW]\d+-\d+/.exec(input)?.[0];
            if (marker) counts.set(marker, (counts.get(marker) ?? 0) + 1);
          }
          return counts;
        };
        const expected = [...acknowledged, ...workspaceMarkers];
        const counts = await pollUntil(
          async () => {
            const now = await plansPerMarker();
            return expected.every((marker) => now.has(marker)) ? now : null;
          },
          PATIENCE_MS,
          () => 'some acknowledged commands have no plan',
        );
        const lost = expected.filter((marker) => !counts.has(marker));
        const doubled = [...counts].filter(([, count]) => count > 1).map(([marker]) => marker);
        process.stderr.write(
          `[inbox chaos ${provider}] ${acknowledged.length} Slack commands acknowledged, ${unacknowledged.length} not; ${workspaceMarkers.length} workspace commands; lost ${lost.length}, doubled ${doubled.length}\n`,
        );
        assert.ok(acknowledged.length > 0, 'no Slack command was acknowledged: the kills came too early to test anything');
        assert.deepEqual(lost, [], 'acknowledged commands without a plan');
        assert.deepEqual(doubled, [], 'commands that ran twice');
        for (const marker of unacknowledged) assert.ok((counts.get(marker) ?? 0) <= 1);
      } finally {
        await store.close();
      }
    });
  });
}
