// A worker advances plans: it claims runnable plans under a lease, runs one step at a time and
// commits each step's result with the plan's next state, the transition and the notices in one
// transaction (the checkpoint). Checkpoints are fenced by the lease token, so a worker that lost
// its lease can never overwrite the work of the one that took over.
import os from 'node:os';
import type { Logger } from 'pino';
import { artifactMemory } from '../memory/plan-memories.ts';
import {
  claimRunnablePlans,
  commitPlanChange,
  listEffects,
  releaseLease,
  releaseLeasesOf,
  renewLease,
  type ClaimedPlan,
  type EffectRecord,
  type PlanChange,
  type PlanRecord,
  type StepRecord,
} from '../store/plans.ts';
import { databaseNow } from '../store/sql.ts';
import type { StepPatch } from '../store/statements.ts';
import type { Store } from '../store/store.ts';
import { notice } from './notices.ts';
import { findStep, type WorkflowRegistry } from './registry.ts';
import { errorText, leaseCleared, stepResultChange } from './decisions.ts';
import { backoffMs, withTimeout } from './retry.ts';
import { compensationKeyOf, idempotencyKeyOf, policyOf, runStep, type StepOutcome } from './run-step.ts';
import { Rounds } from '../core/rounds.ts';
import { noServices, type StepServices } from '../core/services.ts';
import { artifactsOf } from './plan-reads.ts';
import type { EffectLedger, RunContext, RunnableAction, WorkflowDefinition } from './workflow.ts';

export interface WorkerOptions {
  store: Store;
  workflows: WorkflowRegistry;
  logger: Logger;
  dataDir: string;
  /** What steps may use: memory, models, sequences (none for benchmarks and conductor tests). */
  services?: StepServices;
  /** The operator's configuration, where each workflow's steps read their own settings; empty: their defaults. */
  configuration?: Readonly<Record<string, unknown>>;
  /** Stable across restarts of the same process slot (see releaseLeasesOf). */
  workerId?: string;
  leaseMs?: number;
  concurrency?: number;
  pollMs?: number;
}


