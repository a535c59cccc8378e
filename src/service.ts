// The Operator service: the conductor and its worker, the operator bot and the inbox it runs,
// the notice dispatcher, every configured chat adapter, the HTTP server and the front door
// before it, started and stopped together.
import path from 'node:path';
import type { Logger } from 'pino';
import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/discord-adapter.ts';
import { createLocalAdapter, WORKSPACE_CHANNEL, type LocalAdapter } from '../adapters/local/local-adapter.ts';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/slack-adapter.ts';
import { NoticeDispatcher } from './bot/dispatcher.ts';
import { awaitAnswer, type InboxProcessor } from './bot/inbox.ts';
import type { OperatorBot } from './bot/operator-bot.ts';
import { allowlistOf, OperatorAllowlist } from './bot/operators.ts';
import { budgetCaps, type Config } from './config/config.ts';
import type { WorkflowRegistry } from './conductor/registry.ts';
import { ReminderJob } from './conductor/reminders.ts';
import { DeadlineJob } from './conductor/deadlines.ts';
import { sendMail } from './actions/email.ts';
import { HealthProblem } from './core/health.ts';
import { DigestScheduler } from './digest/scheduler.ts';
import { openFrontDoor, type FrontDoor } from './http/front-door.ts';
import { createHttpService, type HttpService } from './http/server.ts';
import { createInboxRuntime } from './inbox-runtime.ts';
import { startMemoryService, type MemoryService } from './memory/memory-service.ts';
import { createOperator, type Operator } from './operator.ts';
import { AlertMonitor } from './ops/alerts.ts';
import { metricsRoute } from './ops/metrics.ts';
import { watchSettings, type SettingsReloader } from './ops/reload.ts';
import { databaseTarget } from './store/database-url.ts';
import { markDependencyDown, markDependencyUp } from './store/dependencies.ts';
import { recordInbound, type InboxDraft } from './store/inbox.ts';
import { migrateIfPending } from './store/migrate.ts';
import { sweepAttachments } from './triggers/email-attachments.ts';
import { EmailIntake } from './triggers/email-intake.ts';
import { loadEmailRoutes } from './triggers/email-routes.ts';
import { loadHooks } from './triggers/hook-config.ts';
import { MailboxWatcher } from './triggers/mailbox-watcher.ts';
import { ScheduleRunner } from './triggers/schedule-runner.ts';
import { webhookRoutes } from './triggers/webhooks.ts';
import { Schedules } from './triggers/schedules.ts';

export interface Service {
  operator: Operator;
  bot: OperatorBot;
  dispatcher: NoticeDispatcher;
  /** Runs what the front doors wrote to the inbox. */
  inbox: InboxProcessor;
  /** The core's HTTP server (health, metrics, the workspace), on loopback behind the front door. */
  http: HttpService;
  slack: SlackAdapter | null;
  discord: DiscordAdapter | null;
  /** The local web workspace at / : always there. */
  local: LocalAdapter;
  digest: DigestScheduler;
  /** Raises and resolves the alerts (src/ops/alerts.ts) in the operator's channels. */
  alerts: AlertMonitor;
  /** Reminds the operator of approvals, questions and hand-backs waiting too long. */
  reminders: ReminderJob;
  /** Fires gate deadlines: their outcome, or the next step of their escalation. */
  deadlines: DeadlineJob;
  /** `/op schedule`: recurring plans, fired by the database's clock (src/triggers). */
  schedules: Schedules;
  scheduleRunner: ScheduleRunner;
  /** Inbound e-mail: the watched mailbox (IMAP_URL), or null when none is configured. */
  mailbox: MailboxWatcher | null;
  /** Credentials and operator lists re-read on SIGHUP or when OPERATOR_ENV_FILE changes. */
  settings: SettingsReloader;
  /** Owns the public port and Slack's receiver (src/http/front-door.ts). */
  frontDoor: FrontDoor;
  /** The public port: the front door's. */
  port: number;
  stop(): Promise<void>;
}

/** How often kept e-mail attachments are checked against their retention. */
const ATTACHMENT_SWEEP_MS = 24 * 60 * 60_000;

