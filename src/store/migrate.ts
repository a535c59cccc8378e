// Database migrations: `prisma migrate deploy`, run only when something is pending.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { databaseTarget, type DatabaseTarget } from './database-url.ts';
import { prismaCli, prismaCliEnv, projectRoot } from './prisma-cli.ts';
import { migrationStatements } from './ops-statements.ts';
import { openStore, type Store } from './store.ts';

/** Applies pending migrations (`prisma migrate deploy`); returns the CLI's report. */
export async function migrateDatabase(databaseUrl: string): Promise<string> {
  const target = databaseTarget(databaseUrl);
  if (target.provider === 'sqlite') fs.mkdirSync(path.dirname(target.file), { recursive: true });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: prismaCliEnv(target.url),
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const inUse = /SocketTimeout|database is locked/.test(stderr)
      ? 'The database file is in use by another process: stop the other Operator processes (or op worker) and start again.\n'
      : '';
    throw new Error(`Database migration failed:\n${inUse}${stdout}${stderr}`, { cause: error });
  }
}

const migrationsDir = (target: DatabaseTarget) => path.join(projectRoot, 'prisma', target.provider, 'migrations');

/** Migrations in prisma/<provider>/migrations that the store's database has not applied yet. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const all = fs
    .readdirSync(migrationsDir(store.target), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  try {
    const rows = await store.transaction((runner) => runner.query(migrationStatements.applied()));
    const applied = new Set(rows.map((row) => row.migration_name));
    return all.filter((name) => !applied.has(name));
  } catch {
    return all; // no migrations table yet
  }
}

/**
 * What `npm start` does for the embedded database: the Prisma CLI only when a migration is
 * pending, since it takes a second and needs the database file to itself.
 */
export async function migrateIfPending(databaseUrl: string): Promise<string[]> {
  const target = databaseTarget(databaseUrl);
  const pending =
    target.provider === 'sqlite' && !fs.existsSync(target.file)
      ? ['(all: new database)']
      : await openStore(databaseUrl).then((store) => pendingMigrations(store).finally(() => store.close()));
  if (pending.length > 0) await migrateDatabase(databaseUrl);
  return pending;
}
