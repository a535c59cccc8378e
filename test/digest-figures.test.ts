// The digest's figures against a seeded history whose right answers are known: plans ended with
// known durations, interventions with known waits, model costs, recalls and retrieval evaluations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildDigest, digestJson } from '../src/digest/digest.ts';
import { digestMessage } from '../src/digest/message.ts';
import type { Store } from '../src/store/store.ts';
import { openStore } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { opBinary, runNode } from './support/processes.ts';

const HOUR = 60 * 60_000;
const MINUTE = 60_000;

/** Seeds the history relative to now; returns the ids the assertions name. */
async function seedHistory(store: Store, now: number) {
  const at = (msAgo: number) => new Date(now - msAgo);
  const plan = (id: string, workflow: string, status: string, startedAgo: number, endedAgo: number | null) =>
    store.prisma((db) =>
      db.plan.create({
        data: { id, workflow, status, input: '{}', requestedBy: 'slack:UOPS', createdAt: at(startedAgo), runAfter: at(startedAgo), finishedAt: endedAgo === null ? null : at(endedAgo) },
      }),
    );
  // Yesterday's digest: the period runs from here.
  await store.prisma((db) => db.digestRun.create({ data: { id: 'd-yesterday', day: '2000-01-01', channel: 'slack:CDIGEST', at: at(24 * HOUR) } }));

  // Ended in the period: 1 h, 2 h, 30 min (completed) and 90 min (failed).
  await plan('pdone1', 'invoicing', 'completed', 10 * HOUR, 9 * HOUR);
  await plan('pdone2', 'invoicing', 'completed', 8 * HOUR, 6 * HOUR);
  await plan('pdone3', 'content-production', 'completed', 3 * HOUR, 2.5 * HOUR);
  await plan('pfail1', 'lead-qualification', 'failed', 5 * HOUR, 3.5 * HOUR);
  // Ended before the period, and still under way: neither counts.
  await plan('pold01', 'invoicing', 'failed', 40 * HOUR, 30 * HOUR);
  await plan('prun01', 'invoicing', 'running', 1 * HOUR, null);

  // Waiting on the operator, for 5 h, 2 h and 7 h.
  const waiting = async (id: string, status: string, stepStatus: string, title: string, since: number) => {
    await plan(id, 'invoicing', status, since + HOUR, null);
    await store.prisma((db) =>
      db.step.create({ data: { id: `s-${id}`, planId: id, position: 0, key: 'gate', kind: 'approval', title, status: stepStatus, waitingSince: at(since) } }),
    );
  };
  await waiting('pwaita', 'waiting_approval', 'waiting', 'Approve the invoice', 5 * HOUR);
  await waiting('pwaitq', 'waiting_answer', 'waiting', 'Ask for the VAT id', 2 * HOUR);
  await waiting('pwaith', 'needs_operator', 'failed', 'Send the invoice', 7 * HOUR);

  // Interventions in the period waited 1, 3, 10, 2 and 5 minutes: median 3 min. An approval with
  // changes (Edit) is one of them.
  const audit = (action: string, agoMs: number, waitedMs?: number) =>
    store.prisma((db) =>
      db.auditEntry.create({ data: { planId: 'pdone1', actor: 'slack:UOPS', action, at: at(agoMs), detail: waitedMs === undefined ? null : JSON.stringify({ waitedMs }) } }),
    );
  await audit('approval.granted', 9.5 * HOUR, 1 * MINUTE);
  await audit('question.answered', 7 * HOUR, 3 * MINUTE);
  await audit('step.retried', 4 * HOUR, 10 * MINUTE);
  await audit('approval.denied', 3.6 * HOUR, 2 * MINUTE);
  await audit('approval.granted_with_changes', 3 * HOUR, 5 * MINUTE);
  await audit('plan.started', 10 * HOUR); // not an intervention
  await audit('approval.granted', 30 * HOUR, 99 * MINUTE); // before the period

  // Model spend: invoicing 0.012 + 0.008, lead-qualification 0.005, a plan-less call 0.001.
  const call = (id: string, planId: string | null, workflow: string | null, costUsd: number, agoMs: number) =>
    store.prisma((db) =>
      db.modelCall.create({ data: { id, planId, workflow, task: 'extract', path: 'model', model: 'gpt-test', costUsd, input: '{}', durationMs: 10, at: at(agoMs) } }),
    );
  await call('mc1', 'pdone1', null, 0.012, 9.8 * HOUR);
  await call('mc2', 'pdone2', 'invoicing', 0.008, 7 * HOUR);
  await call('mc3', 'pfail1', null, 0.005, 4 * HOUR);
  await call('mc4', null, 'content-production', 0.001, 2 * HOUR);
  await call('mc5', 'pold01', null, 1.0, 35 * HOUR); // before the period

  // Retrieval: the latest evaluation counts; 4 recalls, one degraded and one empty.
  await store.prisma((db) => db.retrievalEval.create({ data: { id: 're-old', at: at(48 * HOUR), embeddingModel: 'wink', queries: 20, recallAt5: 0.5, precisionAt5: 0.3, mrr: 0.4 } }));
  await store.prisma((db) => db.retrievalEval.create({ data: { id: 're-new', at: at(3 * HOUR), embeddingModel: 'wink', queries: 20, recallAt5: 0.8, precisionAt5: 0.6, mrr: 0.7 } }));
  const recall = (id: string, degraded: boolean, citedIds: string) =>
    store.prisma((db) => db.recallEvent.create({ data: { id, at: at(HOUR), query: 'acme', citedIds, degraded, latencyMs: 5 } }));
  await recall('r1', false, '["m1"]');
  await recall('r2', false, '["m2","m3"]');
  await recall('r3', true, '["m1"]');
  await recall('r4', false, '[]');
}