export async function startService(config: Config, logger: Logger, workflows?: WorkflowRegistry): Promise<Service> {
  // The embedded database migrates itself; a shared PostgreSQL is migrated once, by `op migrate`.
  if (databaseTarget(config.DATABASE_URL).provider === 'sqlite') {
    const applied = await migrateIfPending(config.DATABASE_URL);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrated the embedded database');
  }
  const operator = await createOperator(config, logger, workflows);
  const operators = new OperatorAllowlist(...allowlistOf(config));
  const schedules = new Schedules(operator.conductor, { defaultTimeZone: config.DIGEST_TZ });
  const scheduleRunner = new ScheduleRunner(schedules, logger, { pollMs: config.SCHEDULE_POLL_MS });
  // Answerers join as their adapters are made (below).
  const { bot, inbox } = createInboxRuntime(config, operator, logger, { operators, schedules, answerers: [] });
  const escalationEmail = config.ESCALATION_EMAIL;
  // The escalation's e-mail is no plan step: no effects ledger; the outbox sends it once per
  // notice id, with a Message-ID derived from it.
  const dispatcher = new NoticeDispatcher({
    store: operator.store,
    conductor: operator.conductor,
    logger,
    ...(escalationEmail
      ? { mail: { to: escalationEmail, send: (mail, key) => sendMail(mail, { idempotencyKey: key, dataDir: path.resolve(config.DATA_DIR), smtpUrl: config.SMTP_URL ?? null, mailFrom: config.MAIL_FROM }) } }
      : {}),
  });
  const http = createHttpService(logger);
  const reminders = new ReminderJob({ store: operator.store, logger, afterMinutes: config.REMINDER_AFTER_MINUTES });
  const deadlines = new DeadlineJob({
    store: operator.store,
    conductor: operator.conductor,
    logger,
    pollMs: config.DEADLINE_POLL_MS,
    escalation: {
      chain: config.ESCALATION_EMAIL ? ['thread', 'direct', 'email'] : ['thread', 'direct'],
      intervalMs: config.ESCALATION_INTERVAL_MINUTES * 60_000,
      workspaceUrl: config.WORKSPACE_URL,
    },
  });
  // What start-up has started so far; stop() stops exactly that, so a part that fails to start
  // (a port in use, a bad hooks file) leaves no server, thread or child process behind.
  const started: {
    memory?: MemoryService;
    local?: LocalAdapter;
    mailbox?: MailboxWatcher;
    digest?: DigestScheduler;
    alerts?: AlertMonitor;
    settings?: SettingsReloader;
    door?: FrontDoor;
  } = {};
  // Kept e-mail attachments leave when their retention class ends (src/triggers/email-attachments.ts).
  const sweepKeptAttachments = () =>
    sweepAttachments(path.resolve(config.DATA_DIR), new Date()).then(
      (removed) => void (removed > 0 && logger.info({ removed }, 'removed e-mail attachments past their retention')),
      (error: unknown) => logger.warn({ err: error }, 'could not sweep e-mail attachments; the next sweep tries again'),
    );
  const attachmentSweep = setInterval(sweepKeptAttachments, ATTACHMENT_SWEEP_MS);
  attachmentSweep.unref();
  void sweepKeptAttachments();
  const stop = async () => {
    clearInterval(attachmentSweep);
    started.settings?.stop();
    await reminders.stop();
    await deadlines.stop();
    await scheduleRunner.stop();
    await started.mailbox?.stop();
    await started.digest?.stop();
    await started.alerts?.stop();
    started.local?.stop();
    await started.door?.close();
    await http.close();
    await inbox.stop();
    await dispatcher.stop();
    await started.memory?.stop();
    await operator.close({ graceMs: config.SHUTDOWN_GRACE_MS });
  };
  try {
    return await startParts();
  } catch (error) {
    await stop().catch((failure: unknown) => logger.error({ err: failure }, 'could not stop every part after a failed start'));
    throw error;
  }

  async function startParts(): Promise<Service> {
    /** This thread's front doors (the workspace, Discord) write the inbox and wake the processor. */
    const record = async (draft: InboxDraft) => {
      const { state } = await recordInbound(operator.store, draft);
      inbox.notify();
      return state;
    };
    // Inbound webhooks (src/triggers/webhooks.ts), checked before anything else starts.
    if (config.INBOUND_HOOKS_FILE) {
      for (const [method, path, listener] of webhookRoutes(loadHooks(config.INBOUND_HOOKS_FILE), operator.conductor, logger)) http.addRoute(method, path, listener);
    }
    // Inbound e-mail (src/triggers/mailbox-watcher.ts): its routes are checked before anything starts.
    let mailbox: MailboxWatcher | null = null;
    if (config.IMAP_URL && config.IMAP_ROUTES_FILE) {
      const routes = loadEmailRoutes(config.IMAP_ROUTES_FILE, operator.conductor.workflows.list().map((workflow) => workflow.name));
      const intake = new EmailIntake({ conductor: operator.conductor, routes, maxBytes: config.IMAP_MAX_MESSAGE_BYTES, dataDir: path.resolve(config.DATA_DIR), logger });
      mailbox = started.mailbox = new MailboxWatcher(
        { url: config.IMAP_URL, mailbox: config.IMAP_MAILBOX, doneMailbox: config.IMAP_DONE_MAILBOX, pollMs: config.IMAP_POLL_MS, reconnectMaxMs: config.IMAP_RECONNECT_MAX_MS },
        intake,
        logger,
        { down: (problem) => markDependencyDown(operator.store, 'imap', problem, config.DEPENDENCY_PROBE_MS), up: () => markDependencyUp(operator.store, 'imap', 'mailbox') },
      );
      http.addHealthCheck('imap', mailbox.check);
    }
    http.addHealthCheck('store', () => operator.store.ping(), { essential: true });
    const memory = (started.memory = await startMemoryService(config, operator.memory, logger));
    http.addHealthCheck('chroma', memory.check);

    // The local workspace is always there, so Operator can be tried without a chat app.
    const local = (started.local = createLocalAdapter({
      inbox: { record, answer: (id, timeoutMs) => awaitAnswer(operator.store, id, timeoutMs) },
      logger,
      token: config.WORKSPACE_TOKEN,
    }));
    for (const [method, path, listener] of local.routes) http.addRoute(method, path, listener);
    http.addHealthCheck('local', local.check);
    dispatcher.register(local);
    await local.start(() => dispatcher.replay(local));

    let slack: SlackAdapter | null = null;
    // Set once the front door is open; a rotated signing secret goes to its Bolt receiver.
    let frontDoor: FrontDoor | null = null;
    if (config.SLACK_BOT_TOKEN) {
      slack = createSlackAdapter({
        botToken: config.SLACK_BOT_TOKEN,
        apiUrl: config.SLACK_API_URL,
        setSigningSecret: async (secret) => frontDoor?.reconfigure('slack', { signingSecret: secret }),
      });
      http.addHealthCheck('slack', slack.check);
      dispatcher.register(slack);
      inbox.register(slack);
      if (config.OPERATOR_SLACK_USER_IDS.length === 0) logger.warn('OPERATOR_SLACK_USER_IDS is empty: nobody can start or approve plans from Slack');
    }

    let discord: DiscordAdapter | null = null;
    if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
      // The gateway runs on the front door's thread (adapters/discord/discord-ingress.ts); this
      // side answers and posts through Discord's REST API.
      discord = createDiscordAdapter({
        token: config.DISCORD_TOKEN,
        applicationId: config.DISCORD_APPLICATION_ID,
        apiUrl: config.DISCORD_API_URL,
        gatewayProblem: () => (frontDoor ? frontDoor.problemOf('discord') : 'Discord is connecting'),
        reconnectGateway: async (token) => frontDoor?.reconfigure('discord', { token }),
      });
      http.addHealthCheck('discord', discord.check);
      dispatcher.register(discord);
      inbox.register(discord);
      if (config.OPERATOR_DISCORD_USER_IDS.length === 0 && !config.OPERATOR_DISCORD_ROLE_ID) {
        logger.warn('neither OPERATOR_DISCORD_USER_IDS nor OPERATOR_DISCORD_ROLE_ID is set: nobody can start or approve plans from Discord');
      }
    }

    http.addRoute('GET', '/metrics', metricsRoute(operator.store, logger, budgetCaps(config)));
    // The operator's channels: the digest and the alerts go there.
    const operatorChannels = [
      ...(slack && config.DIGEST_SLACK_CHANNEL ? [{ platform: 'slack', channel: config.DIGEST_SLACK_CHANNEL }] : []),
      ...(discord && config.DIGEST_DISCORD_CHANNEL ? [{ platform: 'discord', channel: config.DIGEST_DISCORD_CHANNEL }] : []),
      { platform: local.platform, channel: WORKSPACE_CHANNEL },
    ];
    const digest = (started.digest = new DigestScheduler({ store: operator.store, cron: config.DIGEST_CRON, timeZone: config.DIGEST_TZ, budgets: budgetCaps(config), targets: operatorChannels, logger }));
    const alerts = (started.alerts = new AlertMonitor({
      store: operator.store,
      logger,
      targets: operatorChannels,
      dataDir: path.resolve(config.DATA_DIR),
      intervalMs: config.ALERT_EVALUATE_MS,
      limits: { outboxBehindSeconds: config.ALERT_OUTBOX_BEHIND_SECONDS, operatorWaitHours: config.ALERT_OPERATOR_WAIT_HOURS, diskFreePercent: config.ALERT_DISK_FREE_PERCENT },
    }));
    const settings = (started.settings = watchSettings({ current: config, targets: { slack, discord, operators: { reloadFrom: (next) => operators.replace(...allowlistOf(next)) } }, logger }));

    // The core's server answers only the front door, on loopback; the front door owns PORT.
    const corePort = await http.listen(0, '127.0.0.1');
    const door = (started.door = await openFrontDoor(
      {
        port: config.PORT,
        corePort,
        logLevel: logger.level,
        databaseUrl: config.DATABASE_URL,
        body: { maxBytes: config.HTTP_MAX_BODY_BYTES, timeoutMs: config.HTTP_BODY_TIMEOUT_MS },
        receivers: [
          ...(slack
            ? [
                {
                  name: 'slack',
                  module: new URL('../adapters/slack/slack-ingress.ts', import.meta.url).href,
                  // Socket Mode holds a connection of its own instead of serving a path.
                  path: config.SLACK_APP_TOKEN ? null : '/slack/events',
                  settings: {
                    signingSecret: config.SLACK_SIGNING_SECRET ?? '',
                    apiUrl: config.SLACK_API_URL,
                    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
                  },
                },
              ]
            : []),
          ...(config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID
            ? [
                {
                  name: 'discord',
                  module: new URL('../adapters/discord/discord-ingress.ts', import.meta.url).href,
                  // The gateway is a connection of its own: Discord serves no path here.
                  path: null,
                  settings: {
                    token: config.DISCORD_TOKEN,
                    applicationId: config.DISCORD_APPLICATION_ID,
                    apiUrl: config.DISCORD_API_URL,
                    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
                  },
                },
              ]
            : []),
        ],
      },
      { logger, onInbox: () => inbox.notify() },
    ));
    frontDoor = door;
    // Socket Mode connects in the background: until it holds, Slack waits and /healthz says why.
    if (config.SLACK_APP_TOKEN) {
      http.addHealthCheck('slack-socket', async () => {
        const problem = door.problemOf('slack');
        if (problem) throw new HealthProblem(problem);
      });
    }
    const { port } = door;
    await operator.worker.start();
    operator.breakers.start();
    inbox.start();
    dispatcher.start();
    digest.start();
    alerts.start();
    reminders.start();
    deadlines.start();
    scheduleRunner.start();
    mailbox?.start();
    return {
      operator,
      bot,
      dispatcher,
      inbox,
      http,
      slack,
      discord,
      local,
      digest,
      alerts,
      reminders,
      deadlines,
      schedules,
      scheduleRunner,
      mailbox,
      settings,
      frontDoor: door,
      port,
      stop,
    };
  }
}
