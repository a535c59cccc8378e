// All configuration comes from the environment and is checked here, once, by one schema.
// A bad value stops start-up with every problem listed and how to fix it.
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL, databaseTarget } from './store/database-url.ts';

const idList = z
  .string()
  .default('')
  .transform((text) => text.split(',').map((id) => id.trim()).filter(Boolean));

export const ConfigSchema = z
  .object({
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
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port for /healthz and the chat adapters (0 picks a free one).'),
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
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'a bot token starts with xoxb- (Slack app > OAuth & Permissions)').optional().describe('Turns the Slack adapter on.'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional().describe('Slack app > Basic Information > Signing Secret; needed in HTTP mode.'),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'an app-level token starts with xapp-').optional().describe('Socket Mode instead of HTTP when set.'),
  SLACK_API_URL: z.url().default('https://slack.com/api/').describe('Slack Web API base URL (tests point it at a local server).'),
  OPERATOR_SLACK_USER_IDS: idList.describe('Comma-separated Slack user ids (U...) allowed to start, decide and change plans.'),
  DISCORD_TOKEN: z.string().min(1).optional().describe('Discord bot token; turns the Discord adapter on.'),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'the application id is a number (Developer Portal > General Information)').optional().describe('Discord application id, to register /op.'),
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'a server (guild) id is a number').optional().describe('Register /op in this server only (instant) instead of globally.'),
  DISCORD_API_URL: z.url().default('https://discord.com/api').describe('Discord REST base URL (tests point it at a local server).'),
  OPERATOR_DISCORD_USER_IDS: idList.describe('Comma-separated Discord user ids allowed to start, decide and change plans.'),
  OPERATOR_DISCORD_ROLE_ID: z.string().regex(/^\d+$/, 'a role id is a number').optional().describe('Members with this Discord role are operators too.'),
})
  .superRefine((config, context) => {
    if (config.DISCORD_TOKEN && !config.DISCORD_APPLICATION_ID) {
      context.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'needed with DISCORD_TOKEN to register /op' });
    }
    if (config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
      context.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'needed with SLACK_BOT_TOKEN in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)' });
    }
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
