import { z } from 'zod';

export const RetryPolicy = z.object({
  maxAttempts: z.number().int().min(1).default(3),
  initialDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(0).default(60_000),
  multiplier: z.number().min(1).default(2),
  /** Fraction of the delay drawn at random, so retries of many plans do not arrive in step. */
  jitter: z.number().min(0).max(1).default(0.2),
  timeoutMs: z.number().int().min(1).default(30_000),
  /** Error names that no retry can fix: the plan goes to the operator at once. */
  nonRetryable: z.array(z.string()).default([]),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** An error that retrying cannot fix, whatever the policy says. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** The step did not finish within its policy's timeout. */
export class StepTimeoutError extends Error {
  override name = 'StepTimeoutError';
}

export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (error instanceof NonRetryableError || error instanceof z.ZodError) return false;
  const name = error instanceof Error ? error.name : '';
  return !policy.nonRetryable.includes(name);
}

/** Exponential backoff with jitter for the attempt that just failed (1-based). */
export function backoffMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (failedAttempt - 1));
  return Math.round(base * (1 - policy.jitter + policy.jitter * random()));
}

/** Runs fn, failing with StepTimeoutError after timeoutMs; fn sees the abort on its signal. */
export async function withTimeout<T>(timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StepTimeoutError(`step timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
