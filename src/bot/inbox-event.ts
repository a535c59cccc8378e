// What goes into the inbox: a neutral event (a command, a button click or a thread reply) and
// where its answer goes. Front doors build these; src/bot/inbox.ts runs them. Contracts first:
// the payload is parsed back with the same schema it was written with.
import { z } from 'zod';

/** The most an operator may type in one command or reply, on every platform and the CLI. */
export const MAX_TEXT_LENGTH = 4000;

const ActorSchema = z.object({ platform: z.string(), userId: z.string(), roleIds: z.array(z.string()).optional() });

export const InboundEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), actor: ActorSchema, text: z.string(), channel: z.string() }),
  z.object({ kind: z.literal('button'), actor: ActorSchema, actionId: z.string(), value: z.string() }),
  z.object({ kind: z.literal('reply'), actor: ActorSchema, threadKey: z.string(), text: z.string() }),
  /** A submitted form (src/bot/messages.ts Form): its kind, "<plan>:<version>", and its fields by name. */
  z.object({ kind: z.literal('form'), actor: ActorSchema, form: z.string(), value: z.string(), fields: z.record(z.string(), z.string()) }),
]);
export type InboundEvent = z.infer<typeof InboundEventSchema>;

/**
 * answerTo: what the event's platform needs to answer it (a Slack response_url, a Discord
 * interaction token); each adapter reads its own. Absent: the caller reads the recorded answer
 * (the workspace and the CLI wait for it).
 */
export const InboxPayloadSchema = z.object({ event: InboundEventSchema, answerTo: z.record(z.string(), z.string()).optional() });
export type InboxPayload = z.infer<typeof InboxPayloadSchema>;

/** The inbox row for a delivery: its id is the platform's delivery id, so a retry finds it. */
export function inboxDraft(deliveryId: string, payload: InboxPayload) {
  return { id: deliveryId, platform: payload.event.actor.platform, kind: payload.event.kind, payload: JSON.stringify(payload) };
}

