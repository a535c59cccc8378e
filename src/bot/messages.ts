// The neutral message model: what every adapter can show (Block Kit, Discord components, HTML).
// Mentions and times travel as tokens, so each platform renders them natively
// (<@U123> and <!date^...> on Slack, <@123> and <t:...> on Discord).

export const BUTTON_ACTIONS = ['approve', 'edit', 'deny', 'retry', 'skip', 'continue', 'abort', 'snooze', 'not_useful'] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

export interface Button {
  action: ButtonAction;
  label: string;
  style?: 'primary' | 'danger';
  /** The plan the button acts on; for not_useful, the alert (src/ops/alerts.ts) it marks. */
  planId: string;
  /** The plan version the button was shown for: a click on a superseded version changes nothing. */
  version: number;
}

export type StepState = 'pending' | 'waiting' | 'done' | 'skipped' | 'failed' | 'undone';

export interface Message {
  title?: string;
  text: string;
  fields?: { label: string; value: string }[];
  steps?: { title: string; state: StepState }[];
  progress?: { done: number; total: number };
  buttons?: Button[];
  citations?: { index: number; label: string; url?: string }[];
  footer?: string;
}

/**
 * A form a button opens (a Slack modal, a Discord modal, a form in the workspace): Edit's
 * editable fields pre-filled with the plan's values, or Deny's optional reason. Submitted, it
 * comes back as a `form` event carrying its kind, the plan version it was opened for, and the
 * fields' values by name. A form is named for the button that opens it.
 */
export const FORM_KINDS = ['edit', 'deny'] as const satisfies readonly ButtonAction[];
export type FormKind = (typeof FORM_KINDS)[number];

export interface Form {
  kind: FormKind;
  planId: string;
  version: number;
  title: string;
  submitLabel: string;
  /** multiline: a sentence or more (a reason), shown as a text area; maxLength: the most characters it takes, enforced as it is typed. */
  fields: { name: string; label: string; value: string; optional?: boolean; multiline?: boolean; maxLength?: number }[];
}

/** Whether a click on this button opens a form, so an adapter answers it with the form itself. */
export const opensForm = (actionId: string) => FORM_KINDS.some((kind) => buttonId(kind) === actionId);

export const formId = (kind: FormKind) => `op:form:${kind}`;

export function parseFormId(callbackId: string): FormKind | null {
  const kind = callbackId.replace(/^op:form:/, '');
  return FORM_KINDS.find((known) => known === kind) ?? null;
}

/** Where a plan's messages live on a platform: the channel, the plan card and its thread. */
export interface ConversationRef {
  platform: string;
  channel: string;
  /** The plan card; its thread holds the details. Set once the card is posted. */
  cardId?: string;
  threadId?: string;
  /** Prompts by step key, so a decision can replace their buttons with its outcome. */
  prompts?: Record<string, { id: string; title?: string; text: string }>;
}

/**
 * The key a plan's thread is stored under and found by when someone replies in it: one builder
 * for every adapter and the dispatcher, so a reply on any platform finds its plan.
 */
export const threadKeyOf = (thread: { platform: string; channel: string; threadId: string }) => `${thread.platform}:${thread.channel}:${thread.threadId}`;

export const mention = (actor: string) => `{{user:${actor}}}`;
export const timestamp = (date: Date) => `{{time:${date.toISOString()}}}`;

/** Replaces mention and time tokens using the platform's own formatting. */
export function formatTokens(
  text: string,
  format: { user: (platform: string, id: string) => string; time: (date: Date) => string },
): string {
  return text
    .replace(/\{\{user:([a-z]+):([^}]+)\}\}/g, (_, platform: string, id: string) => format.user(platform, id))
    .replace(/\{\{user:([^}]+)\}\}/g, (_, actor: string) => actor)
    .replace(/\{\{time:([^}]+)\}\}/g, (_, iso: string) => format.time(new Date(iso)));
}

export const buttonId = (action: ButtonAction) => `op:${action}`;
export const buttonValue = (button: Pick<Button, 'planId' | 'version'>) => `${button.planId}:${button.version}`;

export function parseButton(actionId: string, value: string): { action: ButtonAction; planId: string; version: number } | null {
  const action = actionId.replace(/^op:/, '') as ButtonAction;
  const match = (action === 'not_useful' ? /^(a[a-z0-9]+):(\d+)$/ : /^(p[a-z0-9]+):(\d+)$/).exec(value);
  if (!BUTTON_ACTIONS.includes(action) || !match) return null;
  return { action, planId: match[1]!, version: Number(match[2]) };
}
