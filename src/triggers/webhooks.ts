// Inbound webhooks: `POST /hooks/<name>` starts the hook's workflow with input mapped from the
// JSON or form body. The request must be signed (HMAC over timestamp and body, five-minute
// window) or carry the hook's bearer token; the delivery id is written with the plan, so a
// retried delivery gets the first plan's id back. Every refusal changes nothing and says why.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Conductor } from '../conductor/conductor.ts';
import { ConfigError } from '../config/config.ts';
import { webhookStatements } from '../store/webhooks.ts';
import { conversationOf } from './channel.ts';
import type { Hooks, HookSettings } from './hook-config.ts';
import { mapInput, valueAt } from './input-mapping.ts';
import type { Trigger } from './trigger.ts';

/** How far a signed timestamp may be from this replica's clock: older deliveries are replays. */
export const REPLAY_WINDOW_SECONDS = 300;
export const SIGNATURE_HEADER = 'x-operator-signature';
export const TIMESTAMP_HEADER = 'x-operator-timestamp';

/** What a sender computes: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

class Refusal extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(error);
    this.status = status;
    this.body = { error, ...extra };
    this.headers = headers;
  }
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or 413 as soon as it passes the hook's limit (without reading the rest). */
async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(header(request, 'content-length') ?? 0);
  const tooLarge = () => new Refusal(413, `the body is larger than this hook accepts (${limit} bytes)`, {}, { connection: 'close' });
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function authenticate(request: IncomingMessage, hook: HookSettings, body: string): void {
  if (hook.auth === 'bearer') {
    const token = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '')?.[1];
    if (!token || !sameSecret(token, hook.secret)) throw new Refusal(401, 'missing or wrong bearer token (Authorization: Bearer <token>)');
    return;
  }
  const timestamp = header(request, TIMESTAMP_HEADER);
  const signature = header(request, SIGNATURE_HEADER);
  if (!timestamp || !signature) throw new Refusal(401, `sign the request: ${TIMESTAMP_HEADER} (unix seconds) and ${SIGNATURE_HEADER} (sha256=<hex HMAC of "<timestamp>.<body>">)`);
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(Date.now() / 1000 - seconds) > REPLAY_WINDOW_SECONDS) {
    throw new Refusal(401, `the timestamp is outside the ${REPLAY_WINDOW_SECONDS / 60}-minute window: sign each delivery when sending it`);
  }
  if (!sameSecret(signature, signWebhook(hook.secret, seconds, body))) throw new Refusal(401, 'the signature does not match the body and timestamp');
}

function parseBody(request: IncomingMessage, body: string): Record<string, unknown> {
  const type = (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(body));
  if (type === 'application/json') {
    try {
      const value: unknown = JSON.parse(body);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new Refusal(400, 'the body is not a JSON object');
  }
  throw new Refusal(415, 'send application/json or application/x-www-form-urlencoded');
}

function deliveryIdOf(request: IncomingMessage, hook: HookSettings, body: Record<string, unknown>): string {
  const [where, name] = hook.deliveryId.split(/:(.*)/) as ['header' | 'body', string];
  const value = where === 'header' ? header(request, name.toLowerCase()) : valueAt(body, name);
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).length === 0 || String(value).length > 200) {
    throw new Refusal(400, `every delivery needs an id (up to 200 characters) in ${where === 'header' ? `the ${name} header` : `the body field ${name}`}, the same when a delivery is retried`);
  }
  return String(value);
}

/** Deliveries per hook per minute on this replica: a fixed window, reset each minute. */
class RateLimit {
  readonly #perMinute: number;
  #windowStart = 0;
  #count = 0;
  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }
  /** Seconds to wait, or 0 when this request may go ahead. */
  take(now: number): number {
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now;
      this.#count = 0;
    }
    if (this.#count >= this.#perMinute) return Math.ceil((this.#windowStart + 60_000 - now) / 1000);
    this.#count++;
    return 0;
  }
}

function send(response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * One POST route per configured hook; a name that is not configured gets the HTTP server's 404.
 * Throws ConfigError when a hook names a workflow that does not exist.
 */
export function webhookRoutes(hooks: Hooks, conductor: Conductor, logger: Logger): [string, string, RequestListener][] {
  const log = logger.child({ component: 'webhooks' });
  return Object.entries(hooks).map(([name, hook]) => {
    if (!conductor.workflows.list().some((workflow) => workflow.name === hook.workflow)) {
      throw new ConfigError(`Operator cannot start: inbound hook ${name} names workflow ${hook.workflow}, which does not exist (known: ${conductor.workflows.list().map((w) => w.name).join(', ')}).`);
    }
    const definition = conductor.workflows.get(hook.workflow);
    const rate = new RateLimit(hook.ratePerMinute);
    const listener: RequestListener = async (request, response) => {
      try {
        const raw = await readBody(request, hook.maxBodyBytes);
        authenticate(request, hook, raw);
        const wait = rate.take(Date.now());
        if (wait > 0) throw new Refusal(429, `hook ${name} takes ${hook.ratePerMinute} deliveries a minute; try again later`, {}, { 'retry-after': String(wait) });
        const body = parseBody(request, raw);
        const deliveryId = deliveryIdOf(request, hook, body);
        const { input, missing } = mapInput(hook.input, body);
        const parsed = definition.input.safeParse(input);
        if (!parsed.success || missing.length > 0) {
          const fields = parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.') || '(input)', issue.message]));
          const error = missing.length > 0 ? `the body lacks fields hook ${name} maps: ${missing.join(', ')}` : `the body does not fit ${hook.workflow}'s input`;
          throw new Refusal(400, error, { fields, ...(missing.length > 0 ? { missing } : {}) });
        }
        const trigger: Trigger = { kind: 'webhook', hook: name, deliveryId };
        const started = await conductor.store.transaction(async (runner) => {
          const claimed = await runner.execute(webhookStatements.claim({ hook: name, deliveryId, receivedAt: new Date() }));
          if (claimed !== 1) return { planId: (await runner.query(webhookStatements.find(name, deliveryId)))[0]?.planId ?? null, duplicate: true };
          const planId = await conductor.startWithin(runner, hook.workflow, parsed.data, {
            requestedBy: `webhook:${name}`,
            conversation: hook.channel ? conversationOf(hook.channel) : undefined,
            trigger,
          });
          await runner.execute(webhookStatements.setPlan(name, deliveryId, planId));
          return { planId, duplicate: false };
        });
        if (!started.duplicate) conductor.wake();
        log.info({ hook: name, deliveryId, planId: started.planId, duplicate: started.duplicate }, 'webhook delivery accepted');
        send(response, 202, started);
      } catch (error) {
        if (!(error instanceof Refusal)) {
          log.error({ err: error, hook: name }, 'webhook delivery failed; the sender may retry it');
          send(response, 500, { error: 'the delivery could not be stored; retry it with the same delivery id' });
          return;
        }
        log.info({ hook: name, status: error.status, reason: error.message }, 'webhook delivery refused');
        send(response, error.status, error.body, error.headers);
      }
    };
    return ['POST', `/hooks/${name}`, listener];
  });
}
