import type { PlanRecord } from '../store/plans.ts';

/** What the operator is told; written to the outbox with the state change that caused it. */
export type NoticeKind =
  | 'plan_started'
  | 'progress'
  | 'approval_needed'
  | 'question'
  | 'needs_operator'
  | 'reminder'
  | 'escalation'
  | 'decision'
  | 'plan_updated'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'compensated';

export function notice(
  kind: NoticeKind,
  plan: Pick<PlanRecord, 'id' | 'workflow' | 'version'>,
  text: string,
  extra: Record<string, unknown> = {},
) {
  return { kind, payload: { planId: plan.id, workflow: plan.workflow, version: plan.version, text, ...extra } };
}
