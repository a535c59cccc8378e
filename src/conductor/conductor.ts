// What an operator can do to plans: start them, decide at gates, answer questions, steer
// failed plans, edit and roll back versions. Each request is one guarded transaction; a
// request that does not fit the plan's state changes nothing and says what to do instead.
import type { z } from 'zod';
import { answerMemory, decisionMemory } from '../memory/plan-memories.ts';
import {
  commitPlanChange,
  findPlan,
  findVersion,
  insertPlan,
  latestVersionNumber,
  listEffects,
  newId,
  type AuditDraft,
  type PlanChange,
  type PlanRecord,
  type StepRecord,
} from '../store/plans.ts';
import { listModelCalls } from '../store/model-calls.ts';
import { databaseNow, type SqlRunner } from '../store/sql.ts';
import { statements, timerStatements, type DueTimer, type StepPatch } from '../store/statements.ts';
import type { Store } from '../store/store.ts';
import { keepsOutcome, leaseCleared } from './decisions.ts';
import { usd } from '../core/budgets.ts';
import { OperatorError } from '../core/errors.ts';
import { notice, type WaitKind } from './notices.ts';
import { artifactsOf, planAudit, recentPlans, showPlan, waitingItems, type PlanState } from './plan-reads.ts';
import { expandSteps, findStep, type WorkflowRegistry } from './registry.ts';
import { DONE_STEP_STATUSES, TERMINAL_STATUSES, type PlanStatus } from '../store/statuses.ts';
import type { EditField, RunnableStep, WorkflowDefinition } from './workflow.ts';

export type { PlanState } from './plan-reads.ts';

/** Who decides when a gate's deadline passes, in the audit and on the prompt. */
export const DEADLINE_ACTOR = 'deadline';

/** How a plan starts: who asked, where its messages go, what started it, and whether it is a dry run. */
export interface StartOptions {
  requestedBy: string;
  conversation?: unknown;
  trigger?: Record<string, unknown>;
  /** Every computation runs; actions only say what they would do (see Plan.dryRun). */
  dryRun?: boolean;
}

/** The escalation chain, one step per interval (src/conductor/deadlines.ts). */
export type EscalationStep = 'thread' | 'direct' | 'email';

export interface EscalationSettings {
  chain: readonly EscalationStep[];
  intervalMs: number;
  /** The workspace, linked from the e-mail. */
  workspaceUrl: string;
}

/** Another replica fired the timer's stage first (or it was snoozed): nothing to do. */
class TimerTaken extends Error {}


function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

const nextStep = (steps: StepRecord[], status: string) => steps.find((step) => step.status === status);
const planState = (planId: string) => ({ code: 'plan_state', planId }) as const;

export class Conductor {
  readonly store: Store;
  readonly workflows: WorkflowRegistry;
  /** Called after a change that makes a plan runnable, so an in-process worker wakes at once. */
  readonly #onRunnable: () => void;

  constructor(store: Store, workflows: WorkflowRegistry, onRunnable: () => void = () => undefined) {
    this.store = store;
    this.workflows = workflows;
    this.#onRunnable = onRunnable;
  }

  async start(
    workflowName: string,
    rawInput: unknown,
    options: StartOptions,
  ): Promise<PlanState> {
    const planId = await this.store.transaction((runner) => this.startWithin(runner, workflowName, rawInput, options));
    this.#onRunnable();
    return this.show(planId);
  }

