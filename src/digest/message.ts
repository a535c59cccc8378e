// The digest as a neutral message, short enough to read on a phone: a few lines per list, the
// figures as fields, and buttons for the oldest waits that a click can settle.
import { timestamp, type Button, type Message } from '../bot/messages.ts';
import type { EndedPlan, WaitingPlan } from '../store/digest.ts';
import { budgetSummary } from './budgets.ts';
import type { Digest } from './digest.ts';
import { pct, type AlertFigures } from './figures.ts';

/** Lines per list before "and N more": a phone screen, not a report. */
const LIST_LIMIT = 5;
/** Plans whose buttons are shown; Discord allows five rows of buttons. */
const BUTTON_PLANS = 3;

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${minutes % 60 ? ` ${minutes % 60}m` : ''}`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const usd = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

function limited<T>(items: T[], line: (item: T) => string, more: string): string[] {
  const lines = items.slice(0, LIST_LIMIT).map(line);
  if (items.length > LIST_LIMIT) lines.push(`…and ${items.length - LIST_LIMIT} more (${more})`);
  return lines;
}

const WAIT_KIND: Record<string, string> = {
  waiting_approval: 'approval',
  waiting_answer: 'question, reply in its thread',
  needs_operator: 'failed step',
};

function buttonsFor(plan: WaitingPlan): Button[] {
  const button = (action: Button['action'], label: string, style?: Button['style']): Button => ({ action, label: `${label} ${plan.id}`, style, planId: plan.id, version: plan.version });
  if (plan.status === 'waiting_approval') return [button('approve', 'Approve', 'primary'), button('deny', 'Deny', 'danger')];
  if (plan.status === 'needs_operator' && plan.budgetAskUsd !== null) return [button('continue', 'Continue', 'primary'), button('abort', 'Abort', 'danger')];
  if (plan.status === 'needs_operator') return [button('retry', 'Retry', 'primary'), button('skip', 'Skip'), button('abort', 'Abort', 'danger')];
  return [];
}

export function digestMessage(digest: Digest): Message {
  const { figures: f, period } = digest;
  const ended = (p: EndedPlan) => `${p.workflow} ${p.id} · ${duration(p.finishedAt.getTime() - p.createdAt.getTime())}`;
  const lines = [`*Since ${timestamp(period.from)}:* ${digest.completed.length} completed, ${digest.failed.length} did not.`];
  lines.push(...limited(digest.completed, (p) => `✅ ${ended(p)}`, '/op list all'));
  lines.push(...limited(digest.failed, (p) => `❌ ${ended(p)} · ${p.status}`, '/op list all'));
  if (digest.waiting.length > 0) {
    lines.push('', `*Waiting on you* (${digest.waiting.length}, oldest first)`);
    lines.push(
      ...limited(
        digest.waiting,
        (w) => `⏳ ${w.workflow} ${w.id} · ${w.stepTitle} (${WAIT_KIND[w.status] ?? w.status}) · ${duration(period.to.getTime() - w.waitingSince.getTime())}`,
        '/op list waiting',
      ),
    );
  } else {
    lines.push('', 'Nothing waits on you.');
  }
  if (digest.scheduled.length > 0) {
    lines.push('', `*Scheduled today* (${digest.scheduled.length})`);
    lines.push(...limited(digest.scheduled, (r) => `🗓 ${timestamp(r.fireAt)} ${r.workflow} · ${r.phrase} (${r.scheduleId})`, '/op schedule list'));
  }
  const costs = Object.entries(f.cost.by_workflow).sort(([, a], [, b]) => b - a).slice(0, 3).map(([name, value]) => `${name} ${usd(value)}`);
  return {
    title: `Daily digest · ${digest.day}`,
    text: lines.join('\n'),
    fields: [
      { label: 'Success rate', value: f.success_rate.rate === null ? 'no plan ended' : `${pct(f.success_rate.rate)} (${f.success_rate.completed} of ${f.success_rate.ended})` },
      { label: 'Time to resolution', value: f.mean_time_to_resolution.seconds === null ? 'no plan ended' : `${duration(f.mean_time_to_resolution.seconds * 1000)} mean` },
      { label: 'Model cost', value: `${usd(f.cost.total_usd)}${costs.length ? ` (${costs.join(', ')})` : ''}` },
      {
        label: 'Interventions',
        value: f.human_interventions.count === 0 ? 'none' : `${f.human_interventions.count}, median wait ${duration((f.human_interventions.median_wait_seconds ?? 0) * 1000)}`,
      },
      { label: 'Retrieval', value: f.retrieval.summary },
      ...(digest.budgets.length > 0 ? [{ label: 'Budgets', value: budgetSummary(digest.budgets) }] : []),
      ...(f.alerts.raised > 0 || f.alerts.firing > 0 ? [{ label: 'Alerts', value: alertSummary(f.alerts) }] : []),
    ],
    buttons: digest.waiting.map(buttonsFor).filter((group) => group.length > 0).slice(0, BUTTON_PLANS).flat(),
  };
}

/** "2 raised, 1 firing; false positives: dependency_down 0%, outbox_behind 50% (1 of 2)". */
function alertSummary(alerts: AlertFigures): string {
  const rates = Object.entries(alerts.by_alert).map(([name, a]) => `${name} ${pct(a.false_positive_rate)}${a.not_useful ? ` (${a.not_useful} of ${a.raised})` : ''}`);
  return `${alerts.raised} raised, ${alerts.firing} firing${rates.length ? `; false positives: ${rates.join(', ')}` : ''} (/op alerts)`;
}
