// The one way into the database. Typed reads and occasional writes go through the Prisma
// client; the conductor's hot path runs hand-written SQL on the same driver-adapter connection
// (see sql.ts). Nothing outside src/store imports the generated clients.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Database as BetterSqliteDatabase } from 'better-sqlite3';
import { PrismaClient as PostgresClient } from './generated/postgres/client.ts';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { createAdapterFactory } from './adapter.ts';
import { databaseTarget, type DatabaseTarget } from './database-url.ts';
import { groupCommitter } from './group-commit.ts';
import { Mutex } from './mutex.ts';
import { SqlRunner } from './sql.ts';
import { SQLITE_DEFAULT_AUTOCHECKPOINT, SQLITE_STORE_PRAGMAS } from './sqlite-pragmas.ts';
import { cachePreparedStatements } from './statement-cache.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import { walSync, type WalSync } from './wal-sync.ts';

/** Both generated clients have the same model API; the SQLite one names the type. */
export type Db = SqliteClient;

export interface Store {
  readonly target: DatabaseTarget;
  /** Typed access through Prisma, for reads and occasional writes (not transactional across calls). */
  prisma<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** One transaction of hand-written SQL: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A factory that hands Prisma an already open adapter, so Prisma and the conductor's SQL share
 * one connection (SQLite) or one pool (PostgreSQL). Prisma disposes the adapter on disconnect,
 * and the store must too when Prisma never connected: disposal happens once.
 */
function sharedAdapter(adapter: SqlDriverAdapter, factory: SqlDriverAdapterFactory) {
  let disposed: Promise<void> | null = null;
  const dispose = () => (disposed ??= adapter.dispose());
  const shared = new Proxy(adapter, {
    get: (target, property) => {
      if (property === 'dispose') return dispose;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const prismaFactory: SqlDriverAdapterFactory = { provider: factory.provider, adapterName: factory.adapterName, connect: async () => shared };
  return { prismaFactory, dispose };
}

/** The adapter reports SQLITE_BUSY as "SocketTimeout" and keeps SQLite's own code in the cause. */
function isBusy(error: unknown): boolean {
  const cause = (error as { cause?: { originalCode?: unknown; originalMessage?: unknown } } | null)?.cause;
  const text = `${(error as Error)?.message ?? error} ${cause?.originalCode ?? ''} ${cause?.originalMessage ?? ''}`;
  return /SQLITE_BUSY|database is locked/i.test(text);
}

const BUSY_RETRIES = 12;

export async function openStore(databaseUrl?: string): Promise<Store> {
  const target = databaseTarget(databaseUrl);
  if (target.provider === 'sqlite') fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const factory = createAdapterFactory(target);
  const adapter = await factory.connect();
  const { prismaFactory, dispose } = sharedAdapter(adapter, factory);
  const db = (
    target.provider === 'sqlite' ? new SqliteClient({ adapter: prismaFactory }) : new PostgresClient({ adapter: prismaFactory })
  ) as Db;
  const dialect = target.provider;

  let wal: WalSync | null = null;
  if (target.provider === 'sqlite') {
    for (const pragma of SQLITE_STORE_PRAGMAS) await adapter.queryRaw({ sql: `PRAGMA ${pragma}`, args: [], argTypes: [] });
    const connection = (adapter as unknown as { client?: BetterSqliteDatabase }).client;
    if (!connection?.prepare) throw new Error('the SQLite adapter no longer exposes its connection: check statement-cache.ts against this Prisma version');
    const totalChanges = connection.prepare('SELECT total_changes()').pluck();
    wal = walSync(target.file, () => totalChanges.get() as number);
    cachePreparedStatements(connection);
  }
  /** A commit counts once it is durable (see wal-sync.ts); PostgreSQL's COMMIT already is. */
  const durable = async <T>(result: T) => {
    await wal?.flush();
    return result;
  };
  const checkpointer =
    target.provider === 'sqlite'
      ? startWalCheckpointer(target.file, () => {
          // Without the thread, SQLite's own checkpoints keep the log bounded (at a latency cost).
          void adapter.queryRaw({ sql: `PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`, args: [], argTypes: [] });
        })
      : null;

  // One SQLite connection serves the whole process, and a statement issued while a transaction
  // is open would join it; so on SQLite every use of the connection waits its turn.
  const lock = target.provider === 'sqlite' ? new Mutex() : null;
  const exclusive = <T>(fn: () => Promise<T>) => (lock ? lock.run(fn) : fn());

  async function runTransaction<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
    const tx = await adapter.startTransaction();
    try {
      const result = await fn(new SqlRunner(tx, dialect));
      await tx.executeRaw({ sql: 'COMMIT', args: [], argTypes: [] });
      await tx.commit();
      return result;
    } catch (error) {
      await tx.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => undefined);
      await tx.rollback();
      throw error;
    }
  }

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

  return {
    target,
    prisma: (fn) =>
      exclusive(async () => {
        if (lock) await turn(); // see group-commit.ts: let the event loop run between SQLite calls
        return durable(await fn(db));
      }),
    transaction: target.provider === 'sqlite' ? groupCommitter(retryingBusy, isBusy) : retryingBusy,
    ping: () => exclusive(async () => void (await db.$queryRawUnsafe('SELECT 1'))),
    close: async () => {
      await exclusive(async () => {
        await checkpointer?.stop();
        await wal?.close();
        await db.$disconnect();
        await dispose();
      });
    },
  };
}