  /**
   * Writes a new plan inside the caller's transaction, so a trigger's unique key (schedule and
   * fire time, webhook delivery) commits with the plan or not at all. The caller wakes the
   * worker (wake) once the transaction has committed.
   */
  async startWithin(
    runner: SqlRunner,
    workflowName: string,
    rawInput: unknown,
    options: StartOptions,
  ): Promise<string> {
    const definition = this.workflows.get(workflowName);
    const parsed = definition.input.safeParse(rawInput);
    if (!parsed.success) {
      throw new OperatorError(`The input for ${workflowName} is not valid: ${describeIssues(parsed.error)}.`, { code: 'invalid_input', workflow: workflowName });
    }
    const input = parsed.data;
    const steps = expandSteps(definition, input, []);
    const planId = newId('p');
    const now = new Date();
    const plan = { id: planId, workflow: definition.name, version: 1 };
    const trigger = options.trigger === undefined ? {} : { trigger: options.trigger };
    await insertPlan(
      runner,
      {
        id: planId,
        workflow: definition.name,
        status: 'running',
        version: 1,
        input: JSON.stringify(input),
        requestedBy: options.requestedBy,
        conversation: options.conversation === undefined ? null : JSON.stringify(options.conversation),
        trigger: options.trigger === undefined ? null : JSON.stringify(options.trigger),
        runAfter: databaseNow(),
        createdAt: now,
        updatedAt: now,
        dryRun: options.dryRun === true,
      },
      {
        newSteps: steps.map((step, position) => stepRow(step, position)),
        version: versionRow(1, input, steps, [], 'started', options.requestedBy),
        audit: [{ actor: options.requestedBy, action: 'plan.started', toStatus: 'running', detail: { input, ...trigger, ...(options.dryRun ? { dryRun: true } : {}) } }],
        notices: [notice('plan_started', plan, `${definition.name} ${options.dryRun ? 'dry run ' : ''}started with ${steps.length} steps`, trigger)],
      },
    );
    return planId;
  }

  /** Wakes an in-process worker after startWithin's transaction committed. */
  wake(): void {
    this.#onRunnable();
  }

  show(planId: string): Promise<PlanState> {
    return showPlan(this.store, planId);
  }

  list(filter: { statuses?: readonly PlanStatus[]; limit?: number } = {}) {
    return recentPlans(this.store, filter);
  }

  audit(planId: string) {
    return planAudit(this.store, planId);
  }

  /** `/op inbox`: every wait on the operator, the longest first. */
  waiting(limit?: number) {
    return waitingItems(this.store, limit);
  }

  /** The plan's model-backed calls (model or fallback path) with their redacted input and output. */
  async modelCalls(planId: string) {
    return listModelCalls(this.store, planId);
  }

  async effects(planId: string) {
    return this.store.transaction((runner) => listEffects(runner, planId));
  }

  approve(planId: string, actor: string, options: { reason?: string; version?: number } = {}) {
    return this.#decideGate(planId, actor, true, options);
  }

  deny(planId: string, actor: string, options: { reason?: string; version?: number } = {}) {
    return this.#decideGate(planId, actor, false, options);
  }

