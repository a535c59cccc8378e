import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseTarget } from './database-url.ts';

/** SQLite waits this long for another process's write lock before reporting busy. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** The Prisma driver adapter for a database: better-sqlite3 or node-postgres. */
export function createAdapterFactory(target: DatabaseTarget) {
  return target.provider === 'sqlite'
    ? new PrismaBetterSQLite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS })
    : new PrismaPg({ connectionString: target.url, max: 10 });
}
