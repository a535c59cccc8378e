// The local web workspace: a chat page served by Operator itself, so Operator can be tried
// without a Slack or Discord app. `/op ...` commands, button clicks, submitted forms (Edit,
// Deny) and thread replies are written to the inbox, exactly as on Slack and Discord, and
// answered with the inbox's answer when it comes within a moment (else 202: the page sends the
// same request id again, and gets the one answer); the dispatcher's notices land in an
// in-process channel that the page follows live over server-sent events. No business rules here.
import fs from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChatAdapter } from '../../src/bot/chat-adapter.ts';
import { formatTokens, threadKeyOf, type Message } from '../../src/bot/messages.ts';
import { inboxDraft, MAX_TEXT_LENGTH, type InboundEvent } from '../../src/bot/inbox-event.ts';
import { LOCAL_OPERATOR } from '../../src/bot/operators.ts';
import type { Reply } from '../../src/bot/reply.ts';
import { readBody, RejectedRequest, sendRejection } from '../../src/http/body.ts';
import { peerAddress } from '../../src/http/front-door.ts';
import type { InboxDraft, InboxState } from '../../src/store/inbox.ts';
import { TOKEN_COOKIE, checkAccess, sameToken } from './access.ts';
import { ConversationLog, type Change, type Entry } from './conversation-log.ts';

/** The workspace has one channel; plans started there keep their card and thread in it. */
export const WORKSPACE_CHANNEL = 'workspace';

/** The inbox as the workspace uses it: write a request, then wait a moment for its answer. */
export interface LocalInbox {
  record(draft: InboxDraft): Promise<InboxState>;
  answer(id: string, timeoutMs: number): Promise<InboxState | null>;
}

export interface LocalOptions {
  inbox: LocalInbox;
  logger: Logger;
  /** WORKSPACE_TOKEN: lets other hosts in when they carry it. */
  token?: string;
}

export interface LocalAdapter extends ChatAdapter {
  /** [method, path, listener] for the HTTP server. */
  routes: [string, string, RequestListener][];
  /** Rebuilds the channel (e.g. from the store after a restart) before anything new arrives. */
  start(rebuild: () => Promise<void>): Promise<void>;
  /** Ends the live streams so the HTTP server can close. */
  stop(): void;
  check(): Promise<void>;
  log: ConversationLog;
}

