// Inbound webhook deliveries: the (hook, delivery id) key is inserted with the plan the delivery
// starts, so a sender's retry, or the same delivery racing on two replicas, finds the first plan.
import type { WebhookDelivery } from './generated/sqlite/client.ts';
import { insertValues, sql } from './sql.ts';

export const webhookStatements = {
  /** 1 row inserted, or 0 when the delivery was seen before. */
  claim: (row: Pick<WebhookDelivery, 'hook' | 'deliveryId' | 'receivedAt'>) =>
    sql`INSERT INTO "WebhookDelivery" ${insertValues(row)} ON CONFLICT ("hook", "deliveryId") DO NOTHING`,
  setPlan: (hook: string, deliveryId: string, planId: string) =>
    sql`UPDATE "WebhookDelivery" SET "planId" = ${planId} WHERE "hook" = ${hook} AND "deliveryId" = ${deliveryId}`,
  find: (hook: string, deliveryId: string) =>
    sql<Pick<WebhookDelivery, 'planId'>>`SELECT "planId" FROM "WebhookDelivery" WHERE "hook" = ${hook} AND "deliveryId" = ${deliveryId}`,
};
