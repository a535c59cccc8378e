// What an inbound e-mail's attachments become (src/triggers/email-attachments.ts), parsed by
// mailparser from raw messages as the watcher fetches them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { RETENTION_CLASSES } from '../src/memory/retention.ts';
import { attachmentsOf, sweepAttachments, writeAttachments } from '../src/triggers/email-attachments.ts';

const part = (headers: string[], body: string) => ['--b1', ...headers, '', body].join('\r\n');
const message = (parts: string[]) =>
  ['From: a@example.com', 'To: b@example.com', 'Subject: files', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '', ...parts, '--b1--', ''].join('\r\n');

test('attachments are kept under names that stay in their folder; unnamed ones get a name; inline images are not documents', async () => {
  const mail = await simpleParser(
    message([
      part(
        ['Content-Type: multipart/related; boundary="r1"'],
        [
          '--r1',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>See <img src="cid:logo@x"></p>',
          '--r1',
          'Content-Type: image/png',
          'Content-ID: <logo@x>',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('png').toString('base64'),
          '--r1--',
        ].join('\r\n'),
      ),
      part(['Content-Type: application/pdf', 'Content-Disposition: attachment; filename="..\\\\..\\\\win.pdf"', 'Content-Transfer-Encoding: base64'], Buffer.from('pdf one').toString('base64')),
      part(['Content-Type: application/octet-stream', 'Content-Disposition: attachment', 'Content-Transfer-Encoding: base64'], Buffer.from('no name').toString('base64')),
      part(['Content-Type: text/csv', 'Content-Disposition: attachment; filename=".hidden;rm -rf.csv"'], 'a,b'),
    ]),
  );
  const kept = attachmentsOf(mail.attachments).map(({ kept }) => path.basename(kept.path));
  assert.deepEqual(kept, ['win.pdf', 'attachment-2', 'hidden_rm -rf.csv']);
});

test('writing the same attachment twice leaves one whole file; the sweep removes only folders past the record retention', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attachments-'));
  const mail = await simpleParser(message([part(['Content-Type: application/pdf', 'Content-Disposition: attachment; filename="a.pdf"'], 'same bytes')]));
  const attachments = attachmentsOf(mail.attachments);
  await writeAttachments(dataDir, attachments);
  await writeAttachments(dataDir, attachments);
  const folder = path.dirname(path.join(dataDir, attachments[0]!.kept.path));
  assert.deepEqual(fs.readdirSync(folder), ['a.pdf']);
  assert.equal(fs.readFileSync(path.join(folder, 'a.pdf'), 'utf8'), 'same bytes');

  const old = path.join(dataDir, 'attachments', 'f'.repeat(64));
  fs.mkdirSync(old);
  const now = new Date();
  const pastRetention = new Date(now.getTime() - RETENTION_CLASSES.record - 86_400_000);
  fs.utimesSync(old, pastRetention, pastRetention);
  assert.equal(await sweepAttachments(dataDir, now), 1);
  assert.equal(fs.existsSync(old), false, 'the folder past its retention is gone');
  assert.equal(fs.existsSync(path.join(folder, 'a.pdf')), true, 'a recent attachment is kept');
  fs.rmSync(dataDir, { recursive: true, force: true });
});
