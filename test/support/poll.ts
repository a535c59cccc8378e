/** Polls probe every 20 ms until it returns something truthy; fails with describe() after timeoutMs. */
export async function pollUntil<T>(probe: () => T | Promise<T>, timeoutMs: number, describe: () => string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if (result) return result as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits for an event (a job's next round); fails with describe() after timeoutMs instead of hanging the test. */
export async function within<T>(event: Promise<T>, timeoutMs: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`not within ${timeoutMs} ms: ${describe()}`)), timeoutMs)));
  try {
    return await Promise.race([event, late]);
  } finally {
    clearTimeout(timer);
  }
}
