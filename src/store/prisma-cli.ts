// Drives the Prisma CLI offline: Prisma 6.19 with the JS schema engine (prisma.config.ts), so
// no Rust engine is downloaded or run (RECIPES). This module must not import the generated
// clients: `npm install` runs it to generate them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
