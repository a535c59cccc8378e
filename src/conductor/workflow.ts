// The vocabulary workflows are written in. A workflow expands its input into an explicit list
// of steps; each step has a kind, zod contracts and a retry policy. Side effects happen only in
// action executors, which receive an idempotency key and may offer a compensation.
//
// Two views of a step. A workflow file writes typed steps (`stepsFor(Input).extract({...})`):
// its input is the workflow's parsed input and `ctx.output(earlierStep)` returns that step's
// output with its type, the way a Temporal workflow reads an activity's result. The conductor
// runs the same steps with those types closed over (`RunnableStep`): it only ever handles
// checkpointed JSON, so it needs no type of any workflow.
import { z } from 'zod';
import type { RetryPolicy } from './retry.ts';
import type { StepServices } from '../core/services.ts';

export const STEP_KINDS = ['extract', 'validate', 'transform', 'action', 'approval', 'question'] as const;
export type StepKind = (typeof STEP_KINDS)[number];
type ComputeKind = 'extract' | 'validate' | 'transform';

/** A step whose output later steps can read: its key and the contract of what it produces. */
export interface Produces<Out> {
  readonly key: string;
  readonly produces: z.ZodType<Out>;
}

/** What a step sees: the plan's input, its workflow's settings and the outputs of the steps before it, typed. */
export interface StepContext<Input = unknown, Settings = unknown> {
  readonly planId: string;
  readonly workflow: string;
  readonly stepKey: string;
  readonly input: Input;
  /** The workflow's own settings (see stepsWithSettings), read from the operator's configuration. */
  readonly settings: Settings;
  /** Memory recall, model calls and gapless numbers (src/core/services.ts). */
  readonly services: StepServices;
  /** The output of an earlier step; an error when it has not completed (it comes later, or was skipped). */
  output<Out>(step: Produces<Out>): Out;
  /** The output of an earlier step that may have been skipped (its `when` did not hold). */
  outputIfRan<Out>(step: Produces<Out>): Out | undefined;
}

/** The context the conductor builds from a plan's checkpoints. */
export interface RunContext {
  readonly planId: string;
  readonly workflow: string;
  readonly stepKey: string;
  readonly input: unknown;
  /** Completed steps' outputs by key, as checkpointed (each parsed by its step's contract before it was committed). */
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly services: StepServices;
  /** The operator's configuration (src/config): each workflow's settings schema reads its own part of it. */
  readonly configuration: Readonly<Record<string, unknown>>;
  /** A dry run: actions say what they would do instead of doing it, and approvals pass unasked. */
  readonly dryRun: boolean;
}

export interface EffectContext {
  /** The same for every attempt of the step, before and after a crash: pass it downstream. */
  readonly idempotencyKey: string;
  /**
   * Only when undoing: the key for the undo's own downstream calls (a refund, a void), the same
   * for every attempt of the undo. idempotencyKey stays the key the effect was performed under.
   */
  readonly compensationKey?: string;
  readonly signal: AbortSignal;
  /** Where executors that write files keep them (DATA_DIR). */
  readonly dataDir: string;
  readonly services: StepServices;
}

/**
 * The effects ledger's row of the action being performed. An effect that an outside system
 * cannot be asked about afterwards (an SMTP server) records its proof here the moment it has it,
 * in its own commit before the step's checkpoint; a resumed attempt finds it and does nothing.
 */
export interface EffectLedger {
  /** What an earlier attempt recorded with recordReceipt before it could checkpoint; null if none. */
  readonly receipt: unknown;
  /** Commits proof that the effect happened to the ledger now (throws if the plan's lease was lost). */
  recordReceipt(receipt: unknown): Promise<void>;
}

/** What perform gets: the effect's context and its ledger row. */
export type PerformContext = EffectContext & { readonly ledger: EffectLedger };

/** What a preview may read: the step's key and the configured services, never to call them. */
export type PreviewContext = Pick<EffectContext, 'idempotencyKey' | 'services'>;

/** What an action would do, for a dry run: a sentence, and an output of its contract for the steps after it. */
export interface Preview<Out> {
  says: string;
  output: Out;
}

