// The day's upcoming scheduled runs, for the daily digest: computed from the schedules' cron
// expressions, so the digest needs no schedule to have fired.
import { listSchedules } from '../store/schedules.ts';
import type { Store } from '../store/store.ts';
import { nextFireTime, nextFireTimes } from './when.ts';

export interface UpcomingRun {
  scheduleId: string;
  workflow: string;
  phrase: string;
  fireAt: Date;
}

/** Fire times of active schedules from `now` to the end of now's day in timeZone, soonest first. */
export async function upcomingRunsToday(store: Store, timeZone: string, now: Date): Promise<UpcomingRun[]> {
  const endOfDay = nextFireTime('0 0 * * *', timeZone, now)!;
  const schedules = (await listSchedules(store)).filter((schedule) => schedule.status === 'active');
  return schedules
    .flatMap((schedule) =>
      nextFireTimes(schedule.cron, schedule.timeZone, new Date(now.getTime() - 1), 24 * 60)
        .filter((fireAt) => fireAt < endOfDay)
        .map((fireAt) => ({ scheduleId: schedule.id, workflow: schedule.workflow, phrase: schedule.phrase, fireAt })),
    )
    .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime());
}
