// Runs the inbox. Front doors write each command, click and reply to the inbox before they
// acknowledge it; this claims entries with a lease (the database's clock), runs each through
// the operator bot with its applied mark riding on the first transaction that changes anything
// (so the change and the mark commit together), records the answer a retry gets back, and
// hands the answer to the platform's adapter. A crash anywhere leaves the entry to be claimed
// again: before its change it runs again, after it the change is not made twice.
import type { Logger } from 'pino';
import { OperatorError } from '../core/errors.ts';
import {
  answerInboxEntry,
  awaitAnswer,
  claimInboxEntries,
  deferInboxEntry,
  InboxLeaseLost,
  markApplied,
  pruneInbox,
  renewInboxLease,
  type ClaimedEntry,
} from '../store/inbox.ts';
import { openLandingImporter, type LandingImporter } from '../store/inbox-landing.ts';
import { withCommitRider, type Store } from '../store/store.ts';
import { chatHint } from './hints.ts';
import { InboxPayloadSchema, type InboundEvent } from './inbox-event.ts';
import type { OperatorBot } from './operator-bot.ts';
import { ephemeral, type Reply } from './reply.ts';

/** A platform that answers inbox entries itself (a Slack response_url, a Discord interaction). */
export interface InboxAnswerer {
  readonly platform: string;
  answer(answerTo: Record<string, string>, reply: Reply | null, event: InboundEvent): Promise<void>;
}

/** Answered entries are kept this long, so a platform's or a page's late retry gets its answer back. */
export const INBOX_KEEP_MS = 24 * 60 * 60_000;
const MAX_ATTEMPTS = 5;
const MAX_BACKOFF_MS = 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/** What an entry whose change committed before a crash or an overrun answers: the change stands, the reply was lost. */
const APPLIED_BEFORE_INTERRUPTION = ephemeral('Done (Operator was interrupted before it could reply). `/op list` shows where your plans stand.');

export { awaitAnswer };

export class InboxProcessor {
  readonly #store: Store;
  readonly #bot: OperatorBot;
  readonly #log: Logger;
  readonly #answerers = new Map<string, InboxAnswerer>();
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #concurrency: number;
  readonly #deadlineMs: number;
  readonly #active = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: () => void = () => undefined;
  #prunedAt = 0;

  constructor(options: {
    store: Store;
    bot: OperatorBot;
    logger: Logger;
    leaseMs?: number;
    pollMs?: number;
    concurrency?: number;
    /** How long one entry may take (its change and its answer's delivery) before it is released and tried again. */
    deadlineMs?: number;
  }) {
    this.#store = options.store;
    this.#bot = options.bot;
    this.#log = options.logger.child({ component: 'inbox' });
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 250;
    this.#concurrency = options.concurrency ?? 8;
    this.#deadlineMs = options.deadlineMs ?? 60_000;
  }

  register(answerer: InboxAnswerer): void {
    this.#answerers.set(answerer.platform, answerer);
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#claimLoop();
  }

  /** Stops claiming; entries under way finish (their leases would otherwise hold them until they lapse). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake();
    await this.#loop;
    await Promise.all(this.#active);
  }

  /** An entry was written: look now rather than at the next poll. */
  notify(): void {
    this.#wake();
  }

  async #claimLoop(): Promise<void> {
    // On SQLite the front door lands entries in a file of its own (src/store/inbox-landing.ts);
    // they are moved into the inbox before each claim.
    const landing = await openLandingImporter(this.#store);
    try {
      await this.#claimEntries(landing);
    } finally {
      landing?.close();
    }
  }

