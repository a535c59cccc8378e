/**
 * The durability the conductor ships with on SQLite: write-ahead log, and an fsync at every
 * commit (synchronous=FULL), so a checkpoint that returned survives power loss, not only a
 * process crash. Benchmarks apply these pragmas to their baselines.
 */
export const SQLITE_PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON'] as const;

/**
 * The store's own connection gets the same durability with the fsync moved off the event loop
 * (wal-sync.ts: NORMAL writes the log at COMMIT, the store then fsyncs it before the commit
 * counts), and leaves checkpointing the log to a thread of its own (wal-checkpointer.ts).
 */
export const SQLITE_STORE_PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'wal_autocheckpoint = 0'] as const;

/**
 * The store's reader connection (store.ts, read): the log mode is the file's, set by the writer;
 * query_only keeps a write from slipping in. A reader waits for a lock only while a checkpoint
 * resets the log, rarely and briefly, so SQLite's own busy handler is enough there.
 */
export const SQLITE_READER_PRAGMAS = ['query_only = ON', 'busy_timeout = 1000'] as const;

/** SQLite's default, restored if the checkpoint thread fails. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** SQLite waits this long for another connection's write lock before reporting busy. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * How often the store's own connection tries again for the write lock. It waits for the lock
 * itself rather than in SQLite's busy handler: that handler sleeps the whole thread (1, 2, 5 ...
 * up to 100 ms a time), and on the front door's thread every acknowledgement waited behind one
 * insert's sleep (p99 in the hundreds of ms in `npm run bench -- slack-ack`).
 */
export const SQLITE_LOCK_POLL_MS = 1;

/**
 * The inbox's landing file (inbox-landing.ts): durable as the store's connection (its commits
 * fsynced off the event loop); checkpointed by the importer's connection, not the front door's.
 */
export const SQLITE_LANDING_PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL'] as const;