/** The only place side effects happen. perform must be idempotent per idempotencyKey. */
export interface ActionExecutor<In = unknown, Out = unknown> {
  name: string;
  /**
   * Its output is a memory already (it writes one): the worker does not also remember the
   * step's completion, as it does for every other action.
   */
  writesMemory?: boolean;
  input: z.ZodType<In>;
  output: z.ZodType<Out>;
  perform: (value: In, effect: PerformContext) => Promise<Out>;
  /** What perform would do with value, doing none of it: no file, no message, no call, no number taken. */
  preview: (value: In, effect: PreviewContext) => Preview<Out>;
  /**
   * Undoes perform. result is null when the plan stopped between perform and its checkpoint,
   * so the effect may or may not have happened: compensate must tolerate both.
   */
  compensate?: (value: In, result: Out | null, effect: EffectContext & { compensationKey: string }) => Promise<void>;
}

interface StepBase<Input, Settings> {
  key: string;
  title: string;
  /** The step runs only when this holds; otherwise it is recorded as skipped. */
  when?: (ctx: StepContext<Input, Settings>) => boolean;
  retry?: Partial<RetryPolicy>;
}

/** extract, validate, transform: pure computation from the input and earlier outputs to a new one. */
interface ComputeStep<Input, Settings, In, Out> extends StepBase<Input, Settings> {
  input: z.ZodType<In>;
  output: z.ZodType<Out>;
  from: (ctx: StepContext<Input, Settings>) => unknown;
  run: (value: In, ctx: StepContext<Input, Settings> & { signal: AbortSignal }) => Out | Promise<Out>;
}

interface ActionStep<Input, Settings, In, Out> extends StepBase<Input, Settings> {
  executor: ActionExecutor<In, Out>;
  from: (ctx: StepContext<Input, Settings>) => unknown;
}

/**
 * What a gate (approval or question) does when nobody decided within its deadline: deny (the
 * plan is cancelled), hand back (retry, skip or abort), or escalate (a reminder in the thread,
 * then a direct message, then an e-mail, one per ESCALATION_INTERVAL_MINUTES).
 */
export const DEADLINE_OUTCOMES = ['deny', 'hand-back', 'escalate'] as const;
export type DeadlineOutcome = (typeof DEADLINE_OUTCOMES)[number];

/** A gate's deadline; a workflow's gateDeadline is the default of its gates. */
export interface GateDeadline {
  afterMinutes: number;
  then: DeadlineOutcome;
}

/** An approval's deadline may approve instead when a rule holds on the plan (an amount below a limit). */
interface ApprovalDeadline<Input, Settings> extends GateDeadline {
  approveWhen?: { rule: string; holds: (ctx: StepContext<Input, Settings>) => boolean };
}

/** The plan stops until an operator approves or denies what the summary describes. */
interface ApprovalStep<Input, Settings> extends StepBase<Input, Settings> {
  summary: (ctx: StepContext<Input, Settings>) => string;
  deadline?: ApprovalDeadline<Input, Settings>;
  /**
   * What the operator may change at this gate (Edit): input fields, each with the value its form
   * field shows (what the plan will use, whether read, remembered or answered). A valid submission
   * makes a new version with them and approves it.
   */
  edits?: { readonly [Path in EditablePath<Input>]?: { label: string; value: (plan: PlanReads<Input>) => string; multiline?: boolean } };
}

/** One field of an Edit form: the input path it changes, its label and the value it shows (in a text area when multiline). */
export interface EditField {
  name: string;
  label: string;
  value: string;
  multiline?: boolean;
}

/** An input field, or a field of an input object ("customer.email"): what an approval's Edit may change. */
export type EditablePath<Input> = {
  [Key in keyof Input & string]: Key | (NonNullable<Input[Key]> extends readonly unknown[] ? never : NonNullable<Input[Key]> extends object ? `${Key}.${keyof NonNullable<Input[Key]> & string}` : never);
}[keyof Input & string];

/** A plan's checkpoints as an Edit form reads them: its input and the outputs of the steps that completed. */
export type PlanReads<Input> = Pick<StepContext<Input>, 'input' | 'output' | 'outputIfRan'>;

/** What the conductor reads a plan's values from, outside a running step. */
export type Checkpoints = Pick<RunContext, 'input' | 'artifacts'>;

/** The plan stops until an operator answers; the answer is checked against its contract. */
interface QuestionStep<Input, Settings, Answer> extends StepBase<Input, Settings> {
  ask: (ctx: StepContext<Input, Settings>) => string;
  answer: z.ZodType<Answer>;
  deadline?: GateDeadline;
}

