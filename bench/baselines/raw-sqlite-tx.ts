/**
 * Same-run baseline for `npm run bench -- conductor`: the ceiling for durable commits per second on
 * this disk, one single-row transaction at a time under the conductor's SQLite pragmas (an fsync per
 * commit with synchronous=FULL). No engine doing a commit per step can beat this number.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { SQLITE_PRAGMAS } from '../../src/store/sqlite-pragmas.ts';

const WARM_UP_TRANSACTIONS = 50;

export function rawSqliteTransactionsPerSecond(options: { dir: string; transactions: number }): {
  transactions: number;
  seconds: number;
  perSecond: number;
} {
  const db = new Database(join(options.dir, 'raw-transactions.sqlite'));
  try {
    for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO rows (payload) VALUES (?)');
    const commitOne = db.transaction((payload: string) => insert.run(payload));

    for (let i = 0; i < WARM_UP_TRANSACTIONS; i++) commitOne(`warm-up ${i}`);

    const started = performance.now();
    for (let i = 0; i < options.transactions; i++) commitOne(`row ${i}`);
    const seconds = (performance.now() - started) / 1000;

    const { count } = db.prepare('SELECT count(*) AS count FROM rows').get() as { count: number };
    if (count !== WARM_UP_TRANSACTIONS + options.transactions) {
      throw new Error(`raw SQLite baseline: expected ${WARM_UP_TRANSACTIONS + options.transactions} rows, found ${count}`);
    }

    return { transactions: options.transactions, seconds, perSecond: options.transactions / seconds };
  } finally {
    db.close();
  }
}
