/**
 * `npm run bench -- gates`: how long gates wait on a solo operator, before and after deadlines,
 * escalation and Edit (issue 13). Prints one JSON line per figure on stdout:
 *   {"bench":"gates","metric":...,"value":N,"unit":...,"baseline":"before","baseline_value":N,"ratio":N}
 *
 * The suite (bench/gates/scenarios.ts): five days of work arriving by itself, 45 scenarios on the
 * shipped workflows, each of which stops at a gate: 20 invoices above the approval threshold
 * (INVOICE_APPROVAL_ABOVE 1,000), 10 invoices with no e-mail, which ask for it first (a clarifying
 * question, then the approval), 15 lead replies to approve. Invoices arrive 08:00-18:00, leads
 * 06:00-23:00 (by e-mail). A quarter of the invoices carry a nearly-right value: the operator
 * wants the day rate 50 higher. Each phase runs the suite through the real conductor, worker,
 * deadline job and reminder job on a fresh SQLite database (PostgreSQL when asked), with time
 * simulated by moving what is stored into the past (bench/gates/clock.ts; the database's clock
 * decides what is due, as in test/gates-deadlines.test.ts), so a week takes seconds.
 *
 * The phases, same suite, same seed, same operator model:
 * - before: no deadlines, one thread reminder per wait after REMINDER_AFTER_MINUTES (240), no
 *   Edit: a nearly-right invoice is denied, typed again as a new plan and approved again.
 * - after: every gate escalates at its deadline (invoices 4 h, leads 2 h; thread reminder, then
 *   a direct message, then an e-mail, one per ESCALATION_INTERVAL_MINUTES, 60), an invoice of at
 *   most 2,500.00 approves itself at its deadline (the approve rule), and Edit corrects the rate
 *   in one decision. The reminder job runs as well, as in the service. The deadlines and the Edit
 *   fields are the shipped workflows' own; the approve rule is the bench's (bench/gates/scenarios.ts).
 *
 * The simulated operator (bench/gates/operator-model.ts, MODEL; seeded, and every draw named for
 * the scenario and the look it decides, so both phases draw the same numbers for the same
 * decision). Assumptions, none measured on a real operator:
 * - at the desk 09:00-18:00 every day (no weekends), minus two away stretches of 1-3 h a day
 *   (calls, deep work, errands) with no chat at all; awake 07:00-22:00;
 * - at the desk the channel is read every 20-60 min and on coming back; a new prompt seen there is
 *   dealt with at once with chance 0.7, else put off; a thread reminder brings it back (0.9); the
 *   first read of the day scrolls back over what was put off (0.5 each); nothing else does;
 * - a direct message is read after a mean of 5 min at the desk, 30 min away, 90 min awake off
 *   hours; an e-mail after a mean of 45 min while awake (exponential; asleep, from waking); both
 *   are acted on;
 * - deciding takes 1-4 min, Edit's form 2-5 min more; before Edit, denying and typing the request
 *   again 3-8 min; a prompt that follows their own move (the re-typed plan's approval, a question
 *   an edited plan asks again) is in front of them, looked at 1-3 min after it shows, then decided;
 * - one thing at a time: looks and decisions queue behind each other;
 * - the same habits in both phases: no reminder fatigue, no learning to leave small invoices to
 *   the approve rule.
 * What the model leaves out: /op inbox (the operator never opens it), Snooze, weekends, and the
 * cost of an approve rule that approves a value the operator would have changed (counted, not
 * priced: approved_by_rule_needing_change).
 *
 * Figures: a gate wait is a decision's waitedMs in the audit (asked to decided, by the operator
 * or a deadline), the same number the digest's median reads; so the digest's median wait over the
 * "after" run is printed beside the bench's median, with the count of decisions each read, and
 * both must agree (a median can agree by chance over different sets). A scenario's wait runs
 * from its first prompt until all its gates have passed (before Edit: both plans of a denied and
 * re-typed invoice, and the typing between them). OP_BENCH_GATES_SEED picks another seed;
 * OP_BENCH_GATES_DATABASE=postgres runs on a database made (and dropped) on the server at
 * OP_TEST_POSTGRES_URL, as the tests do.
 */
import { median } from '../src/digest/figures.ts';
import { runPhase, type PhaseResult } from './gates/phase.ts';
import { MINUTE } from './gates/random.ts';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const minutes = (ms: number) => Math.round((ms / MINUTE) * 10) / 10;

function print(line: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify({ bench: 'gates', ...line })}\n`);
}

function compare(metric: string, unit: string, after: number, before: number, extra: Record<string, unknown> = {}) {
  print({ metric, value: after, unit, baseline: 'before', baseline_value: before, ratio: before === 0 ? null : Math.round((after / before) * 100) / 100, ...extra });
}

export async function run(): Promise<void> {
  const seed = Number(process.env.OP_BENCH_GATES_SEED ?? 13);
  const provider = process.env.OP_BENCH_GATES_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
  const phase = async (name: 'before' | 'after') => {
    const started = Date.now();
    const r = await runPhase(name, seed, provider);
    console.error(`gates ${name}: ${r.scenarios} scenarios, ${r.plans} plans, ${r.gateWaits.length} gate waits, ${r.undecided} undecided, ${Date.now() - started} ms`);
    return r;
  };
  const before = await phase('before');
  const after = await phase('after');
  const samples = { samples: after.gateWaits.length, baseline_samples: before.gateWaits.length, seed, database: provider };
  compare('gate wait p50', 'min', minutes(median(after.gateWaits)!), minutes(median(before.gateWaits)!), samples);
  compare('gate wait p90', 'min', minutes(percentile(after.gateWaits, 90)), minutes(percentile(before.gateWaits, 90)), samples);
  const scenarios = { samples: after.scenarioWaits.length, baseline_samples: before.scenarioWaits.length, seed, database: provider };
  compare('scenario wait p50', 'min', minutes(median(after.scenarioWaits)!), minutes(median(before.scenarioWaits)!), scenarios);
  compare('scenario wait p90', 'min', minutes(percentile(after.scenarioWaits, 90)), minutes(percentile(before.scenarioWaits, 90)), scenarios);
  const share = (r: PhaseResult) => Math.round((r.endedByDeadline / r.gateWaits.length) * 1000) / 1000;
  compare('share of gates ended by a deadline rule', 'ratio', share(after), share(before), { gates: after.gateWaits.length, ended_by_deadline: after.endedByDeadline, approved_by_rule_needing_change: after.approvedByRuleNeedingChange });
  for (const [phase, r] of [['before', before], ['after', after]] as const) {
    // Rounded as the digest rounds (src/digest/figures.ts), so equal figures print equal.
    const benchSeconds = Math.round((median(r.gateWaits)! / 1000) * 1000) / 1000;
    print({ metric: `digest median gate wait (${phase})`, value: r.digestMedianWaitSeconds, unit: 's', bench_median_s: benchSeconds, interventions: r.digestInterventions, gate_waits: r.gateWaits.length, agrees: r.digestMedianWaitSeconds === benchSeconds && r.digestInterventions === r.gateWaits.length });
  }
}
