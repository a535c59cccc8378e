// Runs in a worker thread (see wal-checkpointer.ts): copies the write-ahead log back into the
// database file every few hundred milliseconds on a connection of its own. PASSIVE checkpoints
// never wait for readers or writers, so the service's connection is never blocked by them.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const connection = new Database(file, { timeout: 5000 });
connection.pragma('synchronous = FULL');

const timer = setInterval(() => {
  try {
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort!.postMessage({ error: String(error) });
  }
}, intervalMs);

parentPort!.once('message', () => {
  clearInterval(timer);
  connection.close();
  parentPort!.close();
});
