// The `op` binary: bad input exits 2 with what to type instead and changes nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { opBinary, runNode } from './support/processes.ts';

describe('op CLI', () => {
  let database: TestDatabase;
  const op = (...args: string[]) => runNode([opBinary, ...args], { DATABASE_URL: database.url, DATA_DIR: `${database.dir}/data`, LOG_LEVEL: 'warn' });
  const planCount = async () => JSON.parse((await op('plan', 'list', '--json')).stdout).length as number;

  before(async () => {
    database = await createTestDatabase('sqlite');
  });
  after(() => database.drop());

  test('lists the workflows it can start', async () => {
    const result = await op('workflows', 'list');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^supplier-payment\s+Pay a supplier invoice/m);
  });

  test('starts, shows and audits a plan, as text and as JSON', async () => {
    const started = await op('plan', 'start', 'supplier-payment', '--input', '{"request":"Pay Acme Ltd 10 EUR for invoice INV-1"}', '--json', '--as', 'cli:alice');
    assert.equal(started.code, 0, started.stderr);
    const { plan, steps } = JSON.parse(started.stdout);
    assert.equal(plan.status, 'running');
    assert.equal(steps.length, 6);
    const shown = await op('plan', 'show', plan.id);
    assert.match(shown.stdout, new RegExp(`^${plan.id}  supplier-payment  v1  running  \\(0/6 steps\\)`));
    assert.match(shown.stdout, /parse-request\s+extract\s+pending/);
    const audit = await op('plan', 'audit', plan.id);
    assert.match(audit.stdout, /cli:alice\s+plan\.started ∅ → running/);
  });

  for (const [name, args, expected] of [
    ['an unknown workflow', ['plan', 'start', 'payrol'], /no workflow named "payrol"[\s\S]*Known workflows: [a-z, -]*supplier-payment/],
    ['input that is not JSON', ['plan', 'start', 'supplier-payment', '--input', '{request:'], /--input must be a JSON object[\s\S]*Example: op plan start supplier-payment/],
    ['input that breaks the contract', ['plan', 'start', 'supplier-payment', '--input', '{"request":"x"}'], /not valid: request: describe the payment/],
    ['a decision without a plan id', ['plan', 'approve'], /needs a plan id[\s\S]*Example: op plan approve <id>/],
    ['a decision on a missing plan', ['plan', 'approve', 'p-nope'], /no plan p-nope[\s\S]*op plan list/],
    ['an unknown command', ['plan', 'frobnicate'], /unknown command "frobnicate"[\s\S]*Usage: op/],
    ['an unknown option', ['plan', 'list', '--colour'], /Unknown option '--colour': op plan list does not take it[\s\S]*Usage: op plan list \[--status <status>\]/],
    ['an option of another command', ['plan', 'start', 'supplier-payment', '--status', 'running', '--input', '{"request":"Pay Acme Ltd 10 EUR for invoice INV-1"}'], /Unknown option '--status': op plan start does not take it; nothing was done[\s\S]*Usage: op plan start <workflow>/],
    ['a status that plans never have', ['plan', 'list', '--status', 'done'], /"done" is not a plan status[\s\S]*running, waiting_approval/],
    ['a rollback without a version', ['plan', 'rollback', 'p-x', 'latest'], /needs a version number/],
  ] as const) {
    test(`${name} exits 2 with what to type instead and changes nothing`, async () => {
      const before = await planCount();
      const result = await op(...args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, expected);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
      assert.equal(await planCount(), before);
    });
  }

  test('a database without its migrations is told to run op migrate, and op migrate fixes it', async () => {
    const fresh = { DATABASE_URL: `file:${database.dir}/fresh/operator.db`, LOG_LEVEL: 'warn' };
    const before = await runNode([opBinary, 'plan', 'list'], fresh);
    assert.equal(before.code, 2);
    assert.match(before.stderr, /migration\(s\) to apply[\s\S]*Run `op migrate`/);
    assert.equal((await runNode([opBinary, 'migrate'], fresh)).code, 0);
    const after = await runNode([opBinary, 'plan', 'list'], fresh);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /No plans yet/);
  });

  test('op plan show and op plan list load no chat, vector-store or model library', async () => {
    const { plan } = JSON.parse((await op('plan', 'start', 'supplier-payment', '--input', '{"request":"Pay Acme Ltd 10 EUR for invoice INV-2"}', '--json')).stdout);
    const loadedBy = async (...args: string[]) => {
      const file = path.join(database.dir, 'loaded.txt');
      const result = await runNode(['--import', './test/support/loaded-packages.mjs', opBinary, ...args], {
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        OP_LOADED_PACKAGES_FILE: file,
      });
      assert.equal(result.code, 0, result.stderr);
      return fs.readFileSync(file, 'utf8').split('\n');
    };
    for (const args of [['plan', 'show', plan.id], ['plan', 'list']]) {
      const loaded = await loadedBy(...args);
      assert.ok(loaded.includes('better-sqlite3'), 'the hook saw the packages loaded');
      assert.deepEqual(loaded.filter((name) => /^(discord\.js|@slack\/|chromadb|langchain|@langchain\/|pg|stdnum)$/.test(name)), [], `op ${args.join(' ')}`);
    }
  });

  test('errors are JSON too with --json', async () => {
    const result = await op('plan', 'show', 'p-nope', '--json');
    assert.equal(result.code, 2);
    assert.deepEqual(Object.keys(JSON.parse(result.stderr)), ['error', 'hint']);
  });
});
