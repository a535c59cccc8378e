// The local web workspace over HTTP, as its page uses it: /op commands, thread replies and
// button clicks go to the operator bot; plan cards and their threads arrive live over
// server-sent events; a reload, or a restart, shows the history. Only this machine is trusted,
// or holders of WORKSPACE_TOKEN; pages on other sites are refused.
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import supplierPayment from '../workflows/supplier-payment.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { testService, waitForStatus } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { WorkspaceStream, post, says, workspaceRequest } from './support/workspace-client.ts';

const TOKEN = 'a-workspace-token-0123456789';
const START = '/op start supplier-payment Pay Acme Ltd 1250 EUR for invoice INV-42';
const IBAN = 'DE89 3704 0044 0532 0130 00';
const planIdIn = (text: string | undefined) => /plan (p[a-z0-9]+)/.exec(text ?? '')?.[1] ?? assert.fail(`no plan id in: ${text}`);

/** This machine's address on its network: a request from it is not from loopback. */
function networkAddress(): string {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  return address?.address ?? assert.fail('this test needs a non-loopback network interface to play another host');
}

for (const provider of providers()) {
  describe(`local workspace on ${provider}`, () => {
    let database: TestDatabase;
    let service: Service;

    before(async () => {
      database = await createTestDatabase(provider);
      service = await testService(database, [supplierPayment], {});
    });
    after(async () => {
      await service?.stop();
      await database?.drop();
    });

    test('a command, a thread reply and a click run a plan, and the page sees each change live', async () => {
      const stream = await WorkspaceStream.open(service.port);
      try {
        const started = await post(service.port, '/workspace/command', { text: START });
        assert.equal(started.status, 200);
        const planId = planIdIn(started.reply?.text);

        const card = await stream.waitForCard(planId, /Waiting for your answer/);
        const question = await stream.waitForThreadMessage(card.id, says(/Which IBAN should Acme Ltd be paid to\?/), 'IBAN question');
        assert.equal(question.message.footer, 'Reply in this thread to answer.');

        assert.deepEqual(await post(service.port, '/workspace/reply', { threadId: card.id, text: IBAN }), { status: 200, reply: null, error: undefined });
        await stream.waitForThreadMessage(card.id, (e) => e.author === 'you' && e.message.text === IBAN, 'reply of the operator');
        const prompt = await stream.waitForThreadMessage(card.id, (e) => Boolean(e.message.buttons?.length), 'approval prompt');
        assert.match(prompt.message.text, /Pay 1250\.00 EUR to Acme Ltd \(IBAN ending 3000\)/);
        const approve = prompt.message.buttons!.find((b) => b.action === 'approve')!;

        const clicked = await post(service.port, '/workspace/button', { actionId: 'op:approve', value: `${approve.planId}:${approve.version}` });
        assert.deepEqual(clicked, { status: 200, reply: null, error: undefined });
        await stream.waitForCard(planId, /Completed/);
        const decided = await stream.waitForThreadMessage(card.id, (e) => e.id === prompt.id && /Approved by operator/.test(e.message.footer ?? ''), 'decided prompt');
        assert.equal(decided.message.buttons, undefined, 'a decided prompt offers no buttons');
        assert.ok(stream.kinds.includes('update'), 'the card was edited in place');

        const { plan, steps } = await waitForStatus(service.operator, planId, ['completed']);
        assert.equal(plan.requestedBy, 'local:operator');
        assert.ok(steps.every((s) => s.status === 'completed'));
        const finalCard = stream.card(planId)!;
        assert.deepEqual(finalCard.message.progress, { done: steps.length, total: steps.length });
      } finally {
        stream.close();
      }
    });

    test('a reload shows the channel as it was: the card and its thread', async () => {
      const first = await WorkspaceStream.open(service.port);
      const planId = planIdIn((await post(service.port, '/workspace/command', { text: START })).reply?.text);
      const card = await first.waitForCard(planId, /Waiting for your answer/);
      first.close();

      const reloaded = await WorkspaceStream.open(service.port);
      try {
        assert.equal(reloaded.kinds[0], 'snapshot');
        await reloaded.waitForThreadMessage(card.id, says(/Which IBAN/), 'question after reload');
        assert.equal(reloaded.card(planId)?.id, card.id);
      } finally {
        reloaded.close();
      }
    });

    test('a wrong answer gets a reply in the thread and the question stays open', async () => {
      const stream = await WorkspaceStream.open(service.port);
      try {
        const planId = planIdIn((await post(service.port, '/workspace/command', { text: START })).reply?.text);
        const card = await stream.waitForCard(planId, /Waiting for your answer/);
        await post(service.port, '/workspace/reply', { threadId: card.id, text: 'DE00 1234' });
        await stream.waitForThreadMessage(card.id, (e) => e.author === 'operator' && /not a valid IBAN.*Reply again in this thread/.test(e.message.text), 'the answer was wrong');
        assert.equal((await service.operator.conductor.show(planId)).plan.status, 'waiting_answer');
      } finally {
        stream.close();
      }
    });

    test('bad input gets a message saying what to send instead, and changes nothing', async () => {
      const before = (await service.operator.conductor.list()).length;
      const notSlash = await post(service.port, '/workspace/command', { text: 'start supplier-payment now' });
      assert.match(notSlash.reply?.text ?? '', /Commands start with \/op, e\.g\. `\/op help`/);
      const unknown = await post(service.port, '/workspace/command', { text: '/op strat supplier-payment' });
      assert.match(unknown.reply?.text ?? '', /"strat" is not an \/op command[\s\S]*Did you mean `\/op start/);
      const noThread = await post(service.port, '/workspace/reply', { threadId: 'nope', text: 'hello' });
      assert.deepEqual([noThread.status, noThread.error], [400, 'there is no thread nope; reply under a plan card']);
      const noId = await workspaceRequest(service.port, 'POST', '/workspace/command', { body: { text: '/op help' } });
      assert.equal(noId.status, 400);
      assert.match(JSON.parse(noId.body).error, /requestId/);
      const form = await workspaceRequest(service.port, 'POST', '/workspace/command', { body: 'text=/op+help', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.deepEqual([form.status, JSON.parse(form.body).error], [415, 'send the request as JSON (content-type: application/json)']);
      assert.equal((await service.operator.conductor.list()).length, before);
    });

    test('the same request sent twice is run once, and the retry gets the first answer back', async () => {
      const before = (await service.operator.conductor.list({ limit: 500 })).length;
      const body = { requestId: 'repeat-request-1', text: START };
      const first = await workspaceRequest(service.port, 'POST', '/workspace/command', { body });
      const second = await workspaceRequest(service.port, 'POST', '/workspace/command', { body });
      assert.match(JSON.parse(first.body).reply.text, /Started supplier-payment/);
      assert.deepEqual(JSON.parse(second.body).reply, JSON.parse(first.body).reply);
      assert.equal((await service.operator.conductor.list({ limit: 500 })).length, before + 1);
    });

    test('the page is served from / with headers that keep other sites from framing it', async () => {
      const page = await workspaceRequest(service.port, 'GET', '/');
      assert.equal(page.status, 200);
      assert.match(page.headers['content-type'] ?? '', /text\/html/);
      assert.match(page.body, /<script src="\/workspace\/workspace\.js"/);
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
      const script = await workspaceRequest(service.port, 'GET', '/workspace/workspace.js');
      assert.match(script.headers['content-type'] ?? '', /javascript/);
      const health = await workspaceRequest(service.port, 'GET', '/healthz');
      assert.equal(JSON.parse(health.body).checks.local, 'ok');
    });

    test('without WORKSPACE_TOKEN, another host, or a name that is not this machine, is refused', async () => {
      const remote = await workspaceRequest(service.port, 'GET', '/', { host: networkAddress(), headers: { host: `localhost:${service.port}` } });
      assert.equal(remote.status, 403);
      assert.match(remote.body, /only answers localhost\. To use it from another host, set WORKSPACE_TOKEN/);
      // DNS rebinding: a site whose name resolves to 127.0.0.1 still names itself in Host.
      const rebound = await post(service.port, '/workspace/command', { text: START }, { headers: { host: `evil.example:${service.port}` } });
      assert.equal(rebound.status, 403);
      await assert.rejects(WorkspaceStream.open(service.port, { host: 'evil.example' }), /answered 403/);
    });

    test('pages on other sites cannot act through the operator\'s browser', async () => {
      const before = (await service.operator.conductor.list()).length;
      const forgeries: Record<string, string>[] = [
        { origin: 'http://evil.example' },
        { origin: 'null' },
        { origin: `http://localhost:${service.port + 1}` },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of forgeries) {
        const forged = await post(service.port, '/workspace/command', { text: START }, { headers });
        assert.equal(forged.status, 403, JSON.stringify(headers));
        assert.match(forged.error ?? '', /refused/);
        await assert.rejects(WorkspaceStream.open(service.port, headers), /answered 403/);
      }
      const sameOrigin = await post(service.port, '/workspace/command', { text: '/op help' }, { headers: { origin: `http://127.0.0.1:${service.port}`, 'sec-fetch-site': 'same-origin' } });
      assert.equal(sameOrigin.status, 200);
      assert.equal((await service.operator.conductor.list()).length, before);
    });
  });
}

