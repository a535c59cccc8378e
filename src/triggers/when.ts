// When a schedule fires: a cron expression, or a plain phrase turned into one. croner computes
// fire times in the schedule's time zone (daylight-saving changes included) for the schedules
// and the daily digest alike; cronstrue says a cron expression back in words, so the operator
// sees what was understood before the first run.
import { Cron } from 'croner';
import cronstrue from 'cronstrue';

export interface When {
  /** minute hour day-of-month month day-of-week */
  cron: string;
  /** The cron expression in words ("At 09:00 AM, only on Monday"). */
  described: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** "9", "9:30", "09:30", "8am", "8 am", "8:30pm", "noon", "midnight" → [hour, minute]. */
function timeOfDay(text: string): [number, number] | null {
  const t = text.trim().toLowerCase();
  if (t === 'noon') return [12, 0];
  if (t === 'midnight') return [0, 0];
  const match = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/.exec(t);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const meridiem = match[3];
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  return hour <= 23 && minute <= 59 ? [hour, minute] : null;
}

const weekday = (word: string) => {
  const index = WEEKDAYS.findIndex((day) => word === day || word === `${day}s` || word === day.slice(0, 3));
  return index === -1 ? null : index;
};

/** The phrase's day part as cron fields [day-of-month, day-of-week], or null when it is not one. */
function days(text: string): [string, string] | null {
  if (/^(every )?day$|^daily$/.test(text)) return ['*', '*'];
  if (/^(every )?weekdays?$/.test(text)) return ['*', '1-5'];
  if (/^(every )?weekends?$/.test(text)) return ['*', '0,6'];
  const monthly = /^(?:every month|monthly) on the (\d{1,2})(?:st|nd|rd|th)?(?: day)?$/.exec(text);
  if (monthly) {
    const day = Number(monthly[1]);
    return day >= 1 && day <= 31 ? [String(day), '*'] : null;
  }
  const named = /^(?:every |on )?([a-z]+(?:(?:,\s*|\s+and\s+)[a-z]+)*)$/.exec(text);
  if (!named) return null;
  const list = named[1]!.split(/,\s*|\s+and\s+/).map(weekday);
  return list.every((day) => day !== null) ? ['*', [...new Set(list)].sort().join(',')] : null;
}

/**
 * A plain phrase as a cron expression, or null: "every Monday 8am", "every month on the 1st at
 * 9:00", "every weekday at 17:30", "daily at noon", "every 15 minutes", "every hour".
 */
export function phraseToCron(phrase: string): string | null {
  const text = phrase.trim().toLowerCase().replace(/\s+/g, ' ');
  const interval = /^every (\d{1,2}) (minutes?|hours?)$/.exec(text);
  if (interval) {
    const n = Number(interval[1]);
    if (interval[2]!.startsWith('minute')) return n >= 1 && n <= 59 ? `*/${n} * * * *` : null;
    return n >= 1 && n <= 23 ? `0 */${n} * * *` : null;
  }
  if (text === 'every minute') return '* * * * *';
  if (text === 'every hour' || text === 'hourly') return '0 * * * *';
  // "<days> [at] <time>". A time is required: without one a schedule would fire at midnight,
  // which nobody means.
  const match = /^(.*?)(?: at)? (noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)$/.exec(text);
  if (!match) return null;
  const time = timeOfDay(match[2]!);
  const day = days(match[1]!);
  if (!time || !day) return null;
  return `${time[1]} ${time[0]} ${day[0]} * ${day[1]}`;
}

/** Five fields of digits and cron symbols, or month and weekday names (JAN, MON-FRI). */
const CRON_FIELD = /^(?:[\d*?/,\-LW#]+|[A-Za-z]{3}(?:[-,][A-Za-z]{3})*)$/;
const isCron = (text: string) => {
  const fields = text.split(' ');
  return fields.length === 5 && fields.every((field) => CRON_FIELD.test(field));
};

export class WhenError extends Error {}

/** Reads what the operator typed as a cron expression or a phrase; throws WhenError with what to type instead. */
export function parseWhen(text: string): When {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const cron = isCron(trimmed) ? trimmed : phraseToCron(trimmed);
  if (!cron && days(trimmed.toLowerCase())) {
    throw new WhenError(`"${text}" needs a time of day: write e.g. "${trimmed} at 9:00" or "${trimmed} 8am".`);
  }
  if (!cron) {
    throw new WhenError(
      `"${text}" is not a time I can read. Write a phrase like "every Monday 8am", "every month on the 1st at 9:00", "every weekday at 17:30", "every 15 minutes", or a cron expression like "0 9 1 * *" (minute hour day month weekday).`,
    );
  }
  try {
    new Cron(cron, { paused: true });
  } catch (error) {
    throw new WhenError(`"${cron}" is not a valid cron expression (${(error as Error).message}). Write minute hour day month weekday, e.g. "0 9 * * 1" for Mondays at 09:00.`);
  }
  return { cron, described: cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false }) };
}

/** Throws when name is not an IANA time zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The next n fire times strictly after `after`, in the time zone. */
export function nextFireTimes(cron: string, timeZone: string, after: Date, n: number): Date[] {
  return new Cron(cron, { timezone: timeZone, paused: true }).nextRuns(n, after);
}

/** The first fire time strictly after `after`. */
export function nextFireTime(cron: string, timeZone: string, after: Date): Date | null {
  return new Cron(cron, { timezone: timeZone, paused: true }).nextRun(after);
}

/**
 * Fire times from `from` (itself a fire time) up to `until`, both inclusive: how many there are,
 * and the latest `keep` of them in order.
 */
export function dueFireTimes(cron: string, timeZone: string, from: Date, until: Date, keep: number): { count: number; latest: Date[] } {
  const job = new Cron(cron, { timezone: timeZone, paused: true });
  const latest: Date[] = [];
  let count = 0;
  for (let t: Date | null = from; t && t <= until; t = job.nextRun(t)) {
    count++;
    latest.push(t);
    if (latest.length > keep) latest.shift();
  }
  return { count, latest };
}
