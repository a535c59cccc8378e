// The one way into the database. The Prisma client serves typed reads and occasional writes
// off the per-step path; the conductor's hot path (claim, checkpoint, notice claims, sequences)
// runs named SQL statements (statements.ts) through one transaction API. On SQLite those run
// on the store's own connection (sqlite-connection.ts), on PostgreSQL on the driver adapter's
// pool. Reads that answer a question (memory's recall) take a snapshot through read instead, on
// SQLite on a reader connection of their own, so they never queue behind a write and its fsync.
// Nothing outside src/store imports the generated clients.
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaClient as PostgresClient } from './generated/postgres/client.ts';
import type { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { createAdapterFactory } from './adapter.ts';
import { databaseTarget, type DatabaseTarget } from './database-url.ts';
import { groupCommitter } from './group-commit.ts';
import { Mutex } from './mutex.ts';
import { AdapterRunner, sql, type SqlRunner } from './sql.ts';
import { inSqliteSnapshot, inSqliteTransaction, isBusy, SqliteConnection } from './sqlite-connection.ts';
import { SQLITE_DEFAULT_AUTOCHECKPOINT, SQLITE_PRAGMAS, SQLITE_READER_PRAGMAS, SQLITE_STORE_PRAGMAS } from './sqlite-pragmas.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import { walSync, type WalSync } from './wal-sync.ts';

/**
 * Work that must commit with every transaction that writes, within one async context: the
 * inbox's mark that an entry's change is made (src/bot/inbox.ts) commits with the plan, the
 * decision or the refusal the entry caused, so a crash between the two cannot happen. The rider
 * throws to roll the transaction back (its entry was taken over by another worker).
 */
export type CommitRider = (runner: SqlRunner) => Promise<void>;
const riders = new AsyncLocalStorage<CommitRider>();

/** Runs fn with rider joining each of its transactions that changes rows. */
export const withCommitRider = <T>(rider: CommitRider, fn: () => Promise<T>): Promise<T> => riders.run(rider, fn);

/** fn, with rider run after it in the same transaction when it changed a row. */
function riding<T>(fn: (sql: SqlRunner) => Promise<T>, rider: CommitRider): (sql: SqlRunner) => Promise<T> {
  return async (runner) => {
    let changed = 0;
    const result = await fn({
      dialect: runner.dialect,
      query: (statement) => runner.query(statement),
      execute: async (statement) => {
        const count = await runner.execute(statement);
        changed += count;
        return count;
      },
    });
    if (changed > 0) await rider(runner);
    return result;
  };
}

/** Both generated clients have the same model API; the SQLite one names the type. */
export type Db = SqliteClient;

/**
 * The generated client of the target's provider, loaded on first use: loading one takes longer
 * than a plan read's whole run (`op plan show` needs only the named statements).
 */
async function loadPrismaClient(target: DatabaseTarget, adapter: SqlDriverAdapterFactory): Promise<Db> {
  const client: Db | PostgresClient =
    target.provider === 'sqlite'
      ? new (await import('./generated/sqlite/client.ts')).PrismaClient({ adapter })
      : new (await import('./generated/postgres/client.ts')).PrismaClient({ adapter });
  // One schema per provider, kept in step by `npm run check:schemas`: the model APIs are the same.
  return client as Db;
}

export interface Store {
  readonly target: DatabaseTarget;
  /** Typed access through Prisma, for reads and occasional writes (one call, not a transaction). */
  prisma<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** The one transaction API: committed (and durable) when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Reads committed rows as one snapshot, beside the writes rather than behind them. A row is
   * visible once committed, possibly a moment before that commit's fsync: whatever acts on it
   * commits a checkpoint of its own, whose fsync covers the log up to and including that row.
   */
  read<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Prisma gets an adapter the store connected itself (so the store can set it up first); it
 * disposes it on disconnect if it ever connected, and the store does otherwise.
 */
function handOver(adapter: SqlDriverAdapter, factory: SqlDriverAdapterFactory) {
  let connected = false;
  const prismaFactory: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      connected = true;
      return adapter;
    },
  };
  return { prismaFactory, disposeUnused: async () => void (connected || (await adapter.dispose())) };
}

const BUSY_RETRIES = 12;

