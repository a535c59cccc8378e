// One phase of the gate bench: the scenario suite run through the real conductor, worker,
// deadline job and reminder job on a fresh database (SQLite, or PostgreSQL when asked), under the simulated clock, with the
// simulated operator deciding from the notices the conductor wrote. Returns the gate waits as the
// audit recorded them (each decision's waitedMs) and the digest's figures over the same audit.
import { z } from 'zod';
import { PlanNotice } from '../../src/conductor/notices.ts';
import { ReminderJob } from '../../src/conductor/reminders.ts';
import { DeadlineJob } from '../../src/conductor/deadlines.ts';
import { DEADLINE_ACTOR } from '../../src/conductor/conductor.ts';
import { WorkflowRegistry } from '../../src/conductor/registry.ts';
import { OperatorError } from '../../src/core/errors.ts';
import { periodFigures } from '../../src/digest/figures.ts';
import { createOperator, type Operator } from '../../src/operator.ts';
import { TERMINAL_STATUSES } from '../../src/store/statuses.ts';
import { createTestDatabase, type Provider } from '../../test/support/databases.ts';
import { silentLogger, testConfig } from '../../test/support/operator.ts';
import { SimulatedClock } from './clock.ts';
import { MODEL, SimulatedOperator, type Intent } from './operator-model.ts';
import { MINUTE } from './random.ts';
import { phaseWorkflows, scenarioSuite, type Phase, type Scenario } from './scenarios.ts';

const ACTOR = 'slack:UOPERATOR';
/** What a gate decision's audit detail says about its wait. */
const Waited = z.object({ waitedMs: z.number().optional() });
/** Every audit action that ends a gate's wait, by the operator or by a deadline. */
const GATE_ENDINGS = ['approval.granted', 'approval.granted_with_changes', 'approval.denied', 'question.answered', 'question.expired', 'deadline.handed_back'];
/** Work left undecided this long after the last arrival is reported, not waited for. */
const GIVE_UP_AFTER_MS = 7 * 24 * 60 * MINUTE;

export interface PhaseResult {
  /** Every gate wait the audit recorded, in ms of simulated time. */
  gateWaits: number[];
  /** How many of them a deadline ended (an approve rule, in this suite). */
  endedByDeadline: number;
  /** Invoices approved by the approve rule whose value the operator would have changed. */
  approvedByRuleNeedingChange: number;
  /** Per scenario, from its first prompt until its work went ahead or stopped (all its gates passed). */
  scenarioWaits: number[];
  /** The digest's median wait over the same audit (seconds). */
  digestMedianWaitSeconds: number | null;
  digestInterventions: number;
  scenarios: number;
  plans: number;
  undecided: number;
}

export async function runPhase(phase: Phase, seed: number, provider: Provider): Promise<PhaseResult> {
  const database = await createTestDatabase(provider);
  const config = testConfig(database, { CHROMA_URL: 'http://127.0.0.1:9', INVOICE_APPROVAL_ABOVE: '1000', ESCALATION_EMAIL: 'operator@example.com' });
  const logger = silentLogger();
  const operator = await createOperator(config, logger, new WorkflowRegistry(phaseWorkflows(phase)));
  const startedAt = new Date();
  try {
    await operator.worker.start();
    const run = new PhaseRun(operator, phase, seed, config.REMINDER_AFTER_MINUTES * MINUTE, {
      reminders: new ReminderJob({ store: operator.store, logger, afterMinutes: config.REMINDER_AFTER_MINUTES }),
      deadlines: new DeadlineJob({
        store: operator.store,
        conductor: operator.conductor,
        logger,
        pollMs: config.DEADLINE_POLL_MS,
        escalation: { chain: ['thread', 'direct', 'email'], intervalMs: config.ESCALATION_INTERVAL_MINUTES * MINUTE, workspaceUrl: config.WORKSPACE_URL },
      }),
    });
    await run.untilAllDecided();
    const { figures } = await periodFigures(operator.store, { from: startedAt, to: new Date(Date.now() + 1000) });
    return { ...(await run.results()), digestMedianWaitSeconds: figures.human_interventions.median_wait_seconds, digestInterventions: figures.human_interventions.count };
  } finally {
    await operator.close();
    await database.drop();
  }
}

interface Pending {
  at: number;
  run: () => Promise<void>;
}