  answer(planId: string, actor: string, text: string, options: { version?: number } = {}) {
    return this.#change(planId, async ({ plan, steps }, definition) => {
      expectStatus(plan, 'waiting_answer', options.version);
      const step = nextStep(steps, 'waiting')!;
      const question = findStep(definition, plan.input, step.key);
      if (question?.kind !== 'question') throw new Error(`step ${step.key} of ${plan.id} is not a question`);
      const answer = parseAnswer(question.answer, text);
      if (!answer.success) {
        throw new OperatorError(`That answer does not fit: ${describeIssues(answer.error)}.`, { code: 'invalid_answer', planId: plan.id });
      }
      return {
        change: {
          plan: { status: 'running', runAfter: databaseNow() },
          steps: [{ id: step.id, fields: { status: 'completed', output: JSON.stringify(answer.data), finishedAt: new Date() } }],
          audit: [transition(actor, 'question.answered', plan.status, 'running', step, undefined, { answer: answer.data, ...waited(step) })],
          notices: [decision(plan, step, 'Answered', actor)],
          memories: [answerMemory(plan, step, answer.data, actor)],
        },
      };
    });
  }

  retry(planId: string, actor: string, reason?: string) {
    return this.#resolveHandBack(planId, actor, 'retry', reason);
  }

  skip(planId: string, actor: string, reason?: string) {
    return this.#resolveHandBack(planId, actor, 'skip', reason);
  }

  abort(planId: string, actor: string, reason?: string) {
    return this.#resolveHandBack(planId, actor, 'abort', reason);
  }

  /**
   * Continue at a budget hand-back: the plan may spend what it asked for (budgetAskUsd) beyond
   * the caps, on top of what it was allowed before, and its step runs again.
   */
  continue(planId: string, actor: string, reason?: string) {
    return this.#change(planId, async ({ plan, steps }) => {
      expectStatus(plan, 'needs_operator');
      const step = nextStep(steps, 'failed')!;
      if (plan.budgetAskUsd === null) {
        throw new OperatorError(`Plan ${plan.id} is not paused at a budget cap (${step.title} failed); retry, skip or abort it.`, planState(plan.id));
      }
      const allowanceUsd = plan.budgetAllowanceUsd + plan.budgetAskUsd;
      return {
        change: {
          plan: { status: 'running', runAfter: databaseNow(), budgetAllowanceUsd: allowanceUsd, budgetAskUsd: null },
          steps: [{ id: step.id, fields: { status: 'pending', waitingSince: null } }],
          audit: [transition(actor, 'budget.continued', plan.status, 'running', step, reason, { ...waited(step), moreUsd: plan.budgetAskUsd, allowanceUsd })],
          notices: [decision(plan, step, `Continued with ${usd(plan.budgetAskUsd)} more`, actor)],
        },
      };
    });
  }

  cancel(planId: string, actor: string, reason?: string) {
    return this.#change(planId, async (state, definition, runner) => {
      const { plan } = state;
      if (TERMINAL_STATUSES.includes(plan.status) || plan.status === 'compensating') {
        throw new OperatorError(`Plan ${plan.id} is already ${plan.status}; there is nothing to cancel.`, planState(plan.id));
      }
      return { change: await haltChange(runner, state, definition, 'cancelled', actor, 'plan.cancelled', reason), clearLease: true };
    });
  }

  /** A new version with a changed input and/or steps left out; the plan re-runs what changed. */
  edit(planId: string, actor: string, edit: { input?: Record<string, unknown>; omit?: string[] }) {
    return this.#change(planId, async ({ plan, steps }, definition, runner) => {
      expectEditable(plan);
      const current = await findVersion(runner, plan.id, plan.version);
      const input = edit.input ? { ...(plan.input as object), ...edit.input } : plan.input;
      const omitted = [...new Set([...(current?.omittedSteps ?? []), ...(edit.omit ?? [])])];
      return this.#newVersion(runner, { plan, steps }, definition, actor, input, omitted, 'plan.edited', 'edited');
    });
  }

  /**
   * Refuses as a decision would when the plan no longer waits for approval at that version, so a
   * form (Deny's reason) is not opened for a prompt that was already decided.
   */
  async expectApproval(planId: string, version?: number): Promise<void> {
    expectStatus((await this.show(planId)).plan, 'waiting_approval', version);
  }

  /** The form the Edit button opens: the waiting approval's editable fields with the plan's values. */
  async editForm(planId: string, version?: number): Promise<EditForm> {
    const { plan, steps } = await this.show(planId);
    expectStatus(plan, 'waiting_approval', version);
    const step = nextStep(steps, 'waiting')!;
    const fields = editableAt(findStep(this.workflows.get(plan.workflow), plan.input, step.key), { plan, steps });
    if (fields.length === 0) throw new OperatorError(`${step.title} has nothing to edit; approve or deny it.`, planState(plan.id));
    return { planId: plan.id, version: plan.version, stepKey: step.key, stepTitle: step.title, fields };
  }

  /**
   * Approve with changes: the submitted values (text, as forms give them) are checked against the
   * workflow's input contract, and a valid set makes a new version whose gate is approved, in one
   * audited decision. Made on the version the form was opened for, so a second submission of the
   * same form changes nothing.
   */
  approveWithChanges(planId: string, actor: string, submitted: { version: number; values: Record<string, string> }) {
    return this.#change(planId, async (state, definition, runner) => {
      const { plan, steps } = state;
      expectStatus(plan, 'waiting_approval', submitted.version);
      const step = nextStep(steps, 'waiting')!;
      const shown = editableAt(findStep(definition, plan.input, step.key), state);
      const input = submittedInput(definition, plan, shown.map((field) => field.name), submitted.values);
      const current = await findVersion(runner, plan.id, plan.version);
      const { change } = await this.#newVersion(runner, state, definition, actor, input, current?.omittedSteps ?? [], 'approval.granted_with_changes', 'approved with changes');
      // What the operator changed: each field whose submitted text differs from what the form showed.
      const changes = Object.fromEntries(
        shown.flatMap((field) => {
          const typed = submitted.values[field.name]?.trim();
          return typed === undefined || typed === field.value ? [] : [[field.name, { from: field.value, to: typed }]];
        }),
      );
      const output = { approved: true, by: actor, at: new Date().toISOString(), reason: 'approved with changes' };
      change.steps = change.steps!.map((entry) => (entry.id === step.id ? { id: step.id, fields: { ...entry.fields, status: 'completed', output: JSON.stringify(output), finishedAt: new Date(), waitingSince: null } } : entry));
      change.audit = [transition(actor, 'approval.granted_with_changes', plan.status, 'running', step, 'approved with changes', { ...waited(step), changes, fromVersion: plan.version })];
      change.notices = [decision(plan, step, 'Approved with changes', actor), ...change.notices!];
      change.memories = [decisionMemory({ ...plan, input }, step, 'Approved with changes', actor)];
      return { change, clearLease: true };
    });
  }

  /** Restores the input and steps of an earlier version, as a new version. */
  rollback(planId: string, actor: string, version: number) {
    return this.#change(planId, async ({ plan, steps }, definition, runner) => {
      expectEditable(plan);
      const target = await findVersion(runner, plan.id, version);
      if (!target || version === plan.version) {
        throw new OperatorError(`Plan ${plan.id} has no earlier version ${version} (it is at version ${plan.version}).`, { code: 'no_such_version', planId: plan.id });
      }
      return this.#newVersion(runner, { plan, steps }, definition, actor, target.input, target.omittedSteps, 'plan.rolled_back', `rollback to v${version}`);
    });
  }

  async #newVersion(
    runner: SqlRunner,
    { plan, steps }: PlanState,
    definition: WorkflowDefinition,
    actor: string,
    rawInput: unknown,
    omitted: string[],
    action: string,
    reason: string,
  ): Promise<{ change: PlanChange; clearLease: boolean }> {
    const parsed = definition.input.safeParse(rawInput);
    if (!parsed.success) {
      throw new OperatorError(`That input is not valid: ${describeIssues(parsed.error)}.`, { code: 'invalid_input', workflow: plan.workflow });
    }
    const input = parsed.data;
    const all = definition.plan(input);
    const unknownKeys = omitted.filter((key) => !all.some((step) => step.key === key));
    const gates = all.filter((step) => omitted.includes(step.key) && (step.kind === 'approval' || step.kind === 'question'));
    if (unknownKeys.length > 0 || gates.length > 0) {
      throw new OperatorError(
        unknownKeys.length > 0
          ? `Plan ${plan.id} has no step ${unknownKeys.join(', ')}.`
          : `Approval gates and questions cannot be left out (${gates.map((s) => s.key).join(', ')}).`,
        planState(plan.id),
      );
    }
    const expanded = expandSteps(definition, input, omitted);
    const version = (await latestVersionNumber(runner, plan.id)) + 1;
    const inputChanged = JSON.stringify(input) !== JSON.stringify(plan.input);
    const byKey = new Map(steps.map((step) => [step.key, step]));
    const change: PlanChange = { steps: [], newSteps: [] };
    expanded.forEach((definitionStep, position) => {
      const existing = byKey.get(definitionStep.key);
      if (!existing) {
        change.newSteps!.push(stepRow(definitionStep, position));
        return;
      }
      change.steps!.push({
        id: existing.id,
        fields: keepsOutcome(existing, inputChanged, action === 'approval.granted_with_changes')
          ? { position }
          : { position, title: definitionStep.title, status: 'pending', attempts: 0, output: null, lastError: null, waitingSince: null, finishedAt: null },
      });
    });
    for (const step of steps) {
      if (!expanded.some((s) => s.key === step.key) && !DONE_STEP_STATUSES.includes(step.status)) {
        change.steps!.push({ id: step.id, fields: { status: 'superseded', position: 1000 + step.position } });
      }
    }
    const next = { ...plan, version };
    return {
      clearLease: true,
      change: {
        ...change,
        plan: { status: 'running', version, input: JSON.stringify(input), runAfter: databaseNow() },
        version: versionRow(version, input, expanded, omitted, reason, actor),
        audit: [transition(actor, action, plan.status, 'running', undefined, reason, { fromVersion: plan.version, toVersion: version, input, omitted })],
        notices: [notice('plan_updated', next, `${plan.workflow} is now at version ${version} (${reason})`)],
      },
    };
  }

  #decideGate(planId: string, actor: string, approved: boolean, options: { reason?: string; version?: number }) {
    return this.#change(planId, (state, definition, runner) => this.#gateDecision(state, definition, runner, actor, approved, options));
  }

  async #gateDecision(state: PlanState, definition: WorkflowDefinition, runner: SqlRunner, actor: string, approved: boolean, options: { reason?: string; version?: number }): Promise<{ change: PlanChange }> {
    const { plan, steps } = state;
    expectStatus(plan, 'waiting_approval', options.version);
    const step = nextStep(steps, 'waiting')!;
    if (!approved) {
      const change = await haltChange(runner, state, definition, 'cancelled', actor, 'approval.denied', options.reason);
      change.steps = [{ id: step.id, fields: { status: 'denied', finishedAt: new Date() } }];
      change.audit![0] = { ...change.audit![0]!, stepKey: step.key, detail: waited(step) };
      change.notices!.unshift(decision(plan, step, 'Denied', actor, options.reason));
      change.memories = [decisionMemory(plan, step, 'Denied', actor, options.reason)];
      return { change };
    }
    const output = { approved: true, by: actor, at: new Date().toISOString(), reason: options.reason };
    return {
      change: {
        plan: { status: 'running', runAfter: databaseNow() },
        steps: [{ id: step.id, fields: { status: 'completed', output: JSON.stringify(output), finishedAt: new Date() } }],
        audit: [transition(actor, 'approval.granted', plan.status, 'running', step, options.reason, waited(step))],
        notices: [decision(plan, step, 'Approved', actor)],
        memories: [decisionMemory(plan, step, 'Approved', actor, options.reason)],
      },
    };
  }

  /**
   * A gate's deadline passed (src/conductor/deadlines.ts): its outcome, or the next step of its
   * escalation, in one transaction with the timer's compare-and-set, so it happens once however
   * many replicas see it due. False when another replica took it or the wait has ended.
   */
  async passDeadline(timer: DueTimer, escalation: EscalationSettings): Promise<boolean> {
    const last = timer.outcome !== 'escalate' || timer.stage + 1 >= escalation.chain.length;
    try {
      await this.#change(timer.planId, async (state, definition, runner) => {
        expectStatus(state.plan, timer.planStatus, timer.version);
        const step = nextStep(state.steps, 'waiting');
        if (step?.id !== timer.stepId) throw new TimerTaken();
        const advanced = await runner.execute(timerStatements.advanceTimer(timer.id, timer.stage, last ? 'done' : { stage: timer.stage + 1, dueInMs: escalation.intervalMs }));
        if (advanced !== 1) throw new TimerTaken();
        const passed = `no decision within the deadline${timer.rule ? ` (${timer.rule})` : ''}`;
        switch (timer.outcome) {
          case 'approve':
            return this.#gateDecision(state, definition, runner, DEADLINE_ACTOR, true, { reason: passed });
          case 'deny':
            if (state.plan.status === 'waiting_approval') return this.#gateDecision(state, definition, runner, DEADLINE_ACTOR, false, { reason: passed });
            return { change: await deniedQuestion(runner, state, definition, step, passed) };
          case 'hand-back':
            return { change: handedBack(state.plan, step, passed) };
          default:
            return { change: await escalationChange(runner, state.plan, step, escalation.chain[timer.stage]!, escalation.workspaceUrl) };
        }
      });
      return true;
    } catch (error) {
      if (error instanceof TimerTaken || error instanceof OperatorError) return false;
      throw error;
    }
  }

  /** Snooze: the plan's running deadline or escalation falls due again forMs from now. */
  snooze(planId: string, actor: string, options: { forMs: number; version?: number }) {
    return this.#change(planId, async ({ plan, steps }, _definition, runner) => {
      if (options.version !== undefined && options.version !== plan.version) expectStatus(plan, plan.status, options.version);
      const step = nextStep(steps, 'waiting');
      const snoozed = step ? await runner.execute(timerStatements.snoozeTimer(plan.id, options.forMs)) : 0;
      if (!step || snoozed === 0) {
        throw new OperatorError(`Plan ${plan.id} has no deadline running (it is ${plan.status.replace('_', ' ')}); there is nothing to snooze.`, planState(plan.id));
      }
      return {
        change: {
          audit: [transition(actor, 'deadline.snoozed', plan.status, plan.status, step, undefined, { forMinutes: Math.round(options.forMs / 60_000) })],
        },
      };
    });
  }

  #resolveHandBack(planId: string, actor: string, choice: 'retry' | 'skip' | 'abort', reason?: string) {
    return this.#change(planId, async (state, definition, runner) => {
      const { plan, steps } = state;
      expectStatus(plan, 'needs_operator');
      const step = nextStep(steps, 'failed')!;
      if (choice === 'abort') {
        const change = await haltChange(runner, state, definition, 'failed', actor, 'plan.aborted', reason);
        change.audit![0] = { ...change.audit![0]!, stepKey: step.key, detail: waited(step) };
        change.notices!.unshift(decision(plan, step, 'Aborted', actor));
        return { change };
      }
      const fields: StepPatch =
        choice === 'retry'
          ? { status: 'pending', attempts: 0, waitingSince: null }
          : { status: 'skipped', finishedAt: new Date(), waitingSince: null };
      return {
        change: {
          plan: { status: 'running', runAfter: databaseNow(), budgetAskUsd: null },
          steps: [{ id: step.id, fields }],
          audit: [transition(actor, `step.${choice === 'retry' ? 'retried' : 'skipped'}`, plan.status, 'running', step, reason, waited(step))],
          notices: [decision(plan, step, choice === 'retry' ? 'Retried' : 'Skipped', actor)],
        },
      };
    });
  }

  /**
   * Loads the plan, lets decide validate the request and describe the change, and commits it
   * guarded by the status and version it was decided on: of two concurrent clicks one wins,
   * the other hears that the plan moved on.
   */
  async #change(
    planId: string,
    decide: (state: PlanState, definition: WorkflowDefinition, runner: SqlRunner) => Promise<{ change: PlanChange; clearLease?: boolean }>,
  ): Promise<PlanState> {
    await this.store.transaction(async (runner) => {
      const state = await findPlan(runner, planId);
      if (!state) throw new OperatorError(`There is no plan ${planId}.`, { code: 'plan_not_found', planId });
      const definition = this.workflows.get(state.plan.workflow);
      const { change, clearLease } = await decide(state, definition, runner);
      // A dry run leaves nothing behind: its answers and decisions are not remembered.
      if (state.plan.dryRun) delete change.memories;
      if (clearLease) change.plan = { ...change.plan, ...leaseCleared };
      const applied = await commitPlanChange(runner, planId, { status: state.plan.status, version: state.plan.version }, change);
      if (!applied) throw new OperatorError(`Plan ${planId} changed while this request was made; nothing was done.`, planState(planId));
    });
    this.#onRunnable();
    return this.show(planId);
  }
}