describe('local workspace with WORKSPACE_TOKEN', () => {
  let database: TestDatabase;
  let service: Service;

  before(async () => {
    database = await createTestDatabase('sqlite');
    service = await testService(database, [supplierPayment], { WORKSPACE_TOKEN: TOKEN });
  });
  after(async () => {
    await service?.stop();
    await database?.drop();
  });

  test('another host gets in with the token, and only with it', async () => {
    const from = { host: networkAddress(), headers: { host: `operator.internal:${service.port}` } };
    assert.equal((await workspaceRequest(service.port, 'GET', '/', from)).status, 403);
    const wrong = await post(service.port, '/workspace/command', { text: '/op help' }, { ...from, headers: { ...from.headers, authorization: 'Bearer not-the-token-at-all-xx' } });
    assert.equal(wrong.status, 403);
    assert.match(wrong.error ?? '', /needs its token from other hosts: open http:\/\/operator\.internal:\d+\/\?token=<WORKSPACE_TOKEN>/);
    const right = await post(service.port, '/workspace/command', { text: '/op help' }, { ...from, headers: { ...from.headers, authorization: `Bearer ${TOKEN}` } });
    assert.equal(right.status, 200);
    assert.equal(right.reply?.title, 'Operator commands');
  });

  test('opening /?token= keeps the token in a cookie the page and its stream then use', async () => {
    const from = { host: networkAddress(), headers: { host: `operator.internal:${service.port}` } };
    const wrong = await workspaceRequest(service.port, 'GET', '/?token=guess-guess-guess-guess', from);
    assert.equal(wrong.status, 403);
    const opened = await workspaceRequest(service.port, 'GET', `/?token=${TOKEN}`, from);
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.location, '/');
    const cookie = opened.headers['set-cookie']?.[0] ?? assert.fail('no cookie was set');
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    const withCookie = { ...from, headers: { ...from.headers, cookie: cookie.split(';')[0]! } };
    assert.equal((await workspaceRequest(service.port, 'GET', '/', withCookie)).status, 200);
    const command = await post(service.port, '/workspace/command', { text: '/op workflows' }, withCookie);
    assert.match(command.reply?.text ?? '', /supplier-payment/);
  });

  test('the token does not let a page on another site act, and this machine needs none', async () => {
    const forged = await post(service.port, '/workspace/command', { text: START }, { headers: { origin: 'http://evil.example', authorization: `Bearer ${TOKEN}` } });
    assert.equal(forged.status, 403);
    const local = await post(service.port, '/workspace/command', { text: '/op help' });
    assert.equal(local.status, 200);
  });
});

