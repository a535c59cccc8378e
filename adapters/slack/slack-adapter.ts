// Slack through Bolt: slash commands, button clicks and thread replies become calls on the
// operator bot; the dispatcher's notices become Block Kit messages. No business rules here.
import type { RequestListener } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { RateLimited, type ChatAdapter } from '../../src/bot/chat-adapter.ts';
import type { Message } from '../../src/bot/messages.ts';
import type { OperatorBot, Reply } from '../../src/bot/operator-bot.ts';
import { toSlack } from './blocks.ts';

export interface SlackOptions {
  bot: OperatorBot;
  logger: Logger;
  signingSecret: string;
  botToken: string;
  /** Socket Mode instead of HTTP when set (xapp-...). */
  appToken?: string;
  /** The Web API base; tests point it at a local server. */
  apiUrl: string;
}

export interface SlackAdapter extends ChatAdapter {
  /** Serves POST /slack/events (HTTP mode); null in Socket Mode. */
  requestListener: RequestListener | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Throws when Slack does not accept the bot token. */
  check(): Promise<void>;
  /** Rotated credentials (src/ops/reload.ts): the next Web API call and request check use them. */
  updateCredentials(credentials: { botToken: string; signingSecret?: string }): void;
}

/** Slack signs a timestamp; Bolt rejects old ones, and a request from the future is no better. */
const MAX_CLOCK_SKEW_S = 5 * 60;

function rejectFutureRequests(listener: RequestListener): RequestListener {
  return (request, response) => {
    const sent = Number(request.headers['x-slack-request-timestamp']);
    if (Number.isFinite(sent) && sent - Date.now() / 1000 > MAX_CLOCK_SKEW_S) {
      response.writeHead(401).end();
      return;
    }
    listener(request, response);
  };
}

/** Slack posts carry the notice id in message metadata, so a retried delivery finds its post. */
const NOTICE_EVENT = 'operator_notice';

function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  return {
    debug: (...msg) => log.debug(msg.join(' ')),
    info: (...msg) => log.info(msg.join(' ')),
    warn: (...msg) => log.warn(msg.join(' ')),
    error: (...msg) => log.error(msg.join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export function createSlackAdapter(options: SlackOptions): SlackAdapter {
  const { bot } = options;
  const log = options.logger.child({ adapter: 'slack' });
  const receiver = options.appToken
    ? undefined
    : new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', logger: boltLogger(log) });
  // Socket Mode opens its connection with a Web API call of its own, which must go to the same
  // API base as everything else (Bolt's socketMode flag would use slack.com whatever is set).
  const socket = options.appToken
    ? new SocketModeReceiver({ appToken: options.appToken, logger: boltLogger(log), installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } } })
    : undefined;
  // The dispatcher owns retries, with a persisted backoff that honours Retry-After.
  const clientOptions = { slackApiUrl: options.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } };
  const app = new App({
    token: options.botToken,
    signingSecret: options.signingSecret,
    receiver: receiver ?? socket,
    logger: boltLogger(log),
    clientOptions,
  });
  // Replaced when the bot token rotates: a WebClient fixes its Authorization header when made.
  let client = app.client;
  let botToken = options.botToken;

  const asSlack = (reply: Reply) => ({ response_type: 'ephemeral' as const, replace_original: false, ...toSlack(reply.message) });

  // Every listener acknowledges first (Slack allows 3 seconds), then does the work.
  app.command('/op', async ({ ack, command, respond }) => {
    await ack();
    const reply = await bot.handleCommand({
      actor: { platform: 'slack', userId: command.user_id },
      text: command.text,
      channel: command.channel_id,
      deliveryId: `slack:command:${command.trigger_id}`,
    });
    if (reply) await respond(asSlack(reply));
  });

  app.action(/^op:/, async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    const reply = await bot.handleButton({
      actor: { platform: 'slack', userId: body.user.id },
      actionId: action.action_id,
      value: action.value ?? '',
      deliveryId: `slack:action:${body.trigger_id}:${action.action_ts}`,
    });
    if (reply) await respond(asSlack(reply));
  });

  app.message(async ({ message, body }) => {
    // Only people's replies in threads can answer a plan's question; other chatter is ignored.
    if (message.subtype !== undefined || !('thread_ts' in message) || !message.thread_ts || !message.user) return;
    const reply = await bot.handleThreadReply({
      actor: { platform: 'slack', userId: message.user },
      threadKey: `slack:${message.channel}:${message.thread_ts}`,
      text: message.text ?? '',
      deliveryId: `slack:event:${(body as { event_id?: string }).event_id ?? message.ts}`,
    });
    if (!reply) return;
    const content = toSlack(reply.message);
    if (reply.visibility === 'thread') await client.chat.postMessage({ channel: message.channel, thread_ts: message.thread_ts, ...content });
    else await client.chat.postEphemeral({ channel: message.channel, user: message.user, thread_ts: message.thread_ts, ...content });
  });

  app.error(async (error) => {
    log.error({ err: error }, 'a Slack request failed after it was acknowledged');
  });

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
    requestListener: receiver ? rejectFutureRequests(receiver.requestListener) : null,
    start: async () => {
      if (!receiver) await app.start();
    },
    stop: async () => {
      if (!receiver) await app.stop();
    },
    check: async () => {
      await client.auth.test();
    },
    updateCredentials(credentials) {
      if (credentials.botToken !== botToken) {
        botToken = credentials.botToken;
        client = new webApi.WebClient(botToken, clientOptions);
      }
      // Bolt's HTTPReceiver reads its signing secret on every request, so setting it is enough.
      if (receiver && credentials.signingSecret) (receiver as unknown as { signingSecret: string }).signingSecret = credentials.signingSecret;
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