function expectStatus(plan: PlanRecord, status: PlanStatus, version?: number): void {
  if (version !== undefined && version !== plan.version) {
    throw new OperatorError(
      `That request was for version ${version} of plan ${plan.id}, which has since become version ${plan.version}; nothing was done.`,
      planState(plan.id),
    );
  }
  if (plan.status !== status) {
    throw new OperatorError(`Plan ${plan.id} is ${plan.status.replace('_', ' ')}, not ${status.replace('_', ' ')}; nothing was done.`, planState(plan.id));
  }
}

function expectEditable(plan: PlanRecord): void {
  if (TERMINAL_STATUSES.includes(plan.status) || plan.status === 'compensating') {
    throw new OperatorError(`Plan ${plan.id} is ${plan.status}; only plans still under way can be edited or rolled back.`, planState(plan.id));
  }
}

/** Answers arrive as text; a structured contract also accepts JSON. */
function parseAnswer(schema: z.ZodType, text: string) {
  const asText = schema.safeParse(text.trim());
  if (asText.success) return asText;
  try {
    const asJson = schema.safeParse(JSON.parse(text));
    return asJson.success ? asJson : asText;
  } catch {
    return asText;
  }
}

/** What the Edit button opens (Conductor.editForm). */
export interface EditForm {
  planId: string;
  version: number;
  stepKey: string;
  stepTitle: string;
  fields: EditField[];
}

