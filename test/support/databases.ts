// Every test gets a database of its own: a fresh SQLite file, or a fresh PostgreSQL database on
// the server at OP_TEST_POSTGRES_URL (created with a random name, dropped afterwards). Both are
// migrated with the same `prisma migrate deploy` that `op migrate` runs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../../src/store/migrate.ts';

export type Provider = 'sqlite' | 'postgres';

export interface TestDatabase {
  provider: Provider;
  url: string;
  /** A scratch folder for this database's DATA_DIR and other files. */
  dir: string;
  drop(): Promise<void>;
}

/** SQLite always; PostgreSQL too when OP_TEST_POSTGRES_URL names a server (CI sets it). */
export const providers = (): Provider[] => (process.env.OP_TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite']);

export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-test-'));
  if (provider === 'sqlite') {
    const url = `file:${path.join(dir, 'operator.db')}`;
    await migrateDatabase(url);
    return { provider, url, dir, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.OP_TEST_POSTGRES_URL;
  if (!server) throw new Error('OP_TEST_POSTGRES_URL is not set');
  const name = `operator_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    provider,
    url: url.toString(),
    dir,
    drop: async () => {
      await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(server: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
