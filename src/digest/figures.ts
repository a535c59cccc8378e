// The operating figures of a period, computed from the store. The digest, `op digest --json`
// and GET /metrics all read these, so they can never disagree.
import {
  endedPlans,
  interventions,
  latestRetrievalEval,
  modelCostByWorkflow,
  recallOutcomes,
  type EndedPlan,
  type Period,
  type RecallOutcomes,
  type RetrievalEvalRecord,
} from '../store/digest.ts';
import { alertsRaisedIn, firingAlerts } from '../store/alerts.ts';
import type { Store } from '../store/store.ts';

export interface Figures {
  /** Completed plans over every plan that ended (completed, failed, cancelled, compensated). */
  success_rate: { rate: number | null; completed: number; ended: number };
  /** Mean time from a plan's start to its end, over the plans that ended. */
  mean_time_to_resolution: { seconds: number | null; plans: number };
  /** Model spend (ModelCall.costUsd) by the workflow of the plan that made the call. */
  cost: { total_usd: number; by_workflow: Record<string, number> };
  /** Approvals, denials, answers, retries, skips and aborts, and how long each waited on the operator. */
  human_interventions: { count: number; median_wait_seconds: number | null };
  retrieval: RetrievalFigures;
  /** Alerts raised in the period, firing now, and per alert how many the operator marked "Not useful". */
  alerts: AlertFigures;
}

export interface AlertFigures {
  raised: number;
  firing: number;
  by_alert: Record<string, { raised: number; not_useful: number; false_positive_rate: number }>;
}

export type RetrievalFigures =
  | { measured: false; summary: 'not measured yet'; recalls: RecallShares }
  | { measured: true; summary: string; evaluation: RetrievalEvaluation | null; recalls: RecallShares };

interface RetrievalEvaluation {
  at: string;
  embedding_model: string;
  queries: number;
  recall_at_5: number;
  precision_at_5: number;
  mrr: number;
}

interface RecallShares {
  count: number;
  degraded: number;
  empty: number;
  degraded_share: number | null;
  empty_share: number | null;
}

export interface PeriodFigures {
  period: Period;
  ended: EndedPlan[];
  figures: Figures;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function periodFigures(store: Store, period: Period): Promise<PeriodFigures> {
  const [ended, costs, decided, evaluation, recalls, raised, firing] = await Promise.all([
    endedPlans(store, period),
    modelCostByWorkflow(store, period),
    interventions(store, period),
    latestRetrievalEval(store),
    recallOutcomes(store, period),
    alertsRaisedIn(store, period),
    firingAlerts(store),
  ]);
  const completed = ended.filter((plan) => plan.status === 'completed').length;
  const durations = ended.map((plan) => plan.finishedAt.getTime() - plan.createdAt.getTime());
  const waits = decided.flatMap((entry) => (entry.waitedMs === null ? [] : [entry.waitedMs]));
  const medianWait = median(waits);
  const byWorkflow = Object.fromEntries([...costs].sort(([a], [b]) => a.localeCompare(b)).map(([name, usd]) => [name, round(usd, 6)]));
  return {
    period,
    ended,
    figures: {
      success_rate: { rate: ended.length ? round(completed / ended.length, 4) : null, completed, ended: ended.length },
      mean_time_to_resolution: {
        seconds: durations.length ? round(durations.reduce((a, b) => a + b, 0) / durations.length / 1000, 3) : null,
        plans: durations.length,
      },
      cost: { total_usd: round([...costs.values()].reduce((a, b) => a + b, 0), 6), by_workflow: byWorkflow },
      human_interventions: { count: decided.length, median_wait_seconds: medianWait === null ? null : round(medianWait / 1000, 3) },
      retrieval: retrievalFigures(evaluation, recalls),
      alerts: alertFigures(raised, firing.length),
    },
  };
}

function alertFigures(raised: { name: string; notUsefulAt: Date | null }[], firing: number): AlertFigures {
  const byAlert: AlertFigures['by_alert'] = {};
  for (const name of [...new Set(raised.map((alert) => alert.name))].sort()) {
    const episodes = raised.filter((alert) => alert.name === name);
    const notUseful = episodes.filter((alert) => alert.notUsefulAt !== null).length;
    byAlert[name] = { raised: episodes.length, not_useful: notUseful, false_positive_rate: round(notUseful / episodes.length, 4) };
  }
  return { raised: raised.length, firing, by_alert: byAlert };
}

function retrievalFigures(evaluation: RetrievalEvalRecord | null, outcomes: RecallOutcomes): RetrievalFigures {
  const share = (n: number) => (outcomes.total ? round(n / outcomes.total, 4) : null);
  const recalls = { count: outcomes.total, degraded: outcomes.degraded, empty: outcomes.empty, degraded_share: share(outcomes.degraded), empty_share: share(outcomes.empty) };
  if (!evaluation && outcomes.total === 0) return { measured: false, summary: 'not measured yet', recalls };
  const parts = [
    evaluation ? `recall@5 ${pct(evaluation.recallAt5)}, precision@5 ${pct(evaluation.precisionAt5)}, MRR ${evaluation.mrr.toFixed(2)}` : 'no evaluation yet (op memory eval)',
    outcomes.total ? `${outcomes.degraded} of ${outcomes.total} recalls degraded, ${outcomes.empty} empty` : 'no recalls in the period',
  ];
  return {
    measured: true,
    summary: parts.join('; '),
    evaluation: evaluation && {
      at: evaluation.at.toISOString(),
      embedding_model: evaluation.embeddingModel,
      queries: evaluation.queries,
      recall_at_5: evaluation.recallAt5,
      precision_at_5: evaluation.precisionAt5,
      mrr: evaluation.mrr,
    },
    recalls,
  };
}

export const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;