/** The fields an approval's Edit form shows, with the plan's values; none when the gate has nothing to edit. */
function editableAt(gate: RunnableStep | undefined, { plan, steps }: PlanState): EditField[] {
  return gate?.kind === 'approval' && gate.edits ? gate.edits({ input: plan.input, artifacts: artifactsOf(steps) }) : [];
}

/** A copy of the input with the value at path replaced. */
function withValueAt(input: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split('.');
  if (rest.length === 0) return { ...input, [key!]: value };
  const inner = input[key!];
  return { ...input, [key!]: withValueAt(inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>) : {}, rest.join('.'), value) };
}

/**
 * The plan's input with a form's values in place, each read as text first and as JSON (numbers,
 * booleans) when text does not fit; what still does not fit is reported per field.
 */
function submittedInput(definition: WorkflowDefinition, plan: PlanRecord, edits: readonly string[], values: Record<string, string>): Record<string, unknown> {
  const unknownFields = Object.keys(values).filter((name) => !edits.includes(name));
  if (unknownFields.length > 0) {
    throw new OperatorError(`${unknownFields.join(', ')} cannot be changed at this gate; nothing was done.`, { code: 'invalid_fields', planId: plan.id, fields: Object.fromEntries(unknownFields.map((name) => [name, 'not editable here'])) });
  }
  let input = Object.entries(values).reduce((edited, [path, raw]) => withValueAt(edited, path, raw.trim()), { ...(plan.input as Record<string, unknown>) });
  const first = definition.input.safeParse(input);
  if (first.success) return input;
  for (const issue of first.error.issues) {
    const path = issue.path.join('.');
    if (!(path in values)) continue;
    try {
      input = withValueAt(input, path, JSON.parse(values[path]!));
    } catch {
      // stays text; its error is reported below
    }
  }
  const second = definition.input.safeParse(input);
  if (second.success) return input;
  const fields: Record<string, string> = {};
  for (const issue of second.error.issues) fields[issue.path.join('.')] ??= issue.message;
  throw new OperatorError(`Those values do not fit: ${describeIssues(second.error)}. Nothing was done.`, { code: 'invalid_fields', planId: plan.id, fields });
}