test('after a restart the workspace rebuilds its channel from the store (cards, threads, the digest) with the ids the plans refer to', async () => {
  const database = await createTestDatabase('sqlite');
  let service = await testService(database, [supplierPayment], {});
  try {
    const stream = await WorkspaceStream.open(service.port);
    const planId = planIdIn((await post(service.port, '/workspace/command', { text: START })).reply?.text);
    const card = await stream.waitForCard(planId, /Waiting for your answer/);
    await post(service.port, '/workspace/reply', { threadId: card.id, text: IBAN });
    const prompt = await stream.waitForThreadMessage(card.id, (e) => Boolean(e.message.buttons?.length), 'approval prompt');
    assert.match((await post(service.port, '/workspace/command', { text: '/op digest' })).reply?.text ?? '', /Posting the digest/);
    const digest = await pollUntil(() => stream.digest(), 10_000, () => 'no digest in the channel');
    assert.match(JSON.stringify(digest.message), /Waiting on you/);
    // Stopping ends the live streams of open pages instead of waiting for them to go.
    await service.stop();
    stream.close();

    service = await testService(database, [supplierPayment], {});
    const rebuilt = await WorkspaceStream.open(service.port);
    try {
      assert.equal(rebuilt.card(planId)?.id, card.id);
      assert.equal(rebuilt.digest()?.id, digest.id, 'the digest is shown again');
      assert.deepEqual([...rebuilt.entries.values()].filter((e) => !e.threadId).map((e) => e.id).slice(-2), [card.id, digest.id], 'in the order first shown');
      assert.match(rebuilt.card(planId)!.message.text, /Waiting for your approval/);
      const shown = rebuilt.thread(card.id).find((e) => e.id === prompt.id) ?? assert.fail('the approval prompt was not rebuilt');
      const approve = shown.message.buttons!.find((b) => b.action === 'approve')!;
      await post(service.port, '/workspace/button', { actionId: 'op:approve', value: `${approve.planId}:${approve.version}` });
      // The decision replaces the rebuilt prompt's buttons: same id, so nothing is posted twice.
      await rebuilt.waitForThreadMessage(card.id, (e) => e.id === prompt.id && /Approved by operator/.test(e.message.footer ?? ''), 'decided prompt');
      await rebuilt.waitForCard(planId, /Completed/);
      assert.equal(rebuilt.thread(card.id).filter((e) => e.message.title === 'Approval needed').length, 1);
    } finally {
      rebuilt.close();
    }
  } finally {
    await service.stop();
    await database.drop();
  }
});
