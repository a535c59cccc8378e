// Schedules and their runs. Which fire times are due is decided by the database's clock; a fire
// time is claimed by inserting its ScheduleRun row, in the same transaction as the plan it
// starts, so across replicas and restarts each fire time starts at most one plan.
import type { Schedule, ScheduleRun } from './generated/sqlite/client.ts';
import { databaseNow, insertValues, sql, type SqlRunner } from './sql.ts';
import type { Store } from './store.ts';

export type ScheduleStatus = 'active' | 'paused';
export type CatchUpPolicy = 'once' | 'all' | 'skip';
export type ScheduleRecord = Omit<Schedule, 'status' | 'catchUp' | 'input' | 'conversation'> & {
  status: ScheduleStatus;
  catchUp: CatchUpPolicy;
  input: Record<string, unknown>;
  conversation: { platform: string; channel: string } | null;
};
export type ScheduleRunRow = Pick<ScheduleRun, 'scheduleId' | 'fireAt' | 'planId' | 'outcome' | 'detail' | 'at'>;

function toRecord(row: Schedule): ScheduleRecord {
  return {
    ...row,
    status: row.status as ScheduleStatus,
    catchUp: row.catchUp as CatchUpPolicy,
    input: JSON.parse(row.input) as Record<string, unknown>,
    conversation: row.conversation === null ? null : (JSON.parse(row.conversation) as ScheduleRecord['conversation']),
  };
}

/** A time read from SQL text: SQLite gives ISO text with an offset, PostgreSQL a UTC timestamp without one. */
function asDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

export const scheduleStatements = {
  /** The database's clock, shifted by offsetMs (zero outside tests that move time). */
  now: (offsetMs: number) => sql<{ now: unknown }>`SELECT ${databaseNow(offsetMs)} AS "now"`,
  /** Active schedules with a fire time due by the database's clock; PostgreSQL skips rows another replica holds. */
  due: (dialect: 'sqlite' | 'postgres', offsetMs: number, limit: number) =>
    dialect === 'postgres'
      ? sql<Schedule>`SELECT * FROM "Schedule" WHERE "status" = 'active' AND "nextFireAt" <= ${databaseNow(offsetMs)} ORDER BY "nextFireAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`
      : sql<Schedule>`SELECT * FROM "Schedule" WHERE "status" = 'active' AND "nextFireAt" <= ${databaseNow(offsetMs)} ORDER BY "nextFireAt" LIMIT ${limit}`,
  /** Claims one fire time: 1 row inserted, or 0 when another replica (or an earlier run) has it. */
  claimRun: (row: ScheduleRunRow) => sql`INSERT INTO "ScheduleRun" ${insertValues(row)} ON CONFLICT ("scheduleId", "fireAt") DO NOTHING`,
  setRunPlan: (scheduleId: string, fireAt: Date, planId: string) =>
    sql`UPDATE "ScheduleRun" SET "planId" = ${planId} WHERE "scheduleId" = ${scheduleId} AND "fireAt" = ${fireAt}`,
  markRun: (scheduleId: string, fireAt: Date, outcome: string, detail: string) =>
    sql`UPDATE "ScheduleRun" SET "outcome" = ${outcome}, "detail" = ${detail} WHERE "scheduleId" = ${scheduleId} AND "fireAt" = ${fireAt}`,
  /** Compare-and-set: moves the schedule on only from the fire time this replica read. */
  advance: (scheduleId: string, from: Date, to: Date | null, at: Date) =>
    sql`UPDATE "Schedule" SET "nextFireAt" = ${to}, "updatedAt" = ${at} WHERE "id" = ${scheduleId} AND "nextFireAt" = ${from}`,
  insert: (row: Omit<Schedule, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date }) => sql`INSERT INTO "Schedule" ${insertValues(row)}`,
  setStatus: (scheduleId: string, status: ScheduleStatus, nextFireAt: Date | null, at: Date) =>
    sql`UPDATE "Schedule" SET "status" = ${status}, "nextFireAt" = ${nextFireAt}, "updatedAt" = ${at} WHERE "id" = ${scheduleId}`,
  remove: (scheduleId: string) => sql`DELETE FROM "Schedule" WHERE "id" = ${scheduleId}`,
  find: (scheduleId: string) => sql<Schedule>`SELECT * FROM "Schedule" WHERE "id" = ${scheduleId}`,
};

export async function databaseTime(runner: SqlRunner, offsetMs: number): Promise<Date> {
  const [row] = await runner.query(scheduleStatements.now(offsetMs));
  return asDate(row!.now);
}

export async function dueSchedules(runner: SqlRunner, offsetMs: number, limit: number): Promise<ScheduleRecord[]> {
  return (await runner.query(scheduleStatements.due(runner.dialect, offsetMs, limit))).map(toRecord);
}

export async function findSchedule(runner: SqlRunner, scheduleId: string): Promise<ScheduleRecord | null> {
  const [row] = await runner.query(scheduleStatements.find(scheduleId));
  return row ? toRecord(row) : null;
}

export async function listSchedules(store: Store): Promise<ScheduleRecord[]> {
  const rows = await store.prisma((db) => db.schedule.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }));
  return rows.map(toRecord);
}

export async function scheduleRuns(store: Store, scheduleId?: string): Promise<ScheduleRunRow[]> {
  return store.prisma((db) => db.scheduleRun.findMany({ where: scheduleId ? { scheduleId } : {}, orderBy: [{ fireAt: 'asc' }] }));
}
