// The rounds of a periodic job (the digest schedule, the reminder job, the settings file watcher),
// counted as they finish, so that a caller can wait until the job has looked again (a test
// checking that nothing more happened) instead of guessing how long a look takes under load.

interface Waiter {
  after: number;
  resolve: () => void;
}

export class Rounds {
  #finished = 0;
  #waiters: Waiter[] = [];

  /** Rounds finished so far, failed ones included. */
  get finished(): number {
    return this.#finished;
  }

  /** Runs one round and counts it when it ends, whether it succeeds or fails. */
  async run<T>(round: () => T | Promise<T>): Promise<T> {
    const startedAt = Date.now();
    try {
      return await round();
    } finally {
      this.#finished++;
      const waiting = this.#waiters;
      this.#waiters = waiting.filter((waiter) => waiter.after >= startedAt);
      for (const waiter of waiting) if (waiter.after < startedAt) waiter.resolve();
    }
  }

  /**
   * Resolves once a round that began after `at` (by default now) has finished: a round that
   * was already under way when asked does not count, as it may have read the state before.
   */
  finishedSince(at: Date = new Date()): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ after: at.getTime(), resolve }));
  }
}
