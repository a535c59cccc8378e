// What started a plan when nobody typed it. Stored on the plan (Plan.trigger), in its audit
// entry and on its card, so "why did this run?" has an answer on the card itself.
import { z } from 'zod';
import { KeptAttachment } from './email-attachments.ts';

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
  /** The files it came with, kept under DATA_DIR (src/triggers/email-attachments.ts). */
  attachments: z.array(KeptAttachment).optional(),
});

export const Trigger = z.discriminatedUnion('kind', [ScheduleTrigger, WebhookTrigger, EmailTrigger]);
export type Trigger = z.infer<typeof Trigger>;
