// Operators revoked at run time. The bot reads this on every request (a primary-key lookup), so
// `op operator revoke` takes effect at once in every replica, with no cache to expire.
import { redactText } from '../privacy/redact.ts';
import type { OperatorRevocation } from './generated/sqlite/client.ts';
import { revocationStatements } from './ops-statements.ts';
import type { SqlRunner } from './sql.ts';
import { statements } from './statements.ts';
import type { Store } from './store.ts';

export type Revocation = OperatorRevocation;

export async function isRevoked(store: Store, userKey: string): Promise<boolean> {
  return (await store.prisma((db) => db.operatorRevocation.findUnique({ where: { userKey }, select: { userKey: true } }))) !== null;
}

const auditOperatorChange = (runner: SqlRunner, at: Date, actor: string, action: string, userKey: string, reason: string | null) =>
  runner.execute(statements.insertAudit({ planId: null, at, actor, action, fromStatus: null, toStatus: null, stepKey: null, reason, detail: JSON.stringify({ user: userKey }) }));

/** Revokes userKey (again, if it already was: the latest reason wins) and audits who did it. */
export async function revokeOperator(store: Store, revocation: { userKey: string; revokedBy: string; reason?: string }): Promise<void> {
  const now = new Date();
  const reason = revocation.reason === undefined ? null : redactText(revocation.reason);
  await store.transaction(async (runner) => {
    await runner.execute(revocationStatements.revoke({ userKey: revocation.userKey, revokedAt: now, revokedBy: revocation.revokedBy, reason }));
    await auditOperatorChange(runner, now, revocation.revokedBy, 'operator.revoked', revocation.userKey, reason);
  });
}

/** Lifts a revocation; false when userKey was not revoked. */
export async function restoreOperator(store: Store, userKey: string, restoredBy: string): Promise<boolean> {
  return store.transaction(async (runner) => {
    const removed = await runner.execute(revocationStatements.restore(userKey));
    if (removed === 0) return false;
    await auditOperatorChange(runner, new Date(), restoredBy, 'operator.restored', userKey, null);
    return true;
  });
}

export function listRevocations(store: Store): Promise<Revocation[]> {
  return store.prisma((db) => db.operatorRevocation.findMany({ orderBy: [{ revokedAt: 'asc' }, { userKey: 'asc' }] }));
}
