// What the operator is told about a plan: written to the outbox with the state change that caused
// it, read back by the dispatcher. One schema for both sides, so a notice's fields are named once.
import { z } from 'zod';
import { BudgetPause } from '../core/budgets.ts';
import type { PlanRecord } from '../store/plan-records.ts';

const Plan = z.object({ planId: z.string(), workflow: z.string(), version: z.number().int(), text: z.string() });
const AtStep = Plan.extend({ stepKey: z.string(), stepTitle: z.string() });

const noticeOf = <K extends string, P extends z.ZodType>(kind: K, payload: P) => z.object({ kind: z.literal(kind), payload });

export const WaitKind = z.enum(['approval', 'question', 'hand-back', 'budget']);
export type WaitKind = z.infer<typeof WaitKind>;

const KIND_OF_STATUS: Partial<Record<string, WaitKind>> = { waiting_approval: 'approval', waiting_answer: 'question', needs_operator: 'hand-back' };

/** What a plan waits on the operator for; a hand-back at a budget cap (Continue or Abort) is a kind of its own. */
export function waitKindOf(plan: { status: string; budgetAskUsd: number | null }): WaitKind | undefined {
  return plan.status === 'needs_operator' && plan.budgetAskUsd !== null ? 'budget' : KIND_OF_STATUS[plan.status];
}

/** A wait gone on too long: a reminder in the thread, or an escalation past it (src/conductor/deadlines.ts). */
const Wait = AtStep.extend({
  waitKind: WaitKind,
  waitingSince: z.iso.datetime(),
  requestedBy: z.string(),
  /** An escalation under way: Snooze postpones its next step. */
  snoozable: z.boolean().optional(),
  /** The workspace, for an escalation's e-mail. */
  link: z.string().optional(),
});

export const PlanNotice = z.discriminatedUnion('kind', [
  noticeOf('plan_started', Plan.extend({ trigger: z.record(z.string(), z.unknown()).optional() })),
  noticeOf('progress', AtStep),
  /** A dry run's step: what it would have done. */
  noticeOf('previewed', AtStep),
  noticeOf('approval_needed', AtStep.extend({ editable: z.boolean().optional() })),
  noticeOf('question', AtStep),
  /** With budget: a cost cap was reached, and the operator continues (with budget.moreUsd) or aborts. */
  noticeOf('needs_operator', AtStep.extend({ budget: BudgetPause.optional() })),
  noticeOf('reminder', Wait),
  noticeOf('escalation', Wait.extend({ escalation: z.enum(['direct', 'email']) })),
  noticeOf('decision', Plan.extend({ stepKey: z.string() }).extend({ outcome: z.string(), actor: z.string(), at: z.iso.datetime(), reason: z.string().optional() })),
  noticeOf('plan_updated', Plan),
  noticeOf('completed', Plan),
  noticeOf('failed', Plan.extend({ stepKey: z.string().optional() })),
  noticeOf('cancelled', Plan),
  noticeOf('compensated', Plan),
]);
export type PlanNotice = z.infer<typeof PlanNotice>;
export type NoticeKind = PlanNotice['kind'];

/** A reminder's or an escalation's payload: what the prompt shows again, and for whom. */
export type WaitPayload = z.infer<typeof Wait>;

type PayloadOf<K extends NoticeKind> = Extract<PlanNotice, { kind: K }>['payload'];
type Extra<K extends NoticeKind> = Omit<PayloadOf<K>, keyof z.infer<typeof Plan>>;

export function notice<K extends NoticeKind>(
  kind: K,
  plan: Pick<PlanRecord, 'id' | 'workflow' | 'version'>,
  text: string,
  ...extra: Partial<Extra<K>> extends Extra<K> ? [Extra<K>?] : [Extra<K>]
): { kind: K; payload: PayloadOf<K> } {
  return { kind, payload: { planId: plan.id, workflow: plan.workflow, version: plan.version, text, ...extra[0] } as PayloadOf<K> };
}