/** A question nobody answered by its deadline, whose outcome is deny: the plan is cancelled. */
async function deniedQuestion(runner: SqlRunner, state: PlanState, definition: WorkflowDefinition, step: StepRecord, reason: string): Promise<PlanChange> {
  const change = await haltChange(runner, state, definition, 'cancelled', DEADLINE_ACTOR, 'question.expired', reason);
  change.steps = [{ id: step.id, fields: { status: 'denied', finishedAt: new Date() } }];
  change.audit![0] = { ...change.audit![0]!, stepKey: step.key, detail: waited(step) };
  change.notices!.unshift(decision(state.plan, step, 'Expired', DEADLINE_ACTOR));
  return change;
}

/** A gate nobody decided by its deadline, handed back: the operator retries (asks again), skips or aborts. */
function handedBack(plan: PlanRecord, step: StepRecord, reason: string): PlanChange {
  const text = `${step.title}: ${reason}`;
  return {
    plan: { status: 'needs_operator' },
    steps: [{ id: step.id, fields: { status: 'failed', lastError: text, waitingSince: databaseNow() } }],
    audit: [transition(DEADLINE_ACTOR, 'deadline.handed_back', plan.status, 'needs_operator', step, reason, waited(step))],
    notices: [decision(plan, step, 'Handed back', DEADLINE_ACTOR), notice('needs_operator', plan, `${text}. Retry asks again.`, { stepKey: step.key, stepTitle: step.title })],
  };
}

