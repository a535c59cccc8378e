// Durable commits without an fsync on the event loop. With synchronous=FULL, SQLite fsyncs the
// write-ahead log inside COMMIT, on the thread that also acknowledges chat requests: under I/O
// load one fsync held Slack acks for up to 670 ms (`npm run bench -- slack-ack`). The store's
// connection runs synchronous=NORMAL instead (COMMIT only writes the log) and the store awaits
// this flush before a commit counts as done: the same fsync of the same log file, issued from
// libuv's thread pool. A caller therefore learns of its commit only once it would survive a
// power loss, exactly as with FULL; only the waiting moved off the event loop.
//
// The flush is fdatasync, not fsync: it writes the log's data and the metadata needed to read it
// back (its size while it grows), skipping only timestamps, as SQLite syncs its own log where its
// build has fdatasync. An fsync also wrote the log's new mtime, so every flush committed the file
// system's journal, and a journal commit waits for the data of every file queued on it (the
// database pages a checkpoint writes): with plan work checkpointing behind it, the front door's
// flush before a button's ack took p50 3.4 ms, p99 58 ms as fsync, p50 1.2 ms, p99 10 ms as
// fdatasync in back-to-back runs (`npm run bench -- slack-ack`, button kind).
import fs from 'node:fs/promises';

export interface WalSync {
  /** Resolves once every change this connection committed is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * totalChanges: the connection's running count of changed rows, to skip flushes after reads.
 * Flushes may overlap: a flush started after a commit covers it, so a caller whose changes one
 * under way already covers shares it, and one that committed since starts its own at once rather
 * than waiting for the slower one before it.
 */
export function walSync(databaseFile: string, totalChanges: () => number): WalSync {
  let flushed = totalChanges();
  let latest: { covers: number; done: Promise<void> } | null = null;
  let log: Promise<fs.FileHandle> | null = null;
  const sync = async (covers: number) => {
    // A sync flushes the file, not the descriptor: SQLite's own writes to the log are covered.
    log ??= fs.open(`${databaseFile}-wal`, 'r');
    await (await log).datasync();
    flushed = Math.max(flushed, covers);
  };
  return {
    async flush() {
      const changes = totalChanges();
      if (changes <= flushed) return;
      if (latest && latest.covers >= changes) return latest.done;
      const mine = { covers: changes, done: sync(changes) };
      latest = mine;
      // A failed flush is not shared with later callers: they try again.
      mine.done.catch(() => latest === mine && (latest = null));
      return mine.done;
    },
    async close() {
      await (await log)?.close();
    },
  };
}
