// Human-readable rendering of plans for the terminal; --json prints the records instead.
import type { PlanState } from '../conductor/conductor.ts';
import type { WaitingItem } from '../conductor/plan-reads.ts';
import type { AuditRecord, PlanRecord } from '../store/plans.ts';

const STEP_MARK: Record<string, string> = {
  pending: '·',
  waiting: '?',
  completed: '✓',
  skipped: '-',
  failed: '✗',
  denied: '✗',
  compensated: '↺',
  superseded: '~',
};

const time = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').slice(0, 19) : '');

export function formatPlan({ plan, steps }: PlanState): string {
  const done = steps.filter((s) => s.status === 'completed' || s.status === 'skipped').length;
  const live = steps.filter((s) => s.status !== 'superseded');
  const lines = [
    `${plan.id}  ${plan.workflow}  v${plan.version}  ${plan.status}  (${done}/${live.length} steps)`,
    `requested by ${plan.requestedBy} at ${time(plan.createdAt)}${plan.finishedAt ? `, finished ${time(plan.finishedAt)}` : ''}`,
    ...steps.map((step) => {
      const error = step.lastError ? `  last error: ${step.lastError}` : '';
      const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : '';
      return `  ${STEP_MARK[step.status] ?? ' '} ${step.key.padEnd(22)} ${step.kind.padEnd(9)} ${step.status}${attempts}${error}`;
    }),
  ];
  const next = nextAction(plan);
  if (next) lines.push(next);
  return lines.join('\n');
}

function nextAction(plan: PlanRecord): string | null {
  switch (plan.status) {
    case 'waiting_approval':
      return `Waiting for you: op plan approve ${plan.id}   or   op plan deny ${plan.id} --reason "..."`;
    case 'waiting_answer':
      return `Waiting for your answer: op plan answer ${plan.id} <answer>`;
    case 'needs_operator':
      return plan.budgetAskUsd === null ? `Needs you: op plan retry|skip|abort ${plan.id}` : `Budget reached: op plan continue|abort ${plan.id}`;
    default:
      return null;
  }
}

const WHAT_TO_TYPE: Record<string, (planId: string) => string> = {
  waiting_approval: (id) => `op plan approve|deny ${id}`,
  waiting_answer: (id) => `op plan answer ${id} <answer>`,
  needs_operator: (id) => `op plan retry|skip|abort ${id}`,
};

/** `op inbox`: every wait, the longest first: how long it has waited, its deadline and what to type. */
export function formatInbox(items: WaitingItem[], now: Date): string {
  if (items.length === 0) return 'Nothing is waiting on you.';
  return items
    .map((item) => {
      const waited = Math.round((now.getTime() - item.waitingSince.getTime()) / 60_000);
      const deadline = item.deadline ? `  ${item.escalationStage ? 'next reminder' : `deadline (then ${item.deadlineOutcome})`} ${time(item.deadline)}` : '';
      const what = item.budgetAskUsd === null ? WHAT_TO_TYPE[item.planStatus]?.(item.planId) : `op plan continue|abort ${item.planId}`;
      return `${item.planId}  ${item.workflow.padEnd(20)} ${item.stepTitle}  waiting ${waited} min${deadline}\n    ${what ?? ''}`;
    })
    .join('\n');
}

export function formatPlanList(plans: PlanRecord[]): string {
  if (plans.length === 0) return 'No plans yet. Start one: op plan start <workflow> --input \'{...}\'';
  return plans
    .map((plan) => `${plan.id}  ${plan.workflow.padEnd(20)} v${plan.version}  ${plan.status.padEnd(16)} ${time(plan.createdAt)}`)
    .join('\n');
}

export function formatAudit(entries: AuditRecord[]): string {
  return entries
    .map((entry) => {
      const move = entry.toStatus ? ` ${entry.fromStatus ?? '∅'} → ${entry.toStatus}` : '';
      const step = entry.stepKey ? ` [${entry.stepKey}]` : '';
      const why = entry.reason ? `: ${entry.reason}` : '';
      return `${time(entry.at)}  ${entry.actor.padEnd(20)} ${entry.action}${step}${move}${why}`;
    })
    .join('\n');
}
