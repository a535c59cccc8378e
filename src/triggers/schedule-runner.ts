// Every replica polls for due schedules; the database decides which fire times are due (its
// clock) and which replica starts each one (the ScheduleRun key), so polling on all replicas at
// once is safe and a replica that was down catches up by its schedules' policies when it starts.
import type { Logger } from 'pino';
import type { Schedules } from './schedules.ts';

export class ScheduleRunner {
  readonly #schedules: Schedules;
  readonly #log: Logger;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;

  constructor(schedules: Schedules, logger: Logger, options: { pollMs?: number } = {}) {
    this.#schedules = schedules;
    this.#log = logger.child({ component: 'schedules' });
    this.#pollMs = options.pollMs ?? 1000;
  }

  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #tick(): void {
    this.#running = (async () => {
      try {
        const started = await this.#schedules.fireDue();
        if (started.length > 0) this.#log.info({ plans: started }, 'scheduled plans started');
      } catch (error) {
        this.#log.error({ err: error }, 'due schedules could not be fired; the next poll tries again');
      }
    })();
    void this.#running.then(() => {
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#pollMs);
    });
  }
}