/** One transaction on a driver adapter (PostgreSQL's pool: the transaction holds one client). */
async function inAdapterTransaction<T>(adapter: SqlDriverAdapter, fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
  const tx = await adapter.startTransaction();
  const runner = new AdapterRunner(tx, 'postgres');
  try {
    const result = await fn(runner);
    await runner.execute(sql`COMMIT`);
    await tx.commit();
    return result;
  } catch (error) {
    await runner.execute(sql`ROLLBACK`).catch(() => undefined);
    await tx.rollback();
    throw error;
  }
}

export interface StoreOptions {
  /**
   * Checkpoint SQLite's write-ahead log on a thread of its own (the default, for the service and
   * workers). A command that runs for a moment (`op plan show`) leaves it to SQLite instead of
   * starting a thread for it.
   */
  walCheckpointThread?: boolean;
}

export async function openStore(databaseUrl?: string, options: StoreOptions = {}): Promise<Store> {
  const target = databaseTarget(databaseUrl);
  if (target.provider === 'sqlite') fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const factory = await createAdapterFactory(target);
  const adapter = await factory.connect();
  const { prismaFactory, disposeUnused } = handOver(adapter, factory);
  let db: Promise<Db> | null = null;
  const client = () => (db ??= loadPrismaClient(target, prismaFactory));

  let connection: SqliteConnection | null = null;
  let reader: SqliteConnection | null = null;
  let wal: WalSync | null = null;
  if (target.provider === 'sqlite') {
    // Prisma's connection writes rarely and off the hot path: SQLite fsyncs its commits itself.
    for (const pragma of [...SQLITE_PRAGMAS, 'wal_autocheckpoint = 0']) await adapter.executeScript(`PRAGMA ${pragma}`);
    const own = new SqliteConnection(target.file, SQLITE_STORE_PRAGMAS);
    connection = own;
    wal = walSync(target.file, () => own.totalChanges());
    reader = new SqliteConnection(target.file, SQLITE_READER_PRAGMAS);
  }
  /** A commit counts once it is durable (see wal-sync.ts); PostgreSQL's COMMIT already is. */
  const durable = async <T>(result: T) => {
    await wal?.flush();
    return result;
  };
  // Without the thread, SQLite's own checkpoints keep the log bounded (at a latency cost).
  const checkpointBySqlite = () => connection?.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  const checkpointer =
    connection && target.provider === 'sqlite' && options.walCheckpointThread !== false ? startWalCheckpointer(target.file, checkpointBySqlite) : null;
  if (options.walCheckpointThread === false) checkpointBySqlite();

  // A SQLite connection serves the whole process, and a statement issued while a transaction is
  // open would join it; so on SQLite every use of the database waits its turn (Prisma's too, so
  // the two connections never contend for the write lock).
  const lock = connection ? new Mutex() : null;
  const exclusive = <T>(fn: () => Promise<T>) => (lock ? lock.run(fn) : fn());
  const runTransaction = <T>(fn: (sql: SqlRunner) => Promise<T>) => (connection ? inSqliteTransaction(connection, fn) : inAdapterTransaction(adapter, fn));

  // A transaction that read before it writes cannot wait for another process's write lock
  // (SQLite answers busy at once rather than deadlock): start it over, with jitter.
  const retryingBusy = <T>(fn: (runner: SqlRunner) => Promise<T>) =>
    exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await durable(await runTransaction(fn));
        } catch (error) {
          if (!isBusy(error) || attempt >= BUSY_RETRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));
        }
      }
    });

  const commit: Store['transaction'] = connection ? groupCommitter(retryingBusy, isBusy) : retryingBusy;
  // One snapshot at a time on the reader connection (a BEGIN inside another fails).
  const readLock = new Mutex();
  return {
    target,
    prisma: (fn) =>
      exclusive(async () => {
        if (lock) await turn(); // see group-commit.ts: let the event loop run between SQLite calls
        return fn(await client());
      }),
    transaction: (fn) => {
      const rider = riders.getStore();
      return commit(rider ? riding(fn, rider) : fn);
    },
    read: (fn) => (reader ? readLock.run(() => inSqliteSnapshot(reader, fn)) : inAdapterTransaction(adapter, fn)),
    ping: () => exclusive(async () => void (await (connection ?? new AdapterRunner(adapter, 'postgres')).query(sql`SELECT 1`))),
    close: async () => {
      await exclusive(async () => {
        await checkpointer?.stop();
        await wal?.close();
        connection?.close();
        reader?.close();
        if (db) await (await db).$disconnect();
        await disposeUnused();
      });
    },
  };
}
