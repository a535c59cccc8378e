// `op`: run and steer Operator from a terminal. Human output by default, --json for scripts.
// Exit codes: 0 done, 1 unexpected failure, 2 bad input (nothing was changed).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { REST } from 'discord.js';
import { registerCommands } from '../../adapters/discord/discord-adapter.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { OperatorError } from '../conductor/errors.ts';
import { createOperator, type Operator } from '../operator.ts';
import { createLogger } from '../ops/logger.ts';
import { migrateDatabase, pendingMigrations } from '../store/migrate.ts';
import { formatTokens, type Message } from '../bot/messages.ts';
import { buildDigest, digestJson } from '../digest/digest.ts';
import { digestMessage } from '../digest/message.ts';
import { postDigestNow } from '../digest/scheduler.ts';
import { listRevocations, restoreOperator, revokeOperator } from '../store/revocations.ts';
import { formatAudit, formatPlan, formatPlanList } from './format.ts';
import { MEMORY_USAGE, runMemoryCommand } from './memory-commands.ts';
import { runScheduleCli, SCHEDULE_CLI_USAGE } from './schedule-commands.ts';

const USAGE = `Usage: op <command> [--json]
  op migrate                                  apply database migrations to DATABASE_URL
  op worker                                   advance plans until stopped (Ctrl-C)
  op discord register                         register /op with Discord (DISCORD_* settings)
  op workflows list                           the workflows you can start
  op plan start <workflow> [--input <json>]   start a plan
  op plan list [--status <status>]            recent plans
  op plan show <id>                           a plan and its steps
  op plan approve|deny <id> [--reason <why>]  decide at an approval gate
  op plan answer <id> <answer>                answer the plan's question
  op plan retry|skip|abort <id>               steer a plan that needs you
  op plan cancel <id> [--reason <why>]        stop a plan, undoing what it did
  op plan edit <id> [--input <json>] [--omit <step>]   make a new version
  op plan rollback <id> <version>             restore an earlier version
  op plan audit <id>                          who did what, when and why
  op digest --dry-run [--json]                print the digest (figures under success_rate, ...)
  op digest                                   post a digest now to DIGEST_SLACK_CHANNEL / DIGEST_DISCORD_CHANNEL
  op operator revoke <platform>:<user> [--reason <why>]   refuse that operator at once, everywhere
  op operator restore <platform>:<user>       lift a revocation
  op operator revocations                     who is revoked
${MEMORY_USAGE}
${SCHEDULE_CLI_USAGE}`;

class UsageError extends OperatorError {}

const usage = (message: string, hint = USAGE) => new UsageError(message, hint);

interface Parsed {
  positionals: string[];
  json: boolean;
  input?: string;
  reason?: string;
  status?: string;
  as?: string;
  omit?: string[];
  dryRun?: boolean;
  kind?: string;
  workflow?: string;
  tag?: string[];
  retention?: string;
  limit?: string;
}

function parse(argv: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        input: { type: 'string' },
        reason: { type: 'string' },
        status: { type: 'string' },
        as: { type: 'string' },
        omit: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        kind: { type: 'string' },
        workflow: { type: 'string' },
        tag: { type: 'string', multiple: true },
        retention: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) throw usage('op: help');
    const { 'dry-run': dryRun, ...rest } = values;
    return { positionals, ...rest, dryRun, json: values.json ?? false };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw usage((error as Error).message);
  }
}

function parseInput(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the message below
  }
  throw usage(`--input must be a JSON object, got: ${text}`, `Example: op plan start supplier-payment --input '{"request":"Pay Acme Ltd 1250 EUR ..."}'`);
}

function requireId(positionals: string[], command: string): string {
  const id = positionals[2];
  if (!id) throw usage(`op plan ${command} needs a plan id.`, `Example: op plan ${command} <id>   (op plan list shows ids)`);
  return id;
}

async function withOperator<T>(fn: (operator: Operator) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const operator = await createOperator(config, createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr as never));
  try {
    const pending = await pendingMigrations(operator.store);
    if (pending.length > 0) throw usage(`The database has ${pending.length} migration(s) to apply.`, 'Run `op migrate` (npm start does it for the embedded database), then try again.');
    return await fn(operator);
  } finally {
    await operator.store.close();
  }
}

