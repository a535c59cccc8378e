import type { Message } from './messages.ts';

/** What the dispatcher needs from a chat platform; adapters/<platform> implement it. */
export interface ChatAdapter {
  readonly platform: string;
  /**
   * Posts a message (in a thread when threadId is given) and returns its id; for a plan card
   * also the thread its details go to. When a previous attempt of the same notice may have
   * posted already (retried), the adapter looks for that post first instead of posting twice.
   */
  post(
    target: { channel: string; threadId?: string },
    message: Message,
    delivery: { noticeId: string; retried: boolean; startsThread?: boolean },
  ): Promise<{ messageId: string; threadId?: string }>;
  /**
   * Replaces a posted message: the plan card (in the channel) as steps advance, or a prompt (in
   * the thread, threadId given) once decided.
   */
  update(target: { channel: string; threadId?: string }, messageId: string, message: Message): Promise<void>;
  /**
   * A direct message to a user of this platform (an escalation); absent where the platform has
   * none (the workspace). Retried like post: an earlier attempt's message is found, not doubled.
   */
  direct?(userId: string, message: Message, delivery: { noticeId: string; retried: boolean }): Promise<void>;
}

/** The platform asked us to slow down (Slack 429 Retry-After, Discord retry_after). */
export class RateLimited extends Error {
  override name = 'RateLimited';
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}
