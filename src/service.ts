// The Operator service: the conductor and its worker, the operator bot, the notice dispatcher,
// every configured chat adapter and the HTTP server, started and stopped together.
import type { Logger } from 'pino';
import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/discord-adapter.ts';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/slack-adapter.ts';
import { NoticeDispatcher } from './bot/dispatcher.ts';
import { OperatorBot } from './bot/operator-bot.ts';
import { OperatorAllowlist } from './bot/operators.ts';
import type { Config } from './config.ts';
import type { WorkflowRegistry } from './conductor/registry.ts';
import { createHttpService, type HttpService } from './http/server.ts';
import { createOperator, type Operator } from './operator.ts';
import { databaseTarget } from './store/database-url.ts';
import { migrateIfPending } from './store/migrate.ts';

export interface Service {
  operator: Operator;
  bot: OperatorBot;
  dispatcher: NoticeDispatcher;
  http: HttpService;
  slack: SlackAdapter | null;
  discord: DiscordAdapter | null;
  port: number;
  stop(): Promise<void>;
}

export async function startService(config: Config, logger: Logger, workflows?: WorkflowRegistry): Promise<Service> {
  // The embedded database migrates itself; a shared PostgreSQL is migrated once, by `op migrate`.
  if (databaseTarget(config.DATABASE_URL).provider === 'sqlite') {
    const applied = await migrateIfPending(config.DATABASE_URL);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrated the embedded database');
  }
  const operator = await createOperator(config, logger, workflows);
  const operators = new OperatorAllowlist(
    { slack: config.OPERATOR_SLACK_USER_IDS, discord: config.OPERATOR_DISCORD_USER_IDS },
    { discord: config.OPERATOR_DISCORD_ROLE_ID ? [config.OPERATOR_DISCORD_ROLE_ID] : [] },
  );
  const bot = new OperatorBot({ conductor: operator.conductor, store: operator.store, operators, logger });
  const dispatcher = new NoticeDispatcher({ store: operator.store, conductor: operator.conductor, logger });
  const http = createHttpService(logger);
  http.addHealthCheck('store', () => operator.store.ping());

  let slack: SlackAdapter | null = null;
  if (config.SLACK_BOT_TOKEN) {
    slack = createSlackAdapter({
      bot,
      logger,
      botToken: config.SLACK_BOT_TOKEN,
      signingSecret: config.SLACK_SIGNING_SECRET ?? '',
      appToken: config.SLACK_APP_TOKEN,
      apiUrl: config.SLACK_API_URL,
    });
    if (slack.requestListener) http.addRoute('POST', '/slack/events', slack.requestListener);
    http.addHealthCheck('slack', slack.check);
    dispatcher.register(slack);
    await slack.start();
    if (config.OPERATOR_SLACK_USER_IDS.length === 0) logger.warn('OPERATOR_SLACK_USER_IDS is empty: nobody can start or approve plans from Slack');
  }

  let discord: DiscordAdapter | null = null;
  if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
    discord = createDiscordAdapter({
      bot,
      logger,
      token: config.DISCORD_TOKEN,
      applicationId: config.DISCORD_APPLICATION_ID,
      guildId: config.DISCORD_GUILD_ID,
      apiUrl: config.DISCORD_API_URL,
    });
    http.addHealthCheck('discord', discord.check);
    dispatcher.register(discord);
    await discord.start();
    if (config.OPERATOR_DISCORD_USER_IDS.length === 0 && !config.OPERATOR_DISCORD_ROLE_ID) {
      logger.warn('neither OPERATOR_DISCORD_USER_IDS nor OPERATOR_DISCORD_ROLE_ID is set: nobody can start or approve plans from Discord');
    }
  }

  const port = await http.listen(config.PORT);
  await operator.worker.start();
  dispatcher.start();
  return {
    operator,
    bot,
    dispatcher,
    http,
    slack,
    discord,
    port,
    stop: async () => {
      await http.close();
      await dispatcher.stop();
      await slack?.stop();
      await discord?.stop();
      await operator.close();
    },
  };
}
