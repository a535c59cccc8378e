// Slack's front door: Bolt's receiver (HTTP at POST /slack/events, or Socket Mode) checks a
// request, its listener writes the command, click or thread reply to the inbox, and only then
// acknowledges it (Slack allows 3 seconds and never retries what it got a 200 for). It runs on
// the front door's thread (src/http/front-door.ts) with a store connection of its own, so an
// ack never waits behind the conductor's work. The inbox worker runs what was written.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { App, HTTPReceiver, isValidSlackRequest, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { inboxDraft, type InboxPayload } from '../../src/bot/inbox-event.ts';
import { threadKeyOf } from '../../src/bot/messages.ts';
import { readBody, RejectedRequest, sendRejection, type BodyLimits } from '../../src/http/body.ts';
import type { ReceiverFactory } from '../../src/http/front-door.ts';
import { FIELD_ACTION } from './blocks.ts';
import type { InboxDraft } from '../../src/store/inbox.ts';
import { keepConnected } from '../../src/net/keep-connected.ts';
import { InboxFirstSocketModeReceiver } from './socket-mode-receiver.ts';

/** Slack signs a timestamp; Bolt rejects old ones, and a request from the future is no better. */
const MAX_CLOCK_SKEW_S = 5 * 60;

/** What the listeners read of Slack's payloads; anything else is a 400, never a thrown TypeError. */
const SlashCommand = z.object({ user_id: z.string(), text: z.string(), channel_id: z.string(), trigger_id: z.string(), response_url: z.string().url() });
const ButtonClick = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  response_url: z.string().url(),
  actions: z.array(z.object({ type: z.literal('button'), action_id: z.string(), value: z.string().optional(), action_ts: z.string() })).min(1),
});
/** A submitted modal: its form (callback_id), "<plan>:<version>" (private_metadata) and each input's value by block. */
const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string(),
    hash: z.string().optional(),
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullable().optional() }))) }),
  }),
});
/** How long a modal's submission waits for the core's verdict before the modal closes (Slack allows 3 s). */
const FORM_VERDICT_MS = 2500;
const ThreadMessage = z.object({ user: z.string(), channel: z.string(), thread_ts: z.string(), ts: z.string(), text: z.string().optional() });

/** A signed request Operator cannot read: answered 400 with why. */
class MalformedSlackRequest extends Error {
  override name = 'MalformedSlackRequest';
}
/** The inbox could not be written: not acknowledged (503), so Slack shows the failure. */
class InboxUnavailable extends Error {
  override name = 'InboxUnavailable';
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedSlackRequest(`${what} is missing ${result.error.issues.map((issue) => issue.path.join('.') || 'its body').join(', ')}`);
  return result.data;
}

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

