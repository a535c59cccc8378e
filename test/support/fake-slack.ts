/**
 * A local server that plays Slack's Web API for tests: give Bolt / WebClient `apiUrl` as
 * `slackApiUrl`, and `responseUrl()` as a slash command's or an interaction's `response_url`.
 * Every call is recorded in order. Messages posted with chat.postMessage are kept, so
 * chat.update, conversations.history and conversations.replies see them. Nothing leaves 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { pollUntil } from './poll.ts';

export interface SlackCall {
  /** The Web API method (`chat.postMessage`), or `response_url` for a POST to a responseUrl(). */
  method: string;
  /** Form or JSON fields; `blocks`, `attachments` and `metadata` parsed back into objects. */
  body: Record<string, unknown>;
  /** Date.now() when the call arrived. */
  at: number;
  /** For `response_url` calls: the name given to responseUrl(). */
  name?: string;
  /** The bearer token the call carried (Authorization header), e.g. to see a rotated token in use. */
  token?: string;
}

/**
 * 429 with Retry-After; `{ok:false,error}`; or `lostAnswer`: Slack does the work (the message is
 * stored) but the answer never arrives intact (HTTP 500), as when a process dies mid-call.
 */
export type SlackFailure = { status: 429; retryAfterSeconds: number } | { error: string } | { lostAnswer: true };

export interface FakeSlack {
  apiUrl: string;
  responseUrl(name?: string): string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  waitFor<T>(predicate: (calls: SlackCall[]) => T, timeoutMs?: number): Promise<NonNullable<T>>;
  /** The next call to `method` (or `response_url`) fails: HTTP 429 with Retry-After, or 200 with `{ok:false,error}`. */
  failNext(method: string, failure: SlackFailure): void;
  /** Every chat.* call answers 429 with Retry-After until `until` (a Date.now() time): a long rate limit. */
  rateLimitUntil(until: number, retryAfterSeconds: number): void;
  /** Socket Mode: the app's connection (opened through apps.connections.open) and its envelopes. */
  socketMode: SocketModeSide;
  close(): Promise<void>;
}

