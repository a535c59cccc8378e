// Inbound webhooks end to end: real HTTP requests (fetch) to the service's public port, through
// the front door to POST /hooks/<name>; plans and delivery keys in real SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planCard } from '../src/bot/render.ts';
import type { Service } from '../src/service.ts';
import { loadHooks } from '../src/triggers/hook-config.ts';
import { signWebhook } from '../src/triggers/webhooks.ts';
import leadQualification from '../workflows/lead-qualification.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { testService } from './support/operator.ts';

const FORM_SECRET = 'contact-form-secret-0123456789';
const ORDERS_TOKEN = 'orders-bearer-token-0123456789';

const HOOKS = {
  'contact-form': {
    workflow: 'lead-qualification',
    secret: FORM_SECRET,
    input: { text: 'Website contact form from {{name}} <{{email}}>:\n{{message}}' },
    deliveryId: 'body:submission_id',
    channel: 'local:workspace',
  },
  orders: {
    workflow: 'fixture-gated',
    auth: 'bearer',
    secret: ORDERS_TOKEN,
    input: { amount: '{{order.total}}', customer: '{{order.customer}}' },
    deliveryId: 'header:x-delivery-id',
    maxBodyBytes: 1024,
    ratePerMinute: 4,
  },
};

const contactForm = (submission: string, message = 'We need help qualifying 40 enterprise leads a month, budget 5000 EUR, start in March.') =>
  new URLSearchParams({ submission_id: submission, name: 'Renée Lefèvre', email: 'renee@brightwater.example', message }).toString();

test('hook settings that do not fit stop start-up, each problem named with what to write', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hooks-')), 'hooks.json');
  fs.writeFileSync(file, JSON.stringify({ 'Contact Form': { workflow: 'lead-qualification', secret: 'x', input: {} }, orders: { workflow: 'fixture-gated', secret: ORDERS_TOKEN, input: { amount: '{{total}}' }, auth: 'basic', deliveryId: 'cookie:id' } }));
  assert.throws(() => loadHooks(file), (error: Error) => {
    assert.match(error.message, /Contact Form: hook names are lowercase words with dashes/);
    assert.match(error.message, /Contact Form\.secret: use at least 16 random characters/);
    assert.match(error.message, /Contact Form\.input: map at least one workflow input field/);
    assert.match(error.message, /orders\.auth: auth is hmac \(the sender signs\) or bearer/);
    assert.match(error.message, /orders\.deliveryId: write header:<name> or body:<field>/);
    return true;
  });
});

