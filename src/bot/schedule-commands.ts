// `/op schedule ...` and `op schedule ...`: one grammar and one set of answers for chat and the
// terminal. Words come split already (quotes group); the time is the longest run of words after
// the workflow that reads as a time, so "every Monday 8am client=acme" needs no quotes.
import { OperatorError } from '../core/errors.ts';
import { startInput } from './commands/start.ts';
import { timestamp } from './messages.ts';
import type { CatchUpPolicy } from '../store/schedules.ts';
import { CATCH_UP_POLICIES, type Schedules, type ScheduleView } from '../triggers/schedules.ts';
import { parseWhen } from '../triggers/when.ts';

export const SCHEDULE_USAGE =
  'schedule <workflow> <when> [key=value ... | free text] [--catch-up once|all|skip] [--tz <zone>] · schedule list · schedule pause|resume|delete|run-now <id>';

const EXAMPLE = 'Example: `/op schedule invoicing "every month on the 1st at 9:00" client=acme` (or `op schedule ...` in a terminal).';
const ID_ACTIONS = ['pause', 'resume', 'delete', 'run-now'] as const;

export interface ScheduleCaller {
  who: string;
  /** Where the plans' cards go: the channel the schedule was made in; none from the terminal. */
  conversation: { platform: string; channel: string } | null;
}

/** Takes `--name value` flags out of words. */
function takeFlags(words: string[]): { rest: string[]; catchUp?: string; timeZone?: string } {
  const rest: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = /^--(catch-up|tz)(?:=(.*))?$/.exec(word);
    if (!flag) {
      rest.push(word);
      continue;
    }
    const value = flag[2] ?? words[++i];
    if (!value) throw new OperatorError(`--${flag[1]} needs a value.`, flag[1] === 'tz' ? 'Example: --tz Europe/Berlin' : 'Example: --catch-up all');
    flags[flag[1]!] = value;
  }
  return { rest, catchUp: flags['catch-up'], timeZone: flags.tz };
}

/** The longest leading run of words that reads as a time, and the words after it. */
function splitWhen(words: string[]): { when: string; rest: string[] } | null {
  for (let n = words.length; n >= 1; n--) {
    const candidate = words.slice(0, n).join(' ');
    try {
      parseWhen(candidate);
      return { when: candidate, rest: words.slice(n) };
    } catch {
      // a shorter run may still read as a time
    }
  }
  return null;
}

const isCatchUp = (value: string): value is CatchUpPolicy => (CATCH_UP_POLICIES as readonly string[]).includes(value);

/** One schedule as chat and the terminal show it: what, when in words, and the next three fire times. */
export function describeSchedule({ schedule, next }: ScheduleView): string {
  const state = schedule.status === 'paused' ? 'paused (would next run' : 'next';
  const times = next.map(timestamp).join(', ');
  return [
    `${schedule.id} · ${schedule.workflow} · ${schedule.phrase} (${schedule.cron}, ${schedule.timeZone}) · missed runs: ${schedule.catchUp}`,
    `  ${state}: ${times}${schedule.status === 'paused' ? ')' : ''}`,
  ].join('\n');
}

export async function runScheduleCommand(schedules: Schedules, words: string[], caller: ScheduleCaller): Promise<{ text: string; view?: ScheduleView; planId?: string }> {
  const [action, ...args] = words;
  if (!action) throw new OperatorError('Which workflow should run on a schedule, and when?', EXAMPLE);
  if (action === 'list') {
    const all = await schedules.list();
    return { text: all.length === 0 ? `No schedules yet. ${EXAMPLE}` : all.map(describeSchedule).join('\n') };
  }
  if ((ID_ACTIONS as readonly string[]).includes(action)) {
    const id = args[0];
    if (!id) throw new OperatorError(`schedule ${action} needs a schedule id.`, '`/op schedule list` shows them.');
    switch (action) {
      case 'pause': {
        const view = await schedules.pause(id);
        return { text: `Paused ${id}; nothing runs until \`/op schedule resume ${id}\`.\n${describeSchedule(view)}`, view };
      }
      case 'resume': {
        const view = await schedules.resume(id);
        return { text: `Resumed ${id}; fire times while it was paused are not caught up.\n${describeSchedule(view)}`, view };
      }
      case 'delete': {
        const removed = await schedules.delete(id);
        return { text: `Deleted ${id} (${removed.workflow}, ${removed.phrase}); plans it started are untouched.` };
      }
      default: {
        const { planId, view } = await schedules.runNow(id, caller.who);
        return { text: `Started ${view.schedule.workflow} as plan ${planId} from ${id}; the schedule keeps its times.\n${describeSchedule(view)}`, view, planId };
      }
    }
  }
  if (!/^[a-z0-9-]+$/.test(action)) throw new OperatorError(`"${action}" is neither a workflow name nor list, pause, resume, delete or run-now.`, EXAMPLE);
  const { rest, catchUp, timeZone } = takeFlags(args);
  if (catchUp !== undefined && !isCatchUp(catchUp)) {
    throw new OperatorError(`--catch-up ${catchUp} is not a policy.`, 'Use once (one late run, the default), all (each missed time, up to 10) or skip.');
  }
  const split = splitWhen(rest);
  if (!split) parseWhenOrExplain(rest);
  const definition = schedules.workflows.get(action);
  const view = await schedules.create({
    workflow: action,
    when: split!.when,
    input: startInput(split!.rest.join(' '), definition.freeTextField),
    catchUp,
    timeZone,
    conversation: caller.conversation,
    createdBy: caller.who,
  });
  const where = caller.conversation ? 'Their cards come to this channel.' : 'Plans start without a chat channel (from the terminal).';
  return { text: `Scheduled ${action} as ${view.schedule.id}. ${where}\n${describeSchedule(view)}`, view };
}

/** Why no leading run of words reads as a time: a day without a time of day, or nothing readable. */
function parseWhenOrExplain(words: string[]): never {
  if (words.length === 0) throw new OperatorError('When should it run?', EXAMPLE);
  const errors: string[] = [];
  for (let n = words.length; n >= 1; n--) {
    try {
      parseWhen(words.slice(0, n).join(' '));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  throw new OperatorError(errors.find((message) => message.includes('needs a time of day')) ?? errors[0]!, EXAMPLE);
}
