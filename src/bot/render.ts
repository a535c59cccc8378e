// Conductor state and notices, rendered into neutral messages.
import type { PlanState } from '../conductor/conductor.ts';
import type { StepRecord } from '../store/plans.ts';
import { mention, timestamp, type Button, type Message, type StepState } from './messages.ts';

const STEP_STATE: Record<string, StepState> = {
  pending: 'pending',
  waiting: 'waiting',
  completed: 'done',
  skipped: 'skipped',
  failed: 'failed',
  denied: 'failed',
  compensated: 'undone',
};

const STATUS_LINE: Record<string, string> = {
  running: 'Running',
  waiting_approval: 'Waiting for your approval',
  waiting_answer: 'Waiting for your answer',
  needs_operator: 'Needs you: a step failed',
  compensating: 'Undoing what was done',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  compensated: 'Stopped; every action was undone',
};

export function planCard({ plan, steps }: PlanState): Message {
  const live = steps.filter((step) => step.status !== 'superseded');
  const done = live.filter((step) => step.status === 'completed' || step.status === 'skipped').length;
  return {
    title: `${plan.workflow} · ${plan.id}`,
    text: `${STATUS_LINE[plan.status] ?? plan.status}${plan.version > 1 ? ` (version ${plan.version})` : ''}`,
    steps: live.map((step) => ({ title: step.title, state: STEP_STATE[step.status] ?? 'pending' })),
    progress: { done, total: live.length },
    footer: `Requested by ${mention(plan.requestedBy)}`,
  };
}

const buttons = (planId: string, version: number, specs: [Button['action'], string, Button['style']?][]): Button[] =>
  specs.map(([action, label, style]) => ({ action, label, style, planId, version }));

export function approvalPrompt(planId: string, version: number, prompt: string): Message {
  return {
    title: 'Approval needed',
    text: prompt,
    buttons: buttons(planId, version, [['approve', 'Approve', 'primary'], ['deny', 'Deny', 'danger']]),
  };
}

export function questionPrompt(prompt: string): Message {
  return { title: 'Question', text: prompt, footer: 'Reply in this thread to answer.' };
}

export function handBackPrompt(planId: string, version: number, text: string): Message {
  return {
    title: 'A step failed and retries did not fix it',
    text,
    buttons: buttons(planId, version, [['retry', 'Retry', 'primary'], ['skip', 'Skip'], ['abort', 'Abort', 'danger']]),
  };
}

/** Replaces a prompt's buttons once it has been decided. */
export function decidedPrompt(original: Message, outcome: string, actor: string, at: Date): Message {
  const { buttons, ...rest } = original;
  return { ...rest, footer: `${outcome} by ${mention(actor)} at ${timestamp(at)}` };
}

export function stepTitle(steps: StepRecord[], key: string | undefined): string {
  return steps.find((step) => step.key === key)?.title ?? key ?? 'step';
}
