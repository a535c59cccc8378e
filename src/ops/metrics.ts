// GET /metrics in the Prometheus text format, on prom-client. The operating figures are read from
// the store at scrape time, so each replica reports the deployment as a whole and a restart loses
// nothing; process metrics (CPU, memory, event loop) are this replica's own. Latencies and the
// digest's figures cover a trailing window (the last 24 hours).
import type http from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { noBudgetCaps, type BudgetCaps } from '../core/budgets.ts';
import { budgetLines, type BudgetLine } from '../digest/budgets.ts';
import { periodFigures } from '../digest/figures.ts';
import { alertTotals, firingAlerts } from '../store/alerts.ts';
import { listDependencies } from '../store/dependencies.ts';
import { latestRetrievalEval } from '../store/digest.ts';
import { noticeCounts, noticeDelays, planCounts, planDurations, stepCounts, stepDurations, waitingOnDependencies, type CountRow } from '../store/metrics.ts';
import type { Store } from '../store/store.ts';

const WINDOW_MS = 24 * 60 * 60_000;
/** Seconds: from a quick step to a plan that waited a day on the operator. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

type Labels = Record<string, string>;

/** The metrics of one registry, set from the store's figures before each exposition. */
function defineMetrics(registry: Registry) {
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string) => new Histogram({ name, help, buckets: BUCKETS, registers });
  return {
    plansStarted: counter('operator_plans_started_total', 'Plans ever started.'),
    noticesDelivered: counter('operator_notices_delivered_total', 'Notices ever delivered.'),
    alertsRaised: counter('operator_alerts_raised_total', 'Alerts ever raised, by alert.', ['alert']),
    alertsNotUseful: counter('operator_alerts_not_useful_total', 'Alerts the operator marked "Not useful" (false positives), by alert.', ['alert']),
    plans: gauge('operator_plans', 'Plans by status.', ['status']),
    steps: gauge('operator_steps', 'Steps by kind and status.', ['kind', 'status']),
    notices: gauge('operator_notices', 'Outbox notices by kind and delivery state.', ['kind', 'state']),
    alertsFiring: gauge('operator_alerts_firing', 'Alerts firing now (1 each), by alert, subject and severity.', ['alert', 'subject', 'severity']),
    dependencyUp: gauge('operator_dependency_up', 'Whether an external dependency answers (0 while its breaker has it down), for those that ever failed.', ['dependency']),
    waitingOnDependency: gauge('operator_plans_waiting_dependency', 'Plans waiting for a dependency that is down.', ['dependency']),
    planSeconds: histogram('operator_plan_duration_seconds', 'Start to end of the plans that ended in the last 24 hours.'),
    stepSeconds: histogram('operator_step_duration_seconds', 'Start to end of the steps that finished in the last 24 hours (waits included).'),
    noticeSeconds: histogram('operator_notice_delivery_seconds', 'Commit to delivery of the notices delivered in the last 24 hours.'),
    successRatio: gauge('operator_task_success_ratio', 'Completed over ended plans, last 24 hours.'),
    plansEnded: gauge('operator_plans_ended', 'Plans that ended in the last 24 hours.'),
    meanResolution: gauge('operator_mean_time_to_resolution_seconds', 'Mean start-to-end time of the plans that ended in the last 24 hours.'),
    workflowCost: gauge('operator_workflow_cost_usd', 'Model spend by workflow, last 24 hours.', ['workflow']),
    interventions: gauge('operator_human_interventions', 'Approvals, denials, answers, retries, skips and aborts in the last 24 hours.'),
    interventionWait: gauge('operator_human_intervention_wait_median_seconds', 'Median time those interventions waited on the operator.'),
    recalls: gauge('operator_recalls', 'Memory recalls in the last 24 hours, and how many were degraded (no Chroma) or empty.', ['outcome']),
    recallAt5: gauge('operator_retrieval_recall_at_5', 'Recall@5 of the latest `op memory eval` (absent until one ran).'),
    precisionAt5: gauge('operator_retrieval_precision_at_5', 'Precision@5 of the latest `op memory eval`.'),
    mrr: gauge('operator_retrieval_mrr', 'Mean reciprocal rank of the latest `op memory eval`.'),
    budgetSpent: gauge(
      'operator_budget_spent_usd',
      'Model spend against each budget cap that is set: this month (cap="month"), each capped workflow this month (cap="workflow_month"), the plan under way that spent the most (cap="plan").',
      ['cap', 'workflow'],
    ),
    budgetCap: gauge('operator_budget_cap_usd', 'Each budget cap that is set (BUDGET_* settings), labelled as operator_budget_spent_usd.', ['cap', 'workflow']),
  };
}

type Metrics = ReturnType<typeof defineMetrics>;

const total = (rows: CountRow[], match: (row: CountRow) => boolean = () => true) => rows.filter(match).reduce((sum, row) => sum + row.count, 0);

function setCounts(gauge: Gauge, rows: { labels: Labels; count: number }[]): void {
  gauge.reset();
  for (const row of rows) gauge.set(row.labels, row.count);
}

