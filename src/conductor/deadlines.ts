// Gate deadlines: an approval or question with a deadline has a durable timer in the store
// (written with the checkpoint that began the wait). Each replica polls for timers due by the
// database's clock and lets the conductor fire them; the timer's compare-and-set commits with the
// change it causes, so a timer that fell due while every replica was down fires once after the
// restart, and once with several replicas. Escalation walks ESCALATION_CHAIN, one step per
// ESCALATION_INTERVAL_MINUTES, until someone decides or snoozes it.
import type { Logger } from 'pino';
import { closeEndedTimers, dueTimers } from '../store/gate-timers.ts';
import type { Store } from '../store/store.ts';
import type { Conductor, EscalationSettings } from './conductor.ts';

export class DeadlineJob {
  readonly #store: Store;
  readonly #conductor: Conductor;
  readonly #escalation: EscalationSettings;
  readonly #log: Logger;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<unknown> | null = null;

  constructor(options: { store: Store; conductor: Conductor; escalation: EscalationSettings; logger: Logger; pollMs: number }) {
    this.#store = options.store;
    this.#conductor = options.conductor;
    this.#escalation = options.escalation;
    this.#log = options.logger.child({ component: 'deadlines' });
    this.#pollMs = options.pollMs;
  }

  start(): void {
    const tick = async () => {
      this.#round = this.fireDue().catch((error: unknown) => this.#log.error({ err: error }, 'deadline round failed; retrying'));
      await this.#round;
      if (this.#timer) this.#timer = setTimeout(tick, this.#pollMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#round;
  }

  /** One round: fires every due timer; returns how many this replica fired. */
  async fireDue(): Promise<number> {
    await closeEndedTimers(this.#store);
    let fired = 0;
    for (const timer of await dueTimers(this.#store)) {
      if (await this.#conductor.passDeadline(timer, this.#escalation)) {
        fired++;
        this.#log.info({ planId: timer.planId, stepKey: timer.stepKey, outcome: timer.outcome, stage: timer.stage }, 'a gate deadline passed');
      }
    }
    return fired;
  }
}
