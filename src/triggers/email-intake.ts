// One message from the watched mailbox becomes one plan, or a recorded reason why not. The
// message's key (its Message-ID, else its place in the mailbox) is written in the transaction
// that writes the plan, so a message read twice (by two replicas, or again after a crash before
// it was marked done on the server) starts one plan.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import type { Conductor } from '../conductor/conductor.ts';
import { inboundEmailStatements } from '../store/inbound-emails.ts';
import { conversationOf } from './channel.ts';
import { attachmentsOf, writeAttachments } from './email-attachments.ts';
import { routeOf, type EmailRoutes, type EmailTarget } from './email-routes.ts';
import { mapInput } from './input-mapping.ts';
import type { Trigger } from './trigger.ts';

/** A message as the watcher fetched it. */
export interface MailboxMessage {
  mailbox: string;
  uidValidity: string;
  uid: number;
  /** The Message-ID header (from the envelope), when there is one. */
  messageId: string | null;
  size: number;
  /** The raw message; null when it is larger than the limit and was not fetched. */
  source: Buffer | null;
}

export type Outcome =
  | { kind: 'started'; planId: string; workflow: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'seen-before'; planId: string | null };

/** Longer Message-IDs would make an oversized key; such a message is known by its place instead. */
const MAX_MESSAGE_ID = 250;

/** The unique key of a message: its Message-ID across copies and folders, else mailbox, UIDVALIDITY and UID. */
export function messageKey(message: Pick<MailboxMessage, 'mailbox' | 'uidValidity' | 'uid' | 'messageId'>): string {
  return message.messageId && message.messageId.length <= MAX_MESSAGE_ID ? `message-id:${message.messageId}` : `uid:${message.mailbox}/${message.uidValidity}/${message.uid}`;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): AddressObject[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The message as the readers take a pasted e-mail: decoded From, To, Date and Subject lines, a
 * blank line, then the text body (quoted reply and signature kept: the readers separate them).
 */
export function messageText(mail: ParsedMail, body: string): string {
  const to = addresses(mail.to).map((group) => group.text).join(', ');
  const headers = [
    `From: ${mail.from?.text ?? ''}`,
    ...(to ? [`To: ${to}`] : []),
    ...(mail.date ? [`Date: ${mail.date.toUTCString()}`] : []),
    `Subject: ${mail.subject ?? ''}`,
  ];
  return `${headers.join('\n')}\n\n${body}`;
}

type Decision = { target: EmailTarget; input: unknown; attachments: ReturnType<typeof attachmentsOf> } | { reason: string };

/** Which workflow the message starts and with what input, or why it starts none. Reasons name no sender or content. */
async function decide(conductor: Conductor, routes: EmailRoutes, message: MailboxMessage, maxBytes: number): Promise<Decision> {
  if (!message.source) return { reason: `the message is ${message.size} bytes, more than IMAP_MAX_MESSAGE_BYTES (${maxBytes})` };
  let mail: ParsedMail;
  try {
    mail = await simpleParser(message.source, { skipImageLinks: true, skipTextLinks: true });
  } catch (error) {
    return { reason: `the message cannot be read as e-mail (${(error as Error).message})` };
  }
  const from = mail.from?.value.find((entry) => entry.address)?.address;
  if (!from) return { reason: 'the message has no sender address (From header)' };
  const body = (mail.text ?? '').trim();
  if (!body) return { reason: 'the message has no text to read (no text or HTML part, or an empty one)' };
  const to = [...addresses(mail.to), ...addresses(mail.cc)].flatMap((group) => group.value.map((entry) => entry.address ?? '')).filter(Boolean);
  const target = routeOf(routes, { to, from, subject: mail.subject ?? '' });
  if (!target) return { reason: 'no route in IMAP_ROUTES_FILE matches the message, and there is no default route' };
  const attachments = attachmentsOf(mail.attachments);
  // {{attachments}}: the kept files' paths under DATA_DIR, as the e-mail action takes them.
  const { input } = mapInput(target.input, { email: messageText(mail, body), from, subject: mail.subject ?? '', body, attachments: attachments.map(({ kept }) => kept.path) });
  const parsed = conductor.workflows.get(target.workflow).input.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
    return { reason: `the message does not fit ${target.workflow}'s input (${issues})` };
  }
  return { target, input: parsed.data, attachments };
}

export class EmailIntake {
  readonly #conductor: Conductor;
  readonly #routes: EmailRoutes;
  readonly #maxBytes: number;
  readonly #dataDir: string;
  readonly #log: Logger;

  constructor(options: { conductor: Conductor; routes: EmailRoutes; maxBytes: number; dataDir: string; logger: Logger }) {
    this.#conductor = options.conductor;
    this.#dataDir = options.dataDir;
    this.#routes = options.routes;
    this.#maxBytes = options.maxBytes;
    this.#log = options.logger.child({ component: 'inbound-email' });
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Starts the message's plan, or records why it starts none; a message read before changes nothing. */
  async take(message: MailboxMessage): Promise<Outcome> {
    const key = messageKey(message);
    const decision = await decide(this.#conductor, this.#routes, message, this.#maxBytes);
    const attachments = 'reason' in decision ? [] : decision.attachments;
    // Written before the plan that names them; a message seen before writes the same files again.
    await writeAttachments(this.#dataDir, attachments);
    const trigger: Trigger = {
      kind: 'email',
      mailbox: message.mailbox,
      uidValidity: message.uidValidity,
      uid: message.uid,
      messageId: message.messageId,
      ...(attachments.length > 0 ? { attachments: attachments.map(({ kept }) => kept) } : {}),
    };
    const outcome = await this.#conductor.store.transaction(async (runner): Promise<Outcome> => {
      const claimed = await runner.execute(inboundEmailStatements.claim({ key, mailbox: message.mailbox, uidValidity: message.uidValidity, uid: message.uid, receivedAt: new Date() }));
      if (claimed !== 1) return { kind: 'seen-before', planId: (await runner.query(inboundEmailStatements.find(key)))[0]?.planId ?? null };
      if ('reason' in decision) {
        await runner.execute(inboundEmailStatements.rejected(key, decision.reason));
        return { kind: 'rejected', reason: decision.reason };
      }
      const { workflow, channel } = decision.target;
      const planId = await this.#conductor.startWithin(runner, workflow, decision.input, {
        requestedBy: `email:${message.mailbox}`,
        conversation: channel ? conversationOf(channel) : undefined,
        trigger,
      });
      await runner.execute(inboundEmailStatements.started(key, workflow, planId));
      return { kind: 'started', planId, workflow };
    });
    if (outcome.kind === 'started') this.#conductor.wake();
    // Uid and outcome only: the sender, subject and Message-ID are personal data.
    this.#log.info({ mailbox: message.mailbox, uid: message.uid, ...outcome }, outcome.kind === 'rejected' ? 'e-mail started no plan' : 'e-mail read');
    return outcome;
  }
}
