// Sends an e-mail once per idempotency key: over SMTP when SMTP_URL is set, otherwise as an
// .eml file under DATA_DIR/outbox that any mail client opens. The Message-ID is derived from the
// key, so a resend after a crash between sending and its checkpoint (SMTP cannot be asked
// whether a message went out) carries the same id and mail clients show it once.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { NonRetryableError } from '../conductor/retry.ts';
import type { ActionExecutor } from '../conductor/workflow.ts';
import { createOnce, safeFileName } from './files.ts';

const EmailMessage = z.object({
  to: z.email(),
  subject: z.string().min(1),
  text: z.string(),
  /** Files under DATA_DIR to attach, by path relative to it (e.g. invoices/INV-000001.pdf). */
  attachments: z.array(z.string()).default([]),
});
type EmailMessage = z.infer<typeof EmailMessage>;

const EmailSent = z.object({
  via: z.enum(['smtp', 'outbox']),
  messageId: z.string(),
  /** The .eml file (outbox) relative to DATA_DIR, or null for SMTP. */
  file: z.string().nullable(),
  alreadySent: z.boolean(),
});
type EmailSent = z.infer<typeof EmailSent>;

const messageIdOf = (key: string) => `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@operator>`;

function attachmentPath(dataDir: string, relative: string): string {
  const file = path.resolve(dataDir, relative);
  if (!file.startsWith(path.resolve(dataDir) + path.sep)) throw new NonRetryableError(`attachment ${relative} is outside DATA_DIR`);
  return file;
}

/**
 * Sends message once per idempotencyKey: over SMTP when smtpUrl is set, else as an .eml file
 * under dataDir/outbox. The email executor and the escalation's e-mail (src/bot/dispatcher.ts) use it.
 */
export async function sendMail(
  input: z.input<typeof EmailMessage>,
  { idempotencyKey, dataDir, smtpUrl, mailFrom }: { idempotencyKey: string; dataDir: string; smtpUrl: string | null; mailFrom: string },
): Promise<EmailSent> {
  const message = EmailMessage.parse(input);
  const messageId = messageIdOf(idempotencyKey);
  const mail = {
    from: mailFrom,
    to: message.to,
    subject: message.subject,
    text: message.text,
    messageId,
    date: new Date(),
    attachments: message.attachments.map((file) => ({ filename: path.basename(file), path: attachmentPath(dataDir, file) })),
  };
  const outbox = path.join(dataDir, 'outbox');
  if (smtpUrl) {
    // The marker is written after the server accepted the message: its presence means sent.
    const marker = path.join(outbox, 'sent', `${safeFileName(idempotencyKey)}.json`);
    const existing = await fs.readFile(marker, 'utf8').catch(() => null);
    if (existing) return { via: 'smtp', messageId, file: null, alreadySent: true };
    await nodemailer
      .createTransport(smtpUrl)
      .sendMail(mail)
      .catch((error: Error & { responseCode?: number }) => {
        // 5xx is the server's final word (no such mailbox, refused); 4xx and network errors may pass.
        if ((error.responseCode ?? 0) >= 500) {
          throw new NonRetryableError(`the mail server refused the e-mail for good (${error.responseCode}); check the recipient's address, then retry`);
        }
        throw error;
      });
    await createOnce(marker, JSON.stringify({ idempotencyKey, messageId, to: message.to, sentAt: new Date().toISOString() }));
    return { via: 'smtp', messageId, file: null, alreadySent: false };
  }
  const built = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail(mail);
  const file = path.join(outbox, `${safeFileName(idempotencyKey)}.eml`);
  const created = await createOnce(file, built.message as Buffer);
  return { via: 'outbox', messageId, file: path.relative(dataDir, file), alreadySent: !created };
}

export const email: ActionExecutor<EmailMessage, EmailSent> = {
  name: 'email',
  input: EmailMessage,
  output: EmailSent,
  perform: (message, { idempotencyKey, dataDir, services }) => sendMail(message, { idempotencyKey, dataDir, ...services.settings }),
};