for (const provider of providers()) {
  describe(`inbound webhooks (${provider})`, () => {
    let database: TestDatabase;
    let service: Service;
    let base: string;

    const plans = () => service.operator.store.prisma((db) => db.plan.findMany({ where: { requestedBy: { startsWith: 'webhook:' } } }));
    const signedForm = (body: string, options: { secret?: string; at?: number } = {}) => {
      const at = options.at ?? Math.floor(Date.now() / 1000);
      return fetch(`${base}/hooks/contact-form`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-operator-timestamp': String(at), 'x-operator-signature': signWebhook(options.secret ?? FORM_SECRET, at, body) },
        body,
      });
    };
    const order = (delivery: string, body: unknown, token = ORDERS_TOKEN) =>
      fetch(`${base}/hooks/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-delivery-id': delivery },
        body: JSON.stringify(body),
      });

    before(async () => {
      database = await createTestDatabase(provider);
      const file = path.join(database.dir, 'hooks.json');
      fs.writeFileSync(file, JSON.stringify(HOOKS));
      service = await testService(database, [leadQualification, gatedWorkflow], { INBOUND_HOOKS_FILE: file });
      base = `http://127.0.0.1:${service.port}`;
    });
    after(async () => {
      await service.stop();
      await database.drop();
    });

    test('a signed contact form delivered three times (twice at once) starts one lead-qualification plan; each answer is 202 with its id', async () => {
      const body = contactForm('sub-1001');
      const responses = [await signedForm(body), ...(await Promise.all([signedForm(body), signedForm(body)]))];
      const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { planId: string; duplicate: boolean } })));
      assert.deepEqual(answers.map((a) => a.status), [202, 202, 202]);
      const planId = answers[0]!.body.planId;
      assert.match(planId, /^p[a-z0-9]+$/);
      assert.deepEqual(answers.map((a) => a.body.planId), [planId, planId, planId]);
      assert.deepEqual(answers.map((a) => a.body.duplicate), [false, true, true]);

      const started = await plans();
      assert.equal(started.length, 1);
      assert.equal(started[0]!.workflow, 'lead-qualification');
      assert.deepEqual(JSON.parse(started[0]!.trigger!), { kind: 'webhook', hook: 'contact-form', deliveryId: 'sub-1001' });
      assert.match(JSON.parse(started[0]!.input).text, /^Website contact form from Renée Lefèvre <renee@brightwater\.example>:\nWe need help/);
      const card = planCard(await service.operator.conductor.show(planId));
      assert.equal(card.footer, 'Started by webhook contact-form (delivery sub-1001)', 'the card names the hook and delivery');
      const audit = await service.operator.conductor.audit(planId);
      assert.deepEqual((audit[0]!.detail as { trigger: unknown }).trigger, { kind: 'webhook', hook: 'contact-form', deliveryId: 'sub-1001' }, 'the audit trail records the trigger');
    });

    test('forged, replayed (stale), unsigned and unknown-hook deliveries get 401/404 and start nothing', async () => {
      const before = (await plans()).length;
      const body = contactForm('sub-2002');
      const forged = await signedForm(body, { secret: 'not-the-secret-0123456789' });
      assert.equal(forged.status, 401);
      assert.match(((await forged.json()) as { error: string }).error, /signature does not match/);
      const stale = await signedForm(body, { at: Math.floor(Date.now() / 1000) - 6 * 60 });
      assert.equal(stale.status, 401);
      assert.match(((await stale.json()) as { error: string }).error, /outside the 5-minute window/);
      const tampered = await fetch(`${base}/hooks/contact-form`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-operator-timestamp': String(Math.floor(Date.now() / 1000)), 'x-operator-signature': signWebhook(FORM_SECRET, Math.floor(Date.now() / 1000), body) },
        body: body.replace('5000', '9000'),
      });
      assert.equal(tampered.status, 401);
      const unsigned = await fetch(`${base}/hooks/contact-form`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(unsigned.status, 401);
      const unknown = await fetch(`${base}/hooks/no-such-hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(unknown.status, 404);
      assert.equal((await plans()).length, before);
      const deliveries = await service.operator.store.prisma((db) => db.webhookDelivery.count({ where: { deliveryId: 'sub-2002' } }));
      assert.equal(deliveries, 0, 'no delivery was recorded');
    });

    test('a body that fails the input contract gets 400 with the field errors; a bearer token stands in for a signature', async () => {
      const before = (await plans()).length;
      const bad = await order('o-1', { order: { total: -5, customer: 'Acme' } });
      assert.equal(bad.status, 400);
      const answer = (await bad.json()) as { error: string; fields: Record<string, string> };
      assert.match(answer.error, /does not fit fixture-gated's input/);
      assert.match(answer.fields.amount!, /(too small|>0|positive)/i);
      const missing = (await (await signedForm(new URLSearchParams({ submission_id: 'sub-3003', name: 'A' }).toString())).json()) as { missing?: string[] };
      assert.deepEqual(missing.missing?.sort(), ['email', 'message'], 'the body fields the mapping needs are named');
      assert.equal((await order('o-2', { order: { total: 12.5, customer: 'Acme' } }, 'wrong-token-0123456789')).status, 401);
      assert.equal((await plans()).length, before, 'nothing started');

      const good = await order('o-3', { order: { total: 12.5, customer: 'Acme' } });
      assert.equal(good.status, 202);
      const { planId } = (await good.json()) as { planId: string };
      const plan = await service.operator.conductor.show(planId);
      assert.deepEqual(plan.plan.input, { amount: 12.5, customer: 'Acme' }, 'a template of one placeholder keeps the number');
    });

    test('bodies over the hook\'s size limit get 413, and deliveries over its rate get 429 with Retry-After', async () => {
      const big = await order('o-big', { order: { total: 1, customer: 'x'.repeat(2000) } });
      assert.equal(big.status, 413);
      let limited: Response | null = null;
      for (let i = 0; i < 6 && !limited; i++) {
        const response = await order(`o-rate-${i}`, { order: { total: 1, customer: 'Acme' } });
        if (response.status === 429) limited = response;
        else assert.equal(response.status, 202);
      }
      assert.ok(limited, 'the fifth delivery within a minute is refused');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    });
  });
}
