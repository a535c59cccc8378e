// Messages read from the watched mailbox: the message's key is inserted with the plan it starts
// (or the reason it starts none), so the same message read again (another replica, a restart
// before it was marked done, a second copy) finds the row and starts nothing.
import type { InboundEmail } from './generated/sqlite/client.ts';
import { insertValues, sql } from './sql.ts';

export const inboundEmailStatements = {
  /** 1 row inserted, or 0 when the message was read before. */
  claim: (row: Pick<InboundEmail, 'key' | 'mailbox' | 'uidValidity' | 'uid' | 'receivedAt'>) =>
    sql`INSERT INTO "InboundEmail" ${insertValues(row)} ON CONFLICT ("key") DO NOTHING`,
  started: (key: string, workflow: string, planId: string) =>
    sql`UPDATE "InboundEmail" SET "workflow" = ${workflow}, "planId" = ${planId} WHERE "key" = ${key}`,
  rejected: (key: string, reason: string) => sql`UPDATE "InboundEmail" SET "rejected" = ${reason} WHERE "key" = ${key}`,
  find: (key: string) => sql<Pick<InboundEmail, 'planId' | 'rejected'>>`SELECT "planId", "rejected" FROM "InboundEmail" WHERE "key" = ${key}`,
};