for (const provider of providers()) {
  describe(`digest figures (${provider})`, () => {
    let database: TestDatabase;
    let store: Store;
    let now: number;

    before(async () => {
      database = await createTestDatabase(provider);
      store = await openStore(database.url);
      now = Date.now();
      await seedHistory(store, now);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('a seeded history gives exactly the expected figures', async () => {
      const digest = await buildDigest(store, { timeZone: 'UTC', now: new Date(now) });
      assert.equal(digest.period.from.getTime(), now - 24 * HOUR, 'the period starts at the last digest');
      assert.deepEqual(digest.completed.map((p) => p.id), ['pdone1', 'pdone2', 'pdone3']);
      assert.deepEqual(digest.failed.map((p) => p.id), ['pfail1']);
      assert.deepEqual(digest.waiting.map((p) => p.id), ['pwaith', 'pwaita', 'pwaitq'], 'oldest wait first');

      const figures = digestJson(digest);
      assert.deepEqual(figures.success_rate, { rate: 0.75, completed: 3, ended: 4 });
      assert.deepEqual(figures.mean_time_to_resolution, { seconds: 4500, plans: 4 }, '(1 h + 2 h + 30 min + 90 min) / 4');
      assert.deepEqual(figures.cost, { total_usd: 0.026, by_workflow: { 'content-production': 0.001, invoicing: 0.02, 'lead-qualification': 0.005 } });
      assert.deepEqual(figures.human_interventions, { count: 5, median_wait_seconds: 180 });
      assert.equal(figures.retrieval.measured, true);
      assert.deepEqual(figures.retrieval.recalls, { count: 4, degraded: 1, empty: 1, degraded_share: 0.25, empty_share: 0.25 });
      assert.ok(figures.retrieval.measured && figures.retrieval.evaluation);
      assert.equal(figures.retrieval.evaluation.recall_at_5, 0.8, 'the latest evaluation');
    });

    test('the digest message reads on a phone: short lists, figures as fields, buttons for what a click settles', async () => {
      const message = digestMessage(await buildDigest(store, { timeZone: 'UTC', now: new Date(now) }));
      assert.equal(message.title, `Daily digest · ${new Date(now).toISOString().slice(0, 10)}`);
      assert.match(message.text, /3 completed, 1 did not/);
      assert.match(message.text, /❌ lead-qualification pfail1 · 1h 30m · failed/);
      const waits = message.text.split('\n').filter((line) => line.startsWith('⏳'));
      assert.deepEqual(waits.map((line) => /(p\w+)/.exec(line)![1]), ['pwaith', 'pwaita', 'pwaitq']);
      assert.match(waits[0]!, /Send the invoice \(failed step\) · 7h/);
      const fields = Object.fromEntries(message.fields!.map((f) => [f.label, f.value]));
      assert.deepEqual(fields, {
        'Success rate': '75% (3 of 4)',
        'Time to resolution': '1h 15m mean',
        'Model cost': '$0.03 (invoicing $0.02, lead-qualification $0.0050, content-production $0.0010)',
        Interventions: '5, median wait 3m',
        Retrieval: 'recall@5 80%, precision@5 60%, MRR 0.70; 1 of 4 recalls degraded, 1 empty',
      });
      assert.deepEqual(
        message.buttons!.map((b) => `${b.action}:${b.planId}`),
        ['retry:pwaith', 'skip:pwaith', 'abort:pwaith', 'approve:pwaita', 'deny:pwaita'],
        'the question is answered in its thread, so it has no button',
      );
      assert.ok(message.text.length + JSON.stringify(message.fields).length < 1500, 'short enough for a phone');
    });

    test('op digest --dry-run --json prints the figures under their documented keys', async () => {
      const result = await runNode([opBinary, 'digest', '--dry-run', '--json'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.equal(result.code, 0, result.stderr);
      const printed = JSON.parse(result.stdout);
      for (const key of ['success_rate', 'mean_time_to_resolution', 'cost', 'human_interventions', 'retrieval']) assert.ok(key in printed, key);
      assert.deepEqual(printed.success_rate, { rate: 0.75, completed: 3, ended: 4 });
      assert.deepEqual(printed.human_interventions, { count: 5, median_wait_seconds: 180 });
      assert.equal(printed.cost.total_usd, 0.026);
    });
  });
}

describe('digest of an empty store', () => {
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  test('says what is not measured yet instead of inventing figures', async () => {
    const digest = await buildDigest(store, { timeZone: 'Europe/Berlin' });
    const figures = digestJson(digest);
    assert.deepEqual(figures.success_rate, { rate: null, completed: 0, ended: 0 });
    assert.deepEqual(figures.mean_time_to_resolution, { seconds: null, plans: 0 });
    assert.deepEqual(figures.cost, { total_usd: 0, by_workflow: {} });
    assert.deepEqual(figures.human_interventions, { count: 0, median_wait_seconds: null });
    assert.equal(figures.retrieval.summary, 'not measured yet');
    const fields = Object.fromEntries(digestMessage(digest).fields!.map((f) => [f.label, f.value]));
    assert.equal(fields.Retrieval, 'not measured yet');
    assert.equal(fields['Success rate'], 'no plan ended');
    assert.match(digestMessage(digest).text, /Nothing waits on you/);
  });

  test('op digest queues one for the configured channels, and says what to set when there are none', async () => {
    const op = (env: Record<string, string>) => runNode([opBinary, 'digest'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn', ...env });
    const none = await op({});
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Set DIGEST_SLACK_CHANNEL and\/or DIGEST_DISCORD_CHANNEL, or print it: op digest --dry-run/);
    assert.equal(await store.prisma((db) => db.notice.count()), 0, 'nothing was queued');

    const queued = await op({ DIGEST_SLACK_CHANNEL: 'CDIGEST' });
    assert.equal(queued.code, 0, queued.stderr);
    const [notice] = await store.prisma((db) => db.notice.findMany());
    const payload = JSON.parse(notice!.payload);
    assert.deepEqual(payload.target, { platform: 'slack', channel: 'CDIGEST' });
    assert.match(payload.message.title, /^Daily digest · /);
    assert.equal(await store.prisma((db) => db.digestRun.count()), 0, 'a digest asked for now takes no day slot');
  });
});
