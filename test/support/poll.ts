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
