// Every `op` command: its words, usage, options and handler. Handlers import what they use
// when they run, so a command loads only its own part of Operator.
import { PLAN_STATUSES, type PlanStatus } from '../store/statuses.ts';
import { cliCommand, type CliCommand } from './cli-command.ts';
import { actorOf, withConductor, withOperator, withStore } from './open.ts';
import { usageError } from './usage.ts';

const as = { type: 'string' } as const;
const reason = { type: 'string' } as const;

function parseInput(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { ...value };
  } catch {
    // fall through to the message below
  }
  throw usageError(`--input must be a JSON object, got: ${text}`, `Example: op plan start supplier-payment --input '{"request":"Pay Acme Ltd 1250 EUR ..."}'`);
}

function requireId(positionals: string[], command: string): string {
  const id = positionals[0];
  if (!id) throw usageError(`op plan ${command} needs a plan id.`, `Example: op plan ${command} <id>   (op plan list shows ids)`);
  return id;
}

const isPlanStatus = (text: string): text is PlanStatus => PLAN_STATUSES.some((status) => status === text);

function statusFilter(text: string | undefined): PlanStatus[] | undefined {
  if (text === undefined) return undefined;
  if (!isPlanStatus(text)) throw usageError(`"${text}" is not a plan status.`, `Use --status with one of: ${PLAN_STATUSES.join(', ')}.`);
  return [text];
}

const format = () => import('./format.ts');

/** A plan as text, or as its record with --json. */
async function shown(json: boolean, state: Parameters<Awaited<ReturnType<typeof format>>['formatPlan']>[0]) {
  return json ? state : (await format()).formatPlan(state);
}

const planDecision = (command: 'approve' | 'deny') =>
  cliCommand({
    words: `plan ${command}`,
    usage: `op plan ${command} <id> [--reason <why>]`,
    options: { reason, as },
    run: ({ positionals, values, json }) =>
      withConductor(async (conductor) => shown(json, await conductor[command](requireId(positionals, command), actorOf(values.as), { reason: values.reason }))),
  });

const planSteer = (command: 'retry' | 'skip' | 'continue' | 'abort' | 'cancel', summary: string) =>
  cliCommand({
    words: `plan ${command}`,
    usage: `op plan ${command} <id> [--reason <why>]`.padEnd(44) + summary,
    options: { reason, as },
    run: ({ positionals, values, json }) =>
      withConductor(async (conductor) => shown(json, await conductor[command](requireId(positionals, command), actorOf(values.as), values.reason))),
  });

const MEMORY_OPTIONS = {
  as,
  kind: { type: 'string' },
  workflow: { type: 'string' },
  tag: { type: 'string', multiple: true },
  retention: { type: 'string' },
  limit: { type: 'string' },
} as const;

/** `op memory <name>`, taking only the memory options it names. */
const memoryCommand = (name: string, usage: string, takes: readonly (keyof typeof MEMORY_OPTIONS)[]) =>
  cliCommand({
    words: `memory ${name}`,
    usage,
    options: MEMORY_OPTIONS,
    run: async ({ positionals, values, json }) => {
      const refused = Object.entries(values).find(([option, value]) => value !== undefined && option in MEMORY_OPTIONS && option !== 'as' && !takes.some((taken) => taken === option));
      if (refused) throw usageError(`Unknown option '--${refused[0]}'.`, `Usage: ${usage}`);
      const { runMemoryCommand } = await import('./memory-commands.ts');
      return withOperator((operator, config) => runMemoryCommand(operator, config, { ...values, positionals: ['memory', name, ...positionals], json }, actorOf(values.as)));
    },
  });

const USER_KEY = /^(slack|discord|local):[A-Za-z0-9._-]+$/;

function userKeyOf(positionals: string[], command: string): string {
  const userKey = positionals[0];
  if (!userKey || !USER_KEY.test(userKey)) {
    throw usageError(
      userKey ? `"${userKey}" is not <platform>:<user id>.` : `op operator ${command} needs the user.`,
      `Example: op operator ${command} slack:U012AB3CD   (discord:<user id> for Discord; audit entries show the names)`,
    );
  }
  return userKey;
}

