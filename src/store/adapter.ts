import type { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseTarget } from './database-url.ts';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-pragmas.ts';

/** The Prisma driver adapter for a database: better-sqlite3 or node-postgres, only the one in use loaded. */
export async function createAdapterFactory(target: DatabaseTarget): Promise<PrismaBetterSQLite3 | PrismaPg> {
  if (target.provider === 'sqlite') {
    return new (await import('@prisma/adapter-better-sqlite3')).PrismaBetterSQLite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  return new (await import('@prisma/adapter-pg')).PrismaPg({ connectionString: target.url, max: 10 });
}
