// Reminds the operator of approvals, questions and hand-backs that have waited longer than
// REMINDER_AFTER_MINUTES: one reminder notice per wait, in the plan's thread. A wait that ends
// and begins again (a retried step that fails again) is a new wait and may be reminded again.
import type { Logger } from 'pino';
import { recordReminder, waitsDueForReminder, type WaitingStep } from '../store/reminders.ts';
import type { Store } from '../store/store.ts';
import { Rounds } from '../core/rounds.ts';
import { notice, waitKindOf } from './notices.ts';

function reminderNotice(wait: WaitingStep) {
  const waitKind = waitKindOf({ status: wait.planStatus, budgetAskUsd: wait.budgetAskUsd }) ?? 'question';
  return notice('reminder', { id: wait.planId, workflow: wait.workflow, version: wait.version }, wait.prompt ?? wait.stepTitle, {
    stepKey: wait.stepKey,
    stepTitle: wait.stepTitle,
    waitKind,
    waitingSince: wait.waitingSince.toISOString(),
    requestedBy: wait.requestedBy,
  });
}

export class ReminderJob {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #afterMs: number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<unknown> | null = null;
  /** The job's rounds, each counted when it has written the reminders that were due. */
  readonly rounds = new Rounds();

  constructor(options: { store: Store; logger: Logger; afterMinutes: number }) {
    this.#store = options.store;
    this.#log = options.logger.child({ component: 'reminders' });
    this.#afterMs = options.afterMinutes * 60_000;
    // Often enough that a reminder is at most a tenth of the delay late, at most once a minute.
    this.#intervalMs = Math.min(60_000, Math.max(100, this.#afterMs / 10));
  }

  start(): void {
    const tick = async () => {
      this.#round = this.rounds.run(() => this.remindDue()).catch((error: unknown) => this.#log.error({ err: error }, 'reminder round failed; retrying'));
      await this.#round;
      if (this.#timer) this.#timer = setTimeout(tick, this.#intervalMs);
    };
    this.#timer = setTimeout(tick, this.#intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#round;
  }

  /** One round: a reminder for each wait that is due; returns how many were written. */
  async remindDue(): Promise<number> {
    let sent = 0;
    for (const wait of await waitsDueForReminder(this.#store, this.#afterMs)) {
      if (await recordReminder(this.#store, wait, this.#afterMs, reminderNotice(wait))) sent++;
    }
    if (sent > 0) this.#log.info({ sent }, 'reminded the operator of waiting steps');
    return sent;
  }
}
