import path from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/operator.db';

/** Where the data lives: an embedded SQLite file or a PostgreSQL server. */
export type DatabaseTarget =
  | { provider: 'sqlite'; url: string; file: string }
  | { provider: 'postgres'; url: string };

/** Reads DATABASE_URL: `file:<path>` (relative to the working directory) or `postgres(ql)://`. */
export function databaseTarget(url: string = DEFAULT_DATABASE_URL): DatabaseTarget {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { provider: 'postgres', url };
  }
  if (url.startsWith('file:')) {
    const file = path.resolve(url.slice('file:'.length));
    return { provider: 'sqlite', url: `file:${file}`, file };
  }
  throw new Error(
    `DATABASE_URL must start with file: (SQLite, e.g. ${DEFAULT_DATABASE_URL}) or postgresql:// (PostgreSQL), got "${url.split(':')[0]}:..."`,
  );
}
