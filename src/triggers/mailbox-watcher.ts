// Watches one IMAP folder (IMAP_URL, IMAP_MAILBOX) with imapflow: every message not yet marked
// done is handed to the intake, then marked done on the server (the $OperatorDone keyword, or a
// move to IMAP_DONE_MAILBOX), so it is not read again. New mail arrives by IDLE where the server
// pushes it, and by a poll every IMAP_POLL_MS either way. A server that is down or refuses the
// login leaves the service up with /healthz degraded and the fix, and is tried again with a
// doubling wait; once it has failed FAILURES_TO_REPORT times in a row it is recorded down in the
// store (the dependency_down alert), and up again at the next connection. Every replica watches:
// the intake's unique key lets one plan start per message.
import { ImapFlow, type ImapFlowError } from 'imapflow';
import type { Logger } from 'pino';
import { HealthProblem } from '../core/health.ts';
import type { EmailIntake, Outcome } from './email-intake.ts';

/** Marks a message this service has read, whatever came of it. */
export const DONE_KEYWORD = '$OperatorDone';
/** Marks a message that started no plan: its reason is in the InboundEmail table. */
export const REJECTED_KEYWORD = '$OperatorRejected';

const FIRST_RETRY_MS = 1000;
/** Connection attempts that fail in a row before the mailbox counts as down: one can be a restart. */
const FAILURES_TO_REPORT = 3;

/** Where the watcher records that the mailbox is down and back, for the alerts that read the store. */
export interface MailboxStatus {
  down(problem: string): Promise<unknown>;
  up(): Promise<unknown>;
}

export interface MailboxSettings {
  url: string;
  mailbox: string;
  doneMailbox?: string;
  pollMs: number;
  reconnectMaxMs: number;
}

export class MailboxWatcher {
  readonly #settings: MailboxSettings;
  readonly #server: URL;
  readonly #intake: EmailIntake;
  readonly #log: Logger;
  /** What /healthz says while the mailbox is not being watched; null while it is. */
  #problem: string | null;
  #stopped = true;
  #running: Promise<void> | null = null;
  /** Something happened (new mail, a closed connection, stop): the current pause ends early. */
  #pending = false;
  #endPause: (() => void) | null = null;
  #client: ImapFlow | null = null;

  readonly #status: MailboxStatus | undefined;
  /** Failed connection attempts since the last session; at FAILURES_TO_REPORT the mailbox is recorded down. */
  #failures = 0;
  /** Whether the store may say the mailbox is down: at start it may, from an earlier process. */
  #maybeRecordedDown = true;

  constructor(settings: MailboxSettings, intake: EmailIntake, logger: Logger, status?: MailboxStatus) {
    this.#settings = settings;
    this.#status = status;
    this.#server = new URL(settings.url);
    this.#intake = intake;
    this.#log = logger.child({ component: 'mailbox', host: this.#where, mailbox: settings.mailbox });
    this.#problem = `connecting to the IMAP server at ${this.#where}`;
  }