export const ApprovalOutput = z.object({
  approved: z.literal(true),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
});
export type ApprovalOutput = z.infer<typeof ApprovalOutput>;

interface RunnableBase {
  kind: StepKind;
  key: string;
  title: string;
  retry?: Partial<RetryPolicy>;
  when?: (ctx: RunContext) => boolean;
}

/** An executor as the conductor calls it: its input computed from the plan, its result as checkpointed. */
export interface RunnableAction extends RunnableBase {
  kind: 'action';
  executor: { name: string; compensable: boolean; writesMemory: boolean };
  perform: (ctx: RunContext, effect: PerformContext) => Promise<unknown>;
  preview: (ctx: RunContext, effect: PreviewContext) => Preview<unknown>;
  compensate: (ctx: RunContext, result: unknown, effect: EffectContext & { compensationKey: string }) => Promise<void>;
}

/** A gate's deadline as the conductor evaluates it when the wait begins. */
export interface RunnableDeadline extends GateDeadline {
  approveWhen?: { rule: string; holds: (ctx: RunContext) => boolean };
}

/** A step as the conductor runs it. */
export type RunnableStep =
  | (RunnableBase & { kind: ComputeKind; compute: (ctx: RunContext, signal: AbortSignal) => Promise<unknown> })
  | RunnableAction
  | (RunnableBase & { kind: 'approval'; summary: (ctx: RunContext) => string; deadline?: RunnableDeadline; edits?: (plan: Checkpoints) => EditField[] })
  | (RunnableBase & { kind: 'question'; ask: (ctx: RunContext) => string; answer: z.ZodType<unknown>; deadline?: RunnableDeadline });

/** A typed step: what the conductor runs, plus the contract of what it produces for later steps. */
export type Step<Out> = RunnableStep & Produces<Out>;

export interface WorkflowDefinition {
  name: string;
  description: string;
  input: z.ZodType;
  /** The input field that free text after `/op start <workflow>` fills. */
  freeTextField?: string;
  /** Expands an input into the plan's steps, in order; a pure function of the input. */
  plan: (input: unknown) => RunnableStep[];
}

/**
 * Reading a checkpoint back: runStep parsed every output with its step's contract before the
 * checkpoint committed it, so a stored artifact is that contract's output. This is the one place
 * where a type comes back from JSON, as a Temporal payload converter's does.
 */
function checkpointed<Out>(plan: Checkpoints, step: Produces<Out>): Out | undefined {
  return Object.hasOwn(plan.artifacts, step.key) ? (plan.artifacts[step.key] as Out) : undefined;
}

/** The settings of a workflow that declares none. */
const NO_SETTINGS = z.object({});

/**
 * The step builders of a workflow whose input has this schema. The input of a running plan was
 * parsed by the schema when the plan started or was edited; each step sees it parsed again, so a
 * plan written by an earlier version of the workflow fails loudly instead of with a wrong type.
 */
export const stepsFor = <Schema extends z.ZodType>(inputSchema: Schema) => stepsWithSettings(inputSchema, NO_SETTINGS);

/**
 * stepsFor, for a workflow that owns settings: its schema names the environment variables it
 * reads (src/config/config.ts validates them at start-up with the rest), and each step sees them
 * parsed by it as ctx.settings, so the conductor carries no workflow's setting of its own.
 */
