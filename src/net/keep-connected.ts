// A connection to an outside service that start-up must not depend on (a chat platform's
// gateway or socket): tried at once, then again with exponential backoff (cockatiel) until it
// holds, while the service runs without it. What went wrong last, in the operator's words, is
// kept for /healthz.
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import type { Logger } from 'pino';

export interface ConnectionKeeper {
  /** Starts trying in the background; a no-op while a try is under way. */
  start(): void;
  /** Drops the wait and tries again now (new credentials, a fatal close after being connected). */
  restart(problem?: string): void;
  /** Null once connected; else what is wrong and the fix. */
  readonly problem: string | null;
  /** Stops trying; resolves when no attempt is running. */
  stop(): Promise<void>;
}

export interface KeeperOptions {
  /** For the log: "Discord", "Slack's Socket Mode". */
  name: string;
  /** One attempt; throws when it did not connect. */
  connect: () => Promise<void>;
  /** The operator-facing text for an attempt's failure: what is wrong and the fix. */
  describe: (error: unknown) => string;
  logger: Logger;
  /**
   * The longest wait between attempts. Discord counts every IDENTIFY against a daily session
   * limit (1,000), so a setting left wrong for a day must stay well below it.
   */
  maxDelayMs?: number;
}

export function keepConnected(options: KeeperOptions): ConnectionKeeper {
  const log = options.logger.child({ connection: options.name });
  const policy = retry(handleAll, { maxAttempts: Infinity, backoff: new ExponentialBackoff({ initialDelay: 250, maxDelay: options.maxDelayMs ?? 120_000 }) });
  let problem: string | null = `${options.name} is connecting`;
  let running: { abort: AbortController; done: Promise<void> } | null = null;
  let stopped = false;

  async function attempt(): Promise<void> {
    try {
      await options.connect();
    } catch (error) {
      const next = options.describe(error);
      // Each new problem is logged once, not every attempt.
      if (next !== problem) log.error({ err: error }, next);
      problem = next;
      throw error;
    }
  }

  function start(): void {
    if (running || stopped) return;
    const abort = new AbortController();
    const done = policy.execute(attempt, abort.signal).then(
      () => {
        problem = null;
        log.info(`${options.name} connected`);
      },
      // Only a stop or a restart ends the retries: the attempt's error is already in `problem`.
      () => undefined,
    );
    running = { abort, done: done.finally(() => (running = null)) };
  }

  async function halt(): Promise<void> {
    const current = running;
    current?.abort.abort();
    await current?.done;
  }

  return {
    start,
    restart(reason) {
      if (reason) problem = reason;
      void halt().then(start);
    },
    get problem() {
      return problem;
    },
    stop: () => {
      stopped = true;
      return halt();
    },
  };
}
