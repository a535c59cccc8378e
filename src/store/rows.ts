// Small builders for INSERT and UPDATE over the quoted identifiers both dialects accept.
// Table and column names come from code, never from input; values are always parameters.
import { sql, type DatabaseNow, type SqlRunner, type SqlStatement } from './sql.ts';

type Value = string | number | boolean | Date | DatabaseNow | null;
export type Fields = Record<string, Value | undefined>;

const quote = (identifier: string) => `"${identifier}"`;

function statement(parts: string[], values: Value[]): SqlStatement {
  return sql(Object.assign([...parts], { raw: parts }) as TemplateStringsArray, ...values);
}

function defined(fields: Fields): [string, Value][] {
  return Object.entries(fields).filter((entry): entry is [string, Value] => entry[1] !== undefined);
}

export function insertRow(runner: SqlRunner, table: string, fields: Fields): Promise<number> {
  const entries = defined(fields);
  const head = `INSERT INTO ${quote(table)} (${entries.map(([k]) => quote(k)).join(', ')}) VALUES (`;
  const parts = [head, ...entries.slice(1).map(() => ', '), ')'];
  return runner.execute(statement(parts, entries.map(([, v]) => v)));
}

/** UPDATE table SET fields WHERE every match column equals its value (null means IS NULL). */
export function updateRows(runner: SqlRunner, table: string, fields: Fields, match: Fields): Promise<number> {
  const set = defined(fields);
  const where = defined(match);
  const parts: string[] = [`UPDATE ${quote(table)} SET `];
  const values: Value[] = [];
  set.forEach(([column, value], i) => {
    parts[parts.length - 1] += `${i > 0 ? ', ' : ''}${quote(column)} = `;
    parts.push('');
    values.push(value);
  });
  parts[parts.length - 1] += ' WHERE ';
  where.forEach(([column, value], i) => {
    const and = i > 0 ? ' AND ' : '';
    if (value === null) {
      parts[parts.length - 1] += `${and}${quote(column)} IS NULL`;
    } else {
      parts[parts.length - 1] += `${and}${quote(column)} = `;
      parts.push('');
      values.push(value);
    }
  });
  return runner.execute(statement(parts, values));
}
