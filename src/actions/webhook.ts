// Posts an event to the operator's webhook (WEBHOOK_URL). The body is signed with
// HMAC-SHA256 over its exact bytes (X-Operator-Signature: sha256=<hex>, keyed by WEBHOOK_SECRET)
// and carries the step's idempotency key as Idempotency-Key, the same on every attempt and
// after a crash, so the receiver can drop a repeat. Network errors, 429 and 5xx are retried
// with backoff here; the step's retry policy covers longer outages.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { DependencyUnavailable } from '../core/dependencies.ts';
import { NonRetryableError } from '../conductor/retry.ts';
import type { ActionExecutor } from '../conductor/workflow.ts';

const WebhookEvent = z.object({ event: z.string().min(1), data: z.record(z.string(), z.unknown()) });
type WebhookEvent = z.infer<typeof WebhookEvent>;

const WebhookDelivery = z.object({ status: z.number().int(), attempts: z.number().int(), target: z.string() });

const ATTEMPTS = 4;
const FIRST_DELAY_MS = 200;

const signatureOf = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Where the webhook went, without a query string that might hold a token. */
const targetOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

/** The target answered with a status worth another try (429, 5xx). */
class WebhookAnswered extends Error {
  override name = 'WebhookAnswered';
}

const retryable = (status: number) => status === 429 || status >= 500;

export const webhook: ActionExecutor<WebhookEvent, z.infer<typeof WebhookDelivery>> = {
  name: 'webhook',
  input: WebhookEvent,
  output: WebhookDelivery,
  preview: ({ event }, { services }) => {
    const target = services.settings.webhook ? targetOf(services.settings.webhook.url) : 'the webhook (none is configured: it would fail)';
    return { says: `post the event ${event} to ${target}`, output: { status: 0, attempts: 0, target } };
  },
  async perform({ event, data }, { idempotencyKey, services, signal }) {
    const target = services.settings.webhook;
    if (!target?.secret) throw new NonRetryableError('no webhook is configured: set WEBHOOK_URL and WEBHOOK_SECRET, then retry');
    const body = JSON.stringify({ id: idempotencyKey, event, data });
    const headers = {
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
      'x-operator-event': event,
      'x-operator-signature': signatureOf(target.secret, body),
    };
    let problem = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, FIRST_DELAY_MS * 2 ** (attempt - 2)));
      try {
        // Through the target's circuit breaker: an unreachable target or a 5xx counts towards it.
        const status = await services.dependencies.call('webhook', async () => {
          const response = await fetch(target.url, { method: 'POST', headers, body, signal });
          await response.body?.cancel();
          if (response.ok) return response.status;
          const answered = `the webhook answered HTTP ${response.status}`;
          if (!retryable(response.status)) throw new NonRetryableError(`${answered}; check WEBHOOK_URL and what the receiver expects, then retry`);
          throw new WebhookAnswered(answered);
        });
        return { status, attempts: attempt, target: targetOf(target.url) };
      } catch (error) {
        if (error instanceof NonRetryableError || error instanceof DependencyUnavailable || signal.aborted) throw error;
        problem = error instanceof WebhookAnswered ? error.message : `the webhook could not be reached (${(error as Error).message})`;
      }
    }
    throw new Error(`${problem} after ${ATTEMPTS} attempts`);
  },
};
