// What started a plan when nobody typed it. Stored on the plan (Plan.trigger), in its audit
// entry and on its card, so "why did this run?" has an answer on the card itself.
import { z } from 'zod';
import { timestamp } from '../bot/messages.ts';

export const ScheduleTrigger = z.object({
  kind: z.literal('schedule'),
  scheduleId: z.string(),
  /** The schedule as typed ("every Monday 8am"), to name it on the card. */
  phrase: z.string(),
  /** The fire time this plan is for (ISO 8601). */
  fireAt: z.string(),
  /** Set when the plan started after its fire time (downtime): by how much, and how many earlier fire times it stands for. */
  late: z.object({ byMs: z.number(), missed: z.number() }).optional(),
  /** run-now: started by hand, outside the schedule's fire times. */
  manual: z.boolean().optional(),
});

export const WebhookTrigger = z.object({
  kind: z.literal('webhook'),
  hook: z.string(),
  deliveryId: z.string(),
});

export const EmailTrigger = z.object({
  kind: z.literal('email'),
  /** The watched folder (IMAP_MAILBOX) and where the message was in it. */
  mailbox: z.string(),
  uidValidity: z.string(),
  uid: z.number().int(),
  /** The Message-ID header, when the message has one. */
  messageId: z.string().nullable(),
});

export const Trigger = z.discriminatedUnion('kind', [ScheduleTrigger, WebhookTrigger, EmailTrigger]);
export type Trigger = z.infer<typeof Trigger>;

function lateness(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/** One line for the plan's card; null for a plan someone started by hand. */
export function describeTrigger(value: unknown): string | null {
  const parsed = Trigger.safeParse(value);
  if (!parsed.success) return null;
  const trigger = parsed.data;
  if (trigger.kind === 'webhook') return `Started by webhook ${trigger.hook} (delivery ${trigger.deliveryId})`;
  if (trigger.kind === 'email') return `Started by e-mail in ${trigger.mailbox} (${trigger.messageId ? `Message-ID ${trigger.messageId}` : `UID ${trigger.uid}`})`;
  const schedule = `schedule ${trigger.scheduleId} (${trigger.phrase})`;
  if (trigger.manual) return `Run now from ${schedule}`;
  const due = `due ${timestamp(new Date(trigger.fireAt))}`;
  if (!trigger.late) return `Started by ${schedule}, ${due}`;
  const missed = trigger.late.missed > 0 ? `; stands for ${trigger.late.missed} earlier missed fire time${trigger.late.missed === 1 ? '' : 's'}` : '';
  return `Started late by ${schedule}: ${due}, ran ${lateness(trigger.late.byMs)} late after downtime${missed}`;
}
