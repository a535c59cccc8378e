// `npm run bench -- triggers`: trigger-to-card latency for each way work starts itself. One
// service on SQLite, real Bolt posting each plan's card to the fake Slack API, timed from the
// trigger until the card is posted in the trigger's channel:
// - e-mail: a lead APPENDed to a real dovecot (Debian's dovecot-imapd) watched with IDLE (the
//   poll interval is set far above what is measured, so IDLE is what delivers); one at a time;
// - webhook: a signed contact form POSTed to /hooks/contact-form; one at a time;
// - schedule: SCHEDULES minutely schedules firing together at each minute, timed from each
//   plan's fire time (the minute, from its recorded trigger) until its card; MINUTES minutes, so
//   this part takes that long.
import fs from 'node:fs';
import { ConfigSchema } from '../src/config/config.ts';
import { WorkflowRegistry } from '../src/conductor/registry.ts';
import { startService, type Service } from '../src/service.ts';
import { ScheduleTrigger } from '../src/triggers/trigger.ts';
import { signWebhook } from '../src/triggers/webhooks.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { startDovecot, type Dovecot } from '../test/support/dovecot.ts';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.ts';
import { silentLogger } from '../test/support/operator.ts';
import { pollUntil } from '../test/support/poll.ts';
import leadQualification from '../workflows/lead-qualification.ts';

const ONE_AT_A_TIME = 30;
const SCHEDULES = 10;
const MINUTES = 3;
const CHANNEL = 'C0LEADS';
const HOOK_SECRET = 'bench-hook-secret-0123456789abcdef';
const LEAD = "Hi, I'm Jane Doe from Globex. We need a new booking website, budget around 15k EUR, ideally live by March.";

const leadEmail = (messageId: string) =>
  ['From: Jane Doe <jane@globex.example>', 'To: leads@acme.example', 'Subject: Booking website', `Message-ID: <${messageId}>`, '', LEAD, ''].join('\r\n');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Waits for the card that names `mark` in the bench channel; resolves with when it was posted (Date.now()). */
async function cardPosted(slack: FakeSlack, mark: string): Promise<number> {
  const card = await slack.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === CHANNEL && JSON.stringify(c.body.blocks ?? c.body.text).includes(mark)), 120_000);
  return card.at;
}

async function emailLatencies(service: Service, dovecot: Dovecot, slack: FakeSlack): Promise<number[]> {
  // Timed from when the mailbox is watched, not from start-up.
  await pollUntil(() => service.mailbox!.check().then(() => true, () => false), 60_000, () => 'the mailbox was never watched');
  const latencies: number[] = [];
  for (let index = 0; index < ONE_AT_A_TIME; index++) {
    const messageId = `bench-${index}.${Date.now()}@globex.example`;
    const sent = Date.now();
    await dovecot.append(leadEmail(messageId));
    latencies.push((await cardPosted(slack, messageId)) - sent);
  }
  return latencies;
}

async function webhookLatencies(service: Service, slack: FakeSlack): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < ONE_AT_A_TIME; index++) {
    const delivery = `bench-delivery-${index}-${Date.now()}`;
    const body = new URLSearchParams({ submission_id: delivery, name: 'Jane Doe', email: 'jane@globex.example', message: LEAD }).toString();
    const sent = Date.now();
    const at = Math.floor(sent / 1000);
    const answer = await fetch(`http://127.0.0.1:${service.port}/hooks/contact-form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-operator-timestamp': String(at), 'x-operator-signature': signWebhook(HOOK_SECRET, at, body) },
      body,
    });
    if (answer.status !== 202) throw new Error(`the hook answered ${answer.status}: ${await answer.text()}`);
    latencies.push((await cardPosted(slack, delivery)) - sent);
  }
  return latencies;
}

async function scheduleLatencies(service: Service, slack: FakeSlack): Promise<number[]> {
  for (let index = 0; index < SCHEDULES; index++) {
    await service.schedules.create({ workflow: 'lead-qualification', when: '* * * * *', input: { text: LEAD }, timeZone: 'UTC', conversation: { platform: 'slack', channel: CHANNEL }, createdBy: 'bench' });
  }
  const runs = SCHEDULES * MINUTES;
  const started = await pollUntil(
    async () => {
      const plans = await service.operator.store.prisma((db) => db.plan.findMany({ where: { requestedBy: { startsWith: 'schedule:' } }, select: { id: true, trigger: true } }));
      return plans.length >= runs ? plans : null;
    },
    (MINUTES + 1) * 60_000,
    () => `fewer than ${runs} scheduled plans started in ${MINUTES + 1} minutes`,
  );
  const fireTimes = started.map((plan) => ({ planId: plan.id, fireAt: Date.parse(ScheduleTrigger.parse(JSON.parse(plan.trigger!)).fireAt) }));
  fireTimes.sort((a, b) => a.fireAt - b.fireAt);
  return Promise.all(fireTimes.slice(0, runs).map(async ({ planId, fireAt }) => (await cardPosted(slack, planId)) - fireAt));
}

export async function run(): Promise<void> {
  const database = await createTestDatabase('sqlite');
  const dovecot = await startDovecot();
  const slack = await startFakeSlack();
  const routes = `${database.dir}/routes.json`;
  fs.writeFileSync(routes, JSON.stringify({ routes: [{ to: 'leads@', workflow: 'lead-qualification', input: { text: '{{email}}' }, channel: `slack:${CHANNEL}` }] }));
  const hooks = `${database.dir}/hooks.json`;
  const contactForm = { workflow: 'lead-qualification', secret: HOOK_SECRET, input: { text: '{{name}} <{{email}}>: {{message}}' }, deliveryId: 'body:submission_id', channel: `slack:${CHANNEL}`, ratePerMinute: 1000 };
  fs.writeFileSync(hooks, JSON.stringify({ 'contact-form': contactForm }));
  const config = ConfigSchema.parse({
    DATABASE_URL: database.url,
    DATA_DIR: `${database.dir}/data`,
    PORT: '0',
    IMAP_URL: dovecot.url,
    IMAP_ROUTES_FILE: routes,
    IMAP_POLL_MS: '600000',
    INBOUND_HOOKS_FILE: hooks,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    CHROMA_URL: 'http://127.0.0.1:9',
  });
  const service = await startService(config, silentLogger(), new WorkflowRegistry([leadQualification]));
  try {
    const kinds: [string, () => Promise<number[]>, string][] = [
      ['email', () => emailLatencies(service, dovecot, slack), `${ONE_AT_A_TIME} leads one at a time over IMAP IDLE`],
      ['webhook', () => webhookLatencies(service, slack), `${ONE_AT_A_TIME} signed contact forms one at a time`],
      ['schedule', () => scheduleLatencies(service, slack), `${SCHEDULES} minutely schedules firing together, ${MINUTES} minutes, from the fire time`],
    ];
    for (const [kind, measure, how] of kinds) {
      const sorted = (await measure()).sort((a, b) => a - b);
      for (const [metric, value] of [['p50', percentile(sorted, 50)], ['p95', percentile(sorted, 95)], ['max', sorted.at(-1)!]] as const) {
        process.stdout.write(`${JSON.stringify({ bench: 'triggers', metric: `${kind}-to-card ${metric}`, value: Math.round(value), unit: 'ms', samples: sorted.length, how })}\n`);
      }
    }
  } finally {
    await service.stop();
    await slack.close();
    await dovecot.stop();
    await database.drop();
  }
}
