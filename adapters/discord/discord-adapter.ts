// Discord's answers and notices, through its REST API: the deferred reply of an interaction is
// edited with the inbox worker's answer, notices become embeds edited in place, threads are
// started under a plan's card. The gateway, which takes interactions in, runs on the front door's
// thread (discord-ingress.ts); this side needs no connection of its own, so the service and every
// `op worker` answer alike. No business rules here.
import { RateLimitError, REST, Routes, type APIChannel, type APIMessage } from 'discord.js';
import { RateLimited, type ChatAdapter } from '../../src/bot/chat-adapter.ts';
import type { InboxAnswerer } from '../../src/bot/inbox.ts';
import type { Reply } from '../../src/bot/reply.ts';
import { HealthProblem } from '../../src/core/health.ts';
import { toDiscord } from './components.ts';

export interface DiscordOptions {
  token: string;
  applicationId: string;
  /** The REST base; tests point it at a local server. */
  apiUrl: string;
  /** What keeps the gateway from taking interactions in, and the fix (null: connected); an `op worker` holds no gateway. */
  gatewayProblem: () => string | null;
  /** Hands a rotated token to the gateway (on the front door's thread). */
  reconnectGateway: (token: string) => Promise<void>;
}

export interface DiscordAdapter extends ChatAdapter, InboxAnswerer {
  /** Throws a HealthProblem naming what is wrong and the fix while the gateway is not connected. */
  check(): Promise<void>;
  /** A rotated bot token (src/ops/reload.ts): REST uses it at once, the gateway reconnects with it. */
  updateCredentials(credentials: { token: string }): Promise<void>;
}

export function createDiscordAdapter(options: DiscordOptions): DiscordAdapter {
  // The dispatcher owns retries, with a persisted backoff that honours retry_after.
  const rest = new REST({ api: options.apiUrl, rejectOnRateLimit: () => true }).setToken(options.token);
  let token = options.token;

  /** Discord's 429 becomes RateLimited so the dispatcher waits as told. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof RateLimitError) throw new RateLimited(error.retryAfter);
      throw error;
    }
  }

  /** Posts a message; Discord drops a second one with the same nonce from the same author, so a retried notice is not posted twice. */
  const send = (channelId: string, body: object, noticeId: string) =>
    rest.post(Routes.channelMessages(channelId), { body: { ...body, nonce: noticeId.slice(0, 25), enforce_nonce: true } }) as Promise<APIMessage>;

  /** The answer to an inbox entry: the deferred interaction's reply, or a reply to the thread message. */
  async function answer(answerTo: Record<string, string>, reply: Reply | null): Promise<void> {
    if (answerTo.interactionToken) {
      const original = Routes.webhookMessage(options.applicationId, answerTo.interactionToken, '@original');
      // On success a click's prompt itself shows the outcome: the deferred reply goes away.
      if (reply) await rest.patch(original, { body: toDiscord(reply.message), auth: false });
      else await rest.delete(original, { auth: false });
      return;
    }
    if (!reply || !answerTo.channelId || !answerTo.messageId) return;
    await rest.post(Routes.channelMessages(answerTo.channelId), {
      body: { ...toDiscord(reply.message), message_reference: { message_id: answerTo.messageId }, allowed_mentions: { replied_user: true } },
    });
  }

  return {
    platform: 'discord',
    answer,
    check: async () => {
      const problem = options.gatewayProblem();
      if (problem) throw new HealthProblem(problem);
    },
    async updateCredentials({ token: next }) {
      if (next === token) return;
      token = next;
      rest.setToken(token);
      await options.reconnectGateway(token);
    },
    async post(target, message, delivery) {
      return call(async () => {
        const channelId = target.threadId ?? target.channel;
        const sent = await send(channelId, toDiscord(message), delivery.noticeId);
        if (!delivery.startsThread) return { messageId: sent.id };
        // A retried post returns the first message, whose thread may already be there.
        const threadId = sent.thread?.id ?? ((await rest.post(Routes.threads(channelId, sent.id), { body: { name: (message.title ?? 'Plan').slice(0, 100) } })) as APIChannel).id;
        return { messageId: sent.id, threadId };
      });
    },
    async update(target, messageId, message) {
      await call(() => rest.patch(Routes.channelMessage(target.threadId ?? target.channel, messageId), { body: toDiscord(message) }));
    },
    async direct(userId, message, delivery) {
      await call(async () => {
        const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
        await send(dm.id, toDiscord(message), delivery.noticeId);
      });
    },
  };
}
