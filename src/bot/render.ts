// Conductor state and notices, rendered into neutral messages.
import path from 'node:path';
import type { EditForm, PlanState } from '../conductor/conductor.ts';
import { waitKindOf, type WaitKind, type WaitPayload } from '../conductor/notices.ts';
import { CAP_NAMES, usd, type BudgetPause } from '../core/budgets.ts';
import type { WaitingItem } from '../conductor/plan-reads.ts';
import type { Citation, RecallResult } from '../core/services.ts';
import { redactText, redactValue } from '../privacy/redact.ts';
import type { ModelCallRecord } from '../store/model-calls.ts';
import type { AuditRecord, StepRecord } from '../store/plans.ts';
import { Trigger } from '../triggers/trigger.ts';
import { mention, timestamp, type Button, type Form, type Message, type StepState } from './messages.ts';

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
  const sources = citationsOf(live);
  return {
    title: `${plan.dryRun ? 'Dry run: ' : ''}${plan.workflow} · ${plan.id}`,
    text: `${STATUS_LINE[plan.status] ?? plan.status}${plan.version > 1 ? ` (version ${plan.version})` : ''}`,
    steps: live.map((step) => ({ title: step.title, state: STEP_STATE[step.status] ?? 'pending' })),
    progress: { done, total: live.length },
    // The card has no snippet text of its own, so its citations carry their snippets.
    ...(sources.length > 0 ? { citations: sources.map((c, i) => citationEntry({ ...c, n: i + 1 }, { withSnippet: true })) } : {}),
    footer: describeTrigger(plan.trigger) ?? `Requested by ${mention(plan.requestedBy)}`,
  };
}

const isCitation = (value: unknown): value is Citation =>
  typeof value === 'object' && value !== null && typeof (value as Citation).recordId === 'string' && typeof (value as Citation).snippet === 'string';

/**
 * The memories a plan's steps recalled (outputs that keep `citations`, as workflows/shared/recall.ts
 * gives them), once each, in the order the steps ran: the card cites what the plan was based on.
 */
function citationsOf(steps: StepRecord[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const step of steps) {
    const cited = (step.output as { citations?: unknown } | null)?.citations;
    if (step.status !== 'completed' || !Array.isArray(cited)) continue;
    for (const citation of cited.filter(isCitation)) if (!seen.has(citation.recordId)) seen.set(citation.recordId, citation);
  }
  return [...seen.values()];
}

/** A cited memory as a message shows it: its id (for /op forget), kind and source, and its link. */
function citationEntry(c: Citation, options: { withSnippet?: boolean } = {}) {
  const origin = `${c.recordId} · ${c.kind.replace('_', ' ')} · ${c.source}${c.link && !/^https?:/.test(c.link) ? ` · ${c.link}` : ''}`;
  const snippet = c.snippet.length > 140 ? `${c.snippet.slice(0, 139)}…` : c.snippet;
  return { index: c.n, label: options.withSnippet ? `${snippet} (${origin})` : origin, url: c.link && /^https?:/.test(c.link) ? c.link : undefined };
}

const buttons = (planId: string, version: number, specs: [Button['action'], string, Button['style']?][]): Button[] =>
  specs.map(([action, label, style]) => ({ action, label, style, planId, version }));

export function approvalPrompt(planId: string, version: number, prompt: string, options: { editable?: boolean } = {}): Message {
  return {
    title: 'Approval needed',
    text: prompt,
    buttons: buttons(planId, version, [['approve', 'Approve', 'primary'], ...(options.editable ? [['edit', 'Edit'] as [Button['action'], string]] : []), ['deny', 'Deny', 'danger']]),
  };
}

/** Edit's form: the gate's editable fields with the plan's values. */
export function editForm(form: EditForm): Form {
  return {
    kind: 'edit',
    planId: form.planId,
    version: form.version,
    title: `Edit and approve`,
    submitLabel: 'Approve',
    fields: form.fields,
  };
}

/** The longest reason a denial keeps: a sentence or a paragraph, not a document. */
export const MAX_REASON_LENGTH = 1000;

/** Deny's form: one optional reason, recorded in the audit and remembered for later plans. */
export function denyForm(planId: string, version: number): Form {
  return {
    kind: 'deny',
    planId,
    version,
    title: 'Deny',
    submitLabel: 'Deny',
    fields: [{ name: 'reason', label: 'Why? (optional; remembered for later plans)', value: '', optional: true, multiline: true, maxLength: MAX_REASON_LENGTH }],
  };
}

export function questionPrompt(prompt: string): Message {
  return { title: 'Question', text: prompt, footer: 'Reply in this thread to answer.' };
}

