import type { WorkflowDefinition } from '../../../src/conductor/workflow.ts';
import type { TestDatabase } from '../databases.ts';
import { startFakeDiscord } from '../fake-discord.ts';
import { discordConnected, testService } from '../operator.ts';
import type { ChatDriver } from './chat-driver.ts';

const OPERATOR = '2100000000000000001';
const STRANGER = '2100000000000000099';

/** `/op start w a=1 b=2` as Discord sends it: a subcommand with named options. */
function asSubcommand(text: string): { subcommand: string; args: Record<string, string | number> } {
  const [subcommand = 'help', first, ...rest] = text.split(/\s+/);
  const args: Record<string, string | number> = {};
  if (subcommand === 'start') {
    if (first) args.workflow = first;
    if (rest.length) args.input = rest.join(' ');
  } else if (subcommand === 'list') {
    if (first) args.scope = first;
  } else if (first) {
    args.plan = first;
    if (subcommand === 'rollback' && rest[0]) args.version = Number(rest[0]);
    else if (rest.length) args.reason = rest.join(' ');
  }
  return { subcommand, args };
}

/** settings: more environment for the service (escalation, SMTP). */
export async function discordDriver(database: TestDatabase, workflows: WorkflowDefinition[], settings: Record<string, string> = {}): Promise<ChatDriver> {
  const fake = await startFakeDiscord();
  const service = await testService(database, workflows, {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.restUrl,
    OPERATOR_DISCORD_USER_IDS: OPERATOR,
    ...settings,
  });
  // The gateway connects in the background; Discord sends interactions only to a connected bot.
  await discordConnected(service);
  const textOf = (value: unknown) => JSON.stringify(value);
  /** Messages as they stand now (edits applied), oldest first. */
  const messages = (channelId: string) => fake.messagesIn(channelId);
  const waitForMessage = (channelId: string, match: (text: string) => boolean) =>
    fake.waitFor(() => messages(channelId).find((m) => match(textOf(m))), 10_000);

  /** The private answer to an interaction: its deferred reply edited, or deleted when there is nothing to say. */
  async function answerTo(token: string, timeoutMs = 5000): Promise<string | null> {
    const call = await fake.waitFor(
      () => fake.calls.find((c) => c.path.startsWith(`/webhooks/${fake.applicationId}/${token}/messages/@original`) && (c.method === 'PATCH' || c.method === 'DELETE')),
      timeoutMs,
    );
    return call.method === 'DELETE' ? null : textOf(call);
  }

  return {
    platform: 'discord',
    service,
    operatorId: OPERATOR,
    strangerId: STRANGER,
    async command(text, userId = OPERATOR) {
      const interaction = fake.sendInteraction(fake.slashCommand({ userId, ...asSubcommand(text) }));
      return (await answerTo(String(interaction.token))) ?? '';
    },
    async threadOf(planId) {
      const card = await waitForMessage(fake.channelId, (text) => text.includes(planId));
      // A thread started from a message has the message's id.
      await fake.waitFor(() => fake.getChannel(String(card.id)));
      return String(card.id);
    },
    async waitForCard(planId, text) {
      await waitForMessage(fake.channelId, (t) => t.includes(planId) && text.test(t));
    },
    async waitForThreadMessage(threadId, text) {
      return String((await waitForMessage(threadId, (t) => text.test(t))).id);
    },
    async buttonValue(threadId, action) {
      const prompt = await fake.waitFor(() => [...messages(threadId)].reverse().find((m) => textOf(m).includes(`"op:${action}|`)), 10_000);
      return new RegExp(`"op:${action}\\|([^"]+)"`).exec(textOf(prompt))![1]!;
    },
    async click(threadId, action, value, userId = OPERATOR) {
      const prompt = [...messages(threadId)].reverse().find((m) => textOf(m).includes(`op:${action}|${value}`));
      const interaction = fake.sendInteraction(fake.buttonClick({ userId, channelId: threadId, customId: `op:${action}|${value}`, messageId: prompt ? String(prompt.id) : undefined }));
      // A button that opens a form (Edit, Deny) answers at once, in the interaction's callback.
      const callback = `/interactions/${String(interaction.id)}/${String(interaction.token)}/callback`;
      const direct = () => fake.calls.find((c) => c.method === 'POST' && c.path === callback && (c.body as { type?: number }).type === 4);
      const answered = await fake.waitFor(() => direct() ?? fake.calls.find((c) => c.path.startsWith(`/webhooks/${fake.applicationId}/${String(interaction.token)}/messages/@original`) && (c.method === 'PATCH' || c.method === 'DELETE')), 5000);
      return answered.method === 'DELETE' ? null : textOf(answered);
    },
    async openForm(threadId, action, value) {
      const prompt = [...messages(threadId)].reverse().find((m) => textOf(m).includes(`op:${action}|${value}`));
      const click = fake.sendInteraction(fake.buttonClick({ userId: OPERATOR, channelId: threadId, customId: `op:${action}|${value}`, messageId: prompt ? String(prompt.id) : undefined }));
      const callback = await fake.waitFor(() => fake.calls.find((c) => c.method === 'POST' && c.path === `/interactions/${String(click.id)}/${String(click.token)}/callback`), 10_000);
      const answer = callback.body as { type: number; data: { custom_id: string; components: { components: { custom_id: string; value?: string; max_length?: number }[] }[] } };
      if (answer.type !== 9) throw new Error(`the click was answered with type ${answer.type}, not a modal: ${textOf(answer)}`);
      const modal = answer.data;
      return {
        fields: Object.fromEntries(modal.components.map((row) => [row.components[0]!.custom_id, row.components[0]!.value ?? ''])),
        maxLengths: Object.fromEntries(modal.components.flatMap(({ components: [input] }) => (input!.max_length ? [[input!.custom_id, input!.max_length]] : []))),
        async submit(values) {
          const submitted = fake.sendInteraction(fake.modalSubmit({ userId: OPERATOR, channelId: threadId, customId: modal.custom_id, values }));
          // Accepted: the deferred reply is deleted; refused: it shows each field's error as an embed field.
          const call = await fake.waitFor(
            () => fake.calls.find((c) => c.path.startsWith(`/webhooks/${fake.applicationId}/${String(submitted.token)}/messages/@original`) && (c.method === 'PATCH' || c.method === 'DELETE')),
            10_000,
          );
          if (call.method === 'DELETE') return null;
          const fields = (call.body as { embeds?: { fields?: { name: string; value: string }[] }[] }).embeds?.[0]?.fields ?? [];
          return Object.fromEntries(fields.map((field) => [field.name, field.value]));
        },
      };
    },
    async reply(threadId, text, userId = OPERATOR) {
      fake.sendMessage({ channelId: threadId, userId, content: text });
    },
    async waitForDirectMessage(userId, text) {
      // The bot's DM channel with the user, opened through POST /users/@me/channels.
      const isDmWith = (channelId: string) => {
        const channel = fake.getChannel(channelId);
        return channel?.type === 1 && (channel.recipients as { id: string }[])[0]?.id === userId;
      };
      const posted = await fake.waitFor(
        () =>
          fake
            .callsTo('POST', /^\/channels\/\d+\/messages$/)
            .map((call) => /^\/channels\/(\d+)\//.exec(call.path)![1]!)
            .filter(isDmWith)
            .flatMap((channelId) => messages(channelId))
            .find((m) => text.test(textOf(m))),
        10_000,
      );
      return textOf(posted);
    },
    async waitForOutcome(threadId, text) {
      await waitForMessage(threadId, (t) => text.test(t));
    },
    async close() {
      await service.stop();
      await fake.close();
    },
  };
}