async function run(argv: string[]): Promise<string | object> {
  // Schedules take free words and their own flags (--catch-up, --tz): parsed by their grammar.
  if (argv[0] === 'schedule') return withOperator((operator) => runScheduleCli(operator, loadConfig(), argv.slice(1)));
  const args = parse(argv);
  const [group, command] = args.positionals;
  const actor = args.as ?? `cli:${os.userInfo().username}`;
  const show = (state: Parameters<typeof formatPlan>[0]) => (args.json ? state : formatPlan(state));

  if (group === 'migrate') return (await migrateDatabase(loadConfig().DATABASE_URL)).trim() || 'database is up to date';
  if (group === 'worker') return runWorker();
  if (group === 'discord' && command === 'register') return registerDiscordCommand();
  if (group === 'workflows' && (command === 'list' || command === undefined)) {
    return withOperator(async (operator) => {
      const workflows = operator.workflows.list();
      return args.json
        ? workflows.map((w) => ({ name: w.name, description: w.description }))
        : workflows.map((w) => `${w.name.padEnd(22)} ${w.description}`).join('\n');
    });
  }
  if (group === 'digest') return runDigest(args);
  if (group === 'operator') return runOperatorCommand(args, actor);
  if (group === 'memory') return withOperator((operator) => runMemoryCommand(operator, loadConfig(), args, actor));
  if (group !== 'plan') throw usage(group ? `op: unknown command "${group}".` : 'op: which command?');

  return withOperator(async ({ conductor }) => {
    switch (command) {
      case 'start': {
        const workflow = args.positionals[2];
        if (!workflow) throw usage('op plan start needs a workflow name.', 'Example: op plan start supplier-payment --input \'{"request":"..."}\'  (op workflows list)');
        return show(await conductor.start(workflow, parseInput(args.input), { requestedBy: actor }));
      }
      case 'list': {
        const plans = await conductor.list({ statuses: args.status ? [args.status] : undefined });
        return args.json ? plans : formatPlanList(plans);
      }
      case 'show':
        return show(await conductor.show(requireId(args.positionals, command)));
      case 'approve':
      case 'deny':
        return show(await conductor[command](requireId(args.positionals, command), actor, { reason: args.reason }));
      case 'answer': {
        const id = requireId(args.positionals, command);
        const text = args.positionals.slice(3).join(' ');
        if (!text) throw usage('op plan answer needs the answer text.', `Example: op plan answer ${id} DE89370400440532013000`);
        return show(await conductor.answer(id, actor, text));
      }
      case 'retry':
      case 'skip':
      case 'abort':
      case 'cancel':
        return show(await conductor[command](requireId(args.positionals, command), actor, args.reason));
      case 'edit': {
        const id = requireId(args.positionals, command);
        if (args.input === undefined && !args.omit) throw usage('op plan edit needs --input and/or --omit.', `Example: op plan edit ${id} --input '{"limit":5000}'`);
        return show(await conductor.edit(id, actor, { input: args.input === undefined ? undefined : parseInput(args.input), omit: args.omit }));
      }
      case 'rollback': {
        const id = requireId(args.positionals, command);
        const version = Number(args.positionals[3]);
        if (!Number.isInteger(version) || version < 1) throw usage('op plan rollback needs a version number.', `Example: op plan rollback ${id} 1   (op plan audit ${id} lists versions)`);
        return show(await conductor.rollback(id, actor, version));
      }
      case 'audit': {
        const entries = await conductor.audit(requireId(args.positionals, command));
        return args.json ? entries : formatAudit(entries);
      }
      default:
        throw usage(command ? `op plan: unknown command "${command}".` : 'op plan: which command?');
    }
  });
}