  async #claimEntries(landing: LandingImporter | null): Promise<void> {
    while (this.#running) {
      const free = this.#concurrency - this.#active.size;
      let full = false;
      if (free > 0) {
        try {
          await landing?.importLanded();
          const claimed = await claimInboxEntries(this.#store, { leaseMs: this.#leaseMs, limit: free });
          for (const entry of claimed) this.#launch(entry);
          full = claimed.length === free;
          await this.#pruneNowAndThen();
        } catch (error) {
          this.#log.error({ err: error }, 'could not claim inbox entries; retrying');
        }
      }
      if (full) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async #pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = Date.now();
    const pruned = await pruneInbox(this.#store, INBOX_KEEP_MS);
    if (pruned > 0) this.#log.debug({ pruned }, 'pruned answered inbox entries past the retry window');
  }

  /**
   * Runs an entry within its deadline. One that overruns it (a handler or a platform that hangs)
   * stops renewing its lease and is handed back to be tried again, its attempt recorded: a lease
   * renewed forever would hold the entry, and its slot, for good. Should the overrunning run
   * wake up later, its change rolls back and its answer is not recorded (both need the lease),
   * so the entry still takes effect once.
   */
  #launch(entry: ClaimedEntry): void {
    const overran = new AbortController();
    const deadline = setTimeout(() => overran.abort(), this.#deadlineMs);
    const progress = { answered: false };
    const settled = Promise.race([
      this.#run(entry, overran.signal, progress),
      new Promise<void>((resolve) => overran.signal.addEventListener('abort', () => resolve(this.#overran(entry, progress.answered)), { once: true })),
    ]);
    const run = settled
      .catch((error: unknown) => this.#log.error({ err: error, entry: entry.id }, 'an inbox entry could not be settled; it is tried again'))
      .finally(() => {
        clearTimeout(deadline);
        this.#active.delete(run);
        this.#wake();
      });
    this.#active.add(run);
  }

  async #overran(entry: ClaimedEntry, answered: boolean): Promise<void> {
    if (answered) return void this.#log.warn({ entry: entry.id, deadlineMs: this.#deadlineMs }, 'the answer to an inbox entry was not delivered within its deadline; given up');
    await this.#failed(entry, new Error(`it took longer than its deadline (${this.#deadlineMs} ms)`));
  }

  async #run(entry: ClaimedEntry, overran: AbortSignal, progress: { answered: boolean }): Promise<void> {
    const parsed = InboxPayloadSchema.safeParse(JSON.parse(entry.payload));
    if (!parsed.success) {
      this.#log.error({ entry: entry.id }, 'an inbox entry does not match the inbox payload schema; answered as unreadable');
      await answerInboxEntry(this.#store, entry, JSON.stringify(ephemeral('Operator could not read that request; nothing was done. Send it again.')));
      return;
    }
    const { event, answerTo } = parsed.data;
    const heartbeat = setInterval(() => {
      renewInboxLease(this.#store, entry, this.#leaseMs).catch((error: unknown) => this.#log.warn({ err: error, entry: entry.id }, 'could not renew an inbox lease'));
    }, this.#leaseMs / 3);
    overran.addEventListener('abort', () => clearInterval(heartbeat), { once: true });
    let reply: Reply | null;
    try {
      reply = entry.appliedAt ? APPLIED_BEFORE_INTERRUPTION : await this.#answerOf(entry, event);
    } catch (error) {
      clearInterval(heartbeat);
      if (error instanceof InboxLeaseLost) return void this.#log.warn({ entry: entry.id }, 'inbox lease lost; another worker runs the entry now');
      if (overran.aborted) return;
      return this.#failed(entry, error);
    }
    clearInterval(heartbeat);
    if (!(await answerInboxEntry(this.#store, entry, JSON.stringify(reply)))) {
      this.#log.warn({ entry: entry.id }, 'inbox lease lost before the answer was recorded; another worker answers');
      return;
    }
    progress.answered = true;
    const answerer = answerTo && this.#answerers.get(entry.platform);
    if (answerer) {
      await answerer.answer(answerTo, reply, event).catch((error: unknown) => this.#log.warn({ err: error, entry: entry.id }, 'could not deliver the answer to an inbox entry'));
    }
  }

  async #answerOf(entry: ClaimedEntry, event: InboundEvent): Promise<Reply | null> {
    try {
      return await withCommitRider(markApplied(entry), () => this.#bot.handle(event));
    } catch (error) {
      if (error instanceof OperatorError) return ephemeral(`${error.message}\n${chatHint(error.problem)}`);
      throw error;
    }
  }

  /** An unexpected error: tried again with backoff, and after MAX_ATTEMPTS answered as failed. */
  async #failed(entry: ClaimedEntry, error: unknown): Promise<void> {
    if (entry.attempts + 1 < MAX_ATTEMPTS) {
      const delayMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** entry.attempts);
      this.#log.warn({ err: error, entry: entry.id, retryInMs: delayMs }, 'an inbox entry failed; it is tried again');
      await deferInboxEntry(this.#store, entry, delayMs, String((error as Error).message ?? error));
      return;
    }
    this.#log.error({ err: error, entry: entry.id }, 'an inbox entry failed too often; answered as failed');
    await answerInboxEntry(this.#store, entry, JSON.stringify(ephemeral('Operator could not handle that; nothing more will be tried. Its log says why.')));
  }
}
