// The external services steps reach (the mail server, the webhook target, the model endpoint,
// Chroma). Executors call them through a DependencyPort, which src/ops/breakers.ts implements
// with a circuit breaker per dependency: while one is down, a step that needs it ends with
// DependencyUnavailable and its plan waits for the dependency instead of burning its retries.

export const DEPENDENCIES = ['smtp', 'webhook', 'model', 'chroma'] as const;
export type DependencyName = (typeof DEPENDENCIES)[number];

/** The dependency is down (its breaker is open): the plan waits for it; no attempt is counted. */
export class DependencyUnavailable extends Error {
  override name = 'DependencyUnavailable';
  readonly dependency: DependencyName;

  constructor(dependency: DependencyName, cause: string) {
    super(`${dependency} is unavailable (${cause})`);
    this.dependency = dependency;
  }
}

export interface DependencyPort {
  /**
   * Runs call against a dependency. Its failures count towards the dependency's breaker; once the
   * breaker is open the call is not made and DependencyUnavailable is thrown instead.
   */
  call<T>(dependency: DependencyName, call: () => Promise<T>): Promise<T>;
}

/** No breaker: every call is made (benchmarks and tests of a single executor). */
export const directCalls: DependencyPort = { call: (_dependency, call) => call() };
