// Slack's Web API side: the dispatcher's notices become Block Kit messages, and the answers to
// inbox entries (written and acknowledged by slack-ingress.ts) go to their response_url or
// thread. No business rules here.
import { webApi } from '@slack/bolt';
import { RateLimited, type ChatAdapter } from '../../src/bot/chat-adapter.ts';
import type { Message } from '../../src/bot/messages.ts';
import type { InboxAnswerer } from '../../src/bot/inbox.ts';
import type { Reply } from '../../src/bot/reply.ts';
import { HealthProblem } from '../../src/core/health.ts';
import { toSlack, toSlackModal } from './blocks.ts';

export interface SlackOptions {
  botToken: string;
  /** The Web API base; tests point it at a local server. */
  apiUrl: string;
  /** Where a rotated signing secret goes (the front door's Bolt receiver). */
  setSigningSecret?: (secret: string) => Promise<void>;
}

export interface SlackAdapter extends ChatAdapter, InboxAnswerer {
  /** Throws a HealthProblem (what is wrong, the fix) when Slack cannot be reached or refuses the bot token. */
  check(): Promise<void>;
  /** Rotated credentials (src/ops/reload.ts): the next Web API call and request check use them. */
  updateCredentials(credentials: { botToken: string; signingSecret?: string }): Promise<void>;
}

/** A response_url that does not answer within this is given up on (the inbox's deadline would end the wait anyway). */
const RESPONSE_URL_TIMEOUT_MS = 10_000;

/** Slack posts carry the notice id in message metadata, so a retried delivery finds its post. */
const NOTICE_EVENT = 'operator_notice';

/** Slack's answers that mean the bot token is wrong, not the network. */
const TOKEN_REFUSED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/** What a failed Web API call means for the operator, and what to do about it. */
export function slackProblem(error: unknown): string {
  const failed = error as { data?: { error?: string }; original?: { code?: string; message?: string; cause?: { code?: string } } };
  const answer = failed.data?.error;
  if (answer && TOKEN_REFUSED.has(answer)) {
    return `Slack refused SLACK_BOT_TOKEN (${answer}). Fix: api.slack.com/apps → your app → OAuth & Permissions → copy the Bot User OAuth Token (xoxb-...) into SLACK_BOT_TOKEN (a running service takes it from OPERATOR_ENV_FILE or on SIGHUP); notices wait until then`;
  }
  if (answer) return `Slack answered ${answer}; notices wait and are delivered once Slack accepts them`;
  // fetch's "fetch failed" keeps the reason (ECONNREFUSED, ENOTFOUND) in its cause.
  const cause = failed.original?.cause?.code ?? failed.original?.code ?? failed.original?.message ?? (error instanceof Error ? error.message : String(error));
  return `Slack cannot be reached (${cause}); notices wait and are delivered when it is back. Fix: check the network, or SLACK_API_URL if it is set`;
}

export function createSlackAdapter(options: SlackOptions): SlackAdapter {
  // The dispatcher owns retries, with a persisted backoff that honours Retry-After.
  const clientOptions = { slackApiUrl: options.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } };
  // Replaced when the bot token rotates: a WebClient fixes its Authorization header when made.
  let client = new webApi.WebClient(options.botToken, clientOptions);
  let botToken = options.botToken;

  const asSlack = (reply: Reply) => ({ response_type: 'ephemeral' as const, replace_original: false, ...toSlack(reply.message) });

  /** What Bolt's respond() does: the reply goes to the request's response_url. */
  async function respond(responseUrl: string, reply: Reply): Promise<void> {
    const answer = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(asSlack(reply)), signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS) });
    if (!answer.ok) throw new Error(`Slack's response_url answered HTTP ${answer.status}`);
  }

  /** The answer to an inbox entry: a form in a modal, to the request's response_url, or in the thread replied in. */
  async function answer(answerTo: Record<string, string>, reply: Reply | null): Promise<void> {
    if (!reply) return;
    if (reply.form && answerTo.triggerId) {
      await client.views.open({ trigger_id: answerTo.triggerId, view: toSlackModal(reply.form) });
      return;
    }
    // A form's submission was answered in the modal (slack-ingress.ts).
    if (reply.formErrors) return;
    if (answerTo.responseUrl) return respond(answerTo.responseUrl, reply);
    const { channel, threadTs, userId } = answerTo;
    if (!channel || !threadTs || !userId) throw new Error('a Slack thread reply was recorded without its channel, thread and user');
    const content = toSlack(reply.message);
    if (reply.visibility === 'thread') await client.chat.postMessage({ channel, thread_ts: threadTs, ...content });
    else await client.chat.postEphemeral({ channel, user: userId, thread_ts: threadTs, ...content });
  }

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

  async function post(target: { channel: string; threadId?: string }, message: Message, delivery: { noticeId: string; retried: boolean }) {
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
  }

  return {
    platform: 'slack',
    answer,
    post,
    /** Opens (or finds) the bot's conversation with the user, then posts there (scope im:write). */
    async direct(userId, message, delivery) {
      const opened = await call(() => client.conversations.open({ users: userId }));
      if (!opened.channel?.id) throw new Error(`Slack opened no direct conversation with ${userId}`);
      await post({ channel: opened.channel.id }, message, delivery);
    },
    check: async () => {
      await client.auth.test().catch((error: unknown) => {
        throw new HealthProblem(slackProblem(error));
      });
    },
    async updateCredentials(credentials) {
      if (credentials.botToken !== botToken) {
        botToken = credentials.botToken;
        client = new webApi.WebClient(botToken, clientOptions);
      }
      if (credentials.signingSecret) await options.setSigningSecret?.(credentials.signingSecret);
    },
    async update(target, messageId, message) {
      await call(() => client.chat.update({ channel: target.channel, ts: messageId, ...toSlack(message) }));
    },
  };
}
