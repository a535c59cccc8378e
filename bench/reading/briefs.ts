/**
 * Content briefs (test/fixtures/reading/briefs.json): topic, audience, tone, format, length and
 * deadline read by src/reading/brief.ts against the rules workflows/content-production.ts used
 * before issue 11 (bench/baselines/brief-rules.ts), both in this run, per split. A topic or
 * audience is right when it contains every expected keyword (or both are absent). The old rules
 * always gave a format and a tone (defaults "blog post", "friendly and practical") and read no
 * length or deadline, so they score 0 there.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { accuracy, type CorpusCase, type Figure, type Split } from '../reading.ts';
import { briefByRules, type RulesBrief } from '../baselines/brief-rules.ts';
import { readBrief, type ReadBrief } from '../../src/reading/brief.ts';

export const kind = 'briefs';

const Expected = z.object({
  topicKeywords: z.array(z.string()).nullable(),
  audienceKeywords: z.array(z.string()).nullable(),
  tone: z.string().nullable(),
  format: z.string().nullable(),
  wordCount: z.number().nullable(),
  deadline: z.object({ by: z.string() }).nullable(),
});
const Behaviour = z.object({ do: z.enum(['act', 'ask']), fields: z.array(z.string()).optional() });
type Expected = z.infer<typeof Expected>;

const holds = (value: string | null, keywords: string[] | null) => (keywords === null ? value === null : value !== null && keywords.every((k) => value.toLowerCase().includes(k)));

type Judged = { case: CorpusCase; expected: Expected; fresh: ReadBrief; old: RulesBrief };
type Check = (j: Judged) => boolean;

const FIELDS: [string, Check, Check, string][] = [
  ['topic', (j) => holds(j.fresh.topic.value, j.expected.topicKeywords), (j) => holds(j.old.topic, j.expected.topicKeywords), '>= 0.85'],
  ['audience', (j) => holds(j.fresh.audience.value, j.expected.audienceKeywords), (j) => holds(j.old.audience, j.expected.audienceKeywords), '>= 0.85'],
  ['tone', (j) => j.fresh.tone.value === j.expected.tone, (j) => j.old.tone === j.expected.tone, '>= 0.85'],
  ['format', (j) => j.fresh.format.value === j.expected.format, (j) => j.old.format === j.expected.format, '>= 0.85'],
  ['word_count', (j) => j.fresh.wordCount.value === j.expected.wordCount, () => false, '>= 0.85'],
  ['deadline', (j) => (j.fresh.deadline.value?.by ?? null) === (j.expected.deadline?.by ?? null), () => false, '>= 0.85'],
];

/** What the workflow asks before it outlines: topic and audience when missing or unsure. */
const asks = (brief: ReadBrief) => (['topic', 'audience'] as const).filter((f) => brief[f].value === null || brief[f].confidence < 0.9);

export async function* evaluate(cases: CorpusCase[]): AsyncGenerator<Figure> {
  const judged: Judged[] = [];
  const freshTimes: number[] = [];
  const oldTimes: number[] = [];
  for (const c of cases) await readBrief(c.text, new Date(c.date)); // warm-up: module loading and JIT
  for (const c of cases) {
    let started = performance.now();
    const fresh = await readBrief(c.text, new Date(c.date));
    freshTimes.push(performance.now() - started);
    started = performance.now();
    const old = briefByRules(c.text);
    oldTimes.push(performance.now() - started);
    judged.push({ case: c, expected: Expected.parse(c.expected), fresh, old });
  }
  for (const split of ['dev', 'test'] as Split[]) {
    const inSplit = judged.filter((j) => j.case.split === split);
    for (const [field, fresh, old, goal] of FIELDS) {
      yield { metric: `${field}_accuracy`, split, value: accuracy(inSplit, fresh), unit: 'ratio', baseline: { name: 'brief-rules-2026-11', value: accuracy(inSplit, old) }, goal };
    }
    yield {
      metric: 'asks_exactly_the_missing_fields',
      split,
      value: accuracy(inSplit, (j) => [...asks(j.fresh)].sort().join() === [...(Behaviour.parse(j.case.behaviour).fields ?? [])].sort().join()),
      unit: 'ratio',
      baseline: { name: 'brief-rules-2026-11', value: accuracy(inSplit, (j) => (j.old.audience === null ? 'audience' : '') === [...(Behaviour.parse(j.case.behaviour).fields ?? [])].sort().join()) },
    };
  }
  const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(0.95 * times.length))]!;
  yield { metric: 'reading_ms_p95', value: p95(freshTimes), unit: 'ms', baseline: { name: 'brief-rules-2026-11', value: p95(oldTimes) }, goal: '< 20' };
}
