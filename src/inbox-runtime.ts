// The operator bot and the inbox processor that runs it, built alike wherever inbox entries are
// taken: in the service beside its front doors, and in each `op worker` process. Any process
// may take any entry (the entry's lease decides which one), so each decides and answers the same.
import type { Logger } from 'pino';
import type { InboxAnswerer } from './bot/inbox.ts';
import { InboxProcessor } from './bot/inbox.ts';
import { OperatorBot } from './bot/operator-bot.ts';
import type { OperatorAllowlist } from './bot/operators.ts';
import { budgetCaps, type Config } from './config/config.ts';
import { postDigestNow } from './digest/scheduler.ts';
import type { Operator } from './operator.ts';
import type { Schedules } from './triggers/schedules.ts';

export function createInboxRuntime(
  config: Config,
  operator: Operator,
  logger: Logger,
  options: { operators: OperatorAllowlist; schedules: Schedules; answerers: InboxAnswerer[] },
): { bot: OperatorBot; inbox: InboxProcessor } {
  const postDigest = (target: { platform: string; channel: string }) => postDigestNow(operator.store, { timeZone: config.DIGEST_TZ, budgets: budgetCaps(config) }, target);
  const bot = new OperatorBot({
    conductor: operator.conductor,
    store: operator.store,
    operators: options.operators,
    logger,
    postDigest,
    memory: operator.memory,
    schedules: options.schedules,
    budgetDefaults: budgetCaps(config),
    snoozeMs: config.SNOOZE_MINUTES * 60_000,
  });
  const inbox = new InboxProcessor({ store: operator.store, bot, logger, leaseMs: config.LEASE_MS, deadlineMs: config.INBOX_DEADLINE_MS });
  for (const answerer of options.answerers) inbox.register(answerer);
  return { bot, inbox };
}
