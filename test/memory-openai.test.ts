// With OPENAI_API_KEY: real @langchain/openai embeddings and a grounded answer from a local
// OpenAI-compatible server (OPENAI_BASE_URL), vectors in a real Chroma server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LocalChroma } from '../src/memory/chroma-server.ts';
import type { Operator } from '../src/operator.ts';
import { sql } from '../src/store/sql.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeOpenAI, type FakeOpenAI } from './support/fake-openai.ts';
import { drainIndex, memoryOperator, testChroma } from './support/memory.ts';

describe('memory with an OpenAI-compatible model', () => {
  let database: TestDatabase;
  let chroma: LocalChroma;
  let fake: FakeOpenAI;
  let operator: Operator;
  let acme: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    chroma = await testChroma(database);
    fake = await startFakeOpenAI();
    operator = await memoryOperator(database, chroma, { OPENAI_API_KEY: 'sk-test-key-for-the-fake-server', OPENAI_BASE_URL: fake.baseUrl });
    acme = (await operator.memory.remember({ kind: 'fact', text: 'Acme Ltd pays within 14 days; questions to maria.keller@acme.example', source: 'cli', createdBy: 'cli:alice' })).id;
    await operator.memory.remember({ kind: 'fact', text: 'The newsletter goes out on the first Monday of the month', source: 'cli', createdBy: 'cli:alice' });
    await drainIndex(operator.memory);
  });
  after(async () => {
    await operator.close();
    await chroma.stop();
    await fake.close();
    await database.drop();
  });

  const modelCalls = () => operator.store.transaction((runner) => runner.query(sql`SELECT "task", "path", "planId", "error" FROM "ModelCall" ORDER BY "at"`));

  test('embeds through the configured server into a collection of its own, and sends it no personal data', async () => {
    assert.equal(operator.memory.index.collectionName, 'memory_text-embedding-3-small_v1');
    const sent = JSON.stringify(fake.requestsTo('/v1/embeddings').map((r) => r.body.input));
    assert.match(sent, /Acme Ltd pays within 14 days; questions to \[email\]/);
    assert.ok(!sent.includes('maria.keller@acme.example'));
    const result = await operator.memory.recall('when does Acme Ltd pay');
    assert.equal(result.degraded, false);
    assert.equal(result.citations[0]!.recordId, acme);
    assert.equal(result.answer, undefined, 'no answer unless asked for');
  });

  test('answers in words from the citations when asked, and records the call', async () => {
    fake.respond('recall-answer', (request: { messages: { content: string }[] }) => {
      assert.match(request.messages.at(-1)!.content, /\[1\] Acme Ltd pays within 14 days; questions to \[email\]/);
      return { answer: 'Acme Ltd pays within 14 days [1].' };
    });
    const result = await operator.memory.recall('when does Acme Ltd pay', { answer: true, k: 2 });
    assert.equal(result.answer, 'Acme Ltd pays within 14 days [1].');
    const [call] = (await modelCalls()).filter((c) => c.path === 'model');
    assert.deepEqual([call!.task, call!.planId], ['recall-answer', null]);
  });

  test('an answer that cites a snippet it was not given, or a failed call, leaves the snippets alone', async () => {
    fake.respond('recall-answer', { answer: 'Acme pays in 14 days [7].' });
    const invented = await operator.memory.recall('when does Acme Ltd pay', { answer: true, k: 2 });
    assert.equal(invented.answer, null);
    assert.equal(invented.citations[0]!.recordId, acme);

    fake.failNext({ status: 500 }, 5);
    const failed = await operator.memory.recall('when does Acme Ltd pay', { answer: true, k: 2 });
    assert.equal(failed.answer, null);
    assert.equal(failed.citations[0]!.recordId, acme);
    const fallbacks = (await modelCalls()).filter((c) => c.path === 'fallback');
    assert.equal(fallbacks.length, 2);
    assert.match(String(fallbacks[0]!.error), /cites a snippet it was not given/);
  });
});
