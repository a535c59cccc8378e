// The daily digest: what ended since the last one, what waits on the operator (oldest first),
// the period's figures and spend against the budget caps. Built from the store alone, so any
// replica builds the same digest.
import type { Message } from '../bot/messages.ts';
import { lastDigestAt, waitingPlans, type EndedPlan, type NoticeTarget, type Period, type WaitingPlan } from '../store/digest.ts';
import type { Store } from '../store/store.ts';
import { upcomingRunsToday, type UpcomingRun } from '../triggers/upcoming.ts';
import { noBudgetCaps, type BudgetCaps } from '../core/budgets.ts';
import { budgetLines, type BudgetLine } from './budgets.ts';
import { periodFigures, type Figures } from './figures.ts';

const DAY_MS = 24 * 60 * 60_000;

export interface Digest {
  /** YYYY-MM-DD in the digest's time zone. */
  day: string;
  period: Period;
  completed: EndedPlan[];
  /** Plans that ended without completing: failed, cancelled, compensated. */
  failed: EndedPlan[];
  waiting: WaitingPlan[];
  /** Scheduled runs still to come today (in the digest's time zone). */
  scheduled: UpcomingRun[];
  figures: Figures;
  /** Spend against each budget cap that is set (none: no caps). */
  budgets: BudgetLine[];
}

/** What a digest is built with: DIGEST_TZ and the budget caps whose spend it shows. */
export interface DigestSettings {
  timeZone: string;
  budgets?: BudgetCaps;
}

/** The calendar day of date in timeZone, as YYYY-MM-DD. */
export function dayIn(timeZone: string, date: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Reports from the last digest (or the last 24 hours before the first one) up to now. */
export async function buildDigest(store: Store, options: DigestSettings & { now?: Date }): Promise<Digest> {
  const to = options.now ?? new Date();
  const last = await lastDigestAt(store);
  const from = last && last < to ? last : new Date(to.getTime() - DAY_MS);
  const [{ ended, figures }, waiting, scheduled, budgets] = await Promise.all([
    periodFigures(store, { from, to }),
    waitingPlans(store),
    upcomingRunsToday(store, options.timeZone, to),
    budgetLines(store, options.budgets ?? noBudgetCaps),
  ]);
  return {
    day: dayIn(options.timeZone, to),
    period: { from, to },
    completed: ended.filter((plan) => plan.status === 'completed'),
    failed: ended.filter((plan) => plan.status !== 'completed'),
    waiting,
    scheduled,
    figures,
    budgets,
  };
}

/** `op digest --json`: the figures under their documented keys, and the lists. */
export function digestJson(digest: Digest) {
  const plan = (p: EndedPlan) => ({ id: p.id, workflow: p.workflow, status: p.status, seconds: (p.finishedAt.getTime() - p.createdAt.getTime()) / 1000 });
  return {
    day: digest.day,
    period: { from: digest.period.from.toISOString(), to: digest.period.to.toISOString() },
    completed: digest.completed.map(plan),
    failed: digest.failed.map(plan),
    waiting: digest.waiting.map((w) => ({ id: w.id, workflow: w.workflow, status: w.status, step: w.stepTitle, waiting_since: w.waitingSince.toISOString() })),
    scheduled_today: digest.scheduled.map((r) => ({ schedule: r.scheduleId, workflow: r.workflow, when: r.phrase, fire_at: r.fireAt.toISOString() })),
    ...digest.figures,
    budgets: digest.budgets.map((line) => ({ cap: line.cap, subject: line.subject, spent_usd: line.spentUsd, cap_usd: line.capUsd })),
  };
}

/** The notice payload of a digest: no plan, so it carries its own target and message. */
export const digestPayload = (target: NoticeTarget, day: string, message: Message) => ({ target, day, message });