class LeaseLost extends Error {
  override name = 'LeaseLost';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Worker {
  readonly id: string;
  readonly #store: Store;
  readonly #workflows: WorkflowRegistry;
  readonly #log: Logger;
  readonly #dataDir: string;
  readonly #services: StepServices;
  readonly #configuration: Readonly<Record<string, unknown>>;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #active = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: () => void = () => undefined;
  /** The claim loop's looks for runnable plans, each counted once its claims are launched. */
  readonly claimRounds = new Rounds();

  constructor(options: WorkerOptions) {
    this.id = options.workerId ?? os.hostname();
    this.#store = options.store;
    this.#workflows = options.workflows;
    this.#log = options.logger.child({ worker: this.id });
    this.#dataDir = options.dataDir;
    this.#services = options.services ?? noServices;
    this.#configuration = options.configuration ?? {};
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#concurrency = options.concurrency ?? 8;
    this.#pollMs = options.pollMs ?? 250;
  }

  async start(): Promise<void> {
    const reclaimed = await releaseLeasesOf(this.#store, this.id);
    if (reclaimed > 0) this.#log.info({ reclaimed }, 'resuming plans left by this worker before a restart');
    this.#running = true;
    this.#loop = this.#claimLoop();
  }

  /**
   * Finishes the steps under way, then returns; their plans are picked up again later. With
   * graceMs, steps still running after it keep running but lose their plans' leases, so another
   * worker resumes them at once (the effects ledger keeps a repeated action from happening twice).
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.#running = false;
    this.#wake();
    await this.#loop;
    const finished = Promise.all(this.#active).then(() => true);
    if (options.graceMs === undefined) return void (await finished);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.graceMs)));
    const inTime = await Promise.race([finished, graceOver]);
    clearTimeout(timer);
    if (inTime) return;
    const released = await releaseLeasesOf(this.#store, this.id);
    this.#log.warn({ released, graceMs: options.graceMs }, 'steps still running after the shutdown grace; their plans are released to other workers');
  }

  /** Something became runnable: look now rather than at the next poll. */
  notify(): void {
    this.#wake();
  }

  async #claimLoop(): Promise<void> {
    while (this.#running) {
      const free = this.#concurrency - this.#active.size;
      if (free > 0) {
        try {
          const claimed = await this.claimRounds.run(async () => {
            const leases = await claimRunnablePlans(this.#store, { owner: this.id, leaseMs: this.#leaseMs, limit: free });
            for (const lease of leases) this.#launch(lease);
            return leases;
          });
          if (claimed.length === free) continue;
        } catch (error) {
          this.#log.error({ err: error }, 'could not claim plans; retrying');
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  #launch(claimed: ClaimedPlan): void {
    const { leaseToken } = claimed;
    const planId = claimed.plan.id;
    const run = this.#advance(claimed)
      .catch(async (error: unknown) => {
        if (error instanceof LeaseLost) {
          this.#log.warn({ planId }, 'lease lost; another worker owns the plan now');
          return;
        }
        this.#log.error({ err: error, planId }, 'plan run stopped unexpectedly; it resumes shortly');
        // Hand the plan back rather than leave it idle until the lease lapses.
        await releaseLease(this.#store, planId, leaseToken, this.#pollMs).catch(() => false);
      })
      .finally(() => {
        this.#active.delete(run);
        this.#wake();
      });
    this.#active.add(run);
  }

  /** Runs steps of one plan while it stays runnable, this worker holds the lease and is not stopping. */
  async #advance({ plan, steps, leaseToken }: ClaimedPlan): Promise<void> {
    const planId = plan.id;
    const definition = this.#workflows.get(plan.workflow);
    const heartbeat = setInterval(() => {
      renewLease(this.#store, planId, leaseToken, this.#leaseMs).catch((error: unknown) =>
        this.#log.warn({ err: error, planId }, 'could not renew lease'),
      );
    }, this.#leaseMs / 3);
    try {
      let holding = true;
      while (holding && this.#running) {
        holding =
          plan.status === 'compensating'
            ? await this.#compensateNext(plan, steps, definition, leaseToken)
            : await this.#runNext(plan, steps, definition, leaseToken);
      }
      if (holding) await this.#checkpoint(plan, leaseToken, { plan: leaseCleared });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Runs the next pending step; returns whether the plan stays with this worker. */
  #contextOf(plan: PlanRecord, stepKey: string, steps: StepRecord[]): RunContext {
    return { planId: plan.id, workflow: plan.workflow, stepKey, input: plan.input, artifacts: artifactsOf(steps), services: this.#services, configuration: this.#configuration, dryRun: plan.dryRun };
  }

  async #runNext(plan: PlanRecord, steps: StepRecord[], definition: WorkflowDefinition, leaseToken: string): Promise<boolean> {
    const step = steps.find((s) => s.status === 'pending');
    if (!step) {
      await this.#checkpoint(plan, leaseToken, this.#completion(plan, {}));
      return false;
    }
    const stepDefinition = findStep(definition, plan.input, step.key);
    const ctx = this.#contextOf(plan, step.key, steps);
    const startedAt = new Date();
    let outcome: StepOutcome;
    if (!stepDefinition) {
      outcome = { type: 'failed', error: new Error(`workflow ${definition.name} no longer has a step "${step.key}"`), retryable: false };
    } else {
      const ledger = stepDefinition.kind === 'action' && !plan.dryRun ? await this.#recordEffectStart(plan, step, stepDefinition, leaseToken) : null;
      outcome = await runStep(stepDefinition, ctx, this.#dataDir, ledger);
    }
    const attempts = step.attempts + 1;
    const now = new Date();
    const change = stepResultChange({
      plan,
      step,
      outcome,
      attempts,
      startedAt,
      now,
      policy: stepDefinition ? policyOf(stepDefinition) : undefined,
      actor: `worker:${this.id}`,
      leaseMs: this.#leaseMs,
    });
    // A completed action is remembered with its checkpoint, unless what it did was write a memory.
    if (outcome.type === 'completed' && stepDefinition?.kind === 'action' && !stepDefinition.executor.writesMemory && !plan.dryRun) {
      change.memories = [artifactMemory(plan, step, outcome.output, `worker:${this.id}`)];
    }
    const last = !steps.some((other) => other !== step && other.status === 'pending');
    if (last && (outcome.type === 'completed' || outcome.type === 'skipped')) Object.assign(change, this.#completion(plan, change));
    await this.#checkpoint(plan, leaseToken, change);
    Object.assign(step, stepFieldsAsRecord(change.steps?.[0]?.fields ?? {}));
    if (change.plan?.status) plan.status = change.plan.status;
    return !('leaseToken' in (change.plan ?? {}));
  }

  /** The plan's completion, added to the checkpoint of its last step (one commit, not two). */
  #completion(plan: PlanRecord, change: PlanChange): PlanChange {
    return {
      plan: { ...change.plan, status: 'completed', finishedAt: new Date(), ...leaseCleared },
      audit: [...(change.audit ?? []), { actor: `worker:${this.id}`, action: 'plan.completed', fromStatus: plan.status, toStatus: 'completed' }],
      notices: [...(change.notices ?? []), notice('completed', plan, plan.dryRun ? `${plan.workflow} dry run finished: nothing was done` : `${plan.workflow} completed`)],
    };
  }

  /**
   * The ledger row is committed before the effect, so a crash between the effect and its
   * checkpoint leaves a visible "started" entry, and the re-run reuses the same key. Returns the
   * row for the executor: a receipt an earlier attempt recorded, and the way to record one.
   */
  async #recordEffectStart(plan: PlanRecord, step: StepRecord, definition: RunnableAction, leaseToken: string): Promise<EffectLedger> {
    const key = idempotencyKeyOf(plan.id, step.key);
    const existing = await this.#store.transaction(async (runner) => {
      const [found] = (await listEffects(runner, plan.id)).filter((effect) => effect.key === key);
      const applied = await commitPlanChange(runner, plan.id, { leaseToken }, {
        effects: [
          found
            ? { key, fields: { performCount: found.performCount + 1 } }
            : { key, insert: { stepKey: step.key, executor: definition.executor.name, status: 'started', performCount: 1 } },
        ],
      });
      if (!applied) throw new LeaseLost();
      return found;
    });
    return {
      // Until the checkpoint marks it applied, a started row's result is a receipt, if any.
      receipt: existing?.status === 'started' ? existing.result : null,
      recordReceipt: async (receipt) => {
        const recorded = await this.#store.transaction((runner) => commitPlanChange(runner, plan.id, { leaseToken }, { effects: [{ key, fields: { result: JSON.stringify(receipt) } }] }));
        if (!recorded) throw new LeaseLost();
      },
    };
  }

  /** Undoes the newest performed action not yet undone; returns whether the plan stays here. */
  async #compensateNext(plan: PlanRecord, steps: StepRecord[], definition: WorkflowDefinition, leaseToken: string): Promise<boolean> {
    const effects = await this.#store.transaction((runner) => listEffects(runner, plan.id));
    const pending = effects.filter((effect) => effect.status === 'applied' || effect.status === 'started').reverse();
    const actor = `worker:${this.id}`;
    const effect = pending[0];
    if (!effect) {
      await this.#checkpoint(plan, leaseToken, {
        plan: { status: 'compensated', finishedAt: new Date(), ...leaseCleared },
        audit: [{ actor, action: 'plan.compensated', fromStatus: 'compensating', toStatus: 'compensated' }],
        notices: [notice('compensated', plan, `${plan.workflow}: every performed action was undone`)],
      });
      return false;
    }
    const step = steps.find((s) => s.key === effect.stepKey);
    const found = findStep(definition, plan.input, effect.stepKey);
    const action = found?.kind === 'action' ? found : undefined;
    if (!action?.executor.compensable || !step) {
      await this.#checkpoint(plan, leaseToken, {
        effects: [{ key: effect.key, fields: { status: 'kept' } }],
        audit: [{ actor, action: 'step.not_compensable', stepKey: effect.stepKey, reason: 'the executor has no compensation; undo it by hand if needed' }],
      });
      effect.status = 'kept';
      return true;
    }
    const error = await this.#undo(plan, steps, action, effect);
    if (error) {
      await this.#checkpoint(plan, leaseToken, {
        plan: { status: 'failed', finishedAt: new Date(), ...leaseCleared },
        audit: [{ actor, action: 'step.compensation_failed', fromStatus: 'compensating', toStatus: 'failed', stepKey: step.key, reason: errorText(error) }],
        notices: [notice('failed', plan, `Could not undo "${step.title}" (${errorText(error)}); undo it by hand.`, { stepKey: step.key })],
      });
      return false;
    }
    await this.#checkpoint(plan, leaseToken, {
      plan: { leaseExpiresAt: databaseNow(this.#leaseMs) },
      steps: [{ id: step.id, fields: { status: 'compensated' } }],
      effects: [{ key: effect.key, fields: { status: 'compensated', compensatedAt: new Date() } }],
      audit: [{ actor, action: 'step.compensated', stepKey: step.key }],
      notices: [notice('progress', plan, `${step.title}: undone`, { stepKey: step.key, stepTitle: step.title })],
    });
    step.status = 'compensated';
    return true;
  }

  /** Runs a compensation under its step's retry policy; returns the last error if all attempts failed. */
  async #undo(plan: PlanRecord, steps: StepRecord[], action: RunnableAction, effect: EffectRecord): Promise<Error | null> {
    const policy = policyOf(action);
    const ctx = this.#contextOf(plan, action.key, steps);
    const effectContext = {
      idempotencyKey: effect.key,
      compensationKey: compensationKeyOf(plan.id, effect.stepKey),
      dataDir: this.#dataDir,
      services: this.#services,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const result = effect.status === 'applied' ? effect.result : null;
        await withTimeout(policy.timeoutMs, (signal) => action.compensate(ctx, result, { ...effectContext, signal }));
        return null;
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        if (attempt >= policy.maxAttempts) return error;
        await sleep(backoffMs(policy, attempt));
      }
    }
  }

  async #checkpoint(plan: PlanRecord, leaseToken: string, change: PlanChange): Promise<void> {
    await this.#store.transaction(async (runner) => {
      if (!(await commitPlanChange(runner, plan.id, { leaseToken }, change))) throw new LeaseLost();
    });
  }
}

/** Keeps the in-memory step in line with what a checkpoint wrote. */
function stepFieldsAsRecord(fields: StepPatch): Partial<StepRecord> {
  const record: Partial<StepRecord> = {};
  if (fields.status) record.status = fields.status;
  if (typeof fields.attempts === 'number') record.attempts = fields.attempts;
  if (typeof fields.output === 'string') record.output = JSON.parse(fields.output);
  return record;
}