class PhaseRun {
  readonly #operator: Operator;
  readonly #phase: Phase;
  readonly #clock: SimulatedClock;
  readonly #model: SimulatedOperator;
  readonly #jobs: { reminders: ReminderJob; deadlines: DeadlineJob };
  readonly #scenarios: Scenario[];
  /** Arrivals, looks and decisions still to come, in simulated time. */
  #pending: Pending[] = [];
  /** The plan each scenario lives in now (before Edit, a denied invoice is re-typed as a new plan). */
  readonly #planOf = new Map<string, string>();
  readonly #scenarioOf = new Map<string, Scenario>();
  /** Plans re-typed with the corrected value (before Edit): the operator wants no further change. */
  readonly #retyped = new Set<string>();
  readonly #retyping = new Set<string>();
  /**
   * Plans the operator has just moved (a decision, an Edit, a re-typed request): a prompt they ask
   * next is in front of the operator, who is in that thread, in either phase.
   */
  readonly #justMoved = new Set<string>();
  readonly #firstPrompt = new Map<string, number>();
  readonly #settled = new Map<string, number>();
  /** The operator does one thing at a time: looks and decisions queue behind each other. */
  #busyUntil = 0;

  constructor(operator: Operator, phase: Phase, seed: number, reminderAfterMs: number, jobs: { reminders: ReminderJob; deadlines: DeadlineJob }) {
    this.#operator = operator;
    this.#phase = phase;
    this.#clock = new SimulatedClock(operator.store, reminderAfterMs);
    this.#model = new SimulatedOperator(seed);
    this.#jobs = jobs;
    this.#scenarios = scenarioSuite(seed, MODEL.needsChangeShare);
    for (const scenario of this.#scenarios) this.#schedule(scenario.arrivesAt, () => this.#start(scenario, scenario.input));
  }

  #schedule(at: number, run: () => Promise<void>) {
    this.#pending.push({ at, run });
    this.#pending.sort((a, b) => a.at - b.at);
  }