/** A failed step (Retry, Skip, Abort), or a budget cap reached (Continue with the amount asked, Abort). */
export function handBackPrompt(planId: string, version: number, text: string, budget?: BudgetPause): Message {
  if (budget) {
    return {
      title: `Budget reached: ${CAP_NAMES[budget.cap]}`,
      text,
      buttons: buttons(planId, version, [['continue', `Continue (+${usd(budget.moreUsd)})`, 'primary'], ['abort', 'Abort', 'danger']]),
    };
  }
  return {
    title: 'A step failed and retries did not fix it',
    text,
    buttons: buttons(planId, version, [['retry', 'Retry', 'primary'], ['skip', 'Skip'], ['abort', 'Abort', 'danger']]),
  };
}

const WAITING_FOR: Record<WaitKind, string> = { approval: 'your approval', question: 'your answer', 'hand-back': 'you to retry, skip or abort', budget: 'you to continue or abort' };

const WAIT_BUTTONS: Partial<Record<WaitKind, [Button['action'], string, Button['style']?][]>> = {
  approval: [['approve', 'Approve', 'primary'], ['deny', 'Deny', 'danger']],
  'hand-back': [['retry', 'Retry', 'primary'], ['skip', 'Skip'], ['abort', 'Abort', 'danger']],
  budget: [['continue', 'Continue', 'primary'], ['abort', 'Abort', 'danger']],
};

function waitButtons(planId: string, version: number, notice: WaitPayload): Button[] {
  return buttons(planId, version, [...(WAIT_BUTTONS[notice.waitKind] ?? []), ...(notice.snoozable ? [['snooze', 'Snooze'] as [Button['action'], string]] : [])]);
}

/** A wait that has gone on too long: the original prompt again, with its buttons, and who it waits for. */
export function reminderPrompt(planId: string, version: number, notice: WaitPayload): Message {
  const specs = waitButtons(planId, version, notice);
  return {
    title: `Reminder: ${notice.stepTitle}`,
    text: `${mention(notice.requestedBy)}, this has waited for ${WAITING_FOR[notice.waitKind]} since ${timestamp(new Date(notice.waitingSince))}.\n${notice.text}`,
    ...(specs.length > 0 ? { buttons: specs } : {}),
    ...(notice.waitKind === 'question' ? { footer: 'Reply in this thread to answer.' } : {}),
  };
}

/** An escalation past the thread: a direct message (with the buttons) or an e-mail (with the link). */
export function escalationMessage(planId: string, workflow: string, version: number, notice: WaitPayload): Message {
  return {
    title: `Waiting on you: ${notice.stepTitle} (${workflow} ${planId})`,
    text: `This has waited for ${WAITING_FOR[notice.waitKind]} since ${timestamp(new Date(notice.waitingSince))}.\n${notice.text}`,
    buttons: waitButtons(planId, version, notice),
    ...(notice.link ? { footer: `Open it in the workspace: ${notice.link}` } : {}),
  };
}

/** How long, in words a person reads at a glance: 45 min, 3 h, 2 d. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

const waitOf = (item: WaitingItem) => waitKindOf({ status: item.planStatus, budgetAskUsd: item.budgetAskUsd });

/** `/op inbox`: every wait, the longest first, each with how long it has waited, its deadline and its buttons. */
export function inboxMessage(items: WaitingItem[], now: Date): Message {
  if (items.length === 0) return { title: 'Inbox', text: 'Nothing is waiting on you.' };
  const lines = items.map((item) => {
    const kind = waitOf(item) ?? 'wait';
    const deadline = item.deadline
      ? `; ${item.escalationStage ? `next reminder ${timestamp(item.deadline)}` : `deadline ${timestamp(item.deadline)} (then ${item.deadlineOutcome})`}`
      : '';
    const how = kind === 'question' ? ': reply in its thread' : '';
    return `• ${item.planId} ${item.workflow}: ${kind} "${item.stepTitle}", waiting ${duration(now.getTime() - item.waitingSince.getTime())}${deadline}${how}`;
  });
  return {
    title: `Inbox: ${items.length} waiting on you`,
    text: lines.join('\n'),
    buttons: items.flatMap((item) => buttons(item.planId, item.version, WAIT_BUTTONS[waitOf(item) ?? 'question'] ?? [])),
  };
}

/** Replaces a prompt's buttons once it has been decided, with the reason given for it. */
export function decidedPrompt(original: Message, outcome: string, actor: string, at: Date, reason?: string): Message {
  const { buttons, ...rest } = original;
  return { ...rest, footer: `${outcome} by ${mention(actor)} at ${timestamp(at)}${reason ? `: ${reason}` : ''}` };
}

