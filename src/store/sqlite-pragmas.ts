/**
 * The durability the conductor ships with on SQLite: write-ahead log, and an fsync at every
 * commit (synchronous=FULL), so a checkpoint that returned survives power loss, not only a
 * process crash. Benchmarks apply the same pragmas to their baselines. The store's connection
 * leaves checkpointing the log to a thread of its own (wal-checkpointer.ts).
 */
export const SQLITE_PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON'] as const;

/** Added for the store's own connection only: its log is checkpointed by wal-checkpointer.ts. */
export const SQLITE_STORE_PRAGMAS = [...SQLITE_PRAGMAS, 'wal_autocheckpoint = 0'] as const;

/** SQLite's default, restored if the checkpoint thread fails. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
