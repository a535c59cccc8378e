// The store's one typed way to run SQL: statements written as sql`...` templates (values always
// travel as parameters), each naming the row type it returns, taken from the Prisma schema's
// generated model types. Identifiers are quoted, so one statement text serves SQLite and
// PostgreSQL. Column values are decoded once, here, by the column type the driver reports, so
// a DateTime comes back as a Date and a count as a number on both databases.
import { ColumnTypeEnum, type ArgType, type ColumnType, type SqlQuery, type SqlQueryable } from '@prisma/driver-adapter-utils';

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

export type SqlValue = string | number | boolean | Date | DatabaseNow | null;

/** A statement, or a fragment of one, that returns rows of type Row. */
export interface SqlStatement<Row = Record<string, unknown>> {
  readonly strings: readonly string[];
  readonly values: readonly (SqlValue | SqlStatement<unknown>)[];
  /** Only carries Row to query(); never set. */
  readonly row?: Row;
}

/** sql<Pick<Plan, 'id'>>`SELECT "id" FROM "Plan" WHERE "status" = ${status}`; a nested sql`` is spliced in. */
export function sql<Row = Record<string, unknown>>(strings: TemplateStringsArray | readonly string[], ...values: (SqlValue | SqlStatement<unknown>)[]): SqlStatement<Row> {
  return { strings, values };
}

const isFragment = (value: SqlValue | SqlStatement<unknown>): value is SqlStatement<unknown> =>
  typeof value === 'object' && value !== null && 'strings' in value;

/** Joins fragments with a separator: join([sql`"a" = ${1}`, sql`"b" = ${2}`], ', '). */
export function join(fragments: readonly SqlStatement<unknown>[], separator: string): SqlStatement {
  if (fragments.length === 0) return sql``;
  return sql(['', ...fragments.slice(1).map(() => separator), ''], ...fragments);
}

/** A quoted column or table name. Names come from code (typed keys of a model), never from input. */
export const identifier = (name: string): SqlStatement => sql([`"${name.replace(/"/g, '""')}"`]);

/** `("a", "b") VALUES (?, ?)` for the defined fields of a row. */
export function insertValues<Row extends object>(row: { [K in keyof Row]?: SqlValue }): SqlStatement {
  const entries = Object.entries(row).filter((entry): entry is [string, SqlValue] => entry[1] !== undefined);
  return sql`(${join(entries.map(([column]) => identifier(column)), ', ')}) VALUES (${join(entries.map(([, value]) => sql`${value}`), ', ')})`;
}

/** `"a" = ?, "b" = ?` for the defined fields of a patch. */
export function assignments<Row extends object>(patch: { [K in keyof Row]?: SqlValue }): SqlStatement {
  const entries = Object.entries(patch).filter((entry): entry is [string, SqlValue] => entry[1] !== undefined);
  return join(entries.map(([column, value]) => sql`${identifier(column)} = ${value}`), ', ');
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

/** The text with the dialect's placeholders, and the parameters in order. */
export function render(statement: SqlStatement<unknown>, dialect: Dialect): { text: string; args: Exclude<SqlValue, DatabaseNow>[] } {
  const args: Exclude<SqlValue, DatabaseNow>[] = [];
  const placeholder = () => (dialect === 'postgres' ? `$${args.length}` : '?');
  const write = (part: SqlStatement<unknown>): string =>
    part.strings.reduce((text, string, i) => {
      if (i === 0) return string;
      const value = part.values[i - 1]!;
      if (isFragment(value)) return text + write(value) + string;
      if (value instanceof DatabaseNow) {
        args.push(value.offsetMs);
        return text + databaseNowSql(dialect, placeholder()) + string;
      }
      args.push(value);
      return text + placeholder() + string;
    }, '');
  const text = write(statement);
  return { text, args };
}

/** Runs statements on one connection, or inside one open transaction. */
export interface SqlRunner {
  readonly dialect: Dialect;
  /** Rows as objects keyed by column name, DateTimes as Dates and counts as numbers. */
  query<Row>(statement: SqlStatement<Row>): Promise<Row[]>;
  /** The number of rows changed. */
  execute(statement: SqlStatement<unknown>): Promise<number>;
}

function argType(value: Exclude<SqlValue, DatabaseNow>): ArgType {
  if (value instanceof Date) return { scalarType: 'datetime', arity: 'scalar' };
  if (typeof value === 'number') return { scalarType: Number.isInteger(value) ? 'int' : 'float', arity: 'scalar' };
  if (typeof value === 'boolean') return { scalarType: 'boolean', arity: 'scalar' };
  return { scalarType: 'string', arity: 'scalar' };
}

/** A column value as the Prisma model types have it. */
export function decodeValue(value: unknown, type: ColumnType | 'datetime' | 'boolean' | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case ColumnTypeEnum.DateTime:
    case 'datetime':
      return new Date(value as string | number);
    case ColumnTypeEnum.Int64:
    case ColumnTypeEnum.Numeric:
    case ColumnTypeEnum.Double:
    case ColumnTypeEnum.Float:
      return Number(value);
    case 'boolean':
      return value === 1 || value === true;
    default:
      return typeof value === 'bigint' ? Number(value) : value;
  }
}

/** A runner over a Prisma driver adapter's queryable (PostgreSQL's pool, or one of its transactions). */
export class AdapterRunner implements SqlRunner {
  readonly #queryable: SqlQueryable;
  readonly dialect: Dialect;

  constructor(queryable: SqlQueryable, dialect: Dialect) {
    this.#queryable = queryable;
    this.dialect = dialect;
  }

  #query(statement: SqlStatement<unknown>): SqlQuery {
    const { text, args } = render(statement, this.dialect);
    return {
      sql: text,
      // PostgreSQL's driver takes ISO strings for timestamps.
      args: args.map((value) => (value instanceof Date ? value.toISOString() : value)),
      argTypes: args.map(argType),
    };
  }

  async query<Row>(statement: SqlStatement<Row>): Promise<Row[]> {
    const result = await this.#queryable.queryRaw(this.#query(statement));
    // The one place a row becomes its declared type: the statement names it, the schema defines it.
    return result.rows.map((values) => Object.fromEntries(result.columnNames.map((name, i) => [name, decodeValue(values[i], result.columnTypes[i])])) as Row);
  }

  execute(statement: SqlStatement<unknown>): Promise<number> {
    return this.#queryable.executeRaw(this.#query(statement));
  }
}
