// A notice without a plan (the daily digest): it carries where it goes and the message to show.
import { z } from 'zod';
import type { Message } from './messages.ts';

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && 'text' in value && typeof value.text === 'string';

export const TargetedNotice = z.object({
  target: z.object({ platform: z.string(), channel: z.string() }),
  message: z.custom<Message>(isMessage, 'a message with a text'),
});
export type TargetedNotice = z.infer<typeof TargetedNotice>;