export function stepsWithSettings<Schema extends z.ZodType, SettingsSchema extends z.ZodType>(inputSchema: Schema, settingsSchema: SettingsSchema) {
  type Input = z.output<Schema>;
  type Settings = z.output<SettingsSchema>;
  const typed = new WeakMap<RunContext, StepContext<Input, Settings>>();
  const reads = (plan: Checkpoints, reader: string): PlanReads<Input> => ({
    input: inputSchema.parse(plan.input),
    output: (step) => {
      const value = checkpointed(plan, step);
      if (value === undefined) throw new Error(`${reader} reads the output of "${step.key}", which has not completed; a step can only read steps before it that ran`);
      return value;
    },
    outputIfRan: (step) => checkpointed(plan, step),
  });
  const typedContext = (ctx: RunContext): StepContext<Input, Settings> => {
    let view = typed.get(ctx);
    if (!view) {
      view = {
        ...reads(ctx, `step "${ctx.stepKey}"`),
        planId: ctx.planId,
        workflow: ctx.workflow,
        stepKey: ctx.stepKey,
        settings: settingsSchema.parse(ctx.configuration),
        services: ctx.services,
      };
      typed.set(ctx, view);
    }
    return view;
  };
  const base = (step: StepBase<Input, Settings>) => ({
    key: step.key,
    title: step.title,
    retry: step.retry,
    when: step.when && ((ctx: RunContext) => step.when!(typedContext(ctx))),
  });
  const compute =
    (kind: ComputeKind) =>
    <In, Out>(step: ComputeStep<Input, Settings, In, Out>): Step<Out> => ({
      ...base(step),
      kind,
      produces: step.output,
      compute: async (ctx, signal) => {
        const view = typedContext(ctx);
        return step.output.parse(await step.run(step.input.parse(step.from(view)), { ...view, signal }));
      },
    });
  return {
    extract: compute('extract'),
    validate: compute('validate'),
    transform: compute('transform'),
    action: <In, Out>(step: ActionStep<Input, Settings, In, Out>): Step<Out> => {
      const { executor } = step;
      const valueFor = (ctx: RunContext) => executor.input.parse(step.from(typedContext(ctx)));
      return {
        ...base(step),
        kind: 'action',
        produces: executor.output,
        executor: { name: executor.name, compensable: executor.compensate !== undefined, writesMemory: executor.writesMemory === true },
        perform: async (ctx, effect) => executor.output.parse(await executor.perform(valueFor(ctx), effect)),
        preview: (ctx, effect) => {
          const { says, output } = executor.preview(valueFor(ctx), effect);
          return { says, output: executor.output.parse(output) };
        },
        compensate: async (ctx, result, effect) => {
          if (!executor.compensate) return;
          await executor.compensate(valueFor(ctx), result === null ? null : executor.output.parse(result), effect);
        },
      };
    },
    approval: (step: ApprovalStep<Input, Settings>): Step<ApprovalOutput> => {
      const { deadline, edits } = step;
      type Editable = { label: string; value: (plan: PlanReads<Input>) => string; multiline?: boolean };
      const approveWhen = deadline?.approveWhen;
      return {
        ...base(step),
        kind: 'approval',
        produces: ApprovalOutput,
        summary: (ctx) => step.summary(typedContext(ctx)),
        ...(edits
          ? {
              edits: (plan: Checkpoints) => {
                const view = reads(plan, `the Edit form of "${step.key}"`);
                return Object.entries<Editable | undefined>(edits).flatMap(([name, field]) => (field ? [{ name, label: field.label, value: field.value(view), ...(field.multiline ? { multiline: true } : {}) }] : []));
              },
            }
          : {}),
        ...(deadline
          ? { deadline: { afterMinutes: deadline.afterMinutes, then: deadline.then, ...(approveWhen ? { approveWhen: { rule: approveWhen.rule, holds: (ctx: RunContext) => approveWhen.holds(typedContext(ctx)) } } : {}) } }
          : {}),
      };
    },
    question: <Answer>(step: QuestionStep<Input, Settings, Answer>): Step<Answer> => ({
      ...base(step),
      kind: 'question',
      produces: step.answer,
      answer: step.answer,
      ask: (ctx) => step.ask(typedContext(ctx)),
      ...(step.deadline ? { deadline: { afterMinutes: step.deadline.afterMinutes, then: step.deadline.then } } : {}),
    }),
  };
}

/** A gate without a deadline of its own takes the workflow's. */
const withDefaultDeadline = (step: RunnableStep, fallback: GateDeadline | undefined): RunnableStep =>
  fallback && (step.kind === 'approval' || step.kind === 'question') && !step.deadline ? { ...step, deadline: fallback } : step;

/** A workflow: its input schema, and the steps it expands into for a parsed input. */
export function defineWorkflow<Schema extends z.ZodType>(definition: {
  name: string;
  description: string;
  input: Schema;
  freeTextField?: keyof z.output<Schema> & string;
  /** The deadline of every approval and question that sets none of its own. */
  gateDeadline?: GateDeadline;
  plan: (input: z.output<Schema>) => RunnableStep[];
}): WorkflowDefinition {
  const { gateDeadline, ...rest } = definition;
  return { ...rest, plan: (input) => definition.plan(definition.input.parse(input)).map((step) => withDefaultDeadline(step, gateDeadline)) };
}