/** Every listener writes the inbox first and acknowledges after. */
function recordSlackRequests(app: App, record: (draft: InboxDraft) => Promise<void>, answerOf: (id: string, timeoutMs: number) => Promise<string | null>): void {
  const write = async (deliveryId: string, payload: InboxPayload) => {
    try {
      await record(inboxDraft(deliveryId, payload));
    } catch (error) {
      throw new InboxUnavailable(`the inbox could not be written: ${(error as Error).message}`);
    }
  };

  app.command('/op', async ({ ack, command }) => {
    const slash = parsed(SlashCommand, command, 'the slash command');
    await write(`slack:command:${slash.trigger_id}`, {
      event: { kind: 'command', actor: { platform: 'slack', userId: slash.user_id }, text: slash.text, channel: slash.channel_id },
      answerTo: { responseUrl: slash.response_url },
    });
    await ack();
  });

  app.action(/.*/, async ({ ack, body }) => {
    const click = parsed(ButtonClick, body, 'the block action');
    const [action] = click.actions;
    if (!action!.action_id.startsWith('op:')) throw new MalformedSlackRequest(`the action ${action!.action_id.slice(0, 64)} is not one of Operator's buttons`);
    await write(`slack:action:${click.trigger_id}:${action!.action_ts}`, {
      event: { kind: 'button', actor: { platform: 'slack', userId: click.user.id }, actionId: action!.action_id, value: action!.value ?? '' },
      // A form (Edit, Deny) opens with views.open, which needs the click's trigger id.
      answerTo: { responseUrl: click.response_url, triggerId: click.trigger_id },
    });
    await ack();
  });

  // A form's submission is answered in the modal itself: the ack carries the fields' errors, so
  // it waits (within Slack's 3 s) for the core to run the entry.
  app.view({ callback_id: /^op:form:/, type: 'view_submission' }, async ({ ack, body }) => {
    const submission = parsed(ViewSubmission, body, 'the view submission');
    const { view } = submission;
    const fields = Object.fromEntries(Object.entries(view.state.values).map(([blockId, inputs]) => [blockId, inputs[FIELD_ACTION]?.value ?? '']));
    const deliveryId = `slack:view:${view.id}:${view.hash ?? ''}`;
    await write(deliveryId, { event: { kind: 'form', actor: { platform: 'slack', userId: submission.user.id }, form: view.callback_id, value: view.private_metadata, fields } });
    const answer = await answerOf(deliveryId, FORM_VERDICT_MS);
    const errors = answer ? (JSON.parse(answer) as { formErrors?: Record<string, string> } | null)?.formErrors : undefined;
    const shown = errors && Object.fromEntries(Object.entries(errors).map(([name, message]) => [name in fields ? name : Object.keys(fields)[0]!, message.slice(0, 150)]));
    await ack(shown ? { response_action: 'errors', errors: shown } : undefined);
  });

  app.message(async ({ message, body }) => {
    // Only people's replies in threads can answer a plan's question: edits, joins and bots
    // (Operator's own posts included) are not answers.
    if (message.subtype !== undefined || 'bot_id' in message || !('thread_ts' in message) || !message.thread_ts) return;
    const reply = parsed(ThreadMessage, message, 'the message event');
    const eventId = (body as { event_id?: unknown }).event_id;
    await write(`slack:event:${typeof eventId === 'string' ? eventId : reply.ts}`, {
      event: { kind: 'reply', actor: { platform: 'slack', userId: reply.user }, threadKey: threadKeyOf({ platform: 'slack', channel: reply.channel, threadId: reply.thread_ts }), text: reply.text ?? '' },
      answerTo: { channel: reply.channel, threadTs: reply.thread_ts, userId: reply.user },
    });
  });
}

/** A JSON object, as Slack sends (form fields, or a JSON payload field, or a JSON body); else why not. */
function slackBodyProblem(body: string, contentType: string | undefined): string | null {
  const object = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const payload = new URLSearchParams(body).get('payload');
      return payload === null || object(JSON.parse(payload)) ? null : 'the payload field is not a JSON object';
    }
    return object(JSON.parse(body)) ? null : 'the body is not a JSON object';
  } catch {
    return 'the body is not valid JSON';
  }
}

export interface SlackIngress {
  /** HTTP mode: serves POST /slack/events (verifies, writes the inbox, acks). Null in Socket Mode. */
  requestListener: RequestListener | null;
  /**
   * Socket Mode: starts opening the connection in the background, again and again with backoff
   * while Slack refuses the app token or cannot be reached; the service runs meanwhile, degraded.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A rotated signing secret (src/ops/reload.ts) applies from the next request. */
  reconfigure(settings: Record<string, string>): void;
}

/** What the service passes to the front door for Slack (see slackReceiver in src/service.ts). */
const ReceiverSettings = z.object({ signingSecret: z.string(), appToken: z.string().optional(), apiUrl: z.string() });

/** The front door's entry point (src/http/front-door.ts): Slack's receiver with its settings. */
export const createReceiver: ReceiverFactory = ({ settings, logger, body, record, answerOf, reportProblem }) =>
  createSlackIngress({ ...ReceiverSettings.parse(settings), logger, body, record, answerOf, reportProblem });

export interface SlackIngressOptions {
  signingSecret: string;
  /** Socket Mode instead of HTTP when set (xapp-...). */
  appToken?: string;
  /** Socket Mode opens its connection with a Web API call, which must go where every other call goes. */
  apiUrl: string;
  logger: Logger;
  /** Writes an entry to the inbox durably; the ack waits for it. */
  record: (draft: InboxDraft) => Promise<void>;
  /** A recorded answer, to answer a modal's submission in its ack. */
  answerOf: (id: string, timeoutMs: number) => Promise<string | null>;
  body: BodyLimits;
  /** Socket Mode: what keeps the connection from opening, and the fix (null once open). */
  reportProblem?: (problem: string | null) => void;
}

