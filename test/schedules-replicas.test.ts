// Schedules on several replicas and across restarts: each fire time starts exactly one plan,
// because its ScheduleRun row and the plan commit together; missed fire times after downtime
// follow the schedule's catch-up policy. Time moves by shifting the database's clock, not by sleeping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { planCard } from '../src/bot/render.ts';
import type { Operator } from '../src/operator.ts';
import { scheduleRuns } from '../src/store/schedules.ts';
import { Schedules } from '../src/triggers/schedules.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { testOperator } from './support/operator.ts';

const DAY = 24 * 60 * 60_000;

for (const provider of providers()) {
  describe(`schedules across replicas and restarts (${provider})`, () => {
    let database: TestDatabase;
    let replicas: Operator[];
    /** Shared by every replica: how far the test has moved the database's clock. */
    let offsetMs = 0;
    const schedulesOf = (operator: Operator) => new Schedules(operator.conductor, { defaultTimeZone: 'Europe/Berlin', clockOffsetMs: () => offsetMs });
    /** Moves the clock so that the database's now is `at` (plus the time the test itself takes). */
    const setNow = (at: Date) => {
      offsetMs = at.getTime() - Date.now();
    };
    const plansOf = (scheduleId: string) =>
      replicas[0]!.store.prisma((db) => db.plan.findMany({ where: { requestedBy: `schedule:${scheduleId}` }, orderBy: { createdAt: 'asc' } }));

    before(async () => {
      database = await createTestDatabase(provider);
      replicas = [await testOperator(database, [gatedWorkflow]), await testOperator(database, [gatedWorkflow])];
    });
    after(async () => {
      for (const replica of replicas) await replica.close();
      await database.drop();
    });

    test('two replicas polling the same due fire time at once start one plan, then one for the next day', async () => {
      offsetMs = 0;
      const [a, b] = replicas.map(schedulesOf) as [Schedules, Schedules];
      const { schedule, next } = await a.create({ workflow: 'fixture-gated', when: 'every day at 9:00', input: { amount: 5 }, createdBy: 'slack:UOPS' });
      assert.equal(next.length, 3, 'the next three fire times are shown');
      assert.equal(next[1]!.getTime() - next[0]!.getTime(), DAY);

      setNow(new Date(next[0]!.getTime() + 5_000));
      const started = (await Promise.all([a.fireDue(), b.fireDue(), a.fireDue(), b.fireDue(), a.fireDue(), b.fireDue()])).flat();
      assert.equal(started.length, 1, `one plan for the fire time, got ${started.length}`);
      setNow(new Date(next[1]!.getTime() + 5_000));
      const nextDay = (await Promise.all([b.fireDue(), a.fireDue(), b.fireDue(), a.fireDue()])).flat();
      assert.equal(nextDay.length, 1);

      const plans = await plansOf(schedule.id);
      assert.deepEqual(plans.map((p) => JSON.parse(p.trigger!).fireAt), [next[0]!.toISOString(), next[1]!.toISOString()]);
      assert.ok(plans.every((p) => JSON.parse(p.trigger!).late === undefined), 'on time: not marked late');
      const runs = await scheduleRuns(replicas[0]!.store, schedule.id);
      assert.deepEqual(runs.map((r) => [r.fireAt.toISOString(), r.outcome, r.planId]), plans.map((p) => [JSON.parse(p.trigger!).fireAt, 'started', p.id]));
      const card = planCard(await replicas[1]!.conductor.show(plans[0]!.id));
      assert.match(card.footer!, new RegExp(`Started by schedule ${schedule.id} \\(every day at 9:00\\)`), 'the card names its schedule');
    });

    for (const [policy, expectation] of [
      ['once', 'one late plan for the latest missed fire time, standing for the earlier one'],
      ['all', 'a late plan for each missed fire time'],
      ['skip', 'no plan; both missed fire times recorded as skipped'],
    ] as const) {
      test(`a restart that missed two fire times, catch-up ${policy}: ${expectation}`, async () => {
        offsetMs = 0;
        const before = schedulesOf(replicas[0]!);
        const { schedule, next } = await before.create({ workflow: 'fixture-gated', when: '30 7 * * *', input: { amount: 7 }, catchUp: policy, createdBy: 'cli:test' });
        const [first, second, third] = next as [Date, Date, Date];
        // Down from before the first fire time until two hours after the second.
        setNow(new Date(second.getTime() + 2 * 60 * 60_000));
        const restarted = [schedulesOf(replicas[1]!), schedulesOf(replicas[0]!)];
        const started = (await Promise.all(restarted.map((s) => s.fireDue()))).flat();
        // A second restart changes nothing.
        assert.deepEqual(await schedulesOf(replicas[1]!).fireDue(), []);

        const plans = await plansOf(schedule.id);
        assert.equal(plans.length, started.length);
        const triggers = plans.map((p) => JSON.parse(p.trigger!));
        const runs = (await scheduleRuns(replicas[0]!.store, schedule.id)).map((r) => [r.fireAt.toISOString(), r.outcome]);
        if (policy === 'once') {
          assert.equal(plans.length, 1);
          assert.equal(triggers[0].fireAt, second.toISOString());
          assert.deepEqual(triggers[0].late, { byMs: triggers[0].late.byMs, missed: 1 });
          assert.ok(triggers[0].late.byMs >= 2 * 60 * 60_000);
          assert.deepEqual(runs, [[first.toISOString(), 'skipped'], [second.toISOString(), 'late']]);
          const card = planCard(await replicas[0]!.conductor.show(plans[0]!.id));
          assert.match(card.footer!, /Started late by schedule .*ran 2 h late after downtime; stands for 1 earlier missed fire time/);
        } else if (policy === 'all') {
          assert.deepEqual(triggers.map((t) => t.fireAt).sort(), [first.toISOString(), second.toISOString()]);
          assert.ok(triggers.every((t) => t.late && t.late.missed === 0));
          assert.deepEqual(runs, [[first.toISOString(), 'late'], [second.toISOString(), 'late']]);
        } else {
          assert.equal(plans.length, 0);
          assert.deepEqual(runs, [[first.toISOString(), 'skipped'], [second.toISOString(), 'skipped']]);
        }
        const after = await schedulesOf(replicas[0]!).show(schedule.id);
        assert.equal(after.schedule.nextFireAt!.toISOString(), third.toISOString(), 'the schedule moves on to its next fire time');
      });
    }
  });
}