const WAIT_KIND: Partial<Record<string, WaitKind>> = { waiting_approval: 'approval', waiting_answer: 'question' };

/** One step down the escalation chain: the reminder in the thread, a direct message, an e-mail. */
async function escalationChange(runner: SqlRunner, plan: PlanRecord, step: StepRecord, via: EscalationStep, workspaceUrl: string): Promise<PlanChange> {
  const requested = (await runner.query(statements.audit(plan.id))).filter((entry) => entry.stepKey === step.key && /^(approval\.requested|question\.asked)$/.test(entry.action)).at(-1);
  const prompt = (requested?.detail ? (JSON.parse(requested.detail) as { prompt?: string }).prompt : undefined) ?? step.title;
  const payload = {
    stepKey: step.key,
    stepTitle: step.title,
    waitKind: WAIT_KIND[plan.status] ?? 'question',
    waitingSince: (step.waitingSince ?? new Date()).toISOString(),
    requestedBy: plan.requestedBy,
    snoozable: true,
    link: `${workspaceUrl.replace(/\/$/, '')}/#${plan.id}`,
  };
  return {
    audit: [transition(DEADLINE_ACTOR, `escalation.${via}`, plan.status, plan.status, step, undefined, { ...waited(step), to: via === 'thread' ? 'thread' : plan.requestedBy })],
    notices: [via === 'thread' ? notice('reminder', plan, prompt, payload) : notice('escalation', plan, prompt, { ...payload, escalation: via })],
  };
}

