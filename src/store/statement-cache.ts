// Prisma's SQLite adapter prepares every statement anew (6.19: `client.prepare(sql).bind(args)`
// per query, and better-sqlite3's bind() is permanent, so it cannot reuse one). Under load the
// discarded statements cost garbage-collection pauses and finalizer stalls of 40-80 ms on the
// thread that also acknowledges chat requests (measured by `npm run bench -- slack-ack`).
// The store's one connection gets a bounded cache instead: each SQL text is prepared once and
// run with every call's own arguments.
import type { Database, Statement } from 'better-sqlite3';

const CACHED_STATEMENTS = 256;

/** Just what the adapter uses of a statement: bind(args) once, then run, or columns and raw rows. */
function withArguments(statement: Statement, args: unknown[]) {
  return {
    reader: statement.reader,
    run: () => statement.run(args),
    columns: () => statement.columns(),
    raw: () => ({ all: () => statement.raw(true).all(args) }),
  };
}

export function cachePreparedStatements(connection: Database): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, Statement>();
  const cachedPrepare = (source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source); // re-inserted below: the map's order is least recently used first
    } else {
      statement = prepare(source);
      if (cache.size >= CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    const cached = statement;
    return {
      reader: cached.reader,
      bind: (args: unknown[]) => withArguments(cached, args),
      run: (...args: unknown[]) => cached.run(...args),
    };
  };
  connection.prepare = cachedPrepare as unknown as Database['prepare'];
}
