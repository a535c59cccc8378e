// A connection to an outside service that start-up must not depend on (a chat platform's
// gateway or socket): tried at once, then again with exponential backoff until it holds, while
// the service runs without it. What went wrong last, in the operator's words, is kept for
// /healthz. The delays are cockatiel's decorrelated-jitter exponential backoff; the wait itself
// is an abortable timer, since cockatiel's retry policy sleeps through an abort and a stop or
// new credentials must not wait up to a whole delay.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
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
  /** Told each time the problem changes (null once connected), for a health check elsewhere. */
  onProblem?: (problem: string | null) => void;
}

export function keepConnected(options: KeeperOptions): ConnectionKeeper {
  const log = options.logger.child({ connection: options.name });
  const delays = new ExponentialBackoff({ initialDelay: 250, maxDelay: options.maxDelayMs ?? 120_000 });
  let problem: string | null = `${options.name} is connecting`;
  let running: { abort: AbortController; done: Promise<void> } | null = null;
  let stopped = false;
  const setProblem = (next: string | null) => {
    if (next === problem) return;
    problem = next;
    options.onProblem?.(next);
  };

  /** One attempt; true when it connected. */
  async function attempt(): Promise<boolean> {
    try {
      await options.connect();
      return true;
    } catch (error) {
      const next = options.describe(error);
      // Each new problem is logged once, not every attempt.
      if (next !== problem) log.error({ err: error }, next);
      setProblem(next);
      return false;
    }
  }

  async function untilConnected(signal: AbortSignal): Promise<void> {
    let backoff: IBackoff<unknown> | null = null;
    while (!signal.aborted) {
      if (await attempt()) {
        // A stop that came during the attempt wins: the caller tears the connection down.
        if (signal.aborted) return;
        setProblem(null);
        log.info(`${options.name} connected`);
        return;
      }
      backoff = backoff ? backoff.next(undefined) : delays.next();
      await sleep(backoff.duration, undefined, { signal }).catch(() => undefined);
    }
  }

  function start(): void {
    if (running || stopped) return;
    const abort = new AbortController();
    const done = untilConnected(abort.signal).finally(() => (running = null));
    running = { abort, done };
  }

  async function halt(): Promise<void> {
    const current = running;
    current?.abort.abort();
    await current?.done;
  }

  return {
    start,
    restart(reason) {
      if (reason) setProblem(reason);
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
