// The benchmark workflow: five trivial transform steps in a line, the same shape as the LangGraph
// baseline's graph (bench/baselines/langgraph-sqlite.ts: n1 -> n2 -> n3 -> n4 -> n5, each node
// appends its name to `visited`). The work per step is negligible, so the benchmark measures the
// conductor's overhead per durable step: claim, run, checkpoint.
import { z } from 'zod';
import { defineWorkflow, transform, type StepContext } from '../src/conductor/workflow.ts';

export const BENCH_WORKFLOW = 'bench-linear-5';
export const BENCH_STEP_KEYS = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;

const Visited = z.array(z.string());

const visitedBefore = (ctx: StepContext, index: number): unknown =>
  index === 0 ? [] : ctx.artifacts[BENCH_STEP_KEYS[index - 1]!];

export const benchWorkflow = defineWorkflow({
  name: BENCH_WORKFLOW,
  description: 'five trivial transform steps in a line (benchmark)',
  input: z.object({ n: z.number().int() }),
  plan: () =>
    BENCH_STEP_KEYS.map((key, index) =>
      transform({
        key,
        title: `Step ${key}`,
        input: Visited,
        output: Visited,
        from: (ctx) => visitedBefore(ctx, index),
        run: (visited: string[]) => [...visited, key],
      }),
    ),
});
