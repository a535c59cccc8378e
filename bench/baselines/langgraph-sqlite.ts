/**
 * Same-run baseline for `npm run bench -- conductor`: how many durable steps per second LangGraph JS
 * manages with its SQLite checkpointer on this machine, under the same SQLite durability pragmas as
 * the conductor. Measured in the same run so the comparison is not skewed by disk or CPU differences.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { SQLITE_PRAGMAS } from '../../src/store/sqlite-pragmas.ts';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;
const WARM_UP_THREADS = 20;

const State = Annotation.Root({
  visited: Annotation<string[]>({ reducer: (left, right) => left.concat(right), default: () => [] }),
});

function buildGraph(checkpointer: SqliteSaver) {
  const graph = new StateGraph(State)
    .addNode('n1', () => ({ visited: ['n1'] }))
    .addNode('n2', () => ({ visited: ['n2'] }))
    .addNode('n3', () => ({ visited: ['n3'] }))
    .addNode('n4', () => ({ visited: ['n4'] }))
    .addNode('n5', () => ({ visited: ['n5'] }))
    .addEdge(START, 'n1')
    .addEdge('n1', 'n2')
    .addEdge('n2', 'n3')
    .addEdge('n3', 'n4')
    .addEdge('n4', 'n5')
    .addEdge('n5', END);
  return graph.compile({ checkpointer });
}

type Graph = ReturnType<typeof buildGraph>;

async function runThreads(graph: Graph, prefix: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const thread_id = `${prefix}-${next++}`;
      // 'sync' writes each step's checkpoint before the next step starts, which is the guarantee the
      // conductor gives; LangGraph's default ('async') would let a step run ahead of its checkpoint.
      await graph.invoke({ visited: [] }, { configurable: { thread_id }, durability: 'sync' });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export async function langgraphStepsPerSecond(options: {
  dir: string;
  plans: number;
  concurrency: number;
}): Promise<{ steps: number; seconds: number; stepsPerSecond: number }> {
  const db = new Database(join(options.dir, 'langgraph-checkpoints.sqlite'));
  try {
    for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
    const graph = buildGraph(new SqliteSaver(db));

    await runThreads(graph, 'warm-up', WARM_UP_THREADS, options.concurrency);

    const started = performance.now();
    await runThreads(graph, 'plan', options.plans, options.concurrency);
    const seconds = (performance.now() - started) / 1000;

    // Guards against measuring a graph that silently skipped its nodes or its checkpoints.
    const sample = await graph.getState({ configurable: { thread_id: `plan-${options.plans - 1}` } });
    const visited = (sample.values as { visited?: string[] }).visited ?? [];
    if (sample.next.length !== 0 || visited.join(',') !== NODES.join(',')) {
      throw new Error(`LangGraph baseline: no final checkpoint for the sample thread (visited: ${visited.join(',')})`);
    }

    const steps = options.plans * NODES.length;
    return { steps, seconds, stepsPerSecond: steps / seconds };
  } finally {
    db.close();
  }
}