export function stepTitle(steps: StepRecord[], key: string | undefined): string {
  return steps.find((step) => step.key === key)?.title ?? key ?? 'step';
}

const clipped = (value: unknown, max: number) => {
  const text = typeof value === 'string' ? redactText(value) : JSON.stringify(redactValue(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/**
 * `/op audit <plan>`: every transition and decision (who, when, why, how long it waited) and each
 * model-backed call with its path and its input and output, redacted and clipped.
 */
export function auditMessage(planId: string, entries: AuditRecord[], calls: ModelCallRecord[]): Message {
  const lines = entries.map((entry) => {
    const move = entry.toStatus ? ` ${entry.fromStatus ?? '∅'} → ${entry.toStatus}` : '';
    const step = entry.stepKey ? ` [${entry.stepKey}]` : '';
    const why = entry.reason ? `: ${clipped(entry.reason, 200)}` : '';
    const waitedMs = (entry.detail as { waitedMs?: unknown } | null)?.waitedMs;
    const waited = typeof waitedMs === 'number' ? ` (waited ${Math.round(waitedMs / 60_000)} min)` : '';
    return `${timestamp(entry.at)} ${mention(entry.actor)} ${entry.action}${step}${move}${why}${waited}`;
  });
  const modelLines = calls.map((call) => {
    const how =
      call.path === 'model'
        ? `${call.model ?? 'model'}, ${call.promptTokens}+${call.completionTokens} tokens, $${call.costUsd.toFixed(4)}`
        : call.path === 'reserved'
          ? `reserved at $${call.costUsd.toFixed(4)}: under way, or its process stopped before it ended`
          : 'fallback';
    const outcome = call.error ? `error: ${clipped(call.error, 160)}` : `out ${clipped(call.output, 240)}`;
    return `${timestamp(call.at)} ${call.task}${call.stepKey ? ` [${call.stepKey}]` : ''} (${how})\n   in ${clipped(call.input, 240)}\n   ${outcome}`;
  });
  return {
    title: `Audit of ${planId}`,
    text: [...lines, ...(modelLines.length ? ['', '*Model calls*', ...modelLines] : [])].join('\n') || 'Nothing recorded yet.',
  };
}

/**
 * `/op recall`: the model's answer when there is one, then the snippets numbered as cited, each
 * with its memory id (for /op forget) and a link to where it came from; a degraded answer says so.
 */
export function recallMessage(result: RecallResult): Message {
  if (result.citations.length === 0) {
    return { title: 'Recall', text: `Nothing in memory matches "${result.query}". \`/op remember <text>\` adds to it.`, footer: result.degraded ? DEGRADED : undefined };
  }
  return {
    title: `Recall: ${result.query}`,
    text: [...(result.answer ? [result.answer, ''] : []), ...(result.withheld ? [`No written answer: ${result.withheld}. The sources:`, ''] : []), ...result.citations.map((c) => `[${c.n}] ${c.snippet}`)].join('\n'),
    citations: result.citations.map((c) => citationEntry(c)),
    footer: result.degraded ? DEGRADED : undefined,
  };
}

const DEGRADED = 'Degraded: the vector index is unreachable, so this is a keyword search of the records.';

function lateness(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

const kilobytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** One line for the plan's card; null for a plan someone started by hand. */
function describeTrigger(value: unknown): string | null {
  const parsed = Trigger.safeParse(value);
  if (!parsed.success) return null;
  const trigger = parsed.data;
  if (trigger.kind === 'webhook') return `Started by webhook ${trigger.hook} (delivery ${trigger.deliveryId})`;
  if (trigger.kind === 'email') {
    const files = trigger.attachments?.length ? `, with ${trigger.attachments.map((file) => `${path.basename(file.path)} (${kilobytes(file.bytes)})`).join(', ')}` : '';
    return `Started by e-mail in ${trigger.mailbox} (${trigger.messageId ? `Message-ID ${trigger.messageId}` : `UID ${trigger.uid}`})${files}`;
  }
  const schedule = `schedule ${trigger.scheduleId} (${trigger.phrase})`;
  if (trigger.manual) return `Run now from ${schedule}`;
  const due = `due ${timestamp(new Date(trigger.fireAt))}`;
  if (!trigger.late) return `Started by ${schedule}, ${due}`;
  const missed = trigger.late.missed > 0 ? `; stands for ${trigger.late.missed} earlier missed fire time${trigger.late.missed === 1 ? '' : 's'}` : '';
  return `Started late by ${schedule}: ${due}, ran ${lateness(trigger.late.byMs)} late after downtime${missed}`;
}
