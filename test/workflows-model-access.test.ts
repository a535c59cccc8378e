// Model access for workflow steps: @langchain/openai against the local OpenAI-compatible
// server, answers checked by the step's zod schema, the deterministic fallback when there is no
// model, the call fails or the answer does not fit, and every call recorded with its path,
// tokens, cost and redacted input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { ConfigSchema } from '../src/config/config.ts';
import { createModelPort } from '../src/llm/model-port.ts';
import { createOpenAIChat } from '../src/llm/openai-chat.ts';
import { costUsd, priceOf } from '../src/llm/prices.ts';
import { listModelCalls } from '../src/store/model-calls.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeOpenAI, type FakeOpenAI } from './support/fake-openai.ts';
import { silentLogger } from './support/operator.ts';

const Company = z.object({ company: z.string(), employees: z.number().int() });
const scope = { planId: 'pmodeltest', workflow: 'lead-qualification', stepKey: 'read-lead' };
const request = (fallback = { company: 'From rules', employees: 1 }) => ({
  task: 'extract-company',
  schema: Company,
  system: 'Extract the company.',
  prompt: 'Mail from jane@globex.example: Globex has 40 people.',
  fallback: () => fallback,
});

describe('model access for steps', () => {
  let database: TestDatabase;
  let store: Store;
  let openai: FakeOpenAI;
  const port = (withModel: boolean) =>
    createModelPort({
      store,
      logger: silentLogger(),
      chat: createOpenAIChat(ConfigSchema.parse(withModel ? { OPENAI_API_KEY: 'sk-test-model-access-000000', OPENAI_BASE_URL: openai.baseUrl } : {})),
    });
  const lastCall = async () => (await listModelCalls(store, scope.planId)).at(-1)!;

  before(async () => {
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
    openai = await startFakeOpenAI();
  });
  after(async () => {
    await openai?.close();
    await store?.close();
    await database?.drop();
  });

  test('an answer that fits the schema is used, and the call is priced from the table and recorded with its input redacted', async () => {
    openai.respond('extract-company', { company: 'Globex', employees: 40 });
    const result = await port(true).structured(request(), scope);
    assert.deepEqual(result, { value: { company: 'Globex', employees: 40 }, path: 'model' });
    const call = await lastCall();
    assert.equal(call.path, 'model');
    assert.equal(call.costUsd, (120 * 0.15 + 40 * 0.6) / 1_000_000);
    assert.ok(!JSON.stringify(call.input).includes('jane@globex.example') && JSON.stringify(call.input).includes('[email]'));
    const sent = openai.requestsTo('/v1/chat/completions').at(-1)!;
    assert.equal(sent.authorization, 'Bearer sk-test-model-access-000000');
    assert.deepEqual((sent.body.messages as { role: string }[]).map((m) => m.role), ['system', 'user']);
  });

  test('older models are asked through function calling, and their answer is used the same way', async () => {
    openai.respond('extract-company', { company: 'Globex', employees: 40 });
    const config = ConfigSchema.parse({ OPENAI_API_KEY: 'sk-test-model-access-000000', OPENAI_BASE_URL: openai.baseUrl, OPENAI_MODEL: 'gpt-4-0613' });
    const result = await createModelPort({ store, logger: silentLogger(), chat: createOpenAIChat(config) }).structured(request(), scope);
    assert.deepEqual(result, { value: { company: 'Globex', employees: 40 }, path: 'model' });
    const sent = openai.requestsTo('/v1/chat/completions').at(-1)!;
    assert.deepEqual(sent.body.tool_choice, { type: 'function', function: { name: 'extract-company' } });
    assert.equal((await lastCall()).model, 'gpt-4-0613');
  });

  test('a failing model call falls back to the rules, and the call is recorded with its error', async () => {
    openai.failNext({ status: 500, message: 'model overloaded' }, 2); // the first try and its one retry
    const result = await port(true).structured(request(), scope);
    assert.deepEqual(result, { value: { company: 'From rules', employees: 1 }, path: 'fallback' });
    const call = await lastCall();
    assert.equal(call.path, 'fallback');
    assert.match(call.error ?? '', /the model call failed: .*model overloaded/);
  });

  test('an answer that does not fit the schema falls back to the rules', async () => {
    openai.respond('extract-company', { company: 'Globex', employees: 'forty' });
    const result = await port(true).structured(request(), scope);
    assert.equal(result.path, 'fallback');
    assert.match((await lastCall()).error ?? '', /does not fit the contract .*employees/);
  });

  test('with no model configured the fallback runs without any request, and is recorded at no cost', async () => {
    const before = openai.requests.length;
    const result = await port(false).structured(request(), scope);
    assert.equal(result.path, 'fallback');
    assert.equal(openai.requests.length, before);
    const call = await lastCall();
    assert.deepEqual([call.path, call.model, call.costUsd], ['fallback', null, 0]);
    assert.match(call.error ?? '', /no model configured/);
  });

  test('dated model snapshots are priced like their model; unknown models cost nothing', () => {
    assert.deepEqual(priceOf('gpt-4o-mini-2024-07-18'), priceOf('gpt-4o-mini'));
    assert.equal(costUsd('llama3.1:8b', { promptTokens: 1000, completionTokens: 1000 }), 0);
  });
});
