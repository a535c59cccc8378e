// The model port's writes around one model call (src/llm/model-port.ts): the call's ModelCall
// row inserted at its expected cost before the call (the reservation the budget check counts),
// settled to what the call cost after it, and the answer kept for a re-run of the step to replay.
import type { ModelAnswer, ModelCall } from './generated/sqlite/client.ts';
import { assignments, insertValues, sql, type Dialect } from './sql.ts';

export type ModelCallRow = Omit<ModelCall, 'output' | 'error'> & Partial<Pick<ModelCall, 'output' | 'error'>>;
export type ModelCallSettlement = Pick<ModelCall, 'path' | 'promptTokens' | 'completionTokens' | 'costUsd' | 'output' | 'error' | 'durationMs'>;

/** Any constant names the lock: it only has to be the same in every replica. */
const BUDGET_LOCK_KEY = 7_310_201;

export const modelCallStatements = {
  /**
   * Serialises budget checks across PostgreSQL connections until the transaction ends; SQLite's
   * write transaction (BEGIN IMMEDIATE) already holds the database's one write lock.
   */
  budgetLock: (dialect: Dialect) => (dialect === 'postgres' ? sql`SELECT pg_advisory_xact_lock(${BUDGET_LOCK_KEY})::text AS "locked"` : null),
  insertCall: (row: ModelCallRow) => sql`INSERT INTO "ModelCall" ${insertValues(row)}`,
  settleCall: (id: string, settlement: ModelCallSettlement) => sql`UPDATE "ModelCall" SET ${assignments(settlement)} WHERE "id" = ${id}`,
  /** The answer a step's call got on an earlier run. */
  answer: (planId: string, stepKey: string, sequence: number) =>
    sql<Pick<ModelAnswer, 'requestKey' | 'answer'>>`SELECT "requestKey", "answer" FROM "ModelAnswer" WHERE "planId" = ${planId} AND "stepKey" = ${stepKey} AND "sequence" = ${sequence}`,
  /** A re-run that asked something else at this place in the step replaces the earlier answer. */
  keepAnswer: (row: ModelAnswer) =>
    sql`INSERT INTO "ModelAnswer" ${insertValues(row)}
        ON CONFLICT ("planId", "stepKey", "sequence") DO UPDATE SET "requestKey" = excluded."requestKey", "answer" = excluded."answer", "at" = excluded."at"`,
};
