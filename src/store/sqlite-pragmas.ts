/**
 * The durability the conductor ships with on SQLite: write-ahead log, and an fsync at every
 * commit (synchronous=FULL), so a checkpoint that returned survives power loss, not only a
 * process crash. Benchmarks apply the same pragmas to their baselines.
 */
export const SQLITE_PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON'] as const;
