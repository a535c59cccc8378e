import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand, startInput, words } from '../src/bot/commands.ts';

test('quoted words stay together', () => {
  assert.deepEqual(words(`deny p1234567 "wrong amount" 'see thread'`), ['deny', 'p1234567', 'wrong amount', 'see thread']);
});

test('every command of the grammar parses', () => {
  const cases: [string, unknown][] = [
    ['', { name: 'help' }],
    ['start supplier-payment Pay Acme 10 EUR', { name: 'start', workflow: 'supplier-payment', args: ['Pay', 'Acme', '10', 'EUR'] }],
    ['status', { name: 'status' }],
    ['status p1234567', { name: 'status', planId: 'p1234567' }],
    ['list', { name: 'list', scope: 'all' }],
    ['list waiting', { name: 'list', scope: 'waiting' }],
    ['approve p1234567 looks right', { name: 'approve', planId: 'p1234567', reason: 'looks right' }],
    ['deny p1234567', { name: 'deny', planId: 'p1234567' }],
    ['retry p1234567', { name: 'retry', planId: 'p1234567' }],
    ['cancel p1234567 duplicate', { name: 'cancel', planId: 'p1234567', reason: 'duplicate' }],
    ['rollback p1234567 2', { name: 'rollback', planId: 'p1234567', version: 2 }],
    ['audit p1234567', { name: 'audit', planId: 'p1234567' }],
    ['WORKFLOWS', { name: 'workflows' }],
  ];
  for (const [text, command] of cases) assert.deepEqual(parseCommand(text), { ok: true, command }, text);
});

test('malformed input gets the usage of the nearest command', () => {
  const typo = parseCommand('aproove p1234567');
  assert.equal(typo.ok, false);
  assert.match(!typo.ok ? typo.usage : '', /\/op approve <plan> \[reason\]/);
  const missing = parseCommand('approve');
  assert.deepEqual(missing, { ok: false, error: 'planId: Invalid input: expected string, received undefined', usage: 'Usage: `/op approve <plan> [reason]`' });
  const badScope = parseCommand('list yesterday');
  assert.match(!badScope.ok ? badScope.usage : '', /\/op list \[waiting\|mine\|all\]/);
  const badId = parseCommand('audit 42');
  assert.match(!badId.ok ? badId.error : '', /a plan id looks like/);
});

test('start takes key=value fields or free text for the workflow', () => {
  assert.deepEqual(startInput(['amount=250', 'customer=ACME', 'rush=true'], 'request'), { amount: 250, customer: 'ACME', rush: true });
  assert.deepEqual(startInput(['Pay', 'Acme', '10', 'EUR'], 'request'), { request: 'Pay Acme 10 EUR' });
  assert.deepEqual(startInput(['Pay', 'amount=10'], 'request'), { request: 'Pay amount=10' });
  assert.deepEqual(startInput([], 'request'), {});
});