/** A counter whose total lives in the store: set to it, not counted here. */
function setTotal(counter: Counter, value: number, labels: Labels = {}): void {
  counter.remove(labels);
  counter.inc(labels, value);
}

function setObservations(histogram: Histogram, values: number[]): void {
  histogram.reset();
  for (const value of values) histogram.observe(value);
}

function setOptional(gauge: Gauge, value: number | null): void {
  gauge.reset();
  if (value !== null) gauge.set(value);
}

async function readInto(metrics: Metrics, store: Store, caps: BudgetCaps, now: Date): Promise<void> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const [plans, steps, notices, planSeconds, stepSeconds, noticeSeconds, { figures }, evaluation, alerts, firing, dependencies, waiting, budgets] = await Promise.all([
    planCounts(store),
    stepCounts(store),
    noticeCounts(store),
    planDurations(store, since),
    stepDurations(store, since),
    noticeDelays(store, since),
    periodFigures(store, { from: since, to: now }),
    latestRetrievalEval(store),
    alertTotals(store),
    firingAlerts(store),
    listDependencies(store),
    waitingOnDependencies(store),
    budgetLines(store, caps),
  ]);
  setTotal(metrics.plansStarted, total(plans));
  setTotal(metrics.noticesDelivered, total(notices, (row) => row.labels.state === 'delivered'));
  metrics.alertsRaised.reset();
  metrics.alertsNotUseful.reset();
  for (const alert of alerts) {
    setTotal(metrics.alertsRaised, alert.raised, { alert: alert.name });
    setTotal(metrics.alertsNotUseful, alert.notUseful, { alert: alert.name });
  }
  setCounts(metrics.plans, plans);
  setCounts(metrics.steps, steps);
  setCounts(metrics.notices, notices);
  setCounts(metrics.alertsFiring, firing.map((alert) => ({ labels: { alert: alert.name, subject: alert.subject, severity: alert.severity }, count: 1 })));
  setCounts(metrics.dependencyUp, dependencies.map((dependency) => ({ labels: { dependency: dependency.name }, count: dependency.status === 'up' ? 1 : 0 })));
  setCounts(metrics.waitingOnDependency, waiting);
  setObservations(metrics.planSeconds, planSeconds);
  setObservations(metrics.stepSeconds, stepSeconds);
  setObservations(metrics.noticeSeconds, noticeSeconds);

  const { success_rate, mean_time_to_resolution, cost, human_interventions, retrieval } = figures;
  setOptional(metrics.successRatio, success_rate.rate);
  metrics.plansEnded.set(success_rate.ended);
  setOptional(metrics.meanResolution, mean_time_to_resolution.seconds);
  setCounts(metrics.workflowCost, Object.entries(cost.by_workflow).map(([workflow, usd]) => ({ labels: { workflow }, count: usd })));
  metrics.interventions.set(human_interventions.count);
  setOptional(metrics.interventionWait, human_interventions.median_wait_seconds);
  metrics.recalls.set({ outcome: 'all' }, retrieval.recalls.count);
  metrics.recalls.set({ outcome: 'degraded' }, retrieval.recalls.degraded);
  metrics.recalls.set({ outcome: 'empty' }, retrieval.recalls.empty);
  setOptional(metrics.recallAt5, evaluation?.recallAt5 ?? null);
  setOptional(metrics.precisionAt5, evaluation?.precisionAt5 ?? null);
  setOptional(metrics.mrr, evaluation?.mrr ?? null);
  const budgetLabels = (line: BudgetLine) => ({ cap: line.cap, workflow: line.cap === 'workflow_month' ? (line.subject ?? '') : '' });
  setCounts(metrics.budgetSpent, budgets.map((line) => ({ labels: budgetLabels(line), count: line.spentUsd })));
  setCounts(metrics.budgetCap, budgets.map((line) => ({ labels: budgetLabels(line), count: line.capUsd })));
}

/** One replica's exposition: the store's figures and this process's own metrics. */
export class MetricsExporter {
  readonly registry = new Registry();
  readonly #metrics = defineMetrics(this.registry);
  readonly #store: Store;
  readonly #budgets: BudgetCaps;
  /** Scrapes run one after another: each sets the shared metrics, then reads them out. */
  #last: Promise<unknown> = Promise.resolve();

  constructor(store: Store, budgets: BudgetCaps = noBudgetCaps) {
    this.#store = store;
    this.#budgets = budgets;
    collectDefaultMetrics({ register: this.registry });
  }

  render(now = new Date()): Promise<string> {
    const next = this.#last.catch(() => undefined).then(async () => {
      await readInto(this.#metrics, this.#store, this.#budgets, now);
      return this.registry.metrics();
    });
    this.#last = next;
    return next;
  }
}

/** The GET /metrics route. */
export function metricsRoute(store: Store, logger: Logger, budgets: BudgetCaps): http.RequestListener {
  const exporter = new MetricsExporter(store, budgets);
  return (_request, response) => {
    exporter.render().then(
      (text) => {
        response.writeHead(200, { 'content-type': exporter.registry.contentType });
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
