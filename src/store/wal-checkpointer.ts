// SQLite checkpoints its write-ahead log on the connection whose commit fills it, fsyncing the
// database file there: on the service's one connection, that stalled the event loop for
// 250-400 ms at a time under load (`npm run bench -- slack-ack`). The connection stops
// checkpointing itself and a worker thread with its own connection does it instead.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_EVERY_MS = 250;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** onFailure runs if the thread cannot checkpoint, so the caller can fall back to SQLite's own. */
export function startWalCheckpointer(file: string, onFailure: (error: string) => void): WalCheckpointer {
  const thread = new Worker(new URL('./wal-checkpoint-thread.ts', import.meta.url), {
    workerData: { file, intervalMs: CHECKPOINT_EVERY_MS },
  });
  thread.unref();
  const exited = once(thread, 'exit');
  thread.on('message', (message: { error?: string }) => message.error && onFailure(message.error));
  thread.on('error', (error) => onFailure(String(error)));
  return {
    // Not terminate(): terminating a thread while it loads the native SQLite addon aborts the
    // whole process. The thread reads this message once its connection is open, then exits.
    stop: async () => {
      thread.ref();
      thread.postMessage('stop');
      await exited;
    },
  };
}
