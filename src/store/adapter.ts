import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseTarget } from './database-url.ts';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-pragmas.ts';

/** The Prisma driver adapter for a database: better-sqlite3 or node-postgres. */
export function createAdapterFactory(target: DatabaseTarget) {
  return target.provider === 'sqlite'
    ? new PrismaBetterSQLite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS })
    : new PrismaPg({ connectionString: target.url, max: 10 });
}
