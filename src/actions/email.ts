// Sends an e-mail once per idempotency key: over SMTP when SMTP_URL is set, otherwise as an
// .eml file under DATA_DIR/outbox that any mail client opens.
//
// Over SMTP, the server's acceptance (its 250 to the message) is committed to the effects ledger
// the moment it arrives, before the step's checkpoint: an attempt resumed after a crash finds it
// and sends nothing. SMTP cannot be asked afterwards whether a message went out, so one window
// remains: a crash after the server took the message and before its answer was recorded (the
// time of one database commit). That message is sent again, with the same Message-ID (derived
// from the key), which mail clients show once. The README states this guarantee and
// test/email-exactly-once.test.ts proves both sides of it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { NonRetryableError } from '../conductor/retry.ts';
import type { ActionExecutor, EffectLedger } from '../conductor/workflow.ts';
import type { DependencyPort } from '../core/dependencies.ts';
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

/** The ledger's receipt: the server accepted this Message-ID. */
const SmtpAcceptance = z.object({ messageId: z.string(), response: z.string(), acceptedAt: z.string() });

const messageIdOf = (key: string) => `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@operator>`;

function attachmentPath(dataDir: string, relative: string): string {
  const file = path.resolve(dataDir, relative);
  if (!file.startsWith(path.resolve(dataDir) + path.sep)) throw new NonRetryableError(`attachment ${relative} is outside DATA_DIR`);
  return file;
}

/**
 * How the email step guards its SMTP send: its effects-ledger row (the server's acceptance is
 * recorded there, and a recorded one is never sent again) and the mail server's circuit breaker.
 */
export interface SmtpGuard {
  ledger: EffectLedger;
  dependencies: DependencyPort;
}

/**
 * Sends message once per idempotencyKey: over SMTP when smtpUrl is set, else as an .eml file
 * under dataDir/outbox. The email executor sends with its guard; the escalation's e-mail
 * (src/bot/dispatcher.ts) is no plan step and has no ledger row: the outbox claims it once per
 * notice id, and a resend after a crash carries the same Message-ID, shown once by mail clients.
 */
export async function sendMail(
  input: z.input<typeof EmailMessage>,
  { idempotencyKey, dataDir, smtpUrl, mailFrom, guard }: { idempotencyKey: string; dataDir: string; smtpUrl: string | null; mailFrom: string; guard?: SmtpGuard },
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
    const earlier = SmtpAcceptance.safeParse(guard?.ledger.receipt);
    if (earlier.success && earlier.data.messageId === messageId) return { via: 'smtp', messageId, file: null, alreadySent: true };
    const send = () =>
      nodemailer
        .createTransport(smtpUrl)
        .sendMail(mail)
        .catch((error: Error & { responseCode?: number }) => {
          // 5xx is the server's final word (no such mailbox, refused); 4xx and network errors may pass.
          if ((error.responseCode ?? 0) >= 500) {
            throw new NonRetryableError(`the mail server refused the e-mail for good (${error.responseCode}); check the recipient's address, then retry`);
          }
          throw error;
        });
    // Through the mail server's circuit breaker: while it is down the plan waits for it.
    const sent = guard ? await guard.dependencies.call('smtp', send) : await send();
    await guard?.ledger.recordReceipt({ messageId, response: sent.response, acceptedAt: new Date().toISOString() } satisfies z.input<typeof SmtpAcceptance>);
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
  perform: (message, { idempotencyKey, dataDir, services, ledger }) =>
    sendMail(message, { idempotencyKey, dataDir, ...services.settings, guard: { ledger, dependencies: services.dependencies } }),
  preview: ({ to, subject, attachments }, { idempotencyKey, services }) => {
    const via = services.settings.smtpUrl ? 'smtp' : 'outbox';
    return {
      says: `e-mail ${to} "${subject}"${attachments.length > 0 ? ` with ${attachments.map((file) => path.basename(file)).join(', ')}` : ''} (${via === 'smtp' ? 'through the mail server' : 'into the outbox folder'})`,
      output: { via, messageId: messageIdOf(idempotencyKey), file: null, alreadySent: false },
    };
  },
};
