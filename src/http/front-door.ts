// The front door: a thread of its own that owns the service's public port and Slack's receiver
// (front-door-thread.ts). The conductor, the dispatcher and memory all run on the core thread,
// and at a hundred plans a second they keep its event loop most of the way busy; an HTTP ack
// served there waits behind that work. Slack allows 3 s, and a fast ack is what a user sees
// first, so Slack's requests (HTTP or Socket Mode) are written to the inbox and acknowledged on
// the front door's thread, which then tells the core to look; every other route (health,
// metrics, the workspace) is passed through to the core's own HTTP server, on loopback only.
import type { IncomingMessage } from 'node:http';
import { Worker } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
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
  /** Slack's receiver: HTTP at POST /slack/events, or Socket Mode when appToken is set. */
  slack: { signingSecret: string; appToken?: string; apiUrl: string } | null;
}

export type ToFrontDoor = { type: 'slack-signing-secret'; secret: string } | { type: 'close' };
export type FromFrontDoor =
  | { type: 'listening'; port: number }
  | { type: 'slack-signing-secret-set' }
  | { type: 'failed'; message: string }
  /** An inbox entry was written. */
  | { type: 'inbox' }
  | { type: 'log'; line: string };

export interface FrontDoor {
  port: number;
  /** Resolves once the front door checks requests with the new secret. */
  setSlackSigningSecret(secret: string): Promise<void>;
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
  // The thread confirms secrets in the order it was sent them.
  const secretsSet: (() => void)[] = [];
  const listening = new Promise<{ port: number }>((resolve, reject) => {
    thread.on('message', (message: FromFrontDoor) => {
      switch (message.type) {
        case 'listening':
          return resolve(message);
        case 'failed':
          return reject(new Error(message.message));
        case 'slack-signing-secret-set':
          return secretsSet.shift()?.();
        case 'inbox':
          return options.onInbox();
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
    setSlackSigningSecret: (secret) =>
      new Promise<void>((resolve) => {
        secretsSet.push(resolve);
        thread.postMessage({ type: 'slack-signing-secret', secret } satisfies ToFrontDoor);
      }),
    close: async () => {
      closing = true;
      thread.postMessage({ type: 'close' } satisfies ToFrontDoor);
      await exited;
    },
  };
}
