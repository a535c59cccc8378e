/**
 * `npm run bench -- reading`: how well the readers read the labeled corpus in
 * test/fixtures/reading (issue 11), against today's rules measured in the same run.
 * Every module in bench/reading/ is an evaluator: it exports the corpus `kind` it measures and
 * `evaluate(cases)`, yielding figures. Each figure is one JSON line on stdout:
 *   {"bench":"reading","kind":"invoices","metric":"money_accuracy","split":"test","value":0.95,
 *    "unit":"ratio","baseline":"rules-2026-11","baseline_value":0.4,"ratio":2.38,"goal":">= 0.9"}
 * Readers are tuned on the dev split only; test-split figures are the ones to report. Both are
 * printed, each labeled with its split. Progress notes go to stderr.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';

export const Split = z.enum(['dev', 'test']);
export type Split = z.infer<typeof Split>;

/** The fields every corpus case shares; `expected` and `behaviour` are read by each evaluator's own schema. */
export const CorpusCase = z.object({ id: z.string(), split: Split, date: z.string(), text: z.string(), format: z.enum(['chat', 'email', 'form']), expected: z.unknown(), behaviour: z.unknown() });
export type CorpusCase = z.infer<typeof CorpusCase>;

export type Figure = {
  metric: string;
  /** Which split the figure comes from; absent for figures over the whole corpus (timings). */
  split?: Split;
  value: number;
  unit: 'ratio' | 'count' | 'ms';
  baseline?: { name: string; value: number };
  goal?: string;
};

export type Evaluator = {
  kind: string;
  evaluate: (cases: CorpusCase[]) => AsyncIterable<Figure> | Iterable<Figure>;
};

/** The cases of one corpus file (test/fixtures/reading/<kind>.json). */
export function loadCorpus(kind: string): CorpusCase[] {
  const raw: unknown = JSON.parse(readFileSync(new URL(`../test/fixtures/reading/${kind}.json`, import.meta.url), 'utf8'));
  return z.array(CorpusCase).parse(raw);
}

/** Share of `cases` for which `right` holds (1 when there are none to judge). */
export function accuracy<T>(cases: T[], right: (c: T) => boolean): number {
  return cases.length === 0 ? 1 : cases.filter(right).length / cases.length;
}

/** Milliseconds per call of `read` on each text (awaited), p95 over five passes of the corpus (after one warm-up pass). */
export async function p95Ms(texts: string[], read: (text: string) => unknown): Promise<number> {
  for (const text of texts) await read(text);
  const times: number[] = [];
  for (const text of Array.from({ length: 5 }, () => texts).flat()) {
    const started = performance.now();
    await read(text);
    times.push(performance.now() - started);
  }
  const sorted = times.sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
}

const note = (text: string) => process.stderr.write(`[bench reading] ${text}\n`);

function emit(kind: string, figure: Figure): void {
  const round = (n: number) => (figure.unit === 'ms' ? Number(n.toFixed(3)) : Number(n.toFixed(4)));
  const line = {
    bench: 'reading',
    kind,
    metric: figure.metric,
    ...(figure.split ? { split: figure.split } : {}),
    value: round(figure.value),
    unit: figure.unit,
    ...(figure.baseline
      ? { baseline: figure.baseline.name, baseline_value: round(figure.baseline.value), ratio: figure.baseline.value === 0 ? null : Number((figure.value / figure.baseline.value).toFixed(2)) }
      : {}),
    ...(figure.goal ? { goal: figure.goal } : {}),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export async function run(): Promise<void> {
  const folder = new URL('./reading/', import.meta.url);
  const files = readdirSync(folder).filter((file) => file.endsWith('.ts')).sort();
  if (files.length === 0) note('no evaluators in bench/reading/');
  for (const file of files) {
    // A dynamic import is untyped: the exports are checked before they are used.
    const { kind, evaluate }: Partial<Evaluator> = await import(new URL(file, folder).href);
    if (typeof kind !== 'string' || typeof evaluate !== 'function') {
      note(`${file} is no evaluator (it must export kind and evaluate); skipped`);
      continue;
    }
    note(`${kind} (${file})`);
    for await (const figure of evaluate(loadCorpus(kind))) emit(kind, figure);
  }
}
