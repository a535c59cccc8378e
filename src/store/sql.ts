// Hand-written SQL for the conductor's hot path, run on the Prisma driver adapter's own
// connection. Measured on this machine: a 4-statement checkpoint through Prisma's query
// pipeline costs ~1.5-2.7 ms, through the adapter ~0.1 ms; the fsync dominates what is left.
// Identifiers are quoted, so one statement text serves SQLite and PostgreSQL.
import type { ArgType, SqlQuery, SqlQueryable } from '@prisma/driver-adapter-utils';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The database's clock, offset by offsetMs. Leases, due times and deadlines are written and
 * compared with it, never with a replica's Date.now(): with several replicas, skewed clocks
 * must not decide who holds a lease or when a notice is due.
 */
export class DatabaseNow {
  readonly offsetMs: number;
  constructor(offsetMs: number) {
    this.offsetMs = offsetMs;
  }
}
export const databaseNow = (offsetMs = 0) => new DatabaseNow(Math.round(offsetMs));

type SqlValue = string | number | boolean | Date | DatabaseNow | null;

export interface SqlStatement {
  readonly strings: readonly string[];
  readonly values: readonly SqlValue[];
}

/** sql`UPDATE "Plan" SET status = ${status} WHERE id = ${id}`: values always travel as parameters. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlStatement {
  return { strings, values };
}

function argType(value: Exclude<SqlValue, DatabaseNow>): ArgType {
  if (value instanceof Date) return { scalarType: 'datetime', arity: 'scalar' };
  if (typeof value === 'number') return { scalarType: Number.isInteger(value) ? 'int' : 'float', arity: 'scalar' };
  if (typeof value === 'boolean') return { scalarType: 'boolean', arity: 'scalar' };
  return { scalarType: 'string', arity: 'scalar' };
}

/**
 * The database's now() plus the parameter (milliseconds), in the form the schema stores times:
 * Prisma keeps SQLite DateTimes as ISO 8601 text with +00:00 (so text order is time order), and
 * PostgreSQL ones as UTC timestamps without a zone.
 */
function databaseNowSql(dialect: Dialect, placeholder: string): string {
  return dialect === 'postgres'
    ? `(now() AT TIME ZONE 'UTC' + ${placeholder}::integer * interval '1 millisecond')`
    : `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', (${placeholder} / 1000.0) || ' seconds')`;
}

function render(statement: SqlStatement, dialect: Dialect): SqlQuery {
  const text = statement.strings.reduce((acc, part, i) => {
    if (i === 0) return part;
    const placeholder = dialect === 'postgres' ? `$${i}` : '?';
    return acc + (statement.values[i - 1] instanceof DatabaseNow ? databaseNowSql(dialect, placeholder) : placeholder) + part;
  }, '');
  const args = statement.values.map((v) => (v instanceof DatabaseNow ? v.offsetMs : v));
  return {
    sql: text,
    // PostgreSQL's driver takes ISO strings for timestamps; SQLite's adapter formats Dates itself.
    args: args.map((v) => (v instanceof Date && dialect === 'postgres' ? v.toISOString() : v)),
    argTypes: args.map(argType),
  };
}

export type Row = Record<string, unknown>;

/** Runs statements on one connection (or one open transaction). */
export class SqlRunner {
  readonly #queryable: SqlQueryable;
  readonly dialect: Dialect;

  constructor(queryable: SqlQueryable, dialect: Dialect) {
    this.#queryable = queryable;
    this.dialect = dialect;
  }

  /** Rows as plain objects keyed by column name. */
  async query(statement: SqlStatement): Promise<Row[]> {
    const result = await this.#queryable.queryRaw(render(statement, this.dialect));
    return result.rows.map((values) =>
      Object.fromEntries(result.columnNames.map((name, i) => [name, values[i]])),
    );
  }

  /** The number of rows changed. */
  async execute(statement: SqlStatement): Promise<number> {
    return this.#queryable.executeRaw(render(statement, this.dialect));
  }
}

/** Column values come back as strings, numbers or bigints depending on the driver. */
export const asDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string);
export const asNumber = (value: unknown): number => Number(value);
