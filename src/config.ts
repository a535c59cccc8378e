// All configuration comes from the environment and is checked here, once, by one schema.
// A bad value stops start-up with every problem listed and how to fix it.
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL, databaseTarget } from './store/database-url.ts';

export const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine((url) => {
      try {
        databaseTarget(url);
        return true;
      } catch {
        return false;
      }
    }, `use file:<path> for SQLite (default ${DEFAULT_DATABASE_URL}) or postgresql://user@host:5432/db`)
    .describe('Where plans are stored: a SQLite file (embedded default) or a PostgreSQL URL to scale out.'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000).describe('HTTP port for /healthz and the chat adapters.'),
  DATA_DIR: z.string().min(1).default('./data').describe('Folder for files the actions write (payments, drafts, invoices).'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level.'),
  WORKER_ID: z
    .string()
    .min(1)
    .default(os.hostname())
    .describe('Names this worker; keep it stable across restarts so a restarted worker resumes its plans at once. Unique per running process.'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8).describe('Plans one worker advances at the same time.'),
  LEASE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15_000)
    .describe('How long a worker owns a plan without renewing; a dead worker\'s plans move after this.'),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const shown = env[name] === undefined ? 'is missing' : `is "${env[name]}"`;
    return `  ${name} ${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Operator cannot start; fix these settings (environment variables):\n${problems.join('\n')}`);
}
