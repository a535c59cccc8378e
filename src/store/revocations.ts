// Operators revoked at run time. The bot reads this on every request (a primary-key lookup), so
// `op operator revoke` takes effect at once in every replica, with no cache to expire.
import { redactText } from '../ops/redact.ts';
import { insertRow } from './rows.ts';
import { asDate, sql } from './sql.ts';
import type { Store } from './store.ts';

export interface Revocation {
  userKey: string;
  revokedAt: Date;
  revokedBy: string;
  reason: string | null;
}

export async function isRevoked(store: Store, userKey: string): Promise<boolean> {
  const rows = await store.transaction((runner) => runner.query(sql`SELECT "userKey" FROM "OperatorRevocation" WHERE "userKey" = ${userKey}`));
  return rows.length > 0;
}

/** Revokes userKey (again, if it already was: the latest reason wins) and audits who did it. */
export async function revokeOperator(store: Store, revocation: { userKey: string; revokedBy: string; reason?: string }): Promise<void> {
  const now = new Date();
  const reason = revocation.reason === undefined ? null : redactText(revocation.reason);
  await store.transaction(async (runner) => {
    await runner.execute(
      sql`INSERT INTO "OperatorRevocation" ("userKey", "revokedAt", "revokedBy", "reason") VALUES (${revocation.userKey}, ${now}, ${revocation.revokedBy}, ${reason})
          ON CONFLICT ("userKey") DO UPDATE SET "revokedAt" = ${now}, "revokedBy" = ${revocation.revokedBy}, "reason" = ${reason}`,
    );
    await insertRow(runner, 'AuditEntry', { at: now, actor: revocation.revokedBy, action: 'operator.revoked', reason, detail: JSON.stringify({ user: revocation.userKey }) });
  });
}

/** Lifts a revocation; false when userKey was not revoked. */
export async function restoreOperator(store: Store, userKey: string, restoredBy: string): Promise<boolean> {
  return store.transaction(async (runner) => {
    const removed = await runner.execute(sql`DELETE FROM "OperatorRevocation" WHERE "userKey" = ${userKey}`);
    if (removed === 0) return false;
    await insertRow(runner, 'AuditEntry', { at: new Date(), actor: restoredBy, action: 'operator.restored', detail: JSON.stringify({ user: userKey }) });
    return true;
  });
}

export async function listRevocations(store: Store): Promise<Revocation[]> {
  const rows = await store.transaction((runner) => runner.query(sql`SELECT * FROM "OperatorRevocation" ORDER BY "revokedAt", "userKey"`));
  return rows.map((row) => ({
    userKey: row.userKey as string,
    revokedAt: asDate(row.revokedAt)!,
    revokedBy: row.revokedBy as string,
    reason: (row.reason as string | null) ?? null,
  }));
}
