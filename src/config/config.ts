// All configuration comes from the environment and is checked here, once, by one schema.
// A bad value stops start-up with every problem listed and how to fix it.
import os from 'node:os';
import { Cron } from 'croner';
import { z } from 'zod';
import type { BudgetCaps } from '../core/budgets.ts';
import { DEFAULT_DATABASE_URL, databaseTarget } from '../store/database-url.ts';
import { InvoicingSettings } from '../../workflows/settings/invoicing.ts';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isCronExpression(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

const idList = z
  .string()
  .default('')
  .transform((text) => text.split(',').map((id) => id.trim()).filter(Boolean));

/** Dollars of model spend: unset means no cap. */
const capUsd = z.coerce.number().positive('write an amount in US dollars, e.g. 5 or 0.50').optional();

/** "5" caps every workflow; "invoicing=5,lead-qualification=2" caps those; "2,invoicing=5" both. */
const workflowCaps = z
  .string()
  .regex(/^\s*([\w-]+\s*=\s*)?\d+(\.\d+)?\s*(,\s*([\w-]+\s*=\s*)?\d+(\.\d+)?\s*)*$/, 'write dollars for every workflow (5), per workflow (invoicing=5,lead-qualification=2), or both (2,invoicing=5)')
  .optional()
  .transform((text) => {
    const entries = (text ?? '').split(',').map((part) => part.split('=').map((piece) => piece.trim())).filter((entry) => entry[0]);
    const every = entries.find((entry) => entry.length === 1);
    return {
      everyWorkflow: every ? Number(every[0]) : null,
      byWorkflow: Object.fromEntries(entries.filter((entry) => entry.length === 2).map(([name, usd]) => [name!, Number(usd)])),
    };
  });

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
  HTTP_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024)
    .describe('Largest request body taken from Slack (413 above it); Slack\'s own requests are far smaller.'),
  HTTP_BODY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('A request body must arrive within this (408 after it), so a slow or short body cannot hold a request open.'),
  SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(8_000)
    .describe('On SIGTERM, how long steps under way may finish before their leases are released for another worker; keep it below Docker\'s stop_grace_period.'),
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
    .describe('How long a worker owns a plan or an inbox entry without renewing; a dead worker\'s plans and entries move after this.'),
  INBOX_DEADLINE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(60_000)
    .describe('How long one command, click or reply from the inbox may take before it is handed back and tried again (the attempt is recorded; after five it is answered as failed).'),
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
  WORKSPACE_TOKEN: z.string().min(16, 'use at least 16 random characters (openssl rand -hex 16)').optional().describe('Lets the local web workspace accept requests from other hosts when they carry this token; without it only localhost is trusted.'),
  CHROMA_URL: z.url().optional().describe('A Chroma server for memory vectors; unset, Operator starts a local one with data under DATA_DIR.'),
  OPENAI_API_KEY: z.string().min(1).optional().describe('Turns model-backed steps and OpenAI embeddings on; without it deterministic fallbacks and a local embedder run.'),
  OPENAI_BASE_URL: z.url().optional().describe('Any OpenAI-compatible server (Ollama, vLLM, a local test server).'),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini').describe('Chat model for model-backed steps.'),
  BUDGET_PLAN_USD: capUsd.describe('Cap on one plan\'s model spend (USD); a model call that would go over it pauses the plan and hands it back (Continue or Abort). Unset: no cap. The default: `/op budget set plan` replaces it while running.'),
  BUDGET_WORKFLOW_MONTH_USD: workflowCaps.describe(
    'Cap on each workflow\'s model spend per calendar month (UTC): 5 for every workflow, invoicing=5,lead-qualification=2 per workflow, or 2,invoicing=5. Unset: no cap. The default: `/op budget set workflow <name>` replaces a workflow\'s while running.',
  ),
  BUDGET_MONTH_USD: capUsd.describe('Cap on all model spend per calendar month (UTC). Unset: no cap. The default: `/op budget set month` replaces it while running.'),
  BUDGET_CONTINUE_USD: z.coerce
    .number()
    .positive('write an amount in US dollars, e.g. 1')
    .default(1)
    .describe('What Continue at a budget hand-back lets that plan spend beyond the cap it reached (more if its next call needs more).'),
  OPENAI_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small').describe('Embedding model used when OPENAI_API_KEY is set.'),
  MEMORY_ENCRYPTION_KEYS: z
    .string()
    .regex(/^[\w-]+:[A-Za-z0-9+/=]{43,44}(,[\w-]+:[A-Za-z0-9+/=]{43,44})*$/, 'write <key id>:<32 bytes in base64>[,<older id>:<key>...] (openssl rand -base64 32)')
    .optional()
    .describe('AES-256-GCM keys for originals kept beside redacted memories, newest first; older keys still decrypt (rotation). Without keys only the redacted text is kept.'),
  REMINDER_AFTER_MINUTES: z.coerce.number().positive().default(240).describe('Remind the operator of an approval, question or hand-back that has waited this long.'),
  ESCALATION_INTERVAL_MINUTES: z.coerce.number().positive().default(60).describe('Once a gate\'s deadline passes and it escalates: time between its steps (reminder in the thread, direct message, e-mail).'),
  ESCALATION_EMAIL: z.email('write an e-mail address, e.g. you@example.com').optional().describe('Where an escalation\'s last step e-mails the operator (over SMTP_URL, or an .eml under DATA_DIR/outbox); unset, the chain ends at the direct message.'),
  SNOOZE_MINUTES: z.coerce.number().positive().default(60).describe('How long the Snooze button postpones an escalation.'),
  DEADLINE_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000).describe('How often each replica looks for gate deadlines that passed (the database\'s clock decides what is due).'),
  WORKSPACE_URL: z.url().default('http://localhost:3000/').describe('The workspace\'s address as the operator opens it, linked from escalation e-mails.'),
  // The workflows' own settings (workflows/settings/), checked at start-up with the rest.
  ...InvoicingSettings.shape,
  WEBHOOK_URL: z.url().optional().describe('Outbound webhook for sent invoices, replies and publications (HMAC-signed).'),
  WEBHOOK_SECRET: z.string().min(16, 'use at least 16 random characters').optional().describe('Signs outbound webhook bodies (X-Operator-Signature: sha256=<hex HMAC>).'),
  SMTP_URL: z.url().optional().describe('smtp://user:pass@host:587 to send e-mail; without it e-mails are written under DATA_DIR/outbox.'),
  MAIL_FROM: z.string().min(3).default('operator@localhost').describe('Sender address of e-mails.'),
  DIGEST_CRON: z
    .string()
    .default('0 8 * * *')
    .refine(isCronExpression, 'write a cron expression: minute hour day month weekday, e.g. 0 8 * * 1-5 for 08:00 on weekdays')
    .describe('When the daily digest is posted (cron syntax, in DIGEST_TZ).'),
  DIGEST_TZ: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'use an IANA time zone name such as Europe/Berlin or UTC')
    .describe('Time zone of DIGEST_CRON and of the digest day, e.g. Europe/Berlin.'),
  DIGEST_SLACK_CHANNEL: z.string().min(1).optional().describe('Slack channel id (C...) for the daily digest.'),
  DIGEST_DISCORD_CHANNEL: z.string().regex(/^\d+$/, 'a channel id is a number').optional().describe('Discord channel id for the daily digest.'),
  SCHEDULE_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000).describe('How often each replica looks for due schedules (the database\'s clock decides what is due).'),
  DEPENDENCY_FAILURES_TO_OPEN: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('Consecutive failed calls to the mail server, webhook target or model endpoint that open its circuit breaker: plans that need it then wait for it instead of failing.'),
  DEPENDENCY_PROBE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(10_000)
    .describe('How often a dependency that is down is probed (by one replica at a time); the plans waiting for it resume after the first probe that succeeds.'),
  ALERT_EVALUATE_MS: z.coerce.number().int().min(100).max(600_000).default(15_000).describe('How often the alerts\' conditions are evaluated (by one replica per round).'),
  ALERT_OUTBOX_BEHIND_SECONDS: z.coerce.number().positive().default(120).describe('Alert when the oldest undelivered chat notice is older than this.'),
  ALERT_OPERATOR_WAIT_HOURS: z.coerce.number().positive().default(24).describe('Alert when a plan has waited this long on the operator (approval, question, hand-back).'),
  ALERT_DISK_FREE_PERCENT: z.coerce.number().min(0).max(100).default(10).describe('Alert when the disk that holds DATA_DIR has less free space than this.'),
  INBOUND_HOOKS_FILE: z.string().min(1).optional().describe('A JSON file of inbound webhooks (POST /hooks/<name>): workflow, input mapping, secret per hook (see README "Inbound webhooks").'),
  IMAP_URL: z
    .url()
    .regex(/^imaps?:\/\/[^@/]+@[^/]+\/?$/, 'write imap://user:password@host:143 (imaps:// for TLS, usually port 993); escape @ in the user name as %40')
    .optional()
    .describe('A mailbox to watch: each new message starts a plan, routed by IMAP_ROUTES_FILE (see README "Inbound e-mail").'),
  IMAP_MAILBOX: z.string().min(1).default('INBOX').describe('The folder watched on the IMAP server.'),
  IMAP_ROUTES_FILE: z.string().min(1).optional().describe('A JSON file of routing rules for IMAP_URL: which workflow a message starts, by recipient, sender or subject, and where its card goes.'),
  IMAP_DONE_MAILBOX: z
    .string()
    .min(1)
    .optional()
    .describe('Processed messages move to this folder; unset, they stay and get the $OperatorDone keyword. Either way they are not read again.'),
  IMAP_POLL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(60_000)
    .describe('How often the mailbox is checked when the server does not push new mail (IMAP IDLE), and as a safety net when it does.'),
  IMAP_RECONNECT_MAX_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(60_000)
    .describe('Longest wait between attempts to reach a mailbox that is down (the wait doubles from 1 s up to this).'),
  IMAP_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100_000_000)
    .default(10_000_000)
    .describe('Larger messages start no plan; they are recorded with the reason and marked done.'),
  OPERATOR_ENV_FILE: z.string().min(1).optional().describe('A file of KEY=value lines re-read on SIGHUP or when it changes: rotate tokens and operator lists without a restart.'),
})
  .superRefine((config, context) => {
    if (config.DISCORD_TOKEN && !config.DISCORD_APPLICATION_ID) {
      context.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'needed with DISCORD_TOKEN to register /op' });
    }
    if (config.WEBHOOK_URL && !config.WEBHOOK_SECRET) {
      context.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'needed with WEBHOOK_URL so the receiver can check each request (openssl rand -hex 32)' });
    }
    if (config.IMAP_URL && !config.IMAP_ROUTES_FILE) {
      context.addIssue({ code: 'custom', path: ['IMAP_ROUTES_FILE'], message: 'needed with IMAP_URL: a JSON file saying which workflow each message starts (see README "Inbound e-mail")' });
    }
    if (config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
      context.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'needed with SLACK_BOT_TOKEN in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)' });
    }
  });
export type Config = z.infer<typeof ConfigSchema>;

/** The budget caps the settings set (src/core/budgets.ts). */
export function budgetCaps(config: Pick<Config, 'BUDGET_PLAN_USD' | 'BUDGET_WORKFLOW_MONTH_USD' | 'BUDGET_MONTH_USD' | 'BUDGET_CONTINUE_USD'>): BudgetCaps {
  return {
    planUsd: config.BUDGET_PLAN_USD ?? null,
    monthUsd: config.BUDGET_MONTH_USD ?? null,
    workflowMonthUsd: config.BUDGET_WORKFLOW_MONTH_USD,
    continueUsd: config.BUDGET_CONTINUE_USD,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A URL's password is never echoed back (IMAP_URL, DATABASE_URL): the rest is enough to find the mistake. */
function withoutPassword(value: string): string {
  return value.replace(/^([a-z][\w+.-]*:\/\/[^:@/]*):[^/]*@/i, '$1:***@');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const shown = env[name] === undefined ? 'is missing' : `is "${withoutPassword(env[name])}"`;
    return `  ${name} ${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Operator cannot start; fix these settings (environment variables):\n${problems.join('\n')}`);
}