/** Tells the conversation who decided a waiting step, and why when they said, so the prompt can show the outcome. */
function decision(plan: PlanRecord, step: StepRecord, outcome: string, actor: string, reason?: string) {
  const why = reason?.trim() || undefined;
  return notice('decision', plan, `${step.title}: ${outcome.toLowerCase()} by ${actor}${why ? `: ${why}` : ''}`, { stepKey: step.key, outcome, actor, at: new Date().toISOString(), ...(why ? { reason: why } : {}) });
}

function waited(step: StepRecord): { waitedMs?: number } {
  return step.waitingSince ? { waitedMs: Date.now() - step.waitingSince.getTime() } : {};
}

function transition(
  actor: string,
  action: string,
  fromStatus: string,
  toStatus: string,
  step?: StepRecord,
  reason?: string,
  detail?: unknown,
): AuditDraft {
  return { actor, action, fromStatus, toStatus, stepKey: step?.key, reason, detail };
}

function stepRow(step: RunnableStep, position: number): NonNullable<PlanChange['newSteps']>[number] {
  return { id: newId('s'), position, key: step.key, kind: step.kind, title: step.title, status: 'pending', attempts: 0 };
}

function versionRow(version: number, input: unknown, steps: RunnableStep[], omitted: string[], reason: string, actor: string): NonNullable<PlanChange['version']> {
  return {
    version,
    input: JSON.stringify(input),
    stepKeys: JSON.stringify(steps.map((step) => step.key)),
    omittedSteps: JSON.stringify(omitted),
    reason,
    createdBy: actor,
  };
}

const isCompensable = (step: RunnableStep | undefined) => step?.kind === 'action' && step.executor.compensable;

/**
 * Stops a plan for good. Performed actions that can be undone are compensated first (the plan
 * goes to compensating and a worker undoes them, newest first); otherwise it ends at outcome.
 */
export async function haltChange(
  runner: SqlRunner,
  { plan }: PlanState,
  definition: WorkflowDefinition,
  outcome: 'cancelled' | 'failed',
  actor: string,
  action: string,
  reason?: string,
): Promise<PlanChange> {
  const effects = await listEffects(runner, plan.id);
  const undoable = effects.filter(
    (effect) =>
      (effect.status === 'applied' || effect.status === 'started') &&
      isCompensable(findStep(definition, plan.input, effect.stepKey)),
  );
  const status = undoable.length > 0 ? 'compensating' : outcome;
  return {
    plan: status === 'compensating' ? { status, runAfter: databaseNow() } : { status, finishedAt: new Date() },
    audit: [{ actor, action, fromStatus: plan.status, toStatus: status, reason }],
    notices: [
      notice(status === 'compensating' ? 'cancelled' : outcome, plan, `${plan.workflow} ${outcome === 'failed' ? 'aborted' : 'cancelled'} by ${actor}${reason ? `: ${reason}` : ''}${status === 'compensating' ? `; undoing ${undoable.length} action(s)` : ''}`),
    ],
  };
}
