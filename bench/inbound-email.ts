// `npm run bench -- inbound-email`: trigger-to-card latency of inbound e-mail. A real dovecot
// (Debian's dovecot-imapd), the whole service on SQLite watching its INBOX with IDLE (the poll
// interval is set far above what is measured, so IDLE is what delivers), real Bolt posting the
// plan's card to the fake Slack API. Each lead e-mail is APPENDed and timed until its card is
// posted in the route's channel; one message at a time, so each figure is one message's path.
import fs from 'node:fs';
import { ConfigSchema } from '../src/config/config.ts';
import { WorkflowRegistry } from '../src/conductor/registry.ts';
import { startService } from '../src/service.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { startDovecot } from '../test/support/dovecot.ts';
import { startFakeSlack } from '../test/support/fake-slack.ts';
import { silentLogger } from '../test/support/operator.ts';
import { pollUntil } from '../test/support/poll.ts';
import leadQualification from '../workflows/lead-qualification.ts';

const MESSAGES = 30;
const CHANNEL = 'C0LEADS';

const lead = (messageId: string) =>
  [
    'From: Jane Doe <jane@globex.example>',
    'To: leads@acme.example',
    'Subject: Booking website',
    `Message-ID: <${messageId}>`,
    '',
    "Hi, I'm Jane Doe from Globex. We need a new booking website, budget around 15k EUR, ideally live by March.",
    '',
  ].join('\r\n');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function run(): Promise<void> {
  const database = await createTestDatabase('sqlite');
  const dovecot = await startDovecot();
  const slack = await startFakeSlack();
  const routes = `${database.dir}/routes.json`;
  fs.writeFileSync(routes, JSON.stringify({ routes: [{ to: 'leads@', workflow: 'lead-qualification', input: { text: '{{email}}' }, channel: `slack:${CHANNEL}` }] }));
  const config = ConfigSchema.parse({
    DATABASE_URL: database.url,
    DATA_DIR: `${database.dir}/data`,
    PORT: '0',
    IMAP_URL: dovecot.url,
    IMAP_ROUTES_FILE: routes,
    IMAP_POLL_MS: '600000',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    CHROMA_URL: 'http://127.0.0.1:9',
  });
  const service = await startService(config, silentLogger(), new WorkflowRegistry([leadQualification]));
  try {
    // Timed from when the mailbox is watched, not from start-up.
    await pollUntil(() => service.mailbox!.check().then(() => true, () => false), 60_000, () => 'the mailbox was never watched');
    const latencies: number[] = [];
    for (let index = 0; index < MESSAGES; index++) {
      const messageId = `bench-${index}.${Date.now()}@globex.example`;
      const sent = performance.now();
      await dovecot.append(lead(messageId));
      await slack.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === CHANNEL && JSON.stringify(c.body.blocks ?? c.body.text).includes(messageId)), 60_000);
      latencies.push(performance.now() - sent);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    process.stdout.write(`${JSON.stringify({ bench: 'inbound-email', trigger: 'email (IMAP IDLE)', messages: MESSAGES, p50Ms: Math.round(percentile(sorted, 50)), p95Ms: Math.round(percentile(sorted, 95)), maxMs: Math.round(sorted.at(-1)!) })}\n`);
  } finally {
    await service.stop();
    await slack.close();
    await dovecot.stop();
    await database.drop();
  }
}
