// What the chat layer keeps: where each plan's conversation lives, the requests that were
// refused, and the outbox of notices waiting to be delivered.
import { redactText, redactValue } from '../privacy/redact.ts';
import { statements } from './statements.ts';
import type { Store } from './store.ts';

export async function setConversation(store: Store, planId: string, conversation: object, threadKey?: string): Promise<void> {
  await store.prisma((db) => db.plan.update({ where: { id: planId }, data: { conversation: JSON.stringify(conversation), threadKey } }));
}

export async function findPlanIdByThread(store: Store, threadKey: string): Promise<string | null> {
  const plan = await store.prisma((db) => db.plan.findUnique({ where: { threadKey }, select: { id: true } }));
  return plan?.id ?? null;
}

/** A request that was refused (not an operator, bad input): audited, with no plan if none applies. */
export async function auditRefusal(store: Store, entry: { actor: string; action: string; reason: string; planId?: string; detail?: unknown }) {
  await store.transaction(async (runner) => {
    const [plan] = entry.planId ? await runner.query(statements.plan(entry.planId)) : [];
    await runner.execute(
      statements.insertAudit({
        planId: plan?.id ?? null,
        at: new Date(),
        actor: entry.actor,
        action: entry.action,
        fromStatus: null,
        toStatus: null,
        stepKey: null,
        reason: redactText(entry.reason),
        detail: entry.detail === undefined ? null : JSON.stringify(redactValue(entry.detail)),
      }),
    );
  });
}

export interface PendingNotice {
  id: string;
  planId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

const pendingNotice = (row: { id: string; planId: string | null; kind: string; payload: string; attempts: number }): PendingNotice => ({
  id: row.id,
  planId: row.planId,
  kind: row.kind,
  payload: JSON.parse(row.payload),
  attempts: row.attempts,
});

/** Notices due for delivery by the database's clock, oldest first: a plan's notices must arrive in order. */
export async function dueNotices(store: Store, limit: number): Promise<PendingNotice[]> {
  const rows = await store.transaction((runner) => runner.query(statements.dueNotices(limit)));
  return rows.map(pendingNotice);
}

/**
 * Takes a notice for delivery: compare-and-set on its attempt count, holding it for holdMs so
 * another replica's dispatcher leaves it alone. False when someone else took it.
 */
export async function claimNotice(store: Store, notice: PendingNotice, holdMs: number): Promise<boolean> {
  return (await store.transaction((runner) => runner.execute(statements.claimNotice(notice.id, notice.attempts, holdMs)))) === 1;
}

export async function markDelivered(store: Store, ids: string[]): Promise<void> {
  await store.transaction(async (runner) => {
    for (const id of ids) await runner.execute(statements.markDelivered(id, new Date()));
  });
}

/** Puts a notice back for delayMs (by the database's clock) after a failed delivery. */
export async function deferNotice(store: Store, id: string, delayMs: number, error: string): Promise<void> {
  await store.transaction((runner) => runner.execute(statements.deferNotice(id, delayMs, redactText(error).slice(0, 1000))));
}

/** A plan's notices that were delivered, in the order they were delivered: to show them again. */
export async function deliveredNotices(store: Store, planId: string): Promise<PendingNotice[]> {
  const rows = await store.prisma((db) =>
    db.notice.findMany({ where: { planId, deliveredAt: { not: null } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  );
  return rows.map(pendingNotice);
}

/** The newest delivered notices without a plan (digests), oldest first, with when they were written. */
export async function deliveredTargetedNotices(store: Store, limit: number): Promise<(PendingNotice & { createdAt: Date })[]> {
  const rows = await store.prisma((db) =>
    db.notice.findMany({ where: { planId: null, deliveredAt: { not: null } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit }),
  );
  return rows.reverse().map((row) => ({ ...pendingNotice(row), createdAt: row.createdAt }));
}
