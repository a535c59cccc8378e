// Inbound e-mail end to end: a real dovecot IMAP server per test (test/support/dovecot.ts), messages
// filed into it with imapflow's APPEND, the whole service watching it, plans and message keys in
// real SQLite and PostgreSQL, cards through real Bolt to the fake Slack API.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config/config.ts';
import type { Operator } from '../src/operator.ts';
import type { Service } from '../src/service.ts';
import { loadEmailRoutes } from '../src/triggers/email-routes.ts';
import { DONE_KEYWORD, REJECTED_KEYWORD } from '../src/triggers/mailbox-watcher.ts';
import leadQualification from '../workflows/lead-qualification.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { testOperator, testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { exited, freePort, reservedPort } from './support/processes.ts';
import { projectRoot } from '../src/store/prisma-cli.ts';

const LEADS_CHANNEL = 'C0LEADS';
const BILLS_CHANNEL = 'C0BILLS';
const ROUTES = {
  routes: [
    { to: 'leads@', workflow: 'lead-qualification', input: { text: '{{email}}' }, channel: `slack:${LEADS_CHANNEL}` },
    { to: 'bills@', subject: 'invoice', workflow: 'supplier-payment', input: { request: '{{email}}' }, channel: `slack:${BILLS_CHANNEL}` },
  ],
};

