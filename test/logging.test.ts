import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../src/ops/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', stream), text: () => lines.join('') };
}

test('secrets in log fields never reach the log', () => {
  const { logger, text } = capture();
  logger.info({ slackBotToken: 'xoxb-123456789012-abcdefghijkl', headers: { authorization: 'Bearer abc.def.ghi.jkl.mno.pqr' }, password: 'hunter2' }, 'connecting');
  assert.doesNotMatch(text(), /xoxb-123|abc\.def|hunter2/);
  assert.match(text(), /"slackBotToken":"\[redacted\]"/);
});

test('personal data in messages and nested values is masked', () => {
  const { logger, text } = capture();
  logger.info({ plan: { input: { request: 'Pay jane.doe@example.com via IBAN DE89 3704 0044 0532 0130 00, call +49 30 1234567' } } }, 'card 4111 1111 1111 1111 from bob@example.org');
  const written = text();
  for (const leaked of ['jane.doe@example.com', 'DE89', '1234567', '4111', 'bob@example.org']) assert.ok(!written.includes(leaked), `${leaked} leaked: ${written}`);
  assert.match(written, /\[email\].*\[iban\].*\[phone\]/);
  assert.match(written, /card \[card\] from \[email\]/);
});

test('a token pasted into an error message is masked', () => {
  const { logger, text } = capture();
  logger.error({ err: new Error('OpenAI rejected sk-abcdefghijklmnopqrstuvwx') }, 'model call failed');
  assert.doesNotMatch(text(), /sk-abcdef/);
  assert.match(text(), /\[api-key\]/);
});

test('addresses and dates are not mistaken for phone numbers', () => {
  const { logger, text } = capture();
  logger.info({ url: 'http://127.0.0.1:43969', due: '2026-11-24', at: '2026-11-24T02:31:00.000Z' }, 'Chroma at 10.0.0.12, call +49 30 1234567 by 2026-12-01');
  const written = text();
  for (const kept of ['127.0.0.1:43969', '"due":"2026-11-24"', '2026-11-24T02:31', '10.0.0.12', 'by 2026-12-01']) assert.ok(written.includes(kept), `${kept} was masked: ${written}`);
  assert.ok(!written.includes('1234567'), 'the phone number is still masked');
});
