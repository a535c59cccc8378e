// What `/op schedule` understands as a time, and what the digest and the terminal show of schedules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildDigest } from '../src/digest/digest.ts';
import { digestMessage } from '../src/digest/message.ts';
import type { Operator } from '../src/operator.ts';
import { Schedules } from '../src/triggers/schedules.ts';
import { nextFireTimes, parseWhen } from '../src/triggers/when.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { testOperator } from './support/operator.ts';
import { opBinary, runNode } from './support/processes.ts';

test('plain phrases and cron expressions become cron expressions, said back in words', () => {
  const cases: [string, string][] = [
    ['every month on the 1st at 9:00', '0 9 1 * *'],
    ['every Monday 8am', '0 8 * * 1'],
    ['every weekday at 17:30', '30 17 * * 1-5'],
    ['every Mon and Fri at 8:15 pm', '15 20 * * 1,5'],
    ['daily at noon', '0 12 * * *'],
    ['every 15 minutes', '*/15 * * * *'],
    ['every hour', '0 * * * *'],
    ['0 9 1 * *', '0 9 1 * *'],
  ];
  for (const [phrase, cron] of cases) assert.equal(parseWhen(phrase).cron, cron, phrase);
  assert.equal(parseWhen('every Monday 8am').described, 'At 08:00, only on Monday');
});

test('what is not a time says what to write instead', () => {
  assert.throws(() => parseWhen('every Monday'), /needs a time of day: write e\.g\. "every Monday at 9:00"/);
  assert.throws(() => parseWhen('whenever'), /is not a time I can read\. Write a phrase like "every Monday 8am"/);
  assert.throws(() => parseWhen('61 * * * *'), /not a valid cron expression .*minute hour day month weekday/);
  assert.throws(() => parseWhen('every Monday 13pm'), /is not a time I can read/);
});

test('fire times follow the schedule\'s time zone across a daylight-saving change', () => {
  const times = nextFireTimes('0 9 * * *', 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'), 3);
  assert.deepEqual(times.map((t) => t.toISOString()), ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
});

describe('schedules in the digest and the terminal', () => {
  let database: TestDatabase;
  let operator: Operator;
  before(async () => {
    database = await createTestDatabase('sqlite');
    operator = await testOperator(database, [gatedWorkflow]);
  });
  after(async () => {
    await operator.close();
    await database.drop();
  });

  test("the digest lists the day's upcoming scheduled runs, not paused ones or other days'", async () => {
    const schedules = new Schedules(operator.conductor, { defaultTimeZone: 'UTC' });
    const daily = await schedules.create({ workflow: 'fixture-gated', when: 'every day at 9:00', input: { amount: 1 }, createdBy: 'cli:test' });
    await schedules.create({ workflow: 'fixture-gated', when: 'every Friday at 10:00', input: { amount: 2 }, createdBy: 'cli:test' });
    const paused = await schedules.create({ workflow: 'fixture-gated', when: 'every day at 11:00', input: { amount: 3 }, createdBy: 'cli:test' });
    await schedules.pause(paused.schedule.id);

    // Thursday 1 May 2031, 06:00 UTC: the daily 09:00 run is still to come; Friday's is tomorrow.
    const digest = await buildDigest(operator.store, { timeZone: 'UTC', now: new Date('2031-05-01T06:00:00Z') });
    assert.deepEqual(digest.scheduled.map((r) => [r.scheduleId, r.fireAt.toISOString()]), [[daily.schedule.id, '2031-05-01T09:00:00.000Z']]);
    const message = digestMessage(digest);
    assert.match(message.text, new RegExp(`Scheduled today\\* \\(1\\)\\n🗓 \\{\\{time:2031-05-01T09:00:00.000Z\\}\\} fixture-gated · every day at 9:00 \\(${daily.schedule.id}\\)`));
  });
});

describe('op schedule', () => {
  let database: TestDatabase;
  const op = (...args: string[]) => runNode([opBinary, 'schedule', ...args], { DATABASE_URL: database.url, DATA_DIR: `${database.dir}/data`, LOG_LEVEL: 'warn', DIGEST_TZ: 'America/New_York' });
  before(async () => {
    database = await createTestDatabase('sqlite');
  });
  after(() => database.drop());

  test('schedules a workflow from the terminal and lists it with its next three fire times; bad input exits 2 and changes nothing', async () => {
    const made = await op('supplier-payment', 'every month on the 1st at 9:00', 'Pay Acme Ltd 10 EUR for invoice INV-1', '--catch-up', 'all', '--json');
    assert.equal(made.code, 0, made.stderr);
    const schedule = JSON.parse(made.stdout);
    assert.equal(schedule.cron, '0 9 1 * *');
    assert.equal(schedule.timeZone, 'America/New_York');
    assert.equal(schedule.catchUp, 'all');
    assert.deepEqual(schedule.input, { request: 'Pay Acme Ltd 10 EUR for invoice INV-1' });
    assert.equal(schedule.next.length, 3);
    assert.ok(schedule.next.every((t: string) => /T1[34]:00:00\.000Z$/.test(t)), '09:00 in New York');

    const bad = await op('supplier-payment', 'every full moon', 'Pay Acme');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a time I can read/);
    const listed = await op('list');
    assert.equal(listed.code, 0);
    assert.equal(listed.stdout.match(/^sc/gm)?.length, 1, 'only the good schedule exists');
    assert.match(listed.stdout, /next: \d{4}-\d{2}-01 1[34]:00 UTC, /);
  });
});