  get #where(): string {
    return `${this.#server.hostname}:${this.#port}`;
  }

  get #port(): number {
    return Number(this.#server.port) || (this.#server.protocol === 'imaps:' ? 993 : 143);
  }

  /** For /healthz: throws the problem and its fix while the mailbox is not watched. */
  readonly check = async (): Promise<void> => {
    if (this.#problem) throw new HealthProblem(this.#problem);
  };

  start(): void {
    this.#stopped = false;
    this.#running = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake();
    // A connection attempt under way ends now rather than at its timeout.
    if (this.#client && !this.#client.usable) this.#client.close();
    await this.#running;
  }

  async #run(): Promise<void> {
    let wait = Math.min(FIRST_RETRY_MS, this.#settings.reconnectMaxMs);
    while (!this.#stopped) {
      try {
        await this.#session();
        wait = Math.min(FIRST_RETRY_MS, this.#settings.reconnectMaxMs);
      } catch (error) {
        const failure = error as ImapFlowError;
        this.#problem = this.#problemOf(failure);
        // Code and text only: an imapflow error can carry the commands it sent.
        this.#log.warn({ code: failure.code, reason: failure.message, retryInMs: wait }, 'the mailbox is not watched; trying again');
        if (++this.#failures === FAILURES_TO_REPORT) await this.#report('down', this.#problem);
      }
      if (this.#stopped) break;
      await this.#pause(wait);
      if (this.#problem) wait = Math.min(wait * 2, this.#settings.reconnectMaxMs);
    }
    this.#problem = 'the mailbox watcher is stopped';
  }

  /** Connects, then reads new mail until the connection ends or the watcher stops. */
  async #session(): Promise<void> {
    const client = new ImapFlow({
      host: this.#server.hostname,
      port: this.#port,
      secure: this.#server.protocol === 'imaps:',
      auth: { user: decodeURIComponent(this.#server.username), pass: decodeURIComponent(this.#server.password) },
      logger: false,
      // IDLE soon after each sweep, so pushed mail is read at once.
      autoIdleDelay: 1000,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
    });
    this.#client = client;
    client.on('error', (error: ImapFlowError) => this.#log.debug({ code: error.code, reason: error.message }, 'IMAP connection error'));
    client.on('exists', () => this.#wake());
    client.on('close', () => this.#wake());
    try {
      await client.connect();
      const opened = await client.mailboxOpen(this.#settings.mailbox);
      if (this.#settings.doneMailbox) await client.mailboxCreate(this.#settings.doneMailbox);
      else if (!opened.permanentFlags?.has('\\*')) {
        this.#log.warn(`the server does not keep keywords in ${this.#settings.mailbox}: set IMAP_DONE_MAILBOX so read messages move out instead of being read again on every poll`);
      }
      this.#problem = null;
      this.#failures = 0;
      if (this.#maybeRecordedDown) await this.#report('up');
      this.#log.info({ idle: client.capabilities.has('IDLE') }, 'watching the mailbox');
      while (!this.#stopped && client.usable) {
        await this.#sweep(client);
        if (this.#stopped || !client.usable) break;
        await this.#pause(this.#settings.pollMs);
      }
      if (!this.#stopped) {
        this.#problem = `the IMAP server at ${this.#where} closed the connection; reconnecting`;
        this.#log.warn('the IMAP server closed the connection; reconnecting');
      }
    } finally {
      this.#client = null;
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  /** Hands every message not yet marked done to the intake, oldest first, and marks it done. */
  async #sweep(client: ImapFlow): Promise<void> {
    const uids = await client.search({ unKeyword: DONE_KEYWORD }, { uid: true });
    if (!uids || uids.length === 0 || !client.mailbox) return;
    const uidValidity = String(client.mailbox.uidValidity);
    const heads = await client.fetchAll(uids, { uid: true, size: true, envelope: true }, { uid: true });
    for (const head of heads) {
      if (this.#stopped) return;
      try {
        const size = head.size ?? 0;
        let source: Buffer | null = null;
        if (size <= this.#intake.maxBytes) {
          const fetched = await client.fetchOne(String(head.uid), { source: true }, { uid: true });
          // Gone since the search: another replica moved it after reading it.
          if (!fetched || !fetched.source) continue;
          source = fetched.source;
        }
        const outcome = await this.#intake.take({ mailbox: this.#settings.mailbox, uidValidity, uid: head.uid, messageId: head.envelope?.messageId ?? null, size, source });
        await this.#markDone(client, head.uid, outcome);
      } catch (error) {
        // The connection is gone: the session ends and reconnects. Otherwise (the database,
        // say) the message stays unmarked and the next sweep takes it again.
        if (!client.usable) throw error;
        this.#log.error({ err: error, uid: head.uid }, 'a message could not be taken; the next sweep tries again');
      }
    }
  }

  async #markDone(client: ImapFlow, uid: number, outcome: Outcome): Promise<void> {
    await client.messageFlagsAdd(String(uid), outcome.kind === 'rejected' ? [DONE_KEYWORD, REJECTED_KEYWORD] : [DONE_KEYWORD], { uid: true });
    if (this.#settings.doneMailbox) await client.messageMove(String(uid), this.#settings.doneMailbox, { uid: true });
  }

  /** Records the mailbox down or up; a store that cannot be written leaves the watcher watching. */
  async #report(change: 'down' | 'up', problem = ''): Promise<void> {
    if (!this.#status) return;
    try {
      await (change === 'down' ? this.#status.down(problem) : this.#status.up());
      this.#maybeRecordedDown = change === 'down';
    } catch (error) {
      this.#log.error({ err: error }, `could not record that the mailbox is ${change}`);
    }
  }

  #problemOf(error: ImapFlowError): string {
    if (error.authenticationFailed) return `the IMAP server at ${this.#where} refused the user name or password in IMAP_URL: fix them (the watcher keeps trying)`;
    if (error.mailboxMissing) return `the folder ${this.#settings.mailbox} does not exist at ${this.#where}: create it or set IMAP_MAILBOX to one that does`;
    return `the IMAP server at ${this.#where} cannot be reached (${error.code ?? error.message}): start it, or fix the host and port in IMAP_URL (the watcher keeps trying, waiting up to ${Math.round(this.#settings.reconnectMaxMs / 1000)} s between attempts)`;
  }

  #wake(): void {
    this.#pending = true;
    this.#endPause?.();
  }

  /** Waits ms, or less when something happens meanwhile (or happened since the last pause). */
  #pause(ms: number): Promise<void> {
    if (this.#pending || this.#stopped) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#endPause = null;
        this.#pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#endPause = done;
    });
  }
}