  async untilAllDecided(): Promise<void> {
    const lastArrival = this.#scenarios.at(-1)!.arrivesAt;
    while (this.#pending.length > 0 || this.#settled.size < this.#scenarios.length) {
      const nextRead = this.#model.nextRead(this.#clock.now);
      const candidates = [nextRead, this.#pending[0]?.at ?? Infinity, (await this.#clock.nextDue()) ?? Infinity];
      const next = Math.max(this.#clock.now, Math.min(...candidates));
      if (next > lastArrival + GIVE_UP_AFTER_MS) break;
      await this.#clock.advance(next - this.#clock.now);
      await this.#jobs.deadlines.fireDue();
      await this.#jobs.reminders.remindDue();
      await this.#react();
      if (next === nextRead) for (const intent of this.#model.read(next, await this.#waitingScenarios())) this.#lookAt(intent);
      while (this.#pending[0] && this.#pending[0].at <= this.#clock.now) {
        await this.#pending.shift()!.run();
        await this.#react();
      }
    }
  }

  async #start(scenario: Scenario, input: Record<string, unknown>) {
    const { plan } = await this.#operator.conductor.start(scenario.workflow, input, { requestedBy: ACTOR });
    this.#planOf.set(scenario.id, plan.id);
    this.#scenarioOf.set(plan.id, scenario);
  }

  /** Waits until no plan is running: each has reached a gate or its end. */
  async #settle() {
    const started = Date.now();
    for (;;) {
      const running = await this.#operator.store.prisma((db) => db.plan.count({ where: { status: { in: ['running', 'compensating'] } } }));
      if (running === 0) return;
      if (Date.now() - started > 60_000) throw new Error(`${running} plan(s) still running after a minute`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The notices written since the last look, as the operator receives them; and scenarios that ended. */
  async #react() {
    await this.#settle();
    const now = this.#clock.now;
    const notices = await this.#operator.store.prisma(async (db) => {
      const unread = await db.notice.findMany({ where: { deliveredAt: null, kind: { in: ['approval_needed', 'question', 'reminder', 'escalation'] } }, orderBy: { createdAt: 'asc' } });
      await db.notice.updateMany({ where: { deliveredAt: null }, data: { deliveredAt: new Date() } });
      return unread;
    });
    for (const notice of notices) {
      const scenario = this.#scenarioOf.get(notice.planId!)!;
      if (notice.kind === 'approval_needed' || notice.kind === 'question') {
        if (!this.#firstPrompt.has(scenario.id)) this.#firstPrompt.set(scenario.id, now);
        if (this.#justMoved.has(notice.planId!)) this.#lookAt(this.#model.watched(scenario.id, now));
        else this.#model.prompted(scenario.id);
      } else if (notice.kind === 'reminder') {
        this.#model.reminded(scenario.id);
      } else {
        const escalation = PlanNotice.parse({ kind: notice.kind, payload: JSON.parse(notice.payload) });
        if (escalation.kind === 'escalation') this.#lookAt(this.#model.escalated(scenario.id, escalation.payload.escalation, now));
      }
    }
    this.#justMoved.clear();
    const ended = await this.#operator.store.prisma((db) => db.plan.findMany({ where: { status: { in: [...TERMINAL_STATUSES] } }, select: { id: true } }));
    for (const { id } of ended) {
      const scenario = this.#scenarioOf.get(id)!;
      if (this.#planOf.get(scenario.id) === id && !this.#retyping.has(scenario.id) && !this.#settled.has(scenario.id)) this.#settled.set(scenario.id, now);
    }
  }

  async #waitingScenarios(): Promise<Set<string>> {
    const plans = await this.#operator.store.prisma((db) => db.plan.findMany({ where: { status: { in: ['waiting_approval', 'waiting_answer'] } }, select: { id: true } }));
    return new Set(plans.map((plan) => this.#scenarioOf.get(plan.id)!.id));
  }

  /** The operator turns to a scenario's gate: decides it after the time deciding takes, if it still waits. */
  #lookAt(intent: Intent) {
    this.#schedule(intent.at, async () => {
      const planId = this.#planOf.get(intent.scenarioId)!;
      const { plan } = await this.#operator.conductor.show(planId);
      if (plan.status !== 'waiting_approval' && plan.status !== 'waiting_answer') return;
      const scenario = this.#scenarioOf.get(planId)!;
      const editing = this.#phase === 'after' && plan.status === 'waiting_approval' && this.#wantsChange(scenario, planId);
      const at = Math.max(intent.at, this.#busyUntil) + this.#model.decideMinutes(scenario.id, editing) * MINUTE;
      this.#busyUntil = at;
      this.#schedule(at, () => this.#decide(scenario, planId, plan.version));
    });
  }

  #wantsChange(scenario: Scenario, planId: string) {
    return scenario.correction !== null && !this.#retyped.has(planId);
  }

  async #decide(scenario: Scenario, planId: string, version: number) {
    const { conductor } = this.#operator;
    this.#justMoved.add(planId);
    try {
      const { plan } = await conductor.show(planId);
      if (plan.status === 'waiting_answer') {
        await conductor.answer(planId, ACTOR, scenario.answer, { version });
      } else if (!this.#wantsChange(scenario, planId)) {
        await conductor.approve(planId, ACTOR, { version });
      } else if (this.#phase === 'after') {
        // Edit: the form as it opens, with the day rate in its lines changed.
        const form = await conductor.editForm(planId, version);
        const values = Object.fromEntries(form.fields.map((field) => [field.name, field.value]));
        values['lines'] = values['lines']!.replace(/ at [\d,.]+ EUR/, ` at ${scenario.correction!.dayRate} EUR`);
        await conductor.approveWithChanges(planId, ACTOR, { version, values });
      } else {
        // Before Edit: deny, then type the corrected request again (with the e-mail already given).
        this.#retyping.add(scenario.id);
        await conductor.deny(planId, ACTOR, { reason: 'the day rate is off', version });
        this.#schedule(this.#clock.now + this.#model.retypeMinutes(scenario.id) * MINUTE, async () => {
          await this.#start(scenario, scenario.correction!.retyped);
          this.#retyped.add(this.#planOf.get(scenario.id)!);
          this.#justMoved.add(this.#planOf.get(scenario.id)!);
          this.#retyping.delete(scenario.id);
        });
      }
    } catch (error) {
      // A deadline decided the gate while the operator was reading it: nothing left to do.
      if (!(error instanceof OperatorError)) throw error;
    }
  }

  async results(): Promise<Omit<PhaseResult, 'digestMedianWaitSeconds' | 'digestInterventions'>> {
    const entries = await this.#operator.store.prisma((db) => db.auditEntry.findMany({ where: { action: { in: GATE_ENDINGS } }, select: { planId: true, actor: true, action: true, detail: true } }));
    const gateWaits = entries.flatMap((entry) => {
      const { waitedMs } = Waited.parse(JSON.parse(entry.detail ?? '{}'));
      return waitedMs === undefined ? [] : [waitedMs];
    });
    const byRule = entries.filter((entry) => entry.actor === DEADLINE_ACTOR);
    return {
      gateWaits,
      endedByDeadline: byRule.length,
      approvedByRuleNeedingChange: byRule.filter(({ action, planId }) => action === 'approval.granted' && planId !== null && this.#wantsChange(this.#scenarioOf.get(planId)!, planId)).length,
      scenarioWaits: this.#scenarios.flatMap((scenario) => {
        const from = this.#firstPrompt.get(scenario.id);
        const to = this.#settled.get(scenario.id);
        // OP_BENCH_GATES_SCENARIOS=1: each scenario's wait on stderr, to compare the phases scenario by scenario.
        if (process.env.OP_BENCH_GATES_SCENARIOS) console.error(`${this.#phase} ${scenario.id} ${scenario.kind}${scenario.correction ? ' (changed)' : ''}: ${from === undefined || to === undefined ? 'no gate' : `${Math.round((to - from) / MINUTE)} min`}`);
        return from === undefined || to === undefined ? [] : [to - from];
      }),
      scenarios: this.#scenarios.length,
      plans: this.#scenarioOf.size,
      undecided: this.#scenarios.length - this.#settled.size,
    };
  }
}
