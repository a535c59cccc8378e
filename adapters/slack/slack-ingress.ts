// What Slack sends, as plain data: Bolt's listeners acknowledge at once and hand each request on
// as a SlackInbound. This runs on the front door's thread (src/http/front-door.ts), over HTTP or
// Socket Mode, so an ack never waits behind the conductor's work; it touches neither the store
// nor the bot's Web API calls, which stay with the adapter on the core thread.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

export type SlackInbound =
  | { kind: 'command'; userId: string; text: string; channel: string; deliveryId: string; responseUrl: string }
  | { kind: 'button'; userId: string; actionId: string; value: string; deliveryId: string; responseUrl: string }
  | { kind: 'reply'; userId: string; channel: string; threadTs: string; text: string; deliveryId: string };

/** Slack signs a timestamp; Bolt rejects old ones, and a request from the future is no better. */
const MAX_CLOCK_SKEW_S = 5 * 60;

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

/** Every listener acknowledges first (Slack allows 3 seconds), then hands the request on. */
function forwardSlackRequests(app: App, forward: (event: SlackInbound) => void): void {
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
  /** HTTP mode: serves POST /slack/events (verifies, acks, forwards). Null in Socket Mode. */
  requestListener: RequestListener | null;
  /** Socket Mode: opens the connection (and fails when Slack refuses the app token). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A rotated signing secret (src/ops/reload.ts) applies from the next request. */
  setSigningSecret(secret: string): void;
}

export interface SlackIngressOptions {
  signingSecret: string;
  /** Socket Mode instead of HTTP when set (xapp-...). */
  appToken?: string;
  /** Socket Mode opens its connection with a Web API call, which must go where every other call goes. */
  apiUrl: string;
  logger: Logger;
  forward: (event: SlackInbound) => void;
}

export function createSlackIngress(options: SlackIngressOptions): SlackIngress {
  const log = options.logger.child({ adapter: 'slack' });
  const http = options.appToken ? null : new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', logger: boltLogger(log) });
  // Bolt's socketMode flag would open the connection on slack.com whatever SLACK_API_URL says.
  const socket = options.appToken
    ? new SocketModeReceiver({ appToken: options.appToken, logger: boltLogger(log), installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } } })
    : null;
  // No bot token: nothing on this side calls the Web API, so Bolt has nobody to authorize.
  const app = new App({ receiver: http ?? socket!, authorize: async () => ({}), logger: boltLogger(log) });
  forwardSlackRequests(app, options.forward);
  app.error(async (error) => {
    log.error({ err: error }, 'a Slack request could not be handed on after it was acknowledged');
  });
  const listener = http?.requestListener;
  return {
    requestListener: listener
      ? (request: IncomingMessage, response: ServerResponse) => {
          const sent = Number(request.headers['x-slack-request-timestamp']);
          if (Number.isFinite(sent) && sent - Date.now() / 1000 > MAX_CLOCK_SKEW_S) {
            response.writeHead(401).end();
            return;
          }
          listener(request, response);
        }
      : null,
    start: async () => {
      if (socket) await app.start();
    },
    stop: async () => {
      if (socket) await app.stop();
    },
    // Bolt 5 takes the secret only as a string and reads this field on every request.
    setSigningSecret: (secret) => void (http && ((http as unknown as { signingSecret: string }).signingSecret = secret)),
  };
}
