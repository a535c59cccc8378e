// Schedules: create, list, pause, resume, delete and run now, and firing what is due. Due-ness is
// the database's clock's call, never a replica's; each fire time is claimed by its ScheduleRun
// row in the same transaction as the plan it starts, so two replicas polling at once, or a
// replica restarted mid-way, start one plan per fire time.
import type { z } from 'zod';
import type { Conductor } from '../conductor/conductor.ts';
import { OperatorError } from '../core/errors.ts';
import { newId } from '../store/ids.ts';
import {
  databaseTime,
  dueSchedules,
  findSchedule,
  listSchedules,
  scheduleStatements,
  type CatchUpPolicy,
  type ScheduleRecord,
} from '../store/schedules.ts';
import type { SqlRunner } from '../store/sql.ts';
import type { ScheduleTrigger } from './trigger.ts';
import { dueFireTimes, isTimeZone, nextFireTime, nextFireTimes, parseWhen, WhenError } from './when.ts';

export const CATCH_UP_POLICIES: readonly CatchUpPolicy[] = ['once', 'all', 'skip'];
/** `all` starts at most this many missed fire times (the latest ones); older ones are not started. Skipped ones are recorded up to this many. */
export const CATCH_UP_LIMIT = 10;
/** A fire time handled within this long of its time is on time; later, it was missed (downtime). */
export const ON_TIME_MS = 60_000;

export interface ScheduleView {
  schedule: ScheduleRecord;
  /** The next three fire times (for a paused schedule: those it would have after resuming now). */
  next: Date[];
}

export interface NewSchedule {
  workflow: string;
  when: string;
  input: Record<string, unknown>;
  timeZone?: string;
  catchUp?: CatchUpPolicy;
  conversation?: { platform: string; channel: string } | null;
  createdBy: string;
}

