/**
 * Leads (test/fixtures/reading/leads.json): company, contact e-mail and name, budget and
 * timeline read by src/reading/lead.ts against the rules workflows/lead-qualification.ts used
 * before issue 11 (bench/baselines/lead-rules.ts), both in this run, per split.
 * A silent error is a wrong company, e-mail, budget or timeline that would reach the reply
 * without the operator being asked: for the new reader, a wrong value the workflow would not ask
 * about (unsureLeadFields: its span holds, it is sure enough, a budget has its currency); for the old rules, any wrong value they read (they asked only for
 * a missing e-mail). The old rules read a timeline as a phrase, not a day, so theirs counts as
 * right when the expected phrase contains it (or both are absent) and is left out of their
 * silent errors.
 * The model path is measured without a model: for each case, a right answer and answers with a
 * wrong company (not in the text) or a wrong budget (ten times the stated one) go through
 * checkModelLead, the check the workflow applies to @langchain/openai's answer; a wrong value is
 * caught when its field is then asked.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { accuracy, type CorpusCase, type Figure, type Split } from '../reading.ts';
import { leadByRules, type RulesLead } from '../baselines/lead-rules.ts';
import { checkModelLead, readLead, unsureLeadFields, type ModelLead, type ReadLead } from '../../src/reading/lead.ts';


export const kind = 'leads';

const Expected = z.object({
  company: z.string().nullable(),
  contactName: z.string().nullable(),
  email: z.string().nullable(),
  budget: z.object({ min: z.number(), max: z.number(), currency: z.string().nullable() }).nullable(),
  timeline: z.object({ by: z.string(), phrase: z.string() }).nullable(),
});
const Behaviour = z.object({ do: z.enum(['act', 'ask']), fields: z.array(z.string()).optional() });
type Expected = z.infer<typeof Expected>;

const same = (a: string | null, b: string | null) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
const sameBudget = (read: { min: number; max: number; currency: string | null } | null, expected: Expected['budget']) =>
  read === null || expected === null ? read === expected : read.min === expected.min && read.max === expected.max && read.currency === expected.currency;

type Judged = { case: CorpusCase; expected: Expected; asks: string[]; fresh: ReadLead; old: RulesLead };

const FIELDS = ['company', 'email', 'budget', 'timeline'] as const;

function freshRight(j: Judged, field: (typeof FIELDS)[number] | 'contactName'): boolean {
  const { fresh, expected } = j;
  switch (field) {
    case 'budget':
      return sameBudget(fresh.budget.value, expected.budget);
    case 'timeline':
      return (fresh.timeline.value?.by ?? null) === (expected.timeline?.by ?? null);
    default:
      return same(fresh[field].value, expected[field]);
  }
}

function oldRight(j: Judged, field: (typeof FIELDS)[number] | 'contactName'): boolean {
  const { old, expected } = j;
  switch (field) {
    case 'budget':
      return sameBudget(old.budget === null ? null : { min: old.budget, max: old.budget, currency: old.currency }, expected.budget);
    case 'timeline':
      return old.timeline === null ? expected.timeline === null : expected.timeline !== null && expected.timeline.phrase.toLowerCase().includes(old.timeline.toLowerCase());
    default:
      return same(old[field], expected[field]);
  }
}

const freshSilent = (j: Judged) => FIELDS.filter((f) => !freshRight(j, f) && !j.asks.includes(f)).length;
const oldSilent = (j: Judged) => (['company', 'email', 'budget'] as const).filter((f) => !oldRight(j, f) && (f === 'budget' ? j.old.budget : j.old[f]) !== null).length;

export async function* evaluate(cases: CorpusCase[]): AsyncGenerator<Figure> {
  const judged: Judged[] = [];
  const freshTimes: number[] = [];
  const oldTimes: number[] = [];
  for (const c of cases) await readLead(c.text, new Date(c.date)); // warm-up: module loading and JIT
  for (const c of cases) {
    let started = performance.now();
    const fresh = await readLead(c.text, new Date(c.date));
    freshTimes.push(performance.now() - started);
    started = performance.now();
    const old = leadByRules(c.text);
    oldTimes.push(performance.now() - started);
    judged.push({ case: c, expected: Expected.parse(c.expected), asks: unsureLeadFields(c.text, fresh), fresh, old });
  }
  for (const split of ['dev', 'test'] as Split[]) {
    const inSplit = judged.filter((j) => j.case.split === split);
    for (const field of ['company', 'email', 'contactName', 'budget', 'timeline'] as const) {
      yield {
        metric: `${field === 'email' ? 'contact_email' : field === 'contactName' ? 'contact_name' : field}_accuracy`,
        split,
        value: accuracy(inSplit, (j) => freshRight(j, field)),
        unit: 'ratio',
        baseline: { name: 'lead-rules-2026-11', value: accuracy(inSplit, (j) => oldRight(j, field)) },
        goal: field === 'timeline' ? '>= 0.85' : '>= 0.9',
      };
    }
    yield {
      metric: 'asks_exactly_the_missing_fields',
      split,
      value: accuracy(inSplit, (j) => {
        const behaviour = Behaviour.parse(j.case.behaviour);
        return [...j.asks].sort().join() === [...(behaviour.fields ?? [])].sort().join();
      }),
      unit: 'ratio',
    };
    yield {
      metric: 'silent_errors',
      split,
      value: inSplit.reduce((sum, j) => sum + freshSilent(j), 0),
      unit: 'count',
      baseline: { name: 'lead-rules-2026-11', value: inSplit.reduce((sum, j) => sum + oldSilent(j), 0) },
      goal: '0',
    };
  }
  for (const split of ['dev', 'test'] as Split[]) {
    const known = judged.filter((j) => j.case.split === split && j.expected.company !== null && j.expected.budget !== null);
    const answer = (j: Judged): ModelLead => ({
      company: j.expected.company,
      contactName: j.expected.contactName,
      email: j.expected.email,
      need: null,
      budget: j.expected.budget!.min,
      currency: j.expected.budget!.currency,
      timeline: j.expected.timeline?.phrase ?? null,
    });
    const asked = (j: Judged, model: ModelLead) => unsureLeadFields(j.case.text, checkModelLead(j.case.text, model, j.fresh).lead);
    const caught = known.flatMap((j) => [asked(j, { ...answer(j), company: 'Northwind Traders' }).includes('company'), asked(j, { ...answer(j), budget: j.expected.budget!.min * 10 }).includes('budget')]);
    yield { metric: 'model_wrong_values_caught_simulated', split, value: caught.length === 0 ? 1 : caught.filter(Boolean).length / caught.length, unit: 'ratio', goal: '1' };
    yield { metric: 'model_right_answers_acted_on_unasked_simulated', split, value: accuracy(known, (j) => asked(j, answer(j)).length === 0), unit: 'ratio' };
  }
  const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(0.95 * times.length))]!;
  yield { metric: 'reading_ms_p95', value: p95(freshTimes), unit: 'ms', baseline: { name: 'lead-rules-2026-11', value: p95(oldTimes) }, goal: '< 20' };
}
