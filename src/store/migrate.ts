// Drives the Prisma CLI offline: Prisma 6.19 with the JS schema engine (prisma.config.ts), so
// no Rust engine is downloaded or run (RECIPES).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { databaseTarget } from './database-url.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function prismaCliEnv(databaseUrl: string): NodeJS.ProcessEnv {
  // The CLI checks that Rust engine files exist before it starts; with engine "js" they are never run.
  const anyFile = path.join(projectRoot, 'package.json');
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PRISMA_SCHEMA_ENGINE_BINARY: anyFile,
    PRISMA_QUERY_ENGINE_LIBRARY: anyFile,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

export const prismaCli = path.join(projectRoot, 'node_modules/prisma/build/index.js');

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
    throw new Error(`Database migration failed:\n${stdout}${stderr}`, { cause: error });
  }
}
