// Posts the digest on DIGEST_CRON in DIGEST_TZ. Every replica runs the schedule; the DigestRun
// row (unique per day and channel, inserted with the notice in one transaction) decides which
// replica posts, so each channel gets exactly one digest a day.
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { claimDigestRuns, enqueueTargetedNotice, type NoticeTarget } from '../store/digest.ts';
import type { Store } from '../store/store.ts';
import { Rounds } from '../core/rounds.ts';
import type { BudgetCaps } from '../core/budgets.ts';
import { buildDigest, dayIn, digestPayload, type DigestSettings } from './digest.ts';
import { digestMessage } from './message.ts';

export interface DigestSchedule {
  store: Store;
  cron: string;
  timeZone: string;
  /** Caps whose spend the digest shows; none: no budget line. */
  budgets?: BudgetCaps;
  /** The channels of the day's digest (configured Slack and Discord channels, the local workspace). */
  targets: NoticeTarget[];
  logger: Logger;
}

export class DigestScheduler {
  readonly #options: DigestSchedule;
  readonly #log: Logger;
  #task: Cron | null = null;
  /** The schedule's firings, each counted when it has written its digest or found it written. */
  readonly rounds = new Rounds();

  constructor(options: DigestSchedule) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'digest' });
  }

  start(): void {
    if (this.#options.targets.length === 0) {
      this.#log.info('no digest channel is configured (DIGEST_SLACK_CHANNEL, DIGEST_DISCORD_CHANNEL): the daily digest is off');
      return;
    }
    this.#task = new Cron(
      this.#options.cron,
      { timezone: this.#options.timeZone, protect: true },
      (self: Cron) =>
        this.rounds.run(async () => {
          try {
            await this.postScheduled(self.currentRun() ?? new Date());
          } catch (error) {
            this.#log.error({ err: error }, 'the daily digest could not be written; the next run tries again');
          }
        }),
    );
  }

  async stop(): Promise<void> {
    this.#task?.stop();
    this.#task = null;
  }

  /** The digest of the day `scheduledAt` falls on, unless another replica posted it already. */
  async postScheduled(scheduledAt: Date): Promise<NoticeTarget[]> {
    const { store, timeZone, budgets, targets } = this.#options;
    const day = dayIn(timeZone, scheduledAt);
    const digest = await buildDigest(store, { timeZone, budgets });
    const message = digestMessage({ ...digest, day });
    const posted = await claimDigestRuns(store, day, targets, (target) => digestPayload(target, day, message));
    if (posted.length > 0) this.#log.info({ day, channels: posted.map((t) => `${t.platform}:${t.channel}`) }, 'daily digest written to the outbox');
    return posted;
  }
}

/** `/op digest` and `op digest`: a digest now, to one target, outside the daily schedule. */
export async function postDigestNow(store: Store, settings: DigestSettings, target: NoticeTarget): Promise<void> {
  const digest = await buildDigest(store, settings);
  await enqueueTargetedNotice(store, 'digest', digestPayload(target, digest.day, digestMessage(digest)));
}
