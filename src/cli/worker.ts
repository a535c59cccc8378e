// `op worker`: advance plans and take entries from the inbox in this process until Ctrl-C
// (scale-out runs several of these; the service's front doors only need to write the inbox).
// A worker answers what it takes through the platforms' Web APIs, so it needs their credentials
// but no gateway or public port.
import { createDiscordAdapter } from '../../adapters/discord/discord-adapter.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import type { InboxAnswerer } from '../bot/inbox.ts';
import { allowlistOf, OperatorAllowlist } from '../bot/operators.ts';
import { loadConfig } from '../config/config.ts';
import { createInboxRuntime } from '../inbox-runtime.ts';
import { createOperator } from '../operator.ts';
import { createLogger } from '../ops/logger.ts';
import { Schedules } from '../triggers/schedules.ts';

export async function runWorker(): Promise<string> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const operator = await createOperator(config, logger);
  const answerers: InboxAnswerer[] = [];
  if (config.SLACK_BOT_TOKEN) answerers.push(createSlackAdapter({ botToken: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL }));
  if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
    // Its REST client answers; the service holds the gateway.
    answerers.push(
      createDiscordAdapter({
        token: config.DISCORD_TOKEN,
        applicationId: config.DISCORD_APPLICATION_ID,
        apiUrl: config.DISCORD_API_URL,
        gatewayProblem: () => null,
        reconnectGateway: async () => undefined,
      }),
    );
  }
  const schedules = new Schedules(operator.conductor, { defaultTimeZone: config.DIGEST_TZ });
  const { inbox } = createInboxRuntime(config, operator, logger, { operators: new OperatorAllowlist(...allowlistOf(config)), schedules, answerers });
  await operator.worker.start();
  inbox.start();
  operator.breakers.start();
  logger.info({ worker: operator.worker.id }, 'worker running (plans and inbox); Ctrl-C stops it after the work under way');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await inbox.stop();
  await operator.close({ graceMs: config.SHUTDOWN_GRACE_MS });
  return 'worker stopped';
}