/** A lead as a mail client sends it: encoded sender name, quoted-printable body, signature. */
function leadMail(messageId: string | null, options: { to?: string; from?: string | null; body?: string } = {}): string {
  const body = options.body ?? [
    'Hi,',
    '',
    'we need a new customer portal for our drivers. Our budget is 5000 EUR and we would like it l=',
    'ive by end of March.',
    '',
    'Best regards,',
    'Ren=C3=A9e Lef=C3=A8vre',
    'Brightwater Logistics GmbH',
  ].join('\r\n');
  return [
    ...(options.from === null ? [] : [`From: ${options.from ?? '=?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?= <renee@brightwater.example>'}`]),
    `To: ${options.to ?? 'Operator Leads <leads@acme.example>'}`,
    'Subject: New customer portal',
    'Date: Tue, 01 Dec 2026 09:30:00 +0000',
    ...(messageId ? [`Message-ID: <${messageId}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    body,
    '',
  ].join('\r\n');
}

/** A bill with a PDF attached, as a mail client sends it (multipart/mixed, base64), under a name that tries to leave its folder. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const billWithPdf = (messageId: string) =>
  [
    'From: Acme Billing <billing@acme-supplies.example>',
    'To: bills@acme.example',
    'Subject: Invoice INV-43',
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please pay Acme Supplies Ltd 980 EUR for invoice INV-43 to IBAN DE89 3704 0044 0532 0130 00; the invoice is attached.',
    '--b1',
    'Content-Type: application/pdf; name="INV-43.pdf"',
    'Content-Disposition: attachment; filename="../../INV-43.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    PDF.toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');

const billMail = (messageId: string) =>
  [
    'From: Acme Billing <billing@acme-supplies.example>',
    'To: bills@acme.example',
    'Subject: Invoice INV-42',
    `Message-ID: <${messageId}>`,
    '',
    'Please pay Acme Supplies Ltd 1250 EUR for invoice INV-42 to IBAN DE89 3704 0044 0532 0130 00.',
    '',
  ].join('\r\n');

test('e-mail routes that do not fit stop start-up, each problem named with what to write; the IMAP password is never echoed', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'routes-')), 'routes.json');
  fs.writeFileSync(file, JSON.stringify({ routes: [{ workflow: 'lead-qualification', input: { text: '{{email}}' } }, { to: 'bills@', workflow: 'no-such-flow', input: { request: '{{attachment}}' } }, { to: 'x@', workflow: 'lead-qualification', input: {}, channel: 'general' }] }));
  assert.throws(() => loadEmailRoutes(file, ['lead-qualification', 'supplier-payment']), (error: Error) => {
    assert.match(error.message, /routes\.0: a route matches on to, from or subject \(put a catch-all in "default"\)/);
    assert.match(error.message, /routes\.1\.input: templates may name \{\{email\}\}, \{\{from\}\}, \{\{subject\}\}, \{\{body\}\}/);
    assert.match(error.message, /routes\.2\.input: map at least one workflow input field/);
    assert.match(error.message, /routes\.2\.channel: write <platform>:<channel id>/);
    return true;
  });
  fs.writeFileSync(file, JSON.stringify({ routes: [{ to: 'bills@', workflow: 'no-such-flow', input: { request: '{{email}}' } }] }));
  assert.throws(() => loadEmailRoutes(file, ['lead-qualification']), /routes\.0\.workflow: no-such-flow does not exist \(known: lead-qualification\)/);

  assert.throws(() => loadConfig({ IMAP_URL: 'imap://lead%40test.local:hunter2-secret@mail.example:143' }), (error: Error) => {
    assert.match(error.message, /IMAP_ROUTES_FILE is missing: needed with IMAP_URL/);
    return true;
  });
  assert.throws(() => loadConfig({ IMAP_URL: 'imap://lead:hunter2-secret@mail.example/INBOX', IMAP_ROUTES_FILE: file }), (error: Error) => {
    assert.match(error.message, /IMAP_URL is "imap:\/\/lead:\*\*\*@mail\.example\/INBOX": write imap:\/\/user:password@host:143/);
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  });
});

for (const provider of providers()) {
  describe(`inbound e-mail (${provider})`, () => {
    let database: TestDatabase;
    let slack: FakeSlack;
    let routesFile: string;
    const running: { stop(): Promise<void> }[] = [];

    before(async () => {
      database = await createTestDatabase(provider);
      routesFile = path.join(database.dir, 'routes.json');
      fs.writeFileSync(routesFile, JSON.stringify(ROUTES));
      slack = await startFakeSlack();
    });
    after(async () => {
      // Services first (their watchers log out), then the servers they talk to.
      for (const item of running.splice(0).reverse()) await item.stop();
      await slack.close();
      await database.drop();
    });

    const dovecot = async (options: { port?: number } = {}) => {
      const server = await startDovecot(options);
      running.push(server);
      return server;
    };
    const watching = async (url: string, settings: Record<string, string> = {}) => {
      const service = await testService(database, [leadQualification, supplierPayment], {
        IMAP_URL: url,
        IMAP_ROUTES_FILE: routesFile,
        IMAP_RECONNECT_MAX_MS: '400',
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: 'slack-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        // Memory is not what these tests are about: no local Chroma is started (recall degrades).
        CHROMA_URL: 'http://127.0.0.1:9',
        ...settings,
      });
      running.push(service);
      return service;
    };
    const stopService = async (service: Service) => {
      running.splice(running.indexOf(service), 1);
      await service.stop();
    };
    const rowFor = (service: { operator: Operator }, messageId: string) => service.operator.store.prisma((db) => db.inboundEmail.findUnique({ where: { key: `message-id:<${messageId}>` } }));
    const plansFor = (service: { operator: Operator }, messageId: string) => service.operator.store.prisma((db) => db.plan.findMany({ where: { trigger: { contains: `<${messageId}>` } } }));
    const flagsOf = async (server: Dovecot, uid: number, mailbox = 'INBOX') => {
      const client = await server.client();
      try {
        await client.mailboxOpen(mailbox);
        const message = await client.fetchOne(String(uid), { flags: true }, { uid: true });
        return message ? [...(message.flags ?? [])] : null;
      } finally {
        await client.logout();
      }
    };
    const waitForFlag = (server: Dovecot, uid: number, flag: string, timeoutMs = 15_000) =>
      pollUntil(async () => (await flagsOf(server, uid))?.includes(flag), timeoutMs, () => `message ${uid} never got ${flag}`);
    const healthOf = async (service: Service) => (await (await fetch(`http://127.0.0.1:${service.port}/healthz`)).json()) as { status: string; checks: Record<string, string>; problems?: Record<string, string> };
    const textOf = (call: SlackCall) => JSON.stringify(call.body.blocks ?? call.body.text);

    test('a lead e-mail filed into the mailbox starts one lead-qualification plan whose fields are read from it; its card goes to the route\'s channel', async () => {
      const server = await dovecot();
      const service = await watching(server.url);
      const messageId = `lead-1.${provider}@brightwater.example`;
      const uid = await server.append(leadMail(messageId));

      const row = await pollUntil(async () => (await rowFor(service, messageId))?.planId ? rowFor(service, messageId) : null, 15_000, () => 'no plan started for the e-mail');
      const plans = await plansFor(service, messageId);
      assert.equal(plans.length, 1);
      assert.equal(plans[0]!.id, row.planId);
      assert.equal(plans[0]!.workflow, 'lead-qualification');
      assert.equal(row.workflow, 'lead-qualification');
      const trigger = { kind: 'email', mailbox: 'INBOX', uidValidity: row.uidValidity, uid, messageId: `<${messageId}>` };
      assert.deepEqual(JSON.parse(plans[0]!.trigger!), trigger);
      const audited = (((await service.operator.conductor.audit(row.planId!))[0]!.detail) as { trigger: typeof trigger }).trigger;
      assert.deepEqual([audited.kind, audited.mailbox, audited.uid], ['email', 'INBOX', uid], 'the audit trail records the trigger');
      assert.equal(audited.messageId, '<[email]>', 'with the Message-ID masked like other personal data in the audit trail');
      await waitForFlag(server, uid, DONE_KEYWORD);

      // The readers read the decoded e-mail: the sender's name and company from the signature,
      // the budget and timeline from the body, each with the words it came from.
      const read = await pollUntil(async () => (await service.operator.conductor.show(row.planId!)).steps.find((s) => s.key === 'read-lead' && s.status === 'completed')?.output, 15_000, () => 'the lead was never read');
      const field = (name: string) => (read as Record<string, { value: unknown; evidence: { span?: { text: string } } }>)[name]!;
      assert.deepEqual(
        ['company', 'contactName', 'email', 'budget'].map((name) => field(name).value),
        ['Brightwater Logistics GmbH', 'Renée Lefèvre', 'renee@brightwater.example', { min: 5000, max: 5000, currency: 'EUR' }],
      );
      assert.equal(field('budget').evidence.span?.text, '5000 EUR');
      assert.equal(field('timeline').evidence.span?.text, 'live by end of March', 'the quoted-printable soft line break is decoded');

      const card = await slack.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && textOf(c).includes(`Message-ID <${messageId}>`)));
      assert.equal(card.body.channel, LEADS_CHANNEL);
      assert.match(textOf(card), /Started by e-mail in INBOX/);
      await stopService(service);
    });

    test('routes pick the workflow: a supplier invoice to bills@ starts supplier-payment with the e-mail as its request', async () => {
      const server = await dovecot();
      const service = await watching(server.url);
      const messageId = `inv-42.${provider}@acme-supplies.example`;
      await server.append(billMail(messageId));
      const row = await pollUntil(() => rowFor(service, messageId), 15_000, () => 'the bill was never read');
      const [plan] = await plansFor(service, messageId);
      assert.equal(row.workflow, 'supplier-payment');
      assert.equal(plan?.workflow, 'supplier-payment');
      assert.match(JSON.parse(plan!.input).request, /^From: "Acme Billing" <billing@acme-supplies\.example>\nTo: bills@acme\.example\nSubject: Invoice INV-42\n\nPlease pay Acme Supplies Ltd 1250 EUR/);
      await stopService(service);
    });

    test('a bill\'s PDF is kept with its plan: the same bytes under DATA_DIR, inside its folder whatever its name says, listed in the trigger', async () => {
      const server = await dovecot();
      const service = await watching(server.url);
      const messageIds = [`inv-43.${provider}@acme-supplies.example`, `inv-43-resent.${provider}@acme-supplies.example`];
      for (const messageId of messageIds) await server.append(billWithPdf(messageId));
      const plans = await pollUntil(async () => {
        const found = await Promise.all(messageIds.map((id) => plansFor(service, id)));
        return found.every((list) => list.length === 1) ? found.map((list) => list[0]!) : null;
      }, 15_000, () => 'the bills never started their plans');
      const sha256 = createHash('sha256').update(PDF).digest('hex');
      for (const plan of plans) {
        const trigger = JSON.parse(plan.trigger!) as { attachments?: { filename: string; contentType: string; bytes: number; sha256: string; path: string }[] };
        assert.deepEqual(trigger.attachments, [{ filename: '../../INV-43.pdf', contentType: 'application/pdf', bytes: PDF.length, sha256, path: path.join('attachments', sha256, 'INV-43.pdf') }]);
      }
      const dataDir = path.join(database.dir, 'data');
      assert.deepEqual(fs.readFileSync(path.join(dataDir, 'attachments', sha256, 'INV-43.pdf')), PDF, 'the kept file has the bytes that were sent');
      assert.deepEqual(fs.readdirSync(path.join(dataDir, 'attachments', sha256)), ['INV-43.pdf'], 'two messages with the same file keep one copy, and nothing half-written');
      const card = await slack.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === BILLS_CHANNEL && textOf(c).includes(`Message-ID <${messageIds[0]}>`)));
      assert.match(textOf(card), /with INV-43\.pdf \(1 KB\)/, 'the card names the file it came with');
      await stopService(service);
    });

    test('the same message seen twice starts one plan: a second copy, and a restart after a crash before the message was marked done', async () => {
      const server = await dovecot();
      let service = await watching(server.url);
      const messageId = `lead-twice.${provider}@brightwater.example`;
      const first = await server.append(leadMail(messageId));
      await waitForFlag(server, first, DONE_KEYWORD);
      // The same message filed again (a mail server's retry, a copy to two addresses).
      const copy = await server.append(leadMail(messageId));
      await waitForFlag(server, copy, DONE_KEYWORD);
      assert.equal((await plansFor(service, messageId)).length, 1);

      // What a crash between the plan's commit and the flag leaves: a plan, and the message unmarked.
      await stopService(service);
      const client = await server.client();
      await client.mailboxOpen('INBOX');
      await client.messageFlagsRemove(`${first},${copy}`, [DONE_KEYWORD], { uid: true });
      await client.logout();
      assert.deepEqual(await flagsOf(server, first), []);
      service = await watching(server.url);
      await waitForFlag(server, first, DONE_KEYWORD);
      await waitForFlag(server, copy, DONE_KEYWORD);
      assert.equal((await plansFor(service, messageId)).length, 1, 'the restarted service read the message again and started nothing');
      await stopService(service);
    });

    test('messages that cannot start a plan are recorded with the reason and marked, and the watcher goes on to the next one', async () => {
      const server = await dovecot();
      const service = await watching(server.url, { IMAP_MAX_MESSAGE_BYTES: '2048' });
      const tag = `${provider}.${Date.now()}`;
      const cases = [
        { id: `no-sender.${tag}@x.example`, raw: leadMail(`no-sender.${tag}@x.example`, { from: null }), reason: /^the message has no sender address \(From header\)$/ },
        { id: `no-route.${tag}@x.example`, raw: leadMail(`no-route.${tag}@x.example`, { to: 'someone@acme.example' }), reason: /^no route in IMAP_ROUTES_FILE matches the message, and there is no default route$/ },
        { id: `empty.${tag}@x.example`, raw: leadMail(`empty.${tag}@x.example`, { body: '' }), reason: /^the message has no text to read/ },
        { id: `huge.${tag}@x.example`, raw: leadMail(`huge.${tag}@x.example`, { body: 'x'.repeat(3000) }), reason: /^the message is \d+ bytes, more than IMAP_MAX_MESSAGE_BYTES \(2048\)$/ },
        { id: `garbled.${tag}@x.example`, raw: `Message-ID: <garbled.${tag}@x.example>\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\n\u0000\u0001 binary \u00ff\r\n`, reason: /^the message has no sender address/ },
      ];
      const uids: number[] = [];
      for (const { raw } of cases) uids.push(await server.append(raw));
      const good = `good.${tag}@brightwater.example`;
      const goodUid = await server.append(leadMail(good));

      await pollUntil(async () => (await rowFor(service, good))?.planId, 15_000, () => 'the lead after the bad messages started no plan');
      for (const [index, { id, reason }] of cases.entries()) {
        const row = await rowFor(service, id);
        assert.match(row?.rejected ?? '(none)', reason, `message ${id}`);
        assert.equal(row?.planId, null);
        assert.deepEqual((await flagsOf(server, uids[index]!))?.sort(), [DONE_KEYWORD, REJECTED_KEYWORD].sort(), 'a rejected message is marked, so it is not read again');
        assert.equal((await plansFor(service, id)).length, 0);
      }
      await waitForFlag(server, goodUid, DONE_KEYWORD);
      assert.equal((await healthOf(service)).checks.imap, 'ok', 'the watcher is still watching');
      await stopService(service);
    });

    test('an IMAP server that is down at start leaves the service up and degraded with the fix, raises one alert; it connects when the server comes up and the alert resolves', async () => {
      const port = await freePort();
      const url = `imap://lead%40test.local:secret-imap-password@127.0.0.1:${port}`;
      const service = await watching(url, { ALERT_EVALUATE_MS: '500' });
      const down = await pollUntil(async () => {
        const health = await healthOf(service);
        return health.problems?.imap?.includes('cannot be reached') ? health : null;
      }, 10_000, () => 'healthz never said the IMAP server is down');
      assert.equal(down.status, 'degraded');
      assert.equal(down.checks.imap, 'unavailable');
      assert.equal(down.checks.store, 'ok', 'the service runs on');
      assert.match(down.problems!.imap!, new RegExp(`the IMAP server at 127\\.0\\.0\\.1:${port} cannot be reached \\(ECONNREFUSED\\): start it, or fix the host and port in IMAP_URL`));
      assert.doesNotMatch(JSON.stringify(down), /secret-imap-password/);
      const imapStatus = async () => (await service.operator.store.prisma((db) => db.dependency.findUnique({ where: { name: 'imap' } })))?.status;
      await pollUntil(async () => (await imapStatus()) === 'down', 15_000, () => 'three failed connections in a row did not record the IMAP server down');
      const alert = await pollUntil(
        () => service.operator.store.prisma((db) => db.alert.findFirst({ where: { name: 'dependency_down', subject: 'imap', status: 'firing' } })),
        15_000,
        () => 'no dependency_down alert for the IMAP server',
      );
      assert.match(alert.text, /The IMAP server \(IMAP_URL\).*new e-mail is not read meanwhile/);

      const server = await dovecot({ port });
      const messageId = `after-outage.${provider}@brightwater.example`;
      await server.append(leadMail(messageId));
      await pollUntil(async () => (await rowFor(service, messageId))?.planId, 15_000, () => 'the watcher never connected once the server was up');
      const up = await healthOf(service);
      assert.equal(up.checks.imap, 'ok');
      assert.equal(up.problems?.imap, undefined, 'the IMAP problem is gone once it connects');
      assert.equal(await imapStatus(), 'up', 'the connection records the IMAP server back');
      await pollUntil(
        () => service.operator.store.prisma((db) => db.alert.findFirst({ where: { id: alert.id, status: 'resolved' } })),
        15_000,
        () => 'the IMAP alert did not resolve',
      );
      await stopService(service);
    });

    test('a service killed with SIGKILL mid-sweep and restarted starts exactly one plan per message', { timeout: 600_000 }, async (t) => {
      const server = await dovecot();
      const tag = `${provider}.${Date.now()}`;
      const ids = Array.from({ length: 12 }, (_, index) => `killed-${index}.${tag}@brightwater.example`);
      const uids: number[] = [];
      for (const id of ids) uids.push(await server.append(leadMail(id)));
      const keys = ids.map((id) => `message-id:<${id}>`);
      const port = await reservedPort();
      // `npm start` as a user runs it: the workflows in workflows/, the database from DATABASE_URL.
      let child: ChildProcess | null = null;
      const start = () => {
        child = spawn(process.execPath, ['src/main.ts'], {
          cwd: projectRoot,
          stdio: 'ignore',
          env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: `${database.dir}/killed`, PORT: String(port), LOG_LEVEL: 'silent', WORKER_ID: 'killed', IMAP_URL: server.url, IMAP_ROUTES_FILE: routesFile, IMAP_POLL_MS: '200', CHROMA_URL: 'http://127.0.0.1:9' },
        });
        return child;
      };
      running.push({ stop: async () => void (child && (child.kill('SIGKILL'), await exited(child))) });
      // Looks at the database from outside the killed service.
      const probe = { operator: await testOperator(database) };
      running.push({ stop: () => probe.operator.close() });
      const taken = () => probe.operator.store.prisma((db) => db.inboundEmail.count({ where: { key: { in: keys } } }));
      const killed = start();
      // A service starts in seconds; on a loaded 2-core machine in up to a minute or two.
      await pollUntil(async () => (await taken()) >= 3, 180_000, () => 'the service never took 3 messages');
      killed.kill('SIGKILL');
      await exited(killed);
      const marked = (await Promise.all(uids.map((uid) => flagsOf(server, uid)))).filter((flags) => flags?.includes(DONE_KEYWORD)).length;
      t.diagnostic(`killed after ${await taken()} messages were taken and ${marked} marked done`);
      const service = start();
      for (const uid of uids) await waitForFlag(server, uid, DONE_KEYWORD, 180_000);
      service.kill('SIGTERM');
      assert.equal(await exited(service), 0, 'it stops cleanly on SIGTERM');
      for (const id of ids) assert.equal((await plansFor(probe, id)).length, 1, `one plan for ${id}`);
      assert.equal(await taken(), ids.length);
    });

    if (provider === 'postgres') {
      test('two replicas watching the same mailbox start one plan per message', async () => {
        const server = await dovecot();
        const [one, two] = await Promise.all([watching(server.url, { WORKER_ID: 'replica-1', IMAP_POLL_MS: '100' }), watching(server.url, { WORKER_ID: 'replica-2', IMAP_POLL_MS: '100' })]);
        const ids = Array.from({ length: 8 }, (_, index) => `replicas-${index}.${Date.now()}@brightwater.example`);
        const uids = await Promise.all(ids.map((id) => server.append(leadMail(id))));
        for (const uid of uids) await waitForFlag(server, uid, DONE_KEYWORD);
        for (const id of ids) assert.equal((await plansFor(one, id)).length, 1, `one plan for ${id}`);
        const rows = await one.operator.store.prisma((db) => db.inboundEmail.count({ where: { key: { in: ids.map((id) => `message-id:<${id}>`) }, planId: { not: null } } }));
        assert.equal(rows, ids.length);
        await stopService(two);
        await stopService(one);
      });
    }
  });
}
