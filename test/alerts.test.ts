// Alerts: each condition against figures whose right answer is known, and one alert end to end in
// the whole service: raised once (also when a second replica evaluates), shown in the workspace
// with its runbook and a "Not useful" button, listed by /op alerts, exported in /metrics, resolved
// with a message when it clears, and counted as a false positive in the digest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildDigest } from '../src/digest/digest.ts';
import { digestMessage } from '../src/digest/message.ts';
import { runbookOf } from '../src/core/alert-names.ts';
import { ALERTS, AlertMonitor, type Observation } from '../src/ops/alerts.ts';
import type { AlertFigures } from '../src/store/alerts.ts';
import type { Service } from '../src/service.ts';
import { ledgerWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { silentLogger, testService } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';
import { post, WorkspaceStream } from './support/workspace-client.ts';

const quiet: AlertFigures = {
  dependencies: [],
  failingDeliveries: [],
  outbox: { pending: 0, olderThanLimit: 0, oldest: null },
  operatorWaits: { olderThanLimit: 0, oldest: null },
  workflowOutcomes: [],
  retrievalEvals: [],
  chroma: { degradedRecalls: 0, stuckIndexTasks: 0, lastIndexError: null },
};
const observe = (figures: Partial<AlertFigures>, freeShare = 0.5): Observation => ({
  figures: { ...quiet, ...figures },
  disk: { freeShare, dataDir: '/data' },
  limits: { outboxBehindSeconds: 120, operatorWaitHours: 24, diskFreePercent: 10 },
});
const fired = (observation: Observation) =>
  ALERTS.flatMap((alert) => alert.findings(observation).map((finding) => `${alert.name}:${finding.subject}:${finding.severity}`));

describe('alert conditions', () => {
  test('every alert has a runbook that names it and a text with the next step', () => {
    for (const alert of ALERTS) {
      assert.match(fs.readFileSync(runbookOf(alert.name), 'utf8'), new RegExp(`^# ${alert.name}\\n`), `${runbookOf(alert.name)} is missing`);
    }
  });

  test('a quiet deployment raises nothing', () => {
    assert.deepEqual(fired(observe({})), []);
  });

  test('a dependency that is down is critical while plans wait for it, a warning otherwise', () => {
    const since = new Date('2026-12-02T10:00:00Z');
    const down = (waitingPlans: number) => observe({ dependencies: [{ name: 'smtp', status: 'down', since, lastError: 'ECONNREFUSED', waitingPlans }, { name: 'webhook', status: 'up', since, lastError: null, waitingPlans: 0 }] });
    assert.deepEqual(fired(down(20)), ['dependency_down:smtp:critical']);
    assert.deepEqual(fired(down(0)), ['dependency_down:smtp:warning']);
    const [finding] = ALERTS.find((alert) => alert.name === 'dependency_down')!.findings(down(20));
    assert.match(finding!.text, /mail server \(SMTP_URL\) has not answered since 2026-12-02T10:00:00Z.*Next step:/);
  });

  test("a workflow's failure rate alerts when it is high and at least double the week before", () => {
    const outcome = (recentEnded: number, recentFailed: number, earlierEnded: number, earlierFailed: number) =>
      fired(observe({ workflowOutcomes: [{ workflow: 'invoicing', recentEnded, recentFailed, earlierEnded, earlierFailed }] }));
    assert.deepEqual(outcome(10, 3, 50, 2), ['workflow_failure_rate:invoicing:warning'], '30% against 4%');
    assert.deepEqual(outcome(10, 6, 50, 2), ['workflow_failure_rate:invoicing:critical'], '60%');
    assert.deepEqual(outcome(10, 3, 50, 10), [], '30% against 20% is not double');
    assert.deepEqual(outcome(3, 3, 0, 0), [], 'too few plans to tell');
  });

  test('retrieval below its last evaluation, chat delivery failing, old waits and a full disk each alert', () => {
    const at = new Date('2026-12-02T09:00:00Z');
    assert.deepEqual(fired(observe({ retrievalEvals: [{ at, recallAt5: 0.6, precisionAt5: 0.3 }, { at, recallAt5: 0.8, precisionAt5: 0.4 }] })), ['retrieval_below_evaluation::warning']);
    assert.deepEqual(fired(observe({ retrievalEvals: [{ at, recallAt5: 0.78, precisionAt5: 0.3 }, { at, recallAt5: 0.8, precisionAt5: 0.4 }] })), [], 'within noise');
    assert.deepEqual(fired(observe({ failingDeliveries: [{ platform: 'slack', notices: 4, lastError: 'invalid_auth' }] })), ['chat_delivery_failing:slack:critical']);
    assert.deepEqual(fired(observe({ operatorWaits: { olderThanLimit: 2, oldest: at } })), ['operator_wait_long::warning']);
    assert.deepEqual(fired(observe({ chroma: { degradedRecalls: 3, stuckIndexTasks: 0, lastIndexError: null } })), ['chroma_unreachable:chroma:warning']);
    assert.deepEqual(fired(observe({ chroma: { degradedRecalls: 1, stuckIndexTasks: 0, lastIndexError: null } })), [], 'one slow recall is not an outage');
    assert.deepEqual(fired(observe({}, 0.05)), ['disk_filling::warning']);
    assert.deepEqual(fired(observe({}, 0.01)), ['disk_filling::critical']);
  });
});

for (const provider of providers()) {
  describe(`an alert in the service (${provider})`, () => {
    let database: TestDatabase;
    let service: Service;
    let stream: WorkspaceStream;

    before(async () => {
      database = await createTestDatabase(provider);
      // Rounds are run by the test (evaluate()), not by the timer: the round the service claims at
      // start is awaited and the timer stopped, so no round of its own races the test's.
      service = await testService(database, [ledgerWorkflow], { ALERT_EVALUATE_MS: '600000', ALERT_OUTBOX_BEHIND_SECONDS: '60' });
      const store = service.operator.store;
      await pollUntil(() => store.prisma((db) => db.alertRound.findUnique({ where: { id: 'alerts' } })), 15_000, () => 'the service ran no alert round at start');
      await service.alerts.stop();
      stream = await WorkspaceStream.open(service.port);
    });
    after(async () => {
      stream?.close();
      await service?.stop();
      await database?.drop();
    });

    test('the outbox falling behind is announced once, listed, exported, resolved, and a "Not useful" click shows in the digest', async () => {
      const { store } = service.operator;
      // A notice for Slack, which no replica here delivers, committed ten minutes ago.
      const old = new Date(Date.now() - 10 * 60_000);
      await store.prisma((db) =>
        db.notice.create({ data: { id: 'n-stuck', kind: 'digest', payload: JSON.stringify({ target: { platform: 'slack', channel: 'C1' }, message: { text: 'x' } }), createdAt: old, deliverAfter: old } }),
      );

      assert.deepEqual((await service.alerts.evaluate()).raised, ['outbox_behind:']);
      assert.deepEqual((await service.alerts.evaluate()).raised, [], 'a condition that still holds is not announced again');
      const replica = new AlertMonitor({ store, logger: silentLogger(), targets: [{ platform: 'local', channel: 'workspace' }], limits: { outboxBehindSeconds: 60, operatorWaitHours: 24, diskFreePercent: 0 }, dataDir: database.dir, intervalMs: 600_000 });
      assert.deepEqual((await replica.evaluate()).raised, [], 'nor by a second replica');
      assert.equal(await replica.evaluateIfDue(), false, 'and the second replica leaves the round to the one that claimed it');
      const [alert, ...others] = await store.prisma((db) => db.alert.findMany());
      assert.equal(others.length, 0);

      const shown = await pollUntil(() => [...stream.entries.values()].find((entry) => /^Alert \[warning\]: outbox_behind/.test(entry.message.title ?? '')), 10_000, () => 'the alert is not in the workspace');
      assert.match(shown.message.text, /1 notice\(s\) have waited more than 60 s.*Next step:/);
      assert.match(shown.message.footer ?? '', /docs\/runbooks\/outbox_behind\.md/);
      const button = shown.message.buttons?.find((b) => b.action === 'not_useful');
      assert.ok(button, 'the alert offers "Not useful"');

      const listed = await post(service.port, '/workspace/command', { text: '/op alerts' });
      assert.match(listed.reply?.text ?? '', new RegExp(`\\[warning\\] outbox_behind ${alert!.id}: firing since .*Runbook: docs/runbooks/outbox_behind.md`, 's'));
      const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      assert.match(metrics, /^operator_alerts_firing\{alert="outbox_behind",subject="",severity="warning"\} 1$/m);
      assert.match(metrics, /^operator_alerts_raised_total\{alert="outbox_behind"\} 1$/m);

      const clicked = await post(service.port, '/workspace/button', { actionId: 'op:not_useful', value: `${button.planId}:${button.version}` });
      assert.match(clicked.reply?.text ?? '', /outbox_behind is counted as a false positive/);

      await store.prisma((db) => db.notice.update({ where: { id: 'n-stuck' }, data: { deliveredAt: new Date() } }));
      assert.deepEqual((await service.alerts.evaluate()).resolved, ['outbox_behind:']);
      await pollUntil(() => [...stream.entries.values()].find((entry) => entry.message.title === 'Resolved: outbox_behind'), 10_000, () => 'no resolved message in the workspace');
      assert.match((await post(service.port, '/workspace/command', { text: '/op alerts' })).reply?.text ?? '', /No alert is firing/);
      assert.match((await post(service.port, '/workspace/command', { text: '/op alerts recent' })).reply?.text ?? '', /outbox_behind .*resolved .*marked not useful/s);
      const exported = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      assert.match(exported, /^operator_alerts_not_useful_total\{alert="outbox_behind"\} 1$/m);
      assert.doesNotMatch(exported, /^operator_alerts_firing\{/m, 'nothing fires any more');

      const digest = await buildDigest(store, { timeZone: 'UTC' });
      assert.deepEqual(digest.figures.alerts, { raised: 1, firing: 0, by_alert: { outbox_behind: { raised: 1, not_useful: 1, false_positive_rate: 1 } } });
      const field = digestMessage(digest).fields!.find((f) => f.label === 'Alerts');
      assert.equal(field?.value, '1 raised, 0 firing; false positives: outbox_behind 100% (1 of 1) (/op alerts)');
    });
  });
}