export const COMMANDS: readonly CliCommand[] = [
  cliCommand({
    words: 'migrate',
    usage: 'op migrate                                  apply database migrations to DATABASE_URL',
    options: {},
    run: async () => {
      const [{ loadConfig }, { migrateDatabase }] = await Promise.all([import('../config/config.ts'), import('../store/migrate.ts')]);
      return (await migrateDatabase(loadConfig().DATABASE_URL)).trim() || 'database is up to date';
    },
  }),
  cliCommand({
    words: 'worker',
    usage: 'op worker                                   advance plans and run inbox entries until stopped (Ctrl-C)',
    options: {},
    run: async () => (await import('./worker.ts')).runWorker(),
  }),
  cliCommand({
    words: 'discord register',
    usage: 'op discord register                         register /op with Discord (DISCORD_* settings)',
    options: {},
    run: async () => (await import('./discord.ts')).registerDiscordCommand(),
  }),
  cliCommand({
    words: 'workflows list',
    usage: 'op workflows list                           the workflows you can start',
    options: {},
    run: async ({ json }) => {
      const { WORKFLOWS_DIRECTORY, WorkflowRegistry } = await import('../conductor/registry.ts');
      const workflows = (await WorkflowRegistry.fromDirectory(WORKFLOWS_DIRECTORY)).list();
      return json
        ? workflows.map((w) => ({ name: w.name, description: w.description }))
        : workflows.map((w) => `${w.name.padEnd(22)} ${w.description}`).join('\n');
    },
  }),
  cliCommand({
    words: 'plan start',
    usage: 'op plan start <workflow> [--input <json>] [--dry-run]   start a plan (a dry run does none of its actions)',
    options: { input: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, as },
    run: ({ positionals, values, json }) => {
      const workflow = positionals[0];
      if (!workflow) throw usageError('op plan start needs a workflow name.', 'Example: op plan start supplier-payment --input \'{"request":"..."}\'  (op workflows list)');
      const input = parseInput(values.input);
      return withConductor(async (conductor) => shown(json, await conductor.start(workflow, input, { requestedBy: actorOf(values.as), dryRun: values['dry-run'] })));
    },
  }),
  cliCommand({
    words: 'plan list',
    usage: 'op plan list [--status <status>]            recent plans',
    options: { status: { type: 'string' } },
    run: ({ values, json }) => {
      const statuses = statusFilter(values.status);
      return withStore(async (store) => {
        const plans = await (await import('../conductor/plan-reads.ts')).recentPlans(store, { statuses });
        return json ? plans : (await format()).formatPlanList(plans);
      });
    },
  }),
  cliCommand({
    words: 'plan show',
    usage: 'op plan show <id>                           a plan and its steps',
    options: {},
    run: ({ positionals, json }) => {
      const id = requireId(positionals, 'show');
      return withStore(async (store) => shown(json, await (await import('../conductor/plan-reads.ts')).showPlan(store, id)));
    },
  }),
  planDecision('approve'),
  planDecision('deny'),
  cliCommand({
    words: 'plan answer',
    usage: "op plan answer <id> <answer>                answer the plan's question",
    options: { as },
    run: ({ positionals, values, json }) => {
      const id = requireId(positionals, 'answer');
      const text = positionals.slice(1).join(' ');
      if (!text) throw usageError('op plan answer needs the answer text.', `Example: op plan answer ${id} DE89370400440532013000`);
      return withConductor(async (conductor) => shown(json, await conductor.answer(id, actorOf(values.as), text)));
    },
  }),
  planSteer('retry', 'run the failed step again'),
  planSteer('skip', 'go on without the failed step'),
  planSteer('continue', 'let a plan paused at a budget cap spend more'),
  planSteer('abort', 'stop a plan that needs you'),
  planSteer('cancel', 'stop a plan, undoing what it did'),
  cliCommand({
    words: 'plan edit',
    usage: 'op plan edit <id> [--input <json>] [--omit <step>]   make a new version',
    options: { input: { type: 'string' }, omit: { type: 'string', multiple: true }, as },
    run: ({ positionals, values, json }) => {
      const id = requireId(positionals, 'edit');
      if (values.input === undefined && !values.omit) throw usageError('op plan edit needs --input and/or --omit.', `Example: op plan edit ${id} --input '{"limit":5000}'`);
      const input = values.input === undefined ? undefined : parseInput(values.input);
      return withConductor(async (conductor) => shown(json, await conductor.edit(id, actorOf(values.as), { input, omit: values.omit })));
    },
  }),
  cliCommand({
    words: 'plan rollback',
    usage: 'op plan rollback <id> <version>             restore an earlier version',
    options: { as },
    run: ({ positionals, values, json }) => {
      const id = requireId(positionals, 'rollback');
      const version = Number(positionals[1]);
      if (!Number.isInteger(version) || version < 1) throw usageError('op plan rollback needs a version number.', `Example: op plan rollback ${id} 1   (op plan audit ${id} lists versions)`);
      return withConductor(async (conductor) => shown(json, await conductor.rollback(id, actorOf(values.as), version)));
    },
  }),
  cliCommand({
    words: 'plan audit',
    usage: 'op plan audit <id>                          who did what, when and why',
    options: {},
    run: ({ positionals, json }) => {
      const id = requireId(positionals, 'audit');
      return withStore(async (store) => {
        const entries = await (await import('../conductor/plan-reads.ts')).planAudit(store, id);
        return json ? entries : (await format()).formatAudit(entries);
      });
    },
  }),
  cliCommand({
    words: 'inbox',
    usage: 'op inbox                                    everything waiting on you, oldest first',
    options: {},
    run: ({ json }) =>
      withStore(async (store) => {
        const items = await (await import('../conductor/plan-reads.ts')).waitingItems(store);
        return json ? items : (await format()).formatInbox(items, new Date());
      }),
  }),
  cliCommand({
    words: 'digest',
    usage: [
      'op digest --dry-run [--json]                print the digest (figures under success_rate, ...)',
      'op digest                                   post a digest now to DIGEST_SLACK_CHANNEL / DIGEST_DISCORD_CHANNEL',
    ].join('\n'),
    options: { 'dry-run': { type: 'boolean', default: false } },
    run: async ({ values, json }) => (await import('./digest.ts')).runDigest({ dryRun: values['dry-run'], json }),
  }),
  cliCommand({
    words: 'alerts',
    usage: 'op alerts [--recent]                        alerts firing now (or in the last week), each with its runbook',
    options: { recent: { type: 'boolean', default: false } },
    run: ({ values, json }) =>
      withStore(async (store) => {
        const [{ describeAlert }, { listAlerts }] = await Promise.all([import('../bot/alert-lines.ts'), import('../store/alerts.ts')]);
        const alerts = await listAlerts(store, values.recent ? 'recent' : 'firing');
        if (json) return alerts;
        return alerts.map(describeAlert).join('\n') || (values.recent ? 'No alert in the last week.' : 'No alert is firing. (op alerts --recent shows the last week.)');
      }),
  }),
  cliCommand({
    words: 'operator revoke',
    usage: 'op operator revoke <platform>:<user> [--reason <why>]   refuse that operator at once, everywhere',
    options: { reason, as },
    run: ({ positionals, values, json }) => {
      const userKey = userKeyOf(positionals, 'revoke');
      return withStore(async (store) => {
        await (await import('../store/revocations.ts')).revokeOperator(store, { userKey, revokedBy: actorOf(values.as), reason: values.reason });
        return json ? { revoked: userKey } : `${userKey} is revoked: refused from now on, in every replica`;
      });
    },
  }),
  cliCommand({
    words: 'operator restore',
    usage: 'op operator restore <platform>:<user>       lift a revocation',
    options: { as },
    run: ({ positionals, values, json }) => {
      const userKey = userKeyOf(positionals, 'restore');
      return withStore(async (store) => {
        if (!(await (await import('../store/revocations.ts')).restoreOperator(store, userKey, actorOf(values.as)))) {
          throw usageError(`${userKey} is not revoked; nothing was changed.`, 'op operator revocations lists who is.');
        }
        return json ? { restored: userKey } : `${userKey} is restored (the allowlist still decides who is an operator)`;
      });
    },
  }),
  cliCommand({
    words: 'operator revocations',
    usage: 'op operator revocations                     who is revoked',
    options: {},
    run: ({ json }) =>
      withStore(async (store) => {
        const revoked = await (await import('../store/revocations.ts')).listRevocations(store);
        if (json) return revoked;
        return revoked.map((r) => `${r.userKey}  revoked ${r.revokedAt.toISOString().slice(0, 16)} by ${r.revokedBy}${r.reason ? `: ${r.reason}` : ''}`).join('\n') || 'Nobody is revoked.';
      }),
  }),
  cliCommand({
    words: 'schedule',
    usage: [
      'op schedule <workflow> <when> [input] [--catch-up once|all|skip] [--tz <zone>]   start plans on a schedule',
      'op schedule list                            schedules and their next three times',
      'op schedule pause|resume|delete|run-now <id>',
    ].join('\n'),
    options: { 'catch-up': { type: 'string' }, tz: { type: 'string' } },
    run: ({ positionals, values, json }) => {
      // The schedule grammar (src/triggers) reads its flags from the words, as /op schedule does.
      const flags = [...(values['catch-up'] ? ['--catch-up', values['catch-up']] : []), ...(values.tz ? ['--tz', values.tz] : []), ...(json ? ['--json'] : [])];
      return withOperator(async (operator, config) => (await import('./schedule-commands.ts')).runScheduleCli(operator, config, [...positionals, ...flags]));
    },
  }),
  cliCommand({
    words: 'budget',
    usage: [
      'op budget                                   the model-spend caps and the spend against each',
      'op budget set plan|month <usd> [--as <who>]  change a cap while running (off: none, default: its BUDGET_* setting)',
      'op budget set workflow <name> <usd>',
    ].join('\n'),
    options: { as },
    run: ({ positionals, values }) =>
      withStore(async (store, config) => {
        const [{ runBudgetCommand }, { budgetCaps }, { WORKFLOWS_DIRECTORY, WorkflowRegistry }] = await Promise.all([
          import('../bot/budget-commands.ts'),
          import('../config/config.ts'),
          import('../conductor/registry.ts'),
        ]);
        const workflows = (await WorkflowRegistry.fromDirectory(WORKFLOWS_DIRECTORY)).list().map((workflow) => workflow.name);
        return runBudgetCommand({ store, defaults: budgetCaps(config), workflows }, positionals, actorOf(values.as), 'op');
      }),
  }),
  memoryCommand('remember', 'op memory remember <text> [--kind <kind>] [--workflow <name>] [--tag <tag>] [--retention <class>]', ['kind', 'workflow', 'tag', 'retention']),
  memoryCommand('recall', 'op memory recall <question> [--workflow <name>] [--limit <n>]   what memory knows, with sources', ['workflow', 'limit']),
  memoryCommand('history', 'op memory history <entity>                  what memory knows of a customer or person, value by value over time', []),
  memoryCommand('forget', 'op memory forget <id>                       remove a memory and its vector', []),
  memoryCommand('reindex', 'op memory reindex                           rebuild the vector index from the records', []),
  memoryCommand('verify', 'op memory verify                            records missing from the index, orphans in it', []),
  memoryCommand('eval', 'op memory eval                              retrieval quality on the labeled set (stored for the digest)', []),
  memoryCommand('rotate-keys', 'op memory rotate-keys                       re-seal kept originals under the newest key', []),
];

export const USAGE = `Usage: op <command> [--json]\n${COMMANDS.map((command) => command.usage.replace(/^/gm, '  ')).join('\n')}`;

/** The command named by the first words of argv (`op workflows` is `op workflows list`), and what follows them. */
export function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | null {
  const [first, second] = argv;
  const named = (words: readonly string[]) => COMMANDS.find((command) => command.words.join(' ') === words.join(' '));
  const two = second === undefined ? undefined : named([first ?? '', second]);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = named([first ?? '']) ?? (first === 'workflows' && (second === undefined || second.startsWith('-')) ? named(['workflows', 'list']) : undefined);
  return one ? { command: one, rest: argv.slice(1) } : null;
}