const page = (name: string) => fs.readFileSync(new URL(`./page/${name}`, import.meta.url));
const ASSETS: Record<string, { body: Buffer; type: string }> = {
  '/': { body: page('index.html'), type: 'text/html; charset=utf-8' },
  '/workspace/workspace.js': { body: page('workspace.js'), type: 'text/javascript; charset=utf-8' },
  '/workspace/workspace.css': { body: page('workspace.css'), type: 'text/css; charset=utf-8' },
};
const SECURITY_HEADERS = {
  // The page may not be framed: a framing site could trick a click on Approve.
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const HEARTBEAT_MS = 15_000;
const BODY_LIMITS = { maxBytes: 16 * 1024, timeoutMs: 10_000 };
/** How long a request waits for its answer before it is answered 202 (pending). */
const ANSWER_WAIT_MS = 2_500;

const RequestId = z.string().regex(/^[\w-]{8,64}$/, 'requestId: send a fresh id (8-64 letters, digits, - or _) per request');
const tooLong = `is longer than ${MAX_TEXT_LENGTH} characters; shorten it`;
const CommandBody = z.object({ requestId: RequestId, text: z.string().trim().min(1, 'type a command, e.g. /op help').max(MAX_TEXT_LENGTH, tooLong) });
const ButtonBody = z.object({ requestId: RequestId, actionId: z.string().max(64), value: z.string().max(128) });
const FormBody = z.object({
  requestId: RequestId,
  form: z.string().max(64),
  value: z.string().max(128),
  fields: z.record(z.string().max(64), z.string().max(MAX_TEXT_LENGTH, tooLong)).refine((fields) => Object.keys(fields).length <= 10, 'send at most 10 fields'),
});
const ReplyBody = z.object({ requestId: RequestId, threadId: z.string().min(1).max(128), text: z.string().trim().min(1, 'write something to reply').max(MAX_TEXT_LENGTH, tooLong) });

/** Mentions as names (the workspace has one person: "operator"), times in UTC. */
function display(message: Message): Message {
  const text = (value: string) =>
    formatTokens(value, {
      user: (platform, id) => (platform === LOCAL_OPERATOR.platform ? id : `${platform}:${id}`),
      time: (date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    });
  return {
    ...message,
    ...(message.title ? { title: text(message.title) } : {}),
    text: text(message.text),
    ...(message.fields ? { fields: message.fields.map((f) => ({ label: f.label, value: text(f.value) })) } : {}),
    ...(message.footer ? { footer: text(message.footer) } : {}),
  };
}

const shown = (entry: Entry) => ({ ...entry, message: display(entry.message) });

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    throw new RejectedRequest(415, 'send the request as JSON (content-type: application/json)');
  }
  const body = await readBody(request, BODY_LIMITS);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RejectedRequest(400, 'the body is not valid JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new RejectedRequest(400, issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
}

export function createLocalAdapter(options: LocalOptions): LocalAdapter {
  const log = options.logger.child({ adapter: 'local' });
  const conversation = new ConversationLog();
  const streams = new Set<ServerResponse>();
  let rebuildError: Error | null = null;
  const actor = { ...LOCAL_OPERATOR };
  /** The private answer, with the form to open (Edit, Deny) or a submitted form's errors by field. */
  const privately = (reply: Reply | null) => ({
    reply: reply ? display(reply.message) : null,
    ...(reply?.form ? { form: reply.form } : {}),
    ...(reply?.formErrors ? { formErrors: reply.formErrors } : {}),
  });

  /** Wraps a route: access first, then the handler; bad input is a 400 with what to send instead. */
  const guarded =
    (handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>): RequestListener =>
    (request, response) => {
      const access = checkAccess(request, options.token);
      if (!access.ok) {
        log.warn({ remote: peerAddress(request), path: request.url?.split('?')[0] }, 'refused a workspace request');
        return sendJson(response, 403, { error: access.reason });
      }
      handler(request, response).catch((error: unknown) => {
        if (error instanceof RejectedRequest) return sendRejection(request, response, error);
        log.error({ err: error }, 'a workspace request failed');
        if (!response.headersSent) sendJson(response, 500, { error: 'Operator could not handle that; see its log.' });
        else response.end();
      });
    };

  const asset = (path: string): RequestListener => (request, response) => {
    // A first visit from another host carries the token in the address; keep it in a cookie
    // and drop it from the address bar.
    const given = new URL(request.url ?? '/', 'http://workspace').searchParams.get('token') ?? undefined;
    if (path === '/' && given && options.token && sameToken(given, options.token)) {
      response.writeHead(303, {
        location: '/',
        'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(given)}; HttpOnly; SameSite=Strict; Path=/`,
        ...SECURITY_HEADERS,
      });
      return response.end();
    }
    const access = checkAccess(request, options.token);
    if (!access.ok) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      return response.end(`${access.reason}\n`);
    }
    const { body, type } = ASSETS[path]!;
    response.writeHead(200, { 'content-type': type, ...SECURITY_HEADERS });
    response.end(body);
  };

  const events = guarded(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('snapshot', { entries: conversation.entries().map(shown) });
    const unsubscribe = conversation.subscribe((change: Change) => send(change.kind, shown(change.entry)));
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    streams.add(response);
    response.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(response);
    });
  });

  /** Writes the request to the inbox and answers with its answer, or 202 while it is pending. */
  async function submit(response: ServerResponse, deliveryId: string, event: InboundEvent): Promise<void> {
    const recorded = await options.inbox.record(inboxDraft(deliveryId, { event }));
    const state = recorded.answered ? recorded : await options.inbox.answer(deliveryId, ANSWER_WAIT_MS);
    if (!state?.answered) return sendJson(response, 202, { pending: true, retry: 'send the same request id again for the answer' });
    const reply = JSON.parse(state.answer) as Reply | null;
    if (reply?.visibility === 'thread' && event.kind === 'reply') {
      const threadId = event.threadKey.split(':').at(-1)!;
      conversation.post({ id: `answer-${deliveryId}`, threadId, hasThread: false, author: 'operator', message: reply.message, at: new Date().toISOString() });
      return sendJson(response, 200, { reply: null });
    }
    sendJson(response, 200, privately(reply));
  }

  const command = guarded(async (request, response) => {
    const body = parse(CommandBody, await readJson(request));
    const slash = /^\/op(?:\s+|$)/i.exec(body.text);
    if (!slash) return sendJson(response, 200, privately({ message: { text: 'Commands start with /op, e.g. `/op help` or `/op start supplier-payment ...`.' }, visibility: 'ephemeral' }));
    await submit(response, `local:command:${body.requestId}`, { kind: 'command', actor, text: body.text.slice(slash[0].length), channel: WORKSPACE_CHANNEL });
  });

  const button = guarded(async (request, response) => {
    const body = parse(ButtonBody, await readJson(request));
    // On success the prompt itself shows the outcome; only refusals need an answer.
    await submit(response, `local:button:${body.requestId}`, { kind: 'button', actor, actionId: body.actionId, value: body.value });
  });

  const form = guarded(async (request, response) => {
    const body = parse(FormBody, await readJson(request));
    // Accepted: the prompt shows the decision; refused: the errors go back to the form's fields.
    await submit(response, `local:form:${body.requestId}`, { kind: 'form', actor, form: body.form, value: body.value, fields: body.fields });
  });

  const threadReply = guarded(async (request, response) => {
    const body = parse(ReplyBody, await readJson(request));
    const card = conversation.get(body.threadId);
    if (!card?.hasThread) throw new RejectedRequest(400, `there is no thread ${body.threadId}; reply under a plan card`);
    conversation.post({ id: `reply-${body.requestId}`, threadId: card.id, hasThread: false, author: 'you', message: { text: body.text }, at: new Date().toISOString() });
    await submit(response, `local:reply:${body.requestId}`, { kind: 'reply', actor, threadKey: threadKeyOf({ platform: 'local', channel: WORKSPACE_CHANNEL, threadId: card.id }), text: body.text });
  });

  return {
    platform: LOCAL_OPERATOR.platform,
    log: conversation,
    routes: [
      ...Object.keys(ASSETS).map((path): [string, string, RequestListener] => ['GET', path, asset(path)]),
      ['GET', '/workspace/events', events],
      ['POST', '/workspace/command', command],
      ['POST', '/workspace/button', button],
      ['POST', '/workspace/form', form],
      ['POST', '/workspace/reply', threadReply],
    ],
    async start(rebuild) {
      try {
        await rebuild();
        rebuildError = null;
      } catch (error) {
        rebuildError = error as Error;
        log.error({ err: error }, 'could not rebuild the workspace history from the store; it shows new messages only');
      }
    },
    stop() {
      for (const stream of streams) stream.end();
      streams.clear();
    },
    async check() {
      if (rebuildError) throw new Error(`the workspace history could not be rebuilt: ${rebuildError.message}`);
    },
    // Ids derive from the notice, so a retried notice finds its post, and a history rebuilt
    // from the store after a restart has the ids the plan's conversation refers to.
    async post(target, message, delivery) {
      const id = delivery.startsThread ? `${delivery.noticeId}-card` : delivery.noticeId;
      const where = target.threadId ? { threadId: target.threadId } : {};
      conversation.post({ id, ...where, hasThread: Boolean(delivery.startsThread), author: 'operator', message, at: new Date().toISOString() });
      return { messageId: id, threadId: target.threadId ?? id };
    },
    async update(target, messageId, message) {
      // A message this process never saw (dropped as old) is shown again rather than lost.
      if (!conversation.update(messageId, message)) {
        const where = target.threadId ? { threadId: target.threadId } : {};
        conversation.post({ id: messageId, ...where, hasThread: !target.threadId, author: 'operator', message, at: new Date().toISOString() });
      }
    },
  };
}
