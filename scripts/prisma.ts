// Keeps the two provider schemas in step with prisma/models.prisma and drives the Prisma CLI
// offline (RECIPES: Prisma 6.19, JS schema engine, no Rust engines).
//   node scripts/prisma.ts schemas         write prisma/{sqlite,postgres}/schema.prisma
//   node scripts/prisma.ts check           fail when a provider schema or its migrations drift
//   node scripts/prisma.ts generate        generate both clients into src/store/generated/
//   node scripts/prisma.ts migration NAME  add a migration for both providers
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prismaCli, prismaCliEnv, projectRoot as root } from '../src/store/prisma-cli.ts';

const providers = { sqlite: 'sqlite', postgres: 'postgresql' } as const;
type Provider = keyof typeof providers;
/**
 * URLs that pick the provider in prisma.config.ts. The JS schema engine opens a connection even
 * to diff two schemas, so authoring a PostgreSQL migration needs a server (the one from
 * docker-compose.yml or the CI machine's); generating clients and the drift check need none.
 */
const offlineUrl: Record<Provider, string> = {
  sqlite: `file:${path.join(os.tmpdir(), 'operator-schema-only.db')}`,
  postgres: process.env.MIGRATIONS_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
};

function schemaText(provider: Provider): string {
  const models = fs.readFileSync(path.join(root, 'prisma/models.prisma'), 'utf8');
  return `// Generated from prisma/models.prisma by \`node scripts/prisma.ts schemas\`: edit that file.
generator client {
  provider            = "prisma-client"
  output              = "../../src/store/generated/${provider}"
  engineType          = "client"
  runtime             = "nodejs"
  moduleFormat        = "esm"
  importFileExtension = "ts"
}

datasource db {
  provider = "${providers[provider]}"
  url      = env("DATABASE_URL")
}

${models}`;
}

const schemaPath = (provider: Provider) => path.join(root, 'prisma', provider, 'schema.prisma');
const migrationsDir = (provider: Provider) => path.join(root, 'prisma', provider, 'migrations');

function prisma(args: string[], databaseUrl: string, options: { capture?: boolean } = {}): string {
  const output = execFileSync(process.execPath, [prismaCli, ...args], {
    cwd: root,
    env: prismaCliEnv(databaseUrl),
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  return output ?? '';
}

/** Every migration's SQL, in order; with the schema snapshot each one was made from. */
function migrations(provider: Provider): { name: string; sql: string; snapshot: string }[] {
  const dir = migrationsDir(provider);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      sql: fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8'),
      snapshot: path.join(dir, name, 'schema.snapshot.prisma'),
    }));
}

function writeSchemas(): void {
  for (const provider of Object.keys(providers) as Provider[]) {
    fs.mkdirSync(path.dirname(schemaPath(provider)), { recursive: true });
    fs.writeFileSync(schemaPath(provider), schemaText(provider));
  }
}

/** A new migration per provider: the diff from the last migration's snapshot to the schema. */
function addMigration(name: string): void {
  writeSchemas();
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  for (const provider of Object.keys(providers) as Provider[]) {
    const previous = migrations(provider).at(-1);
    const from = previous ? ['--from-schema-datamodel', previous.snapshot] : ['--from-empty'];
    const sql = prisma(
      ['migrate', 'diff', ...from, '--to-schema-datamodel', schemaPath(provider), '--script'],
      offlineUrl[provider],
      { capture: true },
    );
    const dir = path.join(migrationsDir(provider), `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    fs.copyFileSync(schemaPath(provider), path.join(dir, 'schema.snapshot.prisma'));
    fs.writeFileSync(path.join(migrationsDir(provider), 'migration_lock.toml'), `provider = "${providers[provider]}"\n`);
    console.log(`wrote ${path.relative(root, dir)}`);
  }
}

/** Drift: a provider schema edited by hand, or a model change without a migration. */
function check(): void {
  const problems: string[] = [];
  for (const provider of Object.keys(providers) as Provider[]) {
    const current = fs.existsSync(schemaPath(provider)) ? fs.readFileSync(schemaPath(provider), 'utf8') : '';
    if (current !== schemaText(provider)) {
      problems.push(`prisma/${provider}/schema.prisma differs from prisma/models.prisma: run \`node scripts/prisma.ts schemas\``);
      continue;
    }
    const last = migrations(provider).at(-1);
    if (!last || fs.readFileSync(last.snapshot, 'utf8') !== current) {
      problems.push(`prisma/${provider} has model changes without a migration: run \`node scripts/prisma.ts migration <name>\``);
    }
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('schemas and migrations are in step with prisma/models.prisma');
}

const [command, argument] = process.argv.slice(2);
switch (command) {
  case 'schemas':
    writeSchemas();
    break;
  case 'check':
    check();
    break;
  case 'generate':
    for (const provider of Object.keys(providers) as Provider[]) {
      prisma(['generate', '--schema', schemaPath(provider)], offlineUrl[provider], { capture: true });
    }
    console.log('generated Prisma clients for sqlite and postgres in src/store/generated/');
    break;
  case 'migration':
    if (!argument || !/^[a-z0-9_]+$/.test(argument)) {
      console.error('usage: node scripts/prisma.ts migration <name_in_snake_case>');
      process.exit(2);
    }
    addMigration(argument);
    break;
  default:
    console.error('usage: node scripts/prisma.ts schemas|check|generate|migration <name>');
    process.exit(2);
}
