// What Slack sends, as plain data: Bolt's listeners acknowledge at once and hand each request on
// as a SlackInbound. In HTTP mode this runs on the front door's thread (src/http/front-door.ts),
// so an ack never waits behind the conductor's work; it touches neither the store nor Slack's
// Web API. In Socket Mode the adapter registers the same listeners on its own App.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

export type SlackInbound =
  | { kind: 'command'; userId: string; text: string; channel: string; deliveryId: string; responseUrl: string }
  | { kind: 'button'; userId: string; actionId: string; value: string; deliveryId: string; responseUrl: string }
  | { kind: 'reply'; userId: string; channel: string; threadTs: string; text: string; deliveryId: string };

/** Slack signs a timestamp; Bolt rejects old ones, and a request from the future is no better. */
const MAX_CLOCK_SKEW_S = 5 * 60;

export function boltLogger(logger: Logger): BoltLogger {
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

/** Every listener acknowledges first (Slack allows 3 seconds), then hands the request on. */
export function forwardSlackRequests(app: App, forward: (event: SlackInbound) => void): void {
  app.command('/op', async ({ ack, command }) => {
    await ack();
    forward({
      kind: 'command',
      userId: command.user_id,
      text: command.text,
      channel: command.channel_id,
      deliveryId: `slack:command:${command.trigger_id}`,
      responseUrl: command.response_url,
    });
  });

  app.action(/^op:/, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    forward({
      kind: 'button',
      userId: body.user.id,
      actionId: action.action_id,
      value: action.value ?? '',
      deliveryId: `slack:action:${body.trigger_id}:${action.action_ts}`,
      responseUrl: body.response_url,
    });
  });

  app.message(async ({ message, body }) => {
    // Only people's replies in threads can answer a plan's question: edits, joins and bots
    // (Operator's own posts included) are not answers.
    if (message.subtype !== undefined || 'bot_id' in message || !('thread_ts' in message) || !message.thread_ts || !message.user) return;
    forward({
      kind: 'reply',
      userId: message.user,
      channel: message.channel,
      threadTs: message.thread_ts,
      text: message.text ?? '',
      deliveryId: `slack:event:${(body as { event_id?: string }).event_id ?? message.ts}`,
    });
  });
}

export interface SlackIngress {
  /** Serves POST /slack/events: verifies, acks, forwards. */
  requestListener: RequestListener;
  /** A rotated signing secret (src/ops/reload.ts) applies from the next request. */
  setSigningSecret(secret: string): void;
}

export function createSlackIngress(options: { signingSecret: string; logger: Logger; forward: (event: SlackInbound) => void }): SlackIngress {
  const log = options.logger.child({ adapter: 'slack' });
  const receiver = new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', logger: boltLogger(log) });
  // No token: nothing on this side calls Slack, so Bolt has nobody to authorize.
  const app = new App({ receiver, authorize: async () => ({}), logger: boltLogger(log) });
  forwardSlackRequests(app, options.forward);
  app.error(async (error) => {
    log.error({ err: error }, 'a Slack request could not be handed on after it was acknowledged');
  });
  const listener = receiver.requestListener;
  return {
    requestListener: (request: IncomingMessage, response: ServerResponse) => {
      const sent = Number(request.headers['x-slack-request-timestamp']);
      if (Number.isFinite(sent) && sent - Date.now() / 1000 > MAX_CLOCK_SKEW_S) {
        response.writeHead(401).end();
        return;
      }
      listener(request, response);
    },
    // Bolt 5 takes the secret only as a string and reads this field on every request.
    setSigningSecret: (secret) => void ((receiver as unknown as { signingSecret: string }).signingSecret = secret),
  };
}
