// The benchmark workflow: five trivial transform steps in a line, the same shape as the LangGraph
// baseline's graph (bench/baselines/langgraph-sqlite.ts: n1 -> n2 -> n3 -> n4 -> n5, each node
// appends its name to `visited`). The work per step is negligible, so the benchmark measures the
// conductor's overhead per durable step: claim, run, checkpoint.
import { z } from 'zod';
import { defineWorkflow, stepsFor, type Step } from '../src/conductor/workflow.ts';

export const BENCH_WORKFLOW = 'bench-linear-5';
export const BENCH_STEP_KEYS = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;

const Visited = z.array(z.string());
const BenchInput = z.object({ n: z.number().int() });
const step = stepsFor(BenchInput);

const linearSteps = BENCH_STEP_KEYS.reduce<Step<string[]>[]>(
  (steps, key) => [
    ...steps,
    step.transform({
      key,
      title: `Step ${key}`,
      input: Visited,
      output: Visited,
      from: (ctx) => (steps.length === 0 ? [] : ctx.output(steps[steps.length - 1]!)),
      run: (visited) => [...visited, key],
    }),
  ],
  [],
);

export const benchWorkflow = defineWorkflow({
  name: BENCH_WORKFLOW,
  description: 'five trivial transform steps in a line (benchmark)',
  input: BenchInput,
  plan: () => linearSteps,
});

// The Slack ack benchmark's button clicks need plans that really wait for approval: an approval
// gate first (a plan stops there as soon as a worker claims it), then one trivial transform, so
// an approved plan finishes with a single step.
export const BENCH_APPROVAL_WORKFLOW = 'bench-approval';

export const benchApprovalWorkflow = defineWorkflow({
  name: BENCH_APPROVAL_WORKFLOW,
  description: 'an approval gate, then one trivial transform (benchmark)',
  input: BenchInput,
  plan: () => [
    step.approval({ key: 'gate', title: 'Approve the bench plan', summary: (ctx) => `Bench plan ${ctx.input.n}` }),
    step.transform({
      key: 'after',
      title: 'After approval',
      input: z.number().int(),
      output: z.number().int(),
      from: (ctx) => ctx.input.n,
      run: (n) => n + 1,
    }),
  ],
});
