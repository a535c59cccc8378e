// Chroma killed (SIGKILL) mid-run and restarted on its data: recall keeps answering, degraded,
// from a keyword search of the records; memories written meanwhile are indexed once it is back.
// A Chroma that hangs instead is called no more after a few timeouts, until a trial finds it back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChromaIndex, IndexUnavailable } from '../src/memory/chroma-index.ts';
import { startLocalChroma } from '../src/memory/chroma-server.ts';
import { listenOnLoopback } from './support/listen.ts';
import { pollUntil } from './support/poll.ts';
import type { Operator } from '../src/operator.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { drainIndex, memoryOperator, testChroma, waitForIndexInStep } from './support/memory.ts';

for (const provider of providers()) {
  describe(`memory when Chroma dies (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
    });
    after(async () => {
      await database.drop();
    });

    test('recall degrades to keyword search while Chroma is down, and nothing written meanwhile is lost', async () => {
      let chroma = await testChroma(database);
      operator = await memoryOperator(database, chroma);
      const indexer = operator.memory.startIndexer({ idleMs: 50, maxBackoffMs: 200 });
      try {
        const before = await operator.memory.remember({ kind: 'fact', text: 'Acme Ltd changed their bank account in May.', source: 'cli', createdBy: 'cli:alice' });
        await drainIndex(operator.memory);
        assert.equal((await operator.memory.recall('Acme bank account')).degraded, false);

        await chroma.stop(); // SIGKILL, then wait for the pid to go

        const during = await operator.memory.recall('did Acme change its bank account?');
        assert.equal(during.degraded, true);
        assert.equal(during.citations[0]?.recordId, before.id, 'the keyword search still finds it');

        const written = await operator.memory.remember({ kind: 'decision', text: 'Approved paying Acme Ltd 1,250 EUR to the new account after a phone check.', source: 'plan', createdBy: 'plan:p1', workflow: 'supplier-payment' });
        const forgotten = await operator.memory.remember({ kind: 'fact', text: 'A note about Acme that is forgotten while Chroma is down.', source: 'cli', createdBy: 'cli:alice' });
        assert.equal(await operator.memory.forget(forgotten.id), true);
        const stillDown = await operator.memory.recall('payment to Acme approved');
        assert.equal(stillDown.degraded, true);
        assert.equal(stillDown.citations[0]?.recordId, written.id, 'records written while Chroma is down are recalled at once');

        chroma = await testChroma(database, { dataDir: chroma.dataDir, port: Number(new URL(chroma.url).port) });
        const report = await waitForIndexInStep(operator.memory);
        assert.equal(report.records, 2);
        assert.equal(report.indexed, 2, 'the indexer caught up: the new record is in, the forgotten one is not');

        const after = await operator.memory.recall('payment to Acme approved');
        assert.equal(after.degraded, false);
        assert.equal(after.citations[0]?.recordId, written.id);
      } finally {
        await indexer.stop();
        await operator.close();
        await chroma.stop();
      }
    });
  });
}

test('a Chroma that hangs costs the call timeout three times, then is not called until a trial call finds it back', async () => {
  // Accepts connections and never answers, as a stopped (not killed) server does.
  const connections: net.Socket[] = [];
  const hung = net.createServer((socket) => void connections.push(socket));
  await listenOnLoopback(hung, 0);
  const { port } = hung.address() as net.AddressInfo;
  const index = new ChromaIndex(`http://127.0.0.1:${port}`, 'breaker-test', { callTimeoutMs: 1500, failuresToOpen: 3, retryAfterMs: 1000 });
  const timed = async () => {
    const started = Date.now();
    const error = await index.count().then(() => null, (failure: unknown) => failure);
    assert.ok(error instanceof IndexUnavailable, `an IndexUnavailable, not ${String(error)}`);
    return { ms: Date.now() - started, message: error.message };
  };

  for (let n = 0; n < 3; n++) assert.match((await timed()).message, /did not answer within 1500 ms/);
  const reached = connections.length;
  const refused = await timed();
  assert.match(refused.message, /failed 3 calls in a row; it is tried again at most every 1000 ms/);
  assert.ok(refused.ms < 100, `an open breaker answers at once, not after the timeout (${refused.ms} ms)`);
  assert.equal(connections.length, reached, 'the hung server is not called while the breaker is open');

  for (const socket of connections) socket.destroy();
  await new Promise((resolve) => hung.close(resolve));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-chroma-breaker-'));
  const chroma = await startLocalChroma({ dataDir, port, reuse: false });
  try {
    // pollUntil waits for a truthy value: the count of an empty collection is 0.
    const found = await pollUntil(() => index.count().then((count) => ({ count }), () => null), 15_000, () => 'no trial call found Chroma back');
    assert.equal(found.count, 0, 'the trial call reached the real server');
  } finally {
    await chroma.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
