// `op schedule ...`: the same grammar and answers as `/op schedule` (src/bot/schedule-commands.ts),
// with times in UTC for the terminal and --json for scripts. Plans a schedule starts from here
// have no chat channel; their cards show in the local workspace's plan list.
import os from 'node:os';
import { formatTokens } from '../bot/messages.ts';
import type { Config } from '../config/config.ts';
import type { Operator } from '../operator.ts';
import { runScheduleCommand } from '../bot/schedule-commands.ts';
import { Schedules } from '../triggers/schedules.ts';

const terminalTimes = (text: string) =>
  formatTokens(text, { user: (platform, id) => `${platform}:${id}`, time: (date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` });

export async function runScheduleCli(operator: Operator, config: Config, argv: string[]): Promise<string | object> {
  const json = argv.includes('--json');
  const words = argv.filter((word) => word !== '--json');
  const schedules = new Schedules(operator.conductor, { defaultTimeZone: config.DIGEST_TZ });
  const result = await runScheduleCommand(schedules, words, { who: `cli:${os.userInfo().username}`, conversation: null });
  if (!json) return terminalTimes(result.text);
  if (words[0] === 'list') return (await schedules.list()).map(({ schedule, next }) => ({ ...schedule, next }));
  return { ...(result.view ? { ...result.view.schedule, next: result.view.next } : {}), ...(result.planId ? { planId: result.planId } : {}) };
}
