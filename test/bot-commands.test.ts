import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { COMMANDS, parseCommand, words, type ParseResult } from '../src/bot/command-registry.ts';
import { startInput } from '../src/bot/commands/start.ts';

const parsed = (result: ParseResult) => (result.ok ? { name: result.command.name, ...result.command.args } : result);

test('quoted words stay together', () => {
  assert.deepEqual(words(`deny p1234567 "wrong amount" 'see thread'`), ['deny', 'p1234567', 'wrong amount', 'see thread']);
});

test('every file in src/bot/commands is an /op command, found by folder', () => {
  const files = fs.readdirSync(new URL('../src/bot/commands/', import.meta.url)).map((file) => file.replace(/\.ts$/, ''));
  assert.deepEqual([...COMMANDS.keys()].sort(), files.sort());
});

test('every command of the grammar parses', () => {
  const cases: [string, unknown][] = [
    ['', { name: 'help' }],
    ['start supplier-payment Pay Acme 10 EUR', { name: 'start', workflow: 'supplier-payment', input: 'Pay Acme 10 EUR', dryRun: false }],
    ['start --dry-run supplier-payment Pay Acme 10 EUR', { name: 'start', workflow: 'supplier-payment', input: 'Pay Acme 10 EUR', dryRun: true }],
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
  for (const [text, command] of cases) assert.deepEqual(parsed(parseCommand(text)), command, text);
});

test('start keeps the line breaks and quotes of pasted text, so an e-mail keeps its headers and signature', () => {
  const pasted = "start lead-qualification From: Siobhán O'Connell <s@surf.example>\nSubject: Booking\n\nHi Sam,\n\n> quoted line\n--\nSiobhán";
  assert.deepEqual(parsed(parseCommand(pasted)), {
    name: 'start',
    workflow: 'lead-qualification',
    input: "From: Siobhán O'Connell <s@surf.example>\nSubject: Booking\n\nHi Sam,\n\n> quoted line\n--\nSiobhán",
    dryRun: false,
  });
});

test('malformed input gets our own message and the usage of the nearest command', () => {
  const typo = parseCommand('aproove p1234567');
  assert.equal(typo.ok, false);
  assert.match(!typo.ok ? typo.usage : '', /\/op approve <plan> \[reason\]/);
  assert.deepEqual(parseCommand('approve'), { ok: false, error: 'which plan? Give its id (`/op list` shows them).', usage: 'Usage: `/op approve <plan> [reason]`' });
  assert.deepEqual(parseCommand('list yesterday'), { ok: false, error: 'list waiting, mine or all plans', usage: 'Usage: `/op list [waiting|mine|all]`' });
  assert.deepEqual(parseCommand('rollback p1234567 latest'), { ok: false, error: 'which version? `/op audit <plan>` lists them.', usage: 'Usage: `/op rollback <plan> <version>`' });
  const badId = parseCommand('audit 42');
  assert.match(!badId.ok ? badId.error : '', /a plan id looks like/);
});

test('names an object inherits are not commands', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const result = parseCommand(`${name} p1234567`);
    assert.equal(result.ok, false, name);
    assert.equal(!result.ok && result.error, `"${name.toLowerCase()}" is not an /op command.`);
    assert.match(!result.ok ? result.usage : '', /^Did you mean `\/op [a-z]+[^`]*`\? `\/op help` lists them all\.$/, name);
  }
});

test('start takes key=value fields or free text for the workflow', () => {
  assert.deepEqual(startInput('amount=250 customer=ACME rush=true', 'request'), { amount: 250, customer: 'ACME', rush: true });
  assert.deepEqual(startInput('Pay Acme 10 EUR', 'request'), { request: 'Pay Acme 10 EUR' });
  assert.deepEqual(startInput('Pay amount=10', 'request'), { request: 'Pay amount=10' });
  assert.deepEqual(startInput('', 'request'), {});
});