const listHint = '`/op schedule list` (or `op schedule list`) shows schedule ids.';

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export class Schedules {
  readonly #conductor: Conductor;
  readonly #defaultTimeZone: string;
  /** Shifts the database's clock; tests move time with it instead of sleeping. Zero in service. */
  readonly #clockOffsetMs: () => number;

  constructor(conductor: Conductor, options: { defaultTimeZone: string; clockOffsetMs?: () => number }) {
    this.#conductor = conductor;
    this.#defaultTimeZone = options.defaultTimeZone;
    this.#clockOffsetMs = options.clockOffsetMs ?? (() => 0);
  }

  get workflows() {
    return this.#conductor.workflows;
  }

  get #store() {
    return this.#conductor.store;
  }

  async create(request: NewSchedule): Promise<ScheduleView> {
    const definition = this.#conductor.workflows.get(request.workflow);
    const parsed = definition.input.safeParse(request.input);
    if (!parsed.success) {
      throw new OperatorError(`The input for ${request.workflow} is not valid: ${describeIssues(parsed.error)}.`, `\`/op workflows\` shows what ${request.workflow} expects; give it as key=value after the time.`);
    }
    const timeZone = request.timeZone ?? this.#defaultTimeZone;
    if (!isTimeZone(timeZone)) throw new OperatorError(`"${timeZone}" is not a time zone.`, 'Use an IANA name such as Europe/Berlin, America/New_York or UTC.');
    let when;
    try {
      when = parseWhen(request.when);
    } catch (error) {
      if (error instanceof WhenError) throw new OperatorError(error.message, 'Example: `/op schedule invoicing "every month on the 1st at 9:00" client=acme`');
      throw error;
    }
    const id = newId('sc');
    const schedule = await this.#store.transaction(async (runner) => {
      const now = await databaseTime(runner, this.#clockOffsetMs());
      await runner.execute(
        scheduleStatements.insert({
          id,
          workflow: definition.name,
          cron: when.cron,
          phrase: request.when.trim(),
          timeZone,
          input: JSON.stringify(request.input),
          catchUp: request.catchUp ?? 'once',
          status: 'active',
          nextFireAt: nextFireTime(when.cron, timeZone, now),
          conversation: request.conversation ? JSON.stringify(request.conversation) : null,
          createdBy: request.createdBy,
          createdAt: now,
          updatedAt: now,
        }),
      );
      return (await findSchedule(runner, id))!;
    });
    return { schedule, next: await this.#next(schedule) };
  }

  async list(): Promise<ScheduleView[]> {
    const schedules = await listSchedules(this.#store);
    return Promise.all(schedules.map(async (schedule) => ({ schedule, next: await this.#next(schedule) })));
  }

  async show(scheduleId: string): Promise<ScheduleView> {
    const schedule = await this.#store.transaction((runner) => this.#find(runner, scheduleId));
    return { schedule, next: await this.#next(schedule) };
  }

  /** Fire times stop until resume; none that fall in between are caught up. */
  pause(scheduleId: string): Promise<ScheduleView> {
    return this.#setStatus(scheduleId, 'paused');
  }

  /** Fires again from the next fire time after now: the paused stretch is not caught up. */
  resume(scheduleId: string): Promise<ScheduleView> {
    return this.#setStatus(scheduleId, 'active');
  }

  async delete(scheduleId: string): Promise<ScheduleRecord> {
    return this.#store.transaction(async (runner) => {
      const schedule = await this.#find(runner, scheduleId);
      await runner.execute(scheduleStatements.remove(scheduleId));
      return schedule;
    });
  }

  /** Starts the schedule's plan now, outside its fire times; the schedule itself does not move. */
  async runNow(scheduleId: string, actor: string): Promise<{ planId: string; view: ScheduleView }> {
    const planId = await this.#store.transaction(async (runner) => {
      const schedule = await this.#find(runner, scheduleId);
      const at = await databaseTime(runner, this.#clockOffsetMs());
      const trigger: z.infer<typeof ScheduleTrigger> = { kind: 'schedule', scheduleId, phrase: schedule.phrase, fireAt: at.toISOString(), manual: true };
      await runner.execute(scheduleStatements.claimRun({ scheduleId, fireAt: at, planId: null, outcome: 'manual', detail: actor, at }));
      const id = await this.#conductor.startWithin(runner, schedule.workflow, schedule.input, {
        requestedBy: actor,
        conversation: schedule.conversation ?? undefined,
        trigger,
      });
      await runner.execute(scheduleStatements.setRunPlan(scheduleId, at, id));
      return id;
    });
    this.#conductor.wake();
    return { planId, view: await this.show(scheduleId) };
  }

  /**
   * Starts the plans of every due fire time, one schedule per transaction, and moves each
   * schedule to its next fire time after now. Returns the plans started.
   */
  async fireDue(maxSchedules = 50): Promise<string[]> {
    const started: string[] = [];
    for (let i = 0; i < maxSchedules; i++) {
      const result = await this.#store.transaction(async (runner) => {
        const [schedule] = await dueSchedules(runner, this.#clockOffsetMs(), 1);
        if (!schedule) return null;
        return this.#fire(runner, schedule);
      });
      if (result === null) break;
      started.push(...result);
    }
    if (started.length > 0) this.#conductor.wake();
    return started;
  }

  /** The fire times of one due schedule, by its catch-up policy, inside the caller's transaction. */
  async #fire(runner: SqlRunner, schedule: ScheduleRecord): Promise<string[]> {
    const now = await databaseTime(runner, this.#clockOffsetMs());
    const from = schedule.nextFireAt!;
    // A minutely schedule after a week's downtime has ten thousand fire times: keep the latest.
    const { count, latest } = dueFireTimes(schedule.cron, schedule.timeZone, from, now, CATCH_UP_LIMIT);
    const late = (fireAt: Date) => now.getTime() - fireAt.getTime() > ON_TIME_MS;
    const toStart: { fireAt: Date; missed: number }[] =
      schedule.catchUp === 'once'
        ? [{ fireAt: latest.at(-1)!, missed: count - 1 }]
        : schedule.catchUp === 'all'
          ? latest.map((fireAt) => ({ fireAt, missed: 0 }))
          : latest.filter((fireAt) => !late(fireAt)).map((fireAt) => ({ fireAt, missed: 0 }));
    const skipped = latest.filter((t) => !toStart.some((s) => s.fireAt.getTime() === t.getTime()));
    for (const fireAt of skipped) {
      const why = schedule.catchUp === 'skip' ? 'missed during downtime; this schedule skips missed fire times' : 'missed during downtime; folded into a later run';
      await runner.execute(scheduleStatements.claimRun({ scheduleId: schedule.id, fireAt, planId: null, outcome: 'skipped', detail: why, at: now }));
    }
    const planIds: string[] = [];
    for (const { fireAt, missed } of toStart) {
      const id = await this.#startRun(runner, schedule, fireAt, missed, late(fireAt) || missed > 0 ? now : null);
      if (id) planIds.push(id);
    }
    const advanced = await runner.execute(scheduleStatements.advance(schedule.id, from, nextFireTime(schedule.cron, schedule.timeZone, now), now));
    // Both replicas read the same fire time: only one may move it; the other's work rolls back.
    if (advanced !== 1) throw new Error(`schedule ${schedule.id} was moved on by another replica`);
    return planIds;
  }

  async #startRun(runner: SqlRunner, schedule: ScheduleRecord, fireAt: Date, missed: number, lateAt: Date | null): Promise<string | null> {
    const outcome = lateAt ? 'late' : 'started';
    const claimed = await runner.execute(scheduleStatements.claimRun({ scheduleId: schedule.id, fireAt, planId: null, outcome, detail: null, at: lateAt ?? fireAt }));
    if (claimed !== 1) return null;
    const definition = this.#conductor.workflows.list().find((workflow) => workflow.name === schedule.workflow);
    const input = definition?.input.safeParse(schedule.input);
    if (!definition || !input?.success) {
      // The workflow changed (or went) since the schedule was made: record why, start nothing,
      // and keep the schedule going so fixing the workflow is enough.
      const why = definition ? `the input no longer fits ${schedule.workflow}: ${describeIssues(input!.error!)}` : `there is no workflow ${schedule.workflow} any more`;
      await runner.execute(scheduleStatements.markRun(schedule.id, fireAt, 'invalid', why));
      return null;
    }
    const trigger: z.infer<typeof ScheduleTrigger> = {
      kind: 'schedule',
      scheduleId: schedule.id,
      phrase: schedule.phrase,
      fireAt: fireAt.toISOString(),
      ...(lateAt ? { late: { byMs: lateAt.getTime() - fireAt.getTime(), missed } } : {}),
    };
    const planId = await this.#conductor.startWithin(runner, schedule.workflow, schedule.input, {
      requestedBy: `schedule:${schedule.id}`,
      conversation: schedule.conversation ?? undefined,
      trigger,
    });
    await runner.execute(scheduleStatements.setRunPlan(schedule.id, fireAt, planId));
    return planId;
  }

  async #setStatus(scheduleId: string, status: 'active' | 'paused'): Promise<ScheduleView> {
    const schedule = await this.#store.transaction(async (runner) => {
      const current = await this.#find(runner, scheduleId);
      if (current.status === status) {
        throw new OperatorError(`Schedule ${scheduleId} is already ${status}.`, status === 'paused' ? `\`/op schedule resume ${scheduleId}\` starts it again.` : listHint);
      }
      const now = await databaseTime(runner, this.#clockOffsetMs());
      const next = status === 'active' ? nextFireTime(current.cron, current.timeZone, now) : null;
      await runner.execute(scheduleStatements.setStatus(scheduleId, status, next, now));
      return (await findSchedule(runner, scheduleId))!;
    });
    return { schedule, next: await this.#next(schedule) };
  }

  async #find(runner: SqlRunner, scheduleId: string): Promise<ScheduleRecord> {
    const schedule = await findSchedule(runner, scheduleId);
    if (!schedule) throw new OperatorError(`There is no schedule ${scheduleId}.`, listHint);
    return schedule;
  }

  /** The next three fire times: from the pending one while active, from now while paused. */
  async #next(schedule: ScheduleRecord): Promise<Date[]> {
    if (schedule.nextFireAt) return [schedule.nextFireAt, ...nextFireTimes(schedule.cron, schedule.timeZone, schedule.nextFireAt, 2)];
    const now = await this.#store.transaction((runner) => databaseTime(runner, this.#clockOffsetMs()));
    return nextFireTimes(schedule.cron, schedule.timeZone, now, 3);
  }
}
