// The Operator service: the conductor and its worker, the operator bot, the notice dispatcher,
// every configured chat adapter and the HTTP server, started and stopped together.
import type { Logger } from 'pino';
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
  const operators = new OperatorAllowlist({ slack: config.OPERATOR_SLACK_USER_IDS });
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

  const port = await http.listen(config.PORT);
  await operator.worker.start();
  dispatcher.start();
  return {
    operator,
    bot,
    dispatcher,
    http,
    slack,
    port,
    stop: async () => {
      await http.close();
      await dispatcher.stop();
      await slack?.stop();
      await operator.close();
    },
  };
}
