// The store's own SQLite connection: the conductor's statements run here, prepared once each.
// The Prisma client has a connection of its own for its typed reads and occasional writes; the
// store lets one of the two work at a time (store.ts), so they never wait on each other's locks.
import Database from 'better-sqlite3';
import { SQLITE_BUSY_TIMEOUT_MS, SQLITE_LOCK_POLL_MS } from './sqlite-pragmas.ts';
import { PreparedStatements } from './statement-cache.ts';
import { decodeValue, render, sql, type DatabaseNow, type SqlRunner, type SqlStatement, type SqlValue } from './sql.ts';

/** As Prisma writes them (ISO 8601, +00:00), so the two connections store times alike. */
const encode = (value: Exclude<SqlValue, DatabaseNow>) =>
  value instanceof Date ? value.toISOString().replace('Z', '+00:00') : typeof value === 'boolean' ? Number(value) : value;

/** Declared column types that need decoding; the rest come back as the model types have them. */
const DECODED_TYPES: Record<string, 'datetime' | 'boolean'> = { DATETIME: 'datetime', BOOLEAN: 'boolean' };

export class SqliteConnection implements SqlRunner {
  readonly dialect = 'sqlite' as const;
  readonly #connection: Database.Database;
  readonly #statements: PreparedStatements;
  readonly #totalChanges: Database.Statement;

  /** Busy at once when another connection holds the write lock: the store waits for it (store.ts). */
  constructor(file: string, pragmas: readonly string[]) {
    this.#connection = new Database(file, { timeout: 0 });
    for (const pragma of pragmas) this.#connection.pragma(pragma);
    this.#statements = new PreparedStatements(this.#connection);
    this.#totalChanges = this.#connection.prepare('SELECT total_changes()').pluck();
  }

  /** The connection's running count of changed rows (to skip a log flush after reads). */
  totalChanges(): number {
    return this.#totalChanges.get() as number;
  }

  pragma(pragma: string): void {
    this.#connection.pragma(pragma);
  }

  async query<Row>(statement: SqlStatement<Row>): Promise<Row[]> {
    const { text, args } = render(statement, 'sqlite');
    const prepared = this.#statements.get(text);
    const types = prepared.columns().map((column) => DECODED_TYPES[column.type?.toUpperCase() ?? '']);
    const names = prepared.columns().map((column) => column.name);
    const rows = prepared.raw(true).all(args.map(encode)) as unknown[][];
    // The one place a row becomes its declared type: the statement names it, the schema defines it.
    return rows.map((values) => Object.fromEntries(names.map((name, i) => [name, decodeValue(values[i], types[i])])) as Row);
  }

  async execute(statement: SqlStatement<unknown>): Promise<number> {
    const { text, args } = render(statement, 'sqlite');
    return this.#statements.get(text).run(args.map(encode)).changes;
  }

  close(): void {
    this.#connection.close();
  }
}

/** SQLite reports a write lock held by another connection as SQLITE_BUSY ("database is locked"). */
export function isBusy(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_BUSY' || /SQLITE_BUSY|database is locked/i.test(String(message));
}

/**
 * Takes SQLite's write lock: BEGIN IMMEDIATE, tried again every SQLITE_LOCK_POLL_MS while another
 * connection (the front door's, the core's, another process's) holds it, with the event loop
 * free meanwhile. Taking it at BEGIN rather than at the first write also means a transaction that
 * reads first is never refused mid-way because another connection wrote since its read.
 */
async function beginImmediate(runner: SqlRunner): Promise<void> {
  const until = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      await runner.execute(sql`BEGIN IMMEDIATE`);
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, SQLITE_LOCK_POLL_MS));
    }
  }
}

/** One write transaction on a SQLite connection: committed when fn resolves, rolled back when it throws. */
export async function inSqliteTransaction<T>(runner: SqlRunner, fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
  await beginImmediate(runner);
  try {
    const result = await fn(runner);
    await runner.execute(sql`COMMIT`);
    return result;
  } catch (error) {
    await runner.execute(sql`ROLLBACK`).catch(() => undefined);
    throw error;
  }
}

/**
 * One read of committed rows as a single snapshot: a deferred BEGIN takes no lock until the first
 * read, and in WAL mode a reader never waits for the writer nor the writer for it.
 */
export async function inSqliteSnapshot<T>(runner: SqlRunner, fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
  await runner.execute(sql`BEGIN`);
  try {
    return await fn(runner);
  } finally {
    await runner.execute(sql`COMMIT`);
  }
}
