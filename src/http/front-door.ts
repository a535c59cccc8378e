// The front door: a thread of its own that owns the service's public port and the chat
// platforms' receivers (front-door-thread.ts). The conductor, the dispatcher and memory all run
// on the core thread, and at a hundred plans a second they keep its event loop most of the way
// busy; an HTTP ack served there waits behind that work. A platform allows 3 s, and a fast ack is
// what a user sees first, so a receiver (an adapter's module, mounted here) writes what arrives
// to the inbox and acknowledges it on the front door's thread, which then tells the core to
// look; every other route (health, metrics, the workspace) is passed through to the core's own
// HTTP server, on loopback only.
import type { IncomingMessage, RequestListener } from 'node:http';
import { Worker } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import type { InboxDraft } from '../store/inbox.ts';
import type { BodyLimits } from './body.ts';

/** Carries the caller's address on requests the front door passes to the core. */
export const PEER_HEADER = 'x-operator-peer';

export interface FrontDoorSettings {
  port: number;
  host?: string;
  /** The core's HTTP server, on 127.0.0.1. */
  corePort: number;
  logLevel: string;
  /** The front door writes the inbox with a store connection of its own. */
  databaseUrl: string;
  body: BodyLimits;
  receivers: ReceiverSpec[];
}

/** A chat platform's receiver, run on the front door's thread. */
export interface ReceiverSpec {
  name: string;
  /** The module (a URL) that exports `createReceiver`, a ReceiverFactory. */
  module: string;
  /** The POST path it serves; null when it holds a connection of its own (Slack's Socket Mode). */
  path: string | null;
  settings: Record<string, string>;
}

export interface FrontDoorReceiver {
  requestListener: RequestListener | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Rotated settings (src/ops/reload.ts) apply from the next request. */
  reconfigure(settings: Record<string, string>): void;
}

export type ReceiverFactory = (context: {
  settings: Record<string, string>;
  logger: Logger;
  body: BodyLimits;
  /** Writes an entry to the inbox durably; acknowledge only after it resolves. */
  record: (draft: InboxDraft) => Promise<void>;
  /** The recorded answer (JSON) to an entry once the core has run it, or null after timeoutMs. */
  answerOf: (id: string, timeoutMs: number) => Promise<string | null>;
  /** What keeps the receiver from taking requests, and the fix (null: nothing), for /healthz. */
  reportProblem: (problem: string | null) => void;
}) => FrontDoorReceiver;

export type ToFrontDoor = { type: 'reconfigure'; receiver: string; settings: Record<string, string> } | { type: 'close' };
export type FromFrontDoor =
  | { type: 'listening'; port: number }
  | { type: 'reconfigured' }
  | { type: 'failed'; message: string }
  /** An inbox entry was written. */
  | { type: 'inbox' }
  /** A receiver's problem changed (null: it takes requests). */
  | { type: 'problem'; receiver: string; problem: string | null }
  | { type: 'log'; line: string };

export interface FrontDoor {
  port: number;
  /** Resolves once the receiver uses the new settings. */
  reconfigure(receiver: string, settings: Record<string, string>): Promise<void>;
  /** What keeps a receiver from taking requests (Slack's Socket Mode not connected), or null. */
  problemOf(receiver: string): string | null;
  close(): Promise<void>;
}

/**
 * The caller's address: the core's server only listens on loopback, where the front door is the
 * caller and names the real one; a process on this machine could name another, but it is
 * trusted as local anyway.
 */
export function peerAddress(request: IncomingMessage): string {
  const forwarded = request.headers[PEER_HEADER];
  return typeof forwarded === 'string' ? forwarded : (request.socket.remoteAddress ?? '');
}

/** Re-logs a record written on the front door's thread through the core's logger. */
function relog(logger: Logger, line: string): void {
  try {
    const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const name = pino.levels.labels[Number(level)] as pino.Level | undefined;
    logger[name ?? 'info']({ thread: 'front-door', ...fields }, String(msg ?? ''));
  } catch {
    logger.warn({ thread: 'front-door' }, 'the front door wrote a log line that is not JSON');
  }
}

export async function openFrontDoor(settings: FrontDoorSettings, options: { logger: Logger; onInbox: () => void }): Promise<FrontDoor> {
  const thread = new Worker(new URL('./front-door-thread.ts', import.meta.url), { workerData: settings });
  let closing = false;
  // The thread confirms new settings in the order it was sent them.
  const reconfigured: (() => void)[] = [];
  const problems = new Map<string, string>();
  const listening = new Promise<{ port: number }>((resolve, reject) => {
    thread.on('message', (message: FromFrontDoor) => {
      switch (message.type) {
        case 'listening':
          return resolve(message);
        case 'failed':
          return reject(new Error(message.message));
        case 'reconfigured':
          return reconfigured.shift()?.();
        case 'inbox':
          return options.onInbox();
        case 'problem':
          return void (message.problem === null ? problems.delete(message.receiver) : problems.set(message.receiver, message.problem));
        case 'log':
          return relog(options.logger, message.line);
      }
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the front door thread ended (exit code ${code}) before it listened`)));
  });
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  const { port } = await listening.catch(async (error: unknown) => {
    await thread.terminate();
    throw error;
  });
  // Once it serves, the service cannot be reached without it: a failure ends the service, so its
  // supervisor restarts it. (Before, a failure is start-up's error, which the caller handles.)
  thread.on('error', (error) => {
    if (closing) return;
    options.logger.fatal({ err: error }, 'the front door thread failed; stopping so the service is restarted');
    process.exitCode = 1;
    process.kill(process.pid, 'SIGTERM');
  });
  return {
    port,
    problemOf: (receiver) => problems.get(receiver) ?? null,
    reconfigure: (receiver, receiverSettings) =>
      new Promise<void>((resolve) => {
        reconfigured.push(resolve);
        thread.postMessage({ type: 'reconfigure', receiver, settings: receiverSettings } satisfies ToFrontDoor);
      }),
    close: async () => {
      closing = true;
      thread.postMessage({ type: 'close' } satisfies ToFrontDoor);
      await exited;
    },
  };
}
