// A revocation holds at once in every replica: each checks the store on every request, so a
// revocation written through one connection refuses the user through another, with no cache.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OperatorAllowlist, operatorAccess } from '../src/bot/operators.ts';
import { isRevoked, listRevocations, restoreOperator, revokeOperator } from '../src/store/revocations.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';

for (const provider of providers()) {
  describe(`operator revocation across replicas (${provider})`, () => {
    let database: TestDatabase;
    let replicaA: Store;
    let replicaB: Store;
    const allowlist = new OperatorAllowlist({ slack: ['UOPS'] });
    const actor = { platform: 'slack', userId: 'UOPS' };

    before(async () => {
      database = await createTestDatabase(provider);
      replicaA = await openStore(database.url);
      replicaB = await openStore(database.url);
    });
    after(async () => {
      await replicaA.close();
      await replicaB.close();
      await database.drop();
    });

    test('revoked through one replica, refused by the other at once; restored, allowed again', async () => {
      assert.deepEqual(await operatorAccess(allowlist, replicaB, actor), { allowed: true });
      await revokeOperator(replicaA, { userKey: 'slack:UOPS', revokedBy: 'cli:owner', reason: 'left the company' });
      assert.deepEqual(await operatorAccess(allowlist, replicaB, actor), { allowed: false, reason: 'operator access revoked' });
      // Revoking again keeps one row and the latest reason.
      await revokeOperator(replicaB, { userKey: 'slack:UOPS', revokedBy: 'cli:owner', reason: 'really left' });
      assert.deepEqual((await listRevocations(replicaA)).map((r) => [r.userKey, r.reason]), [['slack:UOPS', 'really left']]);
      assert.equal(await restoreOperator(replicaB, 'slack:UOPS', 'cli:owner'), true);
      assert.equal(await isRevoked(replicaA, 'slack:UOPS'), false);
      assert.deepEqual(await operatorAccess(allowlist, replicaA, actor), { allowed: true });
      const audit = await replicaA.prisma((db) => db.auditEntry.findMany({ where: { action: { startsWith: 'operator.' } }, orderBy: { id: 'asc' } }));
      assert.deepEqual(audit.map((e) => e.action), ['operator.revoked', 'operator.revoked', 'operator.restored']);
    });

    test('someone off the allowlist is refused as not an operator, revoked or not', async () => {
      assert.deepEqual(await operatorAccess(allowlist, replicaA, { platform: 'slack', userId: 'USTRANGER' }), { allowed: false, reason: 'not an operator' });
    });
  });
}
