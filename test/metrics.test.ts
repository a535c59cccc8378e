// GET /metrics: Prometheus text that a scraper parses, with plan, step and notice counters,
// latency histograms and the digest's figures, all read from the store, on prom-client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '../src/service.ts';
import { gatedWorkflow, ledgerWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { testService, waitForStatus } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text format (0.0.4): every sample belongs to a family declared before it. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue; // the format allows blank lines between families
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'HELP') helped.add(comment[2]!);
      else {
        assert.match(comment[3]!, /^(counter|gauge|summary|histogram|untyped)$/, line);
        assert.ok(!types.has(comment[2]!), `${comment[2]} is declared once`);
        types.set(comment[2]!, comment[3]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|[+-]Inf)$/.exec(line);
    assert.ok(sample, `not a sample line: ${line}`);
    const name = sample[1]!;
    const family = types.has(name) ? name : name.replace(/_(sum|count|bucket)$/, '');
    assert.ok(types.has(family) && helped.has(family), `${name} has HELP and TYPE before it`);
    const labels: Record<string, string> = {};
    const labelText = sample[2] ?? '';
    const consumed = [...labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/g)];
    assert.equal(consumed.map((m) => m[0]).join(''), labelText, `labels of ${line}`);
    for (const match of consumed) labels[match[1]!] = match[2]!;
    samples.push({ name, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

for (const provider of providers()) {
describe(`GET /metrics (${provider})`, () => {
  let database: TestDatabase;
  let service: Service;
  let metrics: ReturnType<typeof parsePrometheus>;
  let contentType: string | null;

  const value = (name: string, labels: Record<string, string> = {}) =>
    metrics.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  before(async () => {
    database = await createTestDatabase(provider);
    service = await testService(database, [ledgerWorkflow, gatedWorkflow], {});
    const { conductor, store } = service.operator;
    const ledger = await Promise.all([1, 2].map((n) => conductor.start('fixture-ledger', { n }, { requestedBy: 'cli:test' })));
    for (const { plan } of ledger) await waitForStatus(service.operator, plan.id, ['completed']);
    const gated = await conductor.start('fixture-gated', { amount: 5 }, { requestedBy: 'cli:test' });
    await waitForStatus(service.operator, gated.plan.id, ['waiting_answer']);
    await conductor.answer(gated.plan.id, 'cli:test', 'PO-1');
    await waitForStatus(service.operator, gated.plan.id, ['waiting_approval']);
    await store.prisma((db) =>
      db.modelCall.create({ data: { id: 'mc1', planId: ledger[0]!.plan.id, task: 'extract', path: 'model', costUsd: 0.004, input: '{}', durationMs: 5 } }),
    );
    await store.prisma((db) => db.retrievalEval.create({ data: { id: 're1', embeddingModel: 'wink', queries: 10, recallAt5: 0.8, precisionAt5: 0.5, mrr: 0.6 } }));
    // Plans started outside a chat have nobody to tell: the dispatcher settles their notices.
    await pollUntil(() => store.prisma(async (db) => (await db.notice.count({ where: { deliveredAt: null } })) === 0), 10_000, () => 'notices are still pending');
    const response = await fetch(`http://127.0.0.1:${service.port}/metrics`);
    assert.equal(response.status, 200);
    contentType = response.headers.get('content-type');
    const text = await response.text();
    metrics = parsePrometheus(text);
  });
  after(async () => {
    await service.stop();
    await database.drop();
  });

  test('is Prometheus text format 0.0.4', () => {
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(metrics.types.get('operator_plan_duration_seconds'), 'histogram');
    assert.equal(metrics.types.get('operator_plans'), 'gauge');
  });

  test("carries this replica's process metrics beside the store's figures", () => {
    assert.equal(metrics.types.get('process_cpu_user_seconds_total'), 'counter');
    assert.ok(value('process_resident_memory_bytes')! > 0);
    assert.ok(metrics.types.has('nodejs_eventloop_lag_seconds'));
  });

  test('counts plans, steps and notices by state', () => {
    assert.equal(metrics.types.get('operator_plans_started_total'), 'counter');
    assert.equal(value('operator_plans_started_total'), 3);
    assert.equal(value('operator_plans', { status: 'completed' }), 2);
    assert.equal(value('operator_plans', { status: 'waiting_approval' }), 1);
    assert.equal(value('operator_steps', { kind: 'action', status: 'completed' }), 5, 'two ledger plans record twice, the gated one reserves');
    assert.equal(value('operator_steps', { kind: 'approval', status: 'waiting' }), 1);
    assert.equal(value('operator_notices', { kind: 'completed', state: 'delivered' }), 2);
    assert.equal(value('operator_notices', { kind: 'plan_started', state: 'delivered' }), 3);
    assert.ok(!metrics.samples.some((s) => s.name === 'operator_notices' && s.labels.state === 'pending'), 'the outbox is drained');
  });

  test('reports latencies of plans, steps and notices', () => {
    assert.equal(value('operator_plan_duration_seconds_count'), 2);
    assert.ok(value('operator_plan_duration_seconds_sum')! > 0);
    assert.equal(value('operator_plan_duration_seconds_bucket', { le: '+Inf' }), 2, 'every plan falls in the last bucket');
    assert.ok(value('operator_plan_duration_seconds_bucket', { le: '0.05' })! <= 2);
    assert.ok(value('operator_step_duration_seconds_count')! >= 10);
    const notices = metrics.samples.filter((s) => s.name === 'operator_notices').reduce((sum, s) => sum + s.value, 0);
    assert.equal(value('operator_notice_delivery_seconds_count'), notices, 'every delivered notice has a delivery latency');
    assert.equal(value('operator_notices_delivered_total'), notices);
  });

  test('carries the digest figures', () => {
    assert.equal(value('operator_task_success_ratio'), 1);
    assert.equal(value('operator_plans_ended'), 2);
    assert.ok(value('operator_mean_time_to_resolution_seconds')! > 0);
    assert.equal(value('operator_workflow_cost_usd', { workflow: 'fixture-ledger' }), 0.004);
    assert.equal(value('operator_human_interventions'), 1, 'the answered question');
    assert.equal(value('operator_retrieval_recall_at_5'), 0.8);
    assert.equal(value('operator_recalls', { outcome: 'all' }), 0);
  });
});
}