export interface SocketModeSide {
  /** How many times an app has connected. */
  connections(): number;
  /** Resolves once an app has connected and been greeted with `hello`; rejects after timeoutMs. */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends an envelope (slash_commands, interactive, events_api) on the newest connection and resolves with the app's ack. */
  deliver(type: string, payload: Record<string, unknown>, extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: unknown;
}

const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view'];

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const body: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const field of JSON_FIELDS) {
    const value = body[field];
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) body[field] = JSON.parse(value);
  }
  return body;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const failures = new Map<string, SlackFailure[]>();
  let limited = { until: 0, retryAfterSeconds: 1 };
  const messages: StoredMessage[] = [];
  let sequence = 0;
  const nextTs = () => {
    sequence += 1;
    const fraction = String((sequence % 10_000) * 100).padStart(6, '0');
    return `${1_700_000_000 + Math.floor(sequence / 10_000)}.${fraction}`;
  };
  // A stored message as Slack returns it (no `channel` field; metadata only when asked for).
  const view = ({ channel: _channel, metadata, ...message }: StoredMessage, withMetadata = true) => ({
    type: 'message', user: 'UBOT', bot_id: 'BBOT', app_id: 'A1', ...message, ...(withMetadata && metadata !== undefined ? { metadata } : {}),
  });
  const find = (channel: unknown, ts: unknown) => messages.find((m) => m.channel === channel && m.ts === ts);

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://operator-test.slack.com/', team: 'Operator Test', user: 'operator', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        if (typeof body.channel !== 'string' || body.channel === '') return { ok: false, error: 'channel_not_found' };
        const { channel, thread_ts, text, blocks, attachments, metadata } = body as Record<string, unknown> & { channel: string; thread_ts?: string };
        const message: StoredMessage = { channel, ts: nextTs(), thread_ts, text, blocks, attachments, metadata };
        messages.push(message);
        return { ok: true, channel, ts: message.ts, message: view(message) };
      }
      case 'chat.update': {
        const message = find(body.channel, body.ts);
        if (message === undefined) return { ok: false, error: 'message_not_found' };
        for (const field of ['text', 'blocks', 'attachments', 'metadata'] as const) if (body[field] !== undefined) message[field] = body[field];
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: view(message) };
      }
      case 'conversations.open': {
        // The bot's direct conversation with a user: one per user, as Slack keeps it.
        if (typeof body.users !== 'string' || body.users === '') return { ok: false, error: 'users_not_found' };
        return { ok: true, channel: { id: `D${body.users}` } };
      }
      case 'views.open': {
        // A modal opens only with a trigger id (Slack: valid for 3 s after the click).
        if (typeof body.trigger_id !== 'string' || body.trigger_id === '') return { ok: false, error: 'invalid_trigger_id' };
        if (typeof body.view !== 'object' || body.view === null) return { ok: false, error: 'invalid_arguments' };
        sequence += 1;
        return { ok: true, view: { ...(body.view as Record<string, unknown>), id: `V${sequence}`, hash: `${sequence}.hash`, state: { values: {} } } };
      }
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace(/^http/, 'ws')}/socket` };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.history': {
        // Newest first, as Slack does; top-level messages only.
        const top = messages.filter((m) => m.channel === body.channel && (m.thread_ts === undefined || m.thread_ts === m.ts));
        return { ok: true, messages: top.reverse().map((m) => view(m, withMetadata)), has_more: false };
      }
      case 'conversations.replies': {
        // Root first, then the replies oldest first, as Slack does.
        const root = find(body.channel, body.ts);
        if (root === undefined) return { ok: false, error: 'thread_not_found' };
        const replies = messages.filter((m) => m.channel === root.channel && m.thread_ts === root.ts && m !== root);
        const rootView = { ...view(root, withMetadata), ...(replies.length > 0 ? { thread_ts: root.ts, reply_count: replies.length } : {}) };
        return { ok: true, messages: [rootView, ...replies.map((m) => view(m, withMetadata))], has_more: false };
      }
      default:
        return { ok: true };
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(payload));
      };
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const api = /^\/api\/(.+)$/.exec(path);
      const respond = /^\/respond\/(.*)$/.exec(path);
      if (req.method !== 'POST' || (api === null && respond === null)) return send(404, { ok: false, error: 'unknown_path' });
      let body: Record<string, unknown>;
      try {
        body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type'] ?? '');
      } catch {
        return send(400, { ok: false, error: 'invalid_body' });
      }
      const method = api !== null ? api[1]! : 'response_url';
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      calls.push({ method, body, at: Date.now(), ...(respond !== null ? { name: decodeURIComponent(respond[1]!) } : {}), ...(token ? { token } : {}) });
      if (method.startsWith('chat.') && Date.now() < limited.until) {
        return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfterSeconds) });
      }
      const failure = failures.get(method)?.shift();
      if (failure !== undefined && 'status' in failure) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds) });
      if (failure !== undefined && 'lostAnswer' in failure) {
        answer(method, body);
        return send(500, { ok: false, error: 'internal_error' });
      }
      if (failure !== undefined) return send(200, { ok: false, error: failure.error });
      send(200, method === 'response_url' ? { ok: true } : answer(method, body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sockets = new WebSocketServer({ noServer: true });
  // The app's newest connection: Slack sends on it, and an app that reconnects gets a new one.
  const connections: WebSocket[] = [];
  const acks = new Map<string, (ack: Record<string, unknown>) => void>();
  server.on('upgrade', (req, socket, head) =>
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => {
        const ack = JSON.parse(String(data)) as Record<string, unknown>;
        acks.get(String(ack.envelope_id))?.(ack);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { approximate_connection_time: 3600 } }));
      connections.push(ws);
    }),
  );
  const connectionsMade = (count: number, timeoutMs: number) =>
    pollUntil(() => connections.length >= count || null, timeoutMs, () => `no Socket Mode connection number ${count} within ${timeoutMs} ms; calls so far: ${calls.map((c) => c.method).join(', ') || '(none)'}`).then(() => undefined);
  const socketMode: SocketModeSide = {
    connections: () => connections.length,
    connected: (timeoutMs = 5000) => connectionsMade(1, timeoutMs),
    async deliver(type, payload, extra = {}) {
      await connectionsMade(1, 5000);
      const envelopeId = `env-${++sequence}`;
      const acked = new Promise<Record<string, unknown>>((resolve) => acks.set(envelopeId, resolve));
      connections.at(-1)!.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
      return acked;
    },
  };

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (name = 'default') => `${base}/respond/${encodeURIComponent(name)}`,
    calls,
    socketMode,
    callsTo: (method) => calls.filter((call) => call.method === method),
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    rateLimitUntil(until, retryAfterSeconds) {
      limited = { until, retryAfterSeconds };
    },
    waitFor: (predicate, timeoutMs = 5000) =>
      pollUntil(() => predicate(calls), timeoutMs, () => `fake Slack: calls so far: ${calls.map((c) => c.method).join(', ') || '(none)'}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of sockets.clients) client.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
