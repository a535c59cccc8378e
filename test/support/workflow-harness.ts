// The three real workflows end to end: the whole service with real Bolt against the fake Slack,
// a webhook receiver, and either @langchain/openai against the local OpenAI-compatible server
// ("model") or no model at all ("fallback": rules and templates).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowDefinition } from '../../src/conductor/workflow.ts';
import { listModelCalls, type ModelCallRecord } from '../../src/store/model-calls.ts';
import type { TestDatabase } from './databases.ts';
import type { ChatDriver } from './drivers/chat-driver.ts';
import { slackDriver } from './drivers/slack-driver.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export type ModelMode = 'model' | 'fallback';
export const MODEL_MODES: ModelMode[] = ['model', 'fallback'];
export const describeMode = (mode: ModelMode) => (mode === 'model' ? 'a model behind @langchain/openai' : 'no model: rules and templates');

export const WEBHOOK_SECRET = 'workflow-test-webhook-secret';

export interface WorkflowHarness {
  chat: ChatDriver;
  openai: FakeOpenAI | null;
  webhook: WebhookReceiver;
  dataDir: string;
  /** `/op start <workflow> <text>`; the plan id and its thread. */
  start(workflow: string, text: string): Promise<{ planId: string; thread: string }>;
  /** Files directly under DATA_DIR/<folder> (no sub-folders, no write-aside files). */
  files(folder: string): string[];
  read(relative: string): Buffer;
  modelCalls(planId: string): Promise<ModelCallRecord[]>;
  /** Webhook requests whose Idempotency-Key belongs to the plan, each checked for a valid signature. */
  webhooksOf(planId: string): { event: string; key: string; data: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startWorkflowHarness(
  database: TestDatabase,
  workflows: WorkflowDefinition[],
  mode: ModelMode,
  settings: Record<string, string> = {},
): Promise<WorkflowHarness> {
  const openai = mode === 'model' ? await startFakeOpenAI() : null;
  const webhook = await startWebhookReceiver();
  const chat = await slackDriver(database, workflows, {
    WEBHOOK_URL: webhook.url,
    WEBHOOK_SECRET,
    ...(openai ? { OPENAI_API_KEY: 'sk-test-workflows-0000000000', OPENAI_BASE_URL: openai.baseUrl } : {}),
    ...settings,
  });
  const dataDir = path.join(database.dir, 'data');
  return {
    chat,
    openai,
    webhook,
    dataDir,
    async start(workflow, text) {
      const answer = await chat.command(`start ${workflow} ${text}`);
      const planId = /plan (p[a-z0-9]+)/.exec(answer)?.[1] ?? assert.fail(`no plan started: ${answer}`);
      return { planId, thread: await chat.threadOf(planId) };
    },
    files(folder) {
      const dir = path.join(dataDir, folder);
      if (!fs.existsSync(dir)) return [];
      return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
    },
    read: (relative) => fs.readFileSync(path.join(dataDir, relative)),
    modelCalls: (planId) => listModelCalls(chat.service.operator.store, planId),
    webhooksOf(planId) {
      return webhook.requests
        .filter((request) => String(request.headers['idempotency-key']).startsWith(`${planId}:`))
        .map((request) => {
          const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(request.body).digest('hex')}`;
          assert.equal(request.headers['x-operator-signature'], expected, 'the webhook body is signed with WEBHOOK_SECRET');
          const body = JSON.parse(request.body) as { event: string; data: Record<string, unknown> };
          return { event: body.event, key: String(request.headers['idempotency-key']), data: body.data };
        });
    },
    async close() {
      await chat.close();
      await webhook.close();
      await openai?.close();
    },
  };
}
