// Slack through Bolt: slash commands, button clicks and thread replies, acknowledged by the
// listeners of slack-ingress.ts, become calls on the operator bot here; the dispatcher's notices
// become Block Kit messages. No business rules here.
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { RateLimited, type ChatAdapter } from '../../src/bot/chat-adapter.ts';
import { threadKeyOf, type Message } from '../../src/bot/messages.ts';
import type { OperatorBot, Reply } from '../../src/bot/operator-bot.ts';
import { toSlack } from './blocks.ts';
import type { SlackInbound } from './slack-ingress.ts';

export interface SlackOptions {
  bot: OperatorBot;
  logger: Logger;
  botToken: string;
  /** The Web API base; tests point it at a local server. */
  apiUrl: string;
  /** Where a rotated signing secret goes (the front door's Bolt receiver). */
  setSigningSecret?: (secret: string) => Promise<void>;
}

export interface SlackAdapter extends ChatAdapter {
  /** Runs what a Slack request asks, after the front door acknowledged it. */
  handle(event: SlackInbound): Promise<void>;
  /** Throws when Slack does not accept the bot token. */
  check(): Promise<void>;
  /** Rotated credentials (src/ops/reload.ts): the next Web API call and request check use them. */
  updateCredentials(credentials: { botToken: string; signingSecret?: string }): Promise<void>;
}

/** Slack posts carry the notice id in message metadata, so a retried delivery finds its post. */
const NOTICE_EVENT = 'operator_notice';

export function createSlackAdapter(options: SlackOptions): SlackAdapter {
  const { bot } = options;
  const log = options.logger.child({ adapter: 'slack' });
  // The dispatcher owns retries, with a persisted backoff that honours Retry-After.
  const clientOptions = { slackApiUrl: options.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } };
  // Replaced when the bot token rotates: a WebClient fixes its Authorization header when made.
  let client = new webApi.WebClient(options.botToken, clientOptions);
  let botToken = options.botToken;

  const asSlack = (reply: Reply) => ({ response_type: 'ephemeral' as const, replace_original: false, ...toSlack(reply.message) });

  /** What Bolt's respond() does: the reply goes to the request's response_url. */
  async function respond(responseUrl: string, reply: Reply): Promise<void> {
    const answer = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(asSlack(reply)) });
    if (!answer.ok) throw new Error(`Slack's response_url answered HTTP ${answer.status}`);
  }

  async function handle(event: SlackInbound): Promise<void> {
    const actor = { platform: 'slack', userId: event.userId } as const;
    switch (event.kind) {
      case 'command': {
        const reply = await bot.handleCommand({ actor, text: event.text, channel: event.channel, deliveryId: event.deliveryId });
        if (reply) await respond(event.responseUrl, reply);
        return;
      }
      case 'button': {
        const reply = await bot.handleButton({ actor, actionId: event.actionId, value: event.value, deliveryId: event.deliveryId });
        if (reply) await respond(event.responseUrl, reply);
        return;
      }
      case 'reply': {
        const reply = await bot.handleThreadReply({ actor, threadKey: threadKeyOf({ platform: 'slack', channel: event.channel, threadId: event.threadTs }), text: event.text, deliveryId: event.deliveryId });
        if (!reply) return;
        const content = toSlack(reply.message);
        if (reply.visibility === 'thread') await client.chat.postMessage({ channel: event.channel, thread_ts: event.threadTs, ...content });
        else await client.chat.postEphemeral({ channel: event.channel, user: event.userId, thread_ts: event.threadTs, ...content });
      }
    }
  }

  const handleLogged = (event: SlackInbound) =>
    handle(event).catch((error: unknown) => log.error({ err: error, kind: event.kind }, 'a Slack request failed after it was acknowledged'));

  /** Slack's 429 becomes RateLimited so the dispatcher waits as told. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const limited = error as { code?: string; retryAfter?: number };
      if (limited.code === 'slack_webapi_rate_limited_error') throw new RateLimited((limited.retryAfter ?? 1) * 1000);
      throw error;
    }
  }

  async function findPosted(channel: string, threadId: string | undefined, noticeId: string): Promise<string | null> {
    const page = await call(() =>
      threadId
        ? client.conversations.replies({ channel, ts: threadId, include_all_metadata: true, limit: 200 })
        : client.conversations.history({ channel, include_all_metadata: true, limit: 100 }),
    );
    const found = page.messages?.find((m) => (m.metadata?.event_payload as { notice_id?: string } | undefined)?.notice_id === noticeId);
    return found?.ts ?? null;
  }

  return {
    platform: 'slack',
    handle: handleLogged,
    check: async () => {
      await client.auth.test();
    },
    async updateCredentials(credentials) {
      if (credentials.botToken !== botToken) {
        botToken = credentials.botToken;
        client = new webApi.WebClient(botToken, clientOptions);
      }
      if (credentials.signingSecret) await options.setSigningSecret?.(credentials.signingSecret);
    },
    async post(target, message: Message, delivery) {
      const earlier = delivery.retried ? await findPosted(target.channel, target.threadId, delivery.noticeId) : null;
      const ts =
        earlier ??
        (
          await call(() =>
            client.chat.postMessage({
              channel: target.channel,
              ...(target.threadId ? { thread_ts: target.threadId } : {}),
              ...toSlack(message),
              metadata: { event_type: NOTICE_EVENT, event_payload: { notice_id: delivery.noticeId } },
            }),
          )
        ).ts!;
      return { messageId: ts, threadId: target.threadId ?? ts };
    },
    async update(target, messageId, message) {
      await call(() => client.chat.update({ channel: target.channel, ts: messageId, ...toSlack(message) }));
    },
  };
}
