import type { WorkflowDefinition } from '../../../src/conductor/workflow.ts';
import type { TestDatabase } from '../databases.ts';
import { startFakeSlack, type SlackCall } from '../fake-slack.ts';
import { testService } from '../operator.ts';
import { blockActionBody, messageEventBody, postToSlackEndpoint, slashCommandBody, viewSubmissionBody } from '../slack-requests.ts';
import type { ChatDriver } from './chat-driver.ts';

const SECRET = 'parity-signing-secret';
const CHANNEL = 'C1';

/** settings: more environment for the service (a model server, a webhook, SMTP). */
export async function slackDriver(database: TestDatabase, workflows: WorkflowDefinition[], settings: Record<string, string> = {}): Promise<ChatDriver> {
  const fake = await startFakeSlack();
  const service = await testService(database, workflows, {
    SLACK_BOT_TOKEN: 'xoxb-parity',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    OPERATOR_SLACK_USER_IDS: 'UOPS,UOPS2',
    ...settings,
  });
  const url = `http://127.0.0.1:${service.port}/slack/events`;
  let sequence = 0;
  const name = () => `r${++sequence}`;
  const textOf = (call: SlackCall) => JSON.stringify([call.body.text, call.body.blocks]);
  const inThread = (threadId: string) => fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === threadId);
  const answer = async (responseName: string, timeoutMs = 5000) =>
    String((await fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === responseName), timeoutMs)).body.text);

  return {
    platform: 'slack',
    service,
    operatorId: 'UOPS',
    strangerId: 'UNOBODY',
    async command(text, userId = 'UOPS') {
      const responseName = name();
      await postToSlackEndpoint(url, SECRET, slashCommandBody({ text, userId, channelId: CHANNEL, responseUrl: fake.responseUrl(responseName) }));
      return answer(responseName);
    },
    async threadOf(planId) {
      // Deadlines for a loaded machine: the card is the first thing a new plan's worker and dispatcher do.
      const card = await fake.waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && textOf(c).includes(planId)), 15_000);
      const posted = await fake.waitFor(() => fake.calls.find((c) => c.method === 'chat.update' && textOf(c).includes(planId)), 15_000);
      return String(posted.body.ts ?? card.body.ts);
    },
    async waitForCard(planId, text) {
      await fake.waitFor(() => fake.calls.find((c) => c.method === 'chat.update' && textOf(c).includes(planId) && text.test(textOf(c))), 10_000);
    },
    async waitForThreadMessage(threadId, text) {
      await fake.waitFor(() => inThread(threadId).find((c) => text.test(textOf(c))), 10_000);
      return threadId;
    },
    async buttonValue(threadId, action) {
      const prompt = await fake.waitFor(() => inThread(threadId).reverse().find((c) => textOf(c).includes(`op:${action}`)), 10_000);
      const actions = (prompt.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!;
      return actions.elements!.find((e) => e.action_id === `op:${action}`)!.value;
    },
    async click(threadId, action, value, userId = 'UOPS') {
      const responseName = name();
      await postToSlackEndpoint(url, SECRET, blockActionBody({ userId, channelId: CHANNEL, actionId: `op:${action}`, value, messageTs: threadId, responseUrl: fake.responseUrl(responseName) }));
      return answer(responseName, 1500).catch(() => null);
    },
    async openForm(threadId, action, value) {
      const triggerId = `trigger-${name()}`;
      await postToSlackEndpoint(url, SECRET, blockActionBody({ userId: 'UOPS', channelId: CHANNEL, actionId: `op:${action}`, value, messageTs: threadId, responseUrl: fake.responseUrl(name()), triggerId }));
      const opened = await fake.waitFor(() => fake.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === triggerId), 10_000);
      const view = opened.body.view as { blocks: { block_id: string; element: { initial_value?: string; max_length?: number } }[] } & Record<string, unknown>;
      let submissions = 0;
      return {
        fields: Object.fromEntries(view.blocks.map((block) => [block.block_id, block.element.initial_value ?? ''])),
        maxLengths: Object.fromEntries(view.blocks.flatMap((block) => (block.element.max_length ? [[block.block_id, block.element.max_length]] : []))),
        async submit(values) {
          // Each submission of the open modal has a new hash, as Slack gives it.
          const response = await postToSlackEndpoint(url, SECRET, viewSubmissionBody({ userId: 'UOPS', view, viewId: `V-${triggerId}`, hash: `h${++submissions}`, values }));
          if (response.status !== 200) throw new Error(`the view submission was answered ${response.status}: ${response.text}`);
          const ack = response.text ? (JSON.parse(response.text) as { response_action?: string; errors?: Record<string, string> }) : {};
          return ack.response_action === 'errors' ? ack.errors ?? {} : null;
        },
      };
    },
    async reply(threadId, text, userId = 'UOPS') {
      await postToSlackEndpoint(url, SECRET, messageEventBody({ text, ts: `1900000000.${String(++sequence).padStart(6, '0')}`, threadTs: threadId, userId, channelId: CHANNEL }));
    },
    async waitForDirectMessage(userId, text) {
      // conversations.open gives the bot's conversation with the user; the fake names it D<user>.
      const opened = await fake.waitFor(() => fake.calls.find((c) => c.method === 'conversations.open' && c.body.users === userId), 10_000);
      const posted = await fake.waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === `D${String(opened.body.users)}` && text.test(textOf(c))), 10_000);
      return textOf(posted);
    },
    async waitForOutcome(_threadId, text) {
      await fake.waitFor(() => fake.calls.find((c) => c.method === 'chat.update' && text.test(textOf(c))), 10_000);
    },
    async close() {
      await service.stop();
      await fake.close();
    },
  };
}
