// Talks to the local workspace as its page does: JSON posts and the server-sent event stream,
// over plain node:http so tests can set the headers a browser or an attacker would send.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Form, Message } from '../../src/bot/messages.ts';
import { pollUntil } from './poll.ts';

export interface WorkspaceEntry {
  id: string;
  threadId?: string;
  hasThread: boolean;
  author: 'operator' | 'you';
  message: Message;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Connect from this local address, e.g. the machine's network address instead of loopback. */
  localAddress?: string;
  /** Connect to this address instead of 127.0.0.1. */
  host?: string;
  /** Fails the request when no answer has come within this many ms (a client that gives up). */
  timeoutMs?: number;
}

export function workspaceRequest(port: number, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method,
        path,
        localAddress: options.localAddress,
        headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    if (options.timeoutMs !== undefined) request.setTimeout(options.timeoutMs, () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.end(payload);
  });
}

let sequence = 0;
export const freshRequestId = () => `test-${process.pid}-${++sequence}-${Date.now()}`;

export interface Posted {
  status: number;
  reply: Message | null;
  error?: string;
  /** The form a click opened (Edit, Deny), as the page shows it. */
  form?: Form;
  /** A submitted form's errors by field, as the page shows them next to the fields. */
  formErrors?: Record<string, string>;
}

/** POSTs as the page does; resolves with the private reply (or null), and a form or its errors when there are. */
export async function post(port: number, path: string, body: Record<string, unknown>, options: RequestOptions = {}): Promise<Posted> {
  const answer = await workspaceRequest(port, 'POST', path, { ...options, body: { requestId: freshRequestId(), ...body } });
  const parsed = JSON.parse(answer.body) as Omit<Posted, 'status'>;
  return {
    status: answer.status,
    reply: parsed.reply ?? null,
    error: parsed.error,
    ...(parsed.form ? { form: parsed.form } : {}),
    ...(parsed.formErrors ? { formErrors: parsed.formErrors } : {}),
  };
}

/** Opens a form as the page does (a click that answers with one); submit posts the fields as its submit button does. */
export async function openForm(port: number, button: { action: string; planId: string; version: number }) {
  const clicked = await post(port, '/workspace/button', { actionId: `op:${button.action}`, value: `${button.planId}:${button.version}` });
  const form = clicked.form ?? assert.fail(`the click opened no form; it answered ${JSON.stringify(clicked)}`);
  return {
    form,
    fields: Object.fromEntries(form.fields.map((field) => [field.name, field.value])),
    submit: (fields: Record<string, string>) => post(port, '/workspace/form', { form: `op:form:${form.kind}`, value: `${form.planId}:${form.version}`, fields }),
  };
}

/** The workspace's live stream, applied to a view of the channel as the page keeps it. */
export class WorkspaceStream {
  readonly entries = new Map<string, WorkspaceEntry>();
  readonly kinds: string[] = [];
  #request: http.ClientRequest | null = null;

  static open(port: number, headers: Record<string, string> = {}): Promise<WorkspaceStream> {
    const stream = new WorkspaceStream();
    return new Promise((resolve, reject) => {
      stream.#request = http.get({ host: '127.0.0.1', port, path: '/workspace/events', headers }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`the event stream answered ${response.statusCode}`));
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            stream.#apply(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
          // Open once the first event (the channel's snapshot) is in, as a page shows it.
          if (stream.kinds.length > 0) resolve(stream);
        });
        response.on('error', reject);
        response.on('end', () => reject(new Error('the event stream ended before its first event')));
      });
      stream.#request.on('error', reject);
    });
  }

  #apply(block: string): void {
    const event = /^event: (\w+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (!event || data === undefined) return;
    this.kinds.push(event);
    if (event === 'snapshot') {
      this.entries.clear();
      for (const entry of (JSON.parse(data) as { entries: WorkspaceEntry[] }).entries) this.entries.set(entry.id, entry);
    } else {
      const entry = JSON.parse(data) as WorkspaceEntry;
      this.entries.set(entry.id, entry);
    }
  }

  /** The card whose title names the plan. */
  card(planId: string): WorkspaceEntry | undefined {
    return [...this.entries.values()].find((entry) => entry.hasThread && entry.message.title?.includes(planId));
  }

  /** The newest daily digest posted in the channel. */
  digest(): WorkspaceEntry | undefined {
    return [...this.entries.values()].reverse().find((entry) => !entry.threadId && entry.message.title?.startsWith('Daily digest'));
  }

  thread(cardId: string): WorkspaceEntry[] {
    return [...this.entries.values()].filter((entry) => entry.threadId === cardId);
  }

  waitForCard(planId: string, text: RegExp, timeoutMs = 10_000): Promise<WorkspaceEntry> {
    return pollUntil(
      () => {
        const card = this.card(planId);
        return card && text.test(card.message.text) ? card : null;
      },
      timeoutMs,
      () => `no card of ${planId} says ${text}; it says ${JSON.stringify(this.card(planId)?.message.text)}`,
    );
  }

  waitForThreadMessage(cardId: string, match: (entry: WorkspaceEntry) => boolean, what: string, timeoutMs = 10_000): Promise<WorkspaceEntry> {
    return pollUntil(
      () => this.thread(cardId).find(match),
      timeoutMs,
      () => `no ${what} in the thread; it holds ${JSON.stringify(this.thread(cardId).map((e) => e.message))}`,
    );
  }

  close(): void {
    this.#request?.destroy();
  }
}

export const says = (text: RegExp) => (entry: WorkspaceEntry) => text.test(JSON.stringify(entry.message));
