// The vocabulary workflows are written in. A workflow expands its input into an explicit list
// of steps; each step has a kind, zod contracts and a retry policy. Side effects happen only in
// action executors, which receive an idempotency key and may offer a compensation.
import { z } from 'zod';
import type { RetryPolicy } from './retry.ts';
import type { StepServices } from './services.ts';

export const STEP_KINDS = ['extract', 'validate', 'transform', 'action', 'approval', 'question'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** What a step sees: the plan's input and the outputs of the steps before it, by key. */
export interface StepContext<PlanInput = unknown> {
  readonly planId: string;
  readonly workflow: string;
  readonly stepKey: string;
  readonly input: PlanInput;
  readonly artifacts: Readonly<Record<string, unknown>>;
  /** Memory recall, model calls and gapless numbers (src/conductor/services.ts). */
  readonly services: StepServices;
}

interface StepBase<PlanInput> {
  key: string;
  title: string;
  /** The step runs only when this holds; otherwise it is recorded as skipped. */
  when?: (ctx: StepContext<PlanInput>) => boolean;
  retry?: Partial<RetryPolicy>;
}

/** extract, validate, transform: pure computation from earlier artifacts to a new one. */
export interface ComputeStep<PlanInput, In = unknown, Out = unknown> extends StepBase<PlanInput> {
  kind: 'extract' | 'validate' | 'transform';
  input: z.ZodType<In>;
  output: z.ZodType<Out>;
  from: (ctx: StepContext<PlanInput>) => unknown;
  run: (value: In, ctx: StepContext<PlanInput> & { signal: AbortSignal }) => Out | Promise<Out>;
}

export interface EffectContext {
  /** The same for every attempt of the step, before and after a crash: pass it downstream. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
  /** Where executors that write files keep them (DATA_DIR). */
  readonly dataDir: string;
  readonly services: StepServices;
}

/** The only place side effects happen. perform must be idempotent per idempotencyKey. */
export interface ActionExecutor<In = unknown, Out = unknown> {
  name: string;
  input: z.ZodType<In>;
  output: z.ZodType<Out>;
  perform: (value: In, effect: EffectContext) => Promise<Out>;
  /**
   * Undoes perform. result is null when the plan stopped between perform and its checkpoint,
   * so the effect may or may not have happened: compensate must tolerate both.
   */
  compensate?: (value: In, result: Out | null, effect: EffectContext) => Promise<void>;
}

export interface ActionStep<PlanInput, In = unknown, Out = unknown> extends StepBase<PlanInput> {
  kind: 'action';
  executor: ActionExecutor<In, Out>;
  from: (ctx: StepContext<PlanInput>) => unknown;
}

/** The plan stops until an operator approves or denies what the summary describes. */
export interface ApprovalStep<PlanInput> extends StepBase<PlanInput> {
  kind: 'approval';
  summary: (ctx: StepContext<PlanInput>) => string;
}

/** The plan stops until an operator answers; the answer is checked against its contract. */
export interface QuestionStep<PlanInput, Answer = unknown> extends StepBase<PlanInput> {
  kind: 'question';
  ask: (ctx: StepContext<PlanInput>) => string;
  answer: z.ZodType<Answer>;
}

export type StepDefinition<PlanInput = unknown> =
  | ComputeStep<PlanInput>
  | ActionStep<PlanInput>
  | ApprovalStep<PlanInput>
  | QuestionStep<PlanInput>;

export interface WorkflowDefinition<PlanInput = unknown> {
  name: string;
  description: string;
  input: z.ZodType<PlanInput>;
  /** The input field that free text after `/op start <workflow>` fills. */
  freeTextField?: string;
  /** Expands an input into the plan's steps, in order; a pure function of the input. */
  plan: (input: PlanInput) => StepDefinition<PlanInput>[];
}

export const ApprovalOutput = z.object({
  approved: z.literal(true),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
});
export type ApprovalOutput = z.infer<typeof ApprovalOutput>;

// Builders: they only fix the kind, so a workflow file reads as a list of named steps while
// the contracts stay typed end to end.
type Without<T, K extends keyof T> = Omit<T, K>;

export const extract = <P, I, O>(step: Without<ComputeStep<P, I, O>, 'kind'>) =>
  ({ ...step, kind: 'extract' }) as unknown as StepDefinition<P>;
export const validate = <P, I, O>(step: Without<ComputeStep<P, I, O>, 'kind'>) =>
  ({ ...step, kind: 'validate' }) as unknown as StepDefinition<P>;
export const transform = <P, I, O>(step: Without<ComputeStep<P, I, O>, 'kind'>) =>
  ({ ...step, kind: 'transform' }) as unknown as StepDefinition<P>;
export const action = <P, I, O>(step: Without<ActionStep<P, I, O>, 'kind'>) =>
  ({ ...step, kind: 'action' }) as unknown as StepDefinition<P>;
export const approval = <P>(step: Without<ApprovalStep<P>, 'kind'>): StepDefinition<P> => ({ ...step, kind: 'approval' });
export const question = <P, A>(step: Without<QuestionStep<P, A>, 'kind'>) =>
  ({ ...step, kind: 'question' }) as unknown as StepDefinition<P>;

export const defineWorkflow = <P>(definition: WorkflowDefinition<P>) => definition as unknown as WorkflowDefinition;
