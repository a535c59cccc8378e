// A circuit breaker per external dependency (cockatiel), and the durable wait that goes with it.
// A replica's breaker opens after consecutive failed calls and marks the dependency down in the
// store; from then on a step that needs it ends with DependencyUnavailable and its plan waits
// (status waiting_dependency, in the store) instead of burning retries and being handed back.
// One replica per interval probes a down dependency; the first probe that succeeds (or a
// breaker's own half-open trial call) marks it up and resumes every plan that waits for it.
import { BrokenCircuitError, ConsecutiveBreaker, CircuitState, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import { DependencyUnavailable, type DependencyName, type DependencyPort } from '../core/dependencies.ts';
import { NonRetryableError } from '../conductor/retry.ts';
import { awaitedDependencies, claimProbe, listDependencies, markDependencyDown, markDependencyUp, noteProbeFailure, resumeWaiting } from '../store/dependencies.ts';
import type { Store } from '../store/store.ts';

/** Whether a dependency answers at all: connects and greets, without any side effect. */
export type Probe = (signal: AbortSignal) => Promise<void>;

export interface BreakerOptions {
  store: Store;
  logger: Logger;
  /** Probes of the dependencies this replica can reach (only the configured ones). */
  probes: Partial<Record<DependencyName, Probe>>;
  /** Consecutive failures that open a breaker. */
  failuresToOpen: number;
  /** How often a down dependency is probed; also when a breaker lets a trial call through. */
  probeMs: number;
  /** Called when plans were resumed, so the worker looks at once. */
  onResumed: () => void;
  /** Names this replica in the audit of the plans it resumes. */
  replica: string;
}

/** A refusal of the far end (a wrong address, a bad request) says nothing about whether it is up. */
const countsAsOutage = handleWhen((error) => !(error instanceof NonRetryableError));

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

export class DependencyBreakers implements DependencyPort {
  readonly #options: BreakerOptions;
  readonly #log: Logger;
  readonly #breakers = new Map<DependencyName, CircuitBreakerPolicy>();
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;

  constructor(options: BreakerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'breakers' });
  }

  async call<T>(dependency: DependencyName, call: () => Promise<T>): Promise<T> {
    const breaker = this.#breakerOf(dependency);
    try {
      return await breaker.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new DependencyUnavailable(dependency, describe(breaker.lastFailure && 'error' in breaker.lastFailure ? breaker.lastFailure.error : error));
      // The call that opened the breaker waits with the plans that come after it.
      if (breaker.state === CircuitState.Open && !(error instanceof NonRetryableError)) throw new DependencyUnavailable(dependency, describe(error));
      throw error;
    }
  }

  /** This replica's view: closed, open or half-open, per dependency it has called. */
  states(): Record<string, string> {
    return Object.fromEntries([...this.#breakers].map(([name, breaker]) => [name, CircuitState[breaker.state].toLowerCase()]));
  }

  start(): void {
    const tick = async () => {
      this.#round = this.watchRound().catch((error: unknown) => this.#log.error({ err: error }, 'dependency round failed; trying again'));
      await this.#round;
      if (this.#timer) this.#timer = setTimeout(tick, this.#options.probeMs / 2);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#round;
  }

  /**
   * Probes the down dependencies this replica may probe now, forgets the failures its breakers
   * saw of dependencies that are up again, and resumes plans waiting for a dependency that is up
   * (a plan that went to wait just as its dependency came back).
   */
  async watchRound(): Promise<void> {
    const { store, probes, probeMs, replica } = this.#options;
    const rows = await listDependencies(store);
    const down = new Set(rows.filter((row) => row.status === 'down').map((row) => row.name));
    for (const row of rows) {
      const name = row.name as DependencyName;
      if (row.status === 'up') {
        if (this.#breakers.get(name)?.state === CircuitState.Open) this.#breakers.delete(name);
        continue;
      }
      const probe = probes[name];
      if (!probe || !(await claimProbe(store, name, probeMs))) continue;
      try {
        await probe(AbortSignal.timeout(Math.max(1000, probeMs)));
      } catch (error) {
        await noteProbeFailure(store, name, describe(error));
        this.#log.info({ dependency: name, reason: describe(error) }, 'dependency still down');
        continue;
      }
      this.#breakers.delete(name);
      await this.#recovered(name, 'probe');
      down.delete(name);
    }
    for (const name of await awaitedDependencies(store)) {
      // Not yet marked down (the breaker that opened is still writing it): not back either.
      if (down.has(name) || this.#breakers.get(name as DependencyName)?.state === CircuitState.Open) continue;
      const resumed = await resumeWaiting(store, name, `replica:${replica}`);
      if (resumed > 0) this.#options.onResumed();
    }
  }

  #breakerOf(dependency: DependencyName): CircuitBreakerPolicy {
    const existing = this.#breakers.get(dependency);
    if (existing) return existing;
    const { failuresToOpen, probeMs } = this.#options;
    const breaker = circuitBreaker(countsAsOutage, { halfOpenAfter: probeMs, breaker: new ConsecutiveBreaker(failuresToOpen) });
    breaker.onBreak((reason) => {
      const error = 'error' in reason ? describe(reason.error) : 'held open';
      this.#log.warn({ dependency, reason: error }, 'circuit breaker opened: plans that need this dependency wait for it');
      markDependencyDown(this.#options.store, dependency, error, probeMs).catch((failure: unknown) =>
        this.#log.error({ err: failure, dependency }, 'could not record that a dependency is down'),
      );
    });
    // A trial call went through after halfOpenAfter: the dependency is back.
    breaker.onReset(() => {
      if (this.#breakers.get(dependency) !== breaker) return;
      this.#recovered(dependency, 'trial call').catch((failure: unknown) => this.#log.error({ err: failure, dependency }, 'could not record that a dependency is back'));
    });
    this.#breakers.set(dependency, breaker);
    return breaker;
  }

  async #recovered(dependency: DependencyName, via: string): Promise<void> {
    const resumed = await markDependencyUp(this.#options.store, dependency, `replica:${this.#options.replica}`);
    this.#log.info({ dependency, via, resumed }, 'dependency is back; plans waiting for it resume');
    if (resumed > 0) this.#options.onResumed();
  }
}