async function runDigest(args: Parsed): Promise<string | object> {
  const config = loadConfig();
  return withOperator(async ({ store }) => {
    if (args.dryRun) {
      const digest = await buildDigest(store, { timeZone: config.DIGEST_TZ });
      return args.json ? digestJson(digest) : plainText(digestMessage(digest));
    }
    const targets = [
      ...(config.DIGEST_SLACK_CHANNEL ? [{ platform: 'slack', channel: config.DIGEST_SLACK_CHANNEL }] : []),
      ...(config.DIGEST_DISCORD_CHANNEL ? [{ platform: 'discord', channel: config.DIGEST_DISCORD_CHANNEL }] : []),
    ];
    if (targets.length === 0) throw usage('op digest has no channel to post to.', 'Set DIGEST_SLACK_CHANNEL and/or DIGEST_DISCORD_CHANNEL, or print it: op digest --dry-run [--json]');
    for (const target of targets) await postDigestNow(store, config.DIGEST_TZ, target);
    const posted = targets.map((t) => `${t.platform}:${t.channel}`).join(', ');
    return args.json ? { posted: targets } : `digest queued for ${posted}; the running service posts it`;
  });
}

const USER_KEY = /^(slack|discord|local):[A-Za-z0-9._-]+$/;

async function runOperatorCommand(args: Parsed, actor: string): Promise<string | object> {
  const [, command, userKey] = args.positionals;
  if (command === 'revocations') {
    return withOperator(async ({ store }) => {
      const revoked = await listRevocations(store);
      if (args.json) return revoked;
      return revoked.map((r) => `${r.userKey}  revoked ${r.revokedAt.toISOString().slice(0, 16)} by ${r.revokedBy}${r.reason ? `: ${r.reason}` : ''}`).join('\n') || 'Nobody is revoked.';
    });
  }
  if (command !== 'revoke' && command !== 'restore') throw usage(command ? `op operator: unknown command "${command}".` : 'op operator: which command?');
  if (!userKey || !USER_KEY.test(userKey)) {
    throw usage(
      userKey ? `"${userKey}" is not <platform>:<user id>.` : `op operator ${command} needs the user.`,
      `Example: op operator ${command} slack:U012AB3CD   (discord:<user id> for Discord; audit entries show the names)`,
    );
  }
  return withOperator(async ({ store }) => {
    if (command === 'revoke') {
      await revokeOperator(store, { userKey, revokedBy: actor, reason: args.reason });
      return args.json ? { revoked: userKey } : `${userKey} is revoked: refused from now on, in every replica`;
    }
    if (!(await restoreOperator(store, userKey, actor))) throw usage(`${userKey} is not revoked; nothing was changed.`, 'op operator revocations lists who is.');
    return args.json ? { restored: userKey } : `${userKey} is restored (the allowlist still decides who is an operator)`;
  });
}

/** A neutral message for the terminal: mentions as names, times in UTC. */
function plainText(message: Message): string {
  const tokens = (text: string) => formatTokens(text, { user: (platform, id) => `${platform}:${id}`, time: (date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` });
  return [message.title, tokens(message.text).replace(/\*/g, ''), ...(message.fields ?? []).map((f) => `${f.label}: ${tokens(f.value)}`)].filter(Boolean).join('\n');
}

async function registerDiscordCommand(): Promise<string> {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw usage('op discord register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.', 'Set them from the Discord Developer Portal (see README: Connecting Discord).');
  }
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  await registerCommands({ rest }, config.DISCORD_APPLICATION_ID, config.DISCORD_GUILD_ID);
  return config.DISCORD_GUILD_ID ? `registered /op in server ${config.DISCORD_GUILD_ID}` : 'registered /op globally (it can take up to an hour to appear)';
}

async function runWorker(): Promise<string> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const operator = await createOperator(config, logger);
  await operator.worker.start();
  logger.info({ worker: operator.worker.id }, 'worker running; Ctrl-C stops it after the steps under way');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await operator.close();
  return 'worker stopped';
}

const json = process.argv.includes('--json');
run(process.argv.slice(2)).then(
  (result) => {
    console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
  },
  (error: unknown) => {
    if (error instanceof OperatorError) {
      if (json) console.error(JSON.stringify({ error: error.message, hint: error.hint }));
      else console.error(`${error.message}\n${error.hint}`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
