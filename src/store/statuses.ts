export const PLAN_STATUSES = [
  'running',
  'waiting_approval',
  'waiting_answer',
  'needs_operator',
  /** Waits for an external dependency that is down (Plan.waitingOn); resumes when it is back. */
  'waiting_dependency',
  'compensating',
  'completed',
  'failed',
  'cancelled',
  'compensated',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const TERMINAL_STATUSES: readonly PlanStatus[] = ['completed', 'failed', 'cancelled', 'compensated'];
export const WAITING_STATUSES: readonly PlanStatus[] = ['waiting_approval', 'waiting_answer', 'needs_operator'];

/** pending -> waiting (gates) -> completed | skipped | failed | denied; later compensated or superseded. */
export type StepStatus = 'pending' | 'waiting' | 'completed' | 'skipped' | 'failed' | 'denied' | 'compensated' | 'superseded';

/** Steps whose outcome stands: they are not run again when the plan resumes. */
export const DONE_STEP_STATUSES: readonly StepStatus[] = ['completed', 'skipped'];

/** What became of an action's effect: started is committed before the effect runs. */
export type EffectStatus = 'started' | 'applied' | 'compensated' | 'kept';
