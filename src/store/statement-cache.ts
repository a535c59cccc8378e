// Each SQL text is prepared once per connection and run with every call's own arguments.
// Preparing anew for every query (as Prisma's SQLite adapter does) discards a statement per
// call; under load the garbage costs collection pauses and finalizer stalls of 40-80 ms on the
// thread that also acknowledges chat requests (measured by `npm run bench -- slack-ack`).
import type { Database, Statement } from 'better-sqlite3';

const CACHED_STATEMENTS = 256;

export class PreparedStatements {
  readonly #connection: Database;
  /** Least recently used first (a hit is moved to the end). */
  readonly #cache = new Map<string, Statement>();

  constructor(connection: Database) {
    this.#connection = connection;
  }

  get(source: string): Statement {
    let statement = this.#cache.get(source);
    if (statement) {
      this.#cache.delete(source);
    } else {
      statement = this.#connection.prepare(source);
      if (this.#cache.size >= CACHED_STATEMENTS) this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(source, statement);
    return statement;
  }
}
