// GET /metrics in the Prometheus text format (version 0.0.4). Everything is read from the store
// at scrape time, so each replica reports the deployment as a whole and a restart loses nothing.
// Latencies and the digest's figures cover a trailing window (the last 24 hours).
import type http from 'node:http';
import type { Logger } from 'pino';
import { periodFigures } from '../digest/figures.ts';
import { latestRetrievalEval } from '../store/digest.ts';
import { noticeCounts, noticeDelays, planCounts, planDurations, stepCounts, stepDurations, type CountRow } from '../store/metrics.ts';
import type { Store } from '../store/store.ts';

const WINDOW_MS = 24 * 60 * 60_000;
const QUANTILES = [0.5, 0.9, 0.99];

type Labels = Record<string, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
};
const number = (value: number) => (Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN');

/** Builds the exposition one metric family at a time: HELP and TYPE, then its samples. */
class Exposition {
  readonly #lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'summary', help: string, samples: [Labels, number][], suffix = ''): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.#lines.push(`${name}${suffix}${labelText(labels)} ${number(value)}`);
  }

  summary(name: string, help: string, values: number[]): void {
    const sorted = [...values].sort((a, b) => a - b);
    const quantile = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : Number.NaN);
    this.family(name, 'summary', help, QUANTILES.map((q) => [{ quantile: String(q) }, quantile(q)]));
    this.#lines.push(`${name}_sum ${number(sorted.reduce((a, b) => a + b, 0))}`, `${name}_count ${sorted.length}`);
  }

  text(): string {
    return `${this.#lines.join('\n')}\n`;
  }
}

const counted = (rows: CountRow[]): [Labels, number][] => rows.map((row) => [row.labels, row.count]);

export async function renderMetrics(store: Store, now = new Date()): Promise<string> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const [plans, steps, notices, planSeconds, stepSeconds, noticeSeconds, { figures }, evaluation] = await Promise.all([
    planCounts(store),
    stepCounts(store),
    noticeCounts(store),
    planDurations(store, since),
    stepDurations(store, since),
    noticeDelays(store, since),
    periodFigures(store, { from: since, to: now }),
    latestRetrievalEval(store),
  ]);
  const out = new Exposition();
  const total = (rows: CountRow[], match: (row: CountRow) => boolean = () => true) => rows.filter(match).reduce((sum, row) => sum + row.count, 0);
  out.family('operator_plans_started_total', 'counter', 'Plans ever started.', [[{}, total(plans)]]);
  out.family('operator_notices_delivered_total', 'counter', 'Notices ever delivered.', [[{}, total(notices, (row) => row.labels.state === 'delivered')]]);
  out.family('operator_plans', 'gauge', 'Plans by status.', counted(plans));
  out.family('operator_steps', 'gauge', 'Steps by kind and status.', counted(steps));
  out.family('operator_notices', 'gauge', 'Outbox notices by kind and delivery state.', counted(notices));
  out.summary('operator_plan_duration_seconds', 'Start to end of the plans that ended in the last 24 hours.', planSeconds);
  out.summary('operator_step_duration_seconds', 'Start to end of the steps that finished in the last 24 hours (waits included).', stepSeconds);
  out.summary('operator_notice_delivery_seconds', 'Commit to delivery of the notices delivered in the last 24 hours.', noticeSeconds);

  const { success_rate, mean_time_to_resolution, cost, human_interventions, retrieval } = figures;
  const optional = (value: number | null): [Labels, number][] => (value === null ? [] : [[{}, value]]);
  out.family('operator_task_success_ratio', 'gauge', 'Completed over ended plans, last 24 hours.', optional(success_rate.rate));
  out.family('operator_plans_ended', 'gauge', 'Plans that ended in the last 24 hours.', [[{}, success_rate.ended]]);
  out.family('operator_mean_time_to_resolution_seconds', 'gauge', 'Mean start-to-end time of the plans that ended in the last 24 hours.', optional(mean_time_to_resolution.seconds));
  out.family('operator_workflow_cost_usd', 'gauge', 'Model spend by workflow, last 24 hours.', Object.entries(cost.by_workflow).map(([workflow, usd]) => [{ workflow }, usd]));
  out.family('operator_human_interventions', 'gauge', 'Approvals, denials, answers, retries, skips and aborts in the last 24 hours.', [[{}, human_interventions.count]]);
  out.family('operator_human_intervention_wait_median_seconds', 'gauge', 'Median time those interventions waited on the operator.', optional(human_interventions.median_wait_seconds));
  out.family('operator_recalls', 'gauge', 'Memory recalls in the last 24 hours, and how many were degraded (no Chroma) or empty.', [
    [{ outcome: 'all' }, retrieval.recalls.count],
    [{ outcome: 'degraded' }, retrieval.recalls.degraded],
    [{ outcome: 'empty' }, retrieval.recalls.empty],
  ]);
  out.family('operator_retrieval_recall_at_5', 'gauge', 'Recall@5 of the latest `op memory eval` (absent until one ran).', optional(evaluation?.recallAt5 ?? null));
  out.family('operator_retrieval_precision_at_5', 'gauge', 'Precision@5 of the latest `op memory eval`.', optional(evaluation?.precisionAt5 ?? null));
  out.family('operator_retrieval_mrr', 'gauge', 'Mean reciprocal rank of the latest `op memory eval`.', optional(evaluation?.mrr ?? null));
  return out.text();
}

/** The GET /metrics route. */
export function metricsRoute(store: Store, logger: Logger): http.RequestListener {
  return (_request, response) => {
    renderMetrics(store).then(
      (text) => {
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        response.end(text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'could not read the metrics from the store');
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('# the store could not be read; see the service log\n');
      },
    );
  };
}