export function createSlackIngress(options: SlackIngressOptions): SlackIngress {
  const log = options.logger.child({ adapter: 'slack' });
  let signingSecret = options.signingSecret;
  // The request is read and its signature checked here (with the current secret), then handed to
  // Bolt already buffered; Bolt answers once the listener has written the inbox and acked.
  const http = options.appToken
    ? null
    : new HTTPReceiver({
        signingSecret,
        signatureVerification: false,
        processBeforeResponse: true,
        endpoints: '/slack/events',
        // A request not acknowledged within Slack's 3 s (Bolt's default wait): one no listener takes
        // (another slash command), or an inbox write that did not finish in time.
        unhandledRequestHandler: ({ response }) => {
          if (response.headersSent) return;
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'not acknowledged within 3 s: Operator takes /op commands, its buttons and thread replies' }));
        },
        logger: boltLogger(log),
        processEventErrorHandler: async ({ error, response }) => {
          if (response.headersSent) return false;
          // A signed request Bolt or a listener could not read is the sender's to fix (400); an
          // inbox that cannot be written is ours, and Slack shows the user that it failed.
          const unavailable = error instanceof InboxUnavailable;
          if (unavailable) log.error({ err: error }, 'a Slack request could not be written to the inbox');
          else log.warn({ err: error }, 'a signed Slack request could not be read');
          response.writeHead(unavailable ? 503 : 400, { 'content-type': 'application/json' });
          const reason = error instanceof MalformedSlackRequest ? error.message : 'it is not a slash command, button click or event Operator can read';
          response.end(JSON.stringify({ error: unavailable ? 'Operator could not take the request in; try again shortly' : `Operator cannot use this request: ${reason}` }));
          return false;
        },
      });
  // Bolt's socketMode flag would open the connection on slack.com whatever SLACK_API_URL says.
  const socket = options.appToken ? new InboxFirstSocketModeReceiver({ appToken: options.appToken, apiUrl: options.apiUrl, logger: boltLogger(log) }) : null;
  // No bot token: nothing on this side calls the Web API, so Bolt has nobody to authorize.
  const app = new App({ receiver: http ?? socket!, authorize: async () => ({}), logger: boltLogger(log) });
  const connection = socket
    ? keepConnected({
        name: "Slack's Socket Mode",
        connect: async () => void (await socket.start()),
        describe: (error) =>
          `Slack's Socket Mode cannot connect (${error instanceof Error ? error.message : String(error)}); commands, clicks and replies from Slack wait until it does. Fix: set SLACK_APP_TOKEN to the app-level token (xapp-..., scope connections:write) and check that SLACK_API_URL is reachable`,
        logger: log,
        onProblem: options.reportProblem,
      })
    : null;
  recordSlackRequests(app, options.record, options.answerOf);
  app.error(async (error) => {
    log.warn({ err: error }, 'a Slack request was not taken in');
  });
  const listener = http?.requestListener;

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const sent = Number(request.headers['x-slack-request-timestamp']);
    if (Number.isFinite(sent) && sent - Date.now() / 1000 > MAX_CLOCK_SKEW_S) throw new RejectedRequest(401, 'the request timestamp is in the future');
    const body = (await readBody(request, options.body)).toString('utf8');
    const signature = request.headers['x-slack-signature'];
    if (typeof signature !== 'string' || !Number.isFinite(sent) || !isValidSlackRequest({ signingSecret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': sent } })) {
      throw new RejectedRequest(401, 'the request is not signed with the signing secret');
    }
    const problem = slackBodyProblem(body, request.headers['content-type']);
    if (problem) throw new RejectedRequest(400, problem);
    // Bolt reads a request that carries rawBody as already buffered (BufferedIncomingMessage).
    listener!(Object.assign(request, { rawBody: Buffer.from(body) }), response);
  }

  return {
    requestListener: listener
      ? (request, response) =>
          void receive(request, response).catch((error: unknown) => {
            if (error instanceof RejectedRequest) return sendRejection(request, response, error);
            log.error({ err: error }, 'a Slack request failed before Bolt took it');
            sendRejection(request, response, new RejectedRequest(500, 'Operator could not read the request; see its log'));
          })
      : null,
    start: async () => {
      if (!connection) return;
      options.reportProblem?.(connection.problem);
      connection.start();
    },
    stop: async () => {
      if (!connection) return;
      await connection.stop();
      await socket!.stop().catch((error: unknown) => log.warn({ err: error }, "Slack's Socket Mode did not close cleanly"));
    },
    reconfigure: (settings) => {
      if (settings.signingSecret) signingSecret = settings.signingSecret;
    },
  };
}
