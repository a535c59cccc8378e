// Discord through discord.js over the gateway: /op interactions, button clicks and thread
// replies are written to the inbox and only then deferred (Discord allows 3 seconds); the inbox
// worker's answer edits the deferred reply through the interaction's webhook. Notices become
// embeds edited in place. No business rules here.
import {
  Client,
  DiscordjsError,
  DiscordjsErrorCodes,
  Events,
  GatewayIntentBits,
  MessageFlags,
  RateLimitError,
  Routes,
  type GuildMember,
  type Interaction,
  type Message as DiscordMessage,
  type SendableChannels,
} from 'discord.js';
import type { Logger } from 'pino';
import { RateLimited, type ChatAdapter } from '../../src/bot/chat-adapter.ts';
import type { InboxAnswerer } from '../../src/bot/inbox.ts';
import { inboxDraft } from '../../src/bot/inbox-event.ts';
import type { Actor } from '../../src/bot/operators.ts';
import type { Reply } from '../../src/bot/reply.ts';
import { opensForm, threadKeyOf } from '../../src/bot/messages.ts';
import { HealthProblem } from '../../src/core/health.ts';
import { keepConnected } from '../../src/net/keep-connected.ts';
import type { InboxDraft } from '../../src/store/inbox.ts';
import { parseCustomId, toDiscord, toDiscordModal } from './components.ts';
import { commandText, opCommand } from './op-command.ts';

/** How long an Edit or Deny click waits for its form before answering that Operator is busy (Discord allows 3 s). */
const FORM_WAIT_MS = 2500;

export interface DiscordOptions {
  /** Writes an entry to the inbox durably; the interaction is deferred once it is written. */
  record: (draft: InboxDraft) => Promise<void>;
  /** The recorded answer (JSON) to an entry once run, or null after timeoutMs: a form must be a click's first answer. */
  answerOf: (id: string, timeoutMs: number) => Promise<string | null>;
  logger: Logger;
  token: string;
  applicationId: string;
  /** Guild commands appear at once; global ones can take an hour. */
  guildId?: string;
  /** The REST base; tests point it at a local server. */
  apiUrl: string;
}

export interface DiscordAdapter extends ChatAdapter, InboxAnswerer {
  /** Connects in the background, again and again with backoff until it holds: start-up never waits for Discord. */
  start(): void;
  stop(): Promise<void>;
  /** Throws a HealthProblem naming what is wrong and the fix while the gateway is not connected. */
  check(): Promise<void>;
  /** A rotated bot token (src/ops/reload.ts): REST uses it at once, the gateway reconnects with it. */
  updateCredentials(credentials: { token: string }): Promise<void>;
}

function actorOf(user: { id: string }, member: GuildMember | { roles?: unknown } | null): Actor {
  const roles = (member as GuildMember | null)?.roles;
  const roleIds = roles && 'cache' in roles ? [...roles.cache.keys()] : Array.isArray(roles) ? (roles as string[]) : [];
  return { platform: 'discord', userId: user.id, roleIds };
}

/** Registers /op (guild commands when a guild is given, else global). */
export async function registerCommands(client: Pick<Client, 'rest'>, applicationId: string, guildId?: string): Promise<void> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  await client.rest.put(route, { body: [opCommand()] });
}

/** /op could not be registered: the gateway works, the application's settings do not. */
class CommandRegistrationFailed extends Error {}

const BOT_SETTINGS = 'Discord Developer Portal → your application → Bot';

/** What a failed connection means for the operator, and what to do about it. */
export function discordProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if ((error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) || message === 'Authentication failed') {
    return `Discord rejected DISCORD_TOKEN. Fix: ${BOT_SETTINGS} → Reset Token, then set DISCORD_TOKEN (a running service takes it from OPERATOR_ENV_FILE or on SIGHUP)`;
  }
  if (message === 'Used disallowed intents') {
    return `Discord refused the Message Content intent (gateway close 4014, disallowed intents). Fix: ${BOT_SETTINGS} → Privileged Gateway Intents → turn on Message Content Intent and save; Operator reconnects by itself`;
  }
  if (error instanceof CommandRegistrationFailed) {
    return `Discord refused to register /op (${message}). Fix: check DISCORD_APPLICATION_ID and DISCORD_GUILD_ID, and invite the bot with the applications.commands scope`;
  }
  const code = (error as { code?: unknown }).code;
  return `Discord cannot be reached (${typeof code === 'string' ? code : message}); Operator retries with backoff. Fix: check the network, or DISCORD_API_URL if it is set`;
}

export function createDiscordAdapter(options: DiscordOptions): DiscordAdapter {
  const log = options.logger.child({ adapter: 'discord' });
  /**
   * A Client with Operator's listeners. A client that failed to log in, or was destroyed, stays
   * destroyed in discord.js (it never reports ready again), so each new connection gets a new one.
   */
  function createClient(): Client {
    const fresh = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      // The dispatcher owns retries, with a persisted backoff that honours retry_after.
      rest: { api: options.apiUrl, rejectOnRateLimit: () => true },
    });
    // REST works without the gateway: an `op worker` answers inbox entries through it alone.
    fresh.rest.setToken(token);
    fresh.on(Events.InteractionCreate, (interaction) => {
      onInteraction(interaction).catch((error: unknown) => log.error({ err: error }, 'a Discord interaction failed'));
    });
    fresh.on(Events.MessageCreate, (message) => {
      onMessage(message).catch((error: unknown) => log.error({ err: error }, 'a Discord message failed'));
    });
    fresh.on(Events.ShardDisconnect, (event) => log.warn({ code: event.code }, 'Discord gateway disconnected'));
    fresh.on(Events.ShardResume, () => log.info('Discord gateway resumed'));
    // discord.js reconnects by itself, except after a close it cannot recover from (a token reset,
    // an intent switched off): then the connection is tried again with backoff.
    fresh.on(Events.ShardError, (error) => {
      // While an attempt runs, its own failure says the same; only a connection that held is restarted.
      if (connection.problem === null && !fresh.isReady()) connection.restart(discordProblem(error));
    });
    return fresh;
  }

  let token = options.token;
  let client = createClient();

  async function onInteraction(interaction: Interaction): Promise<void> {
    const deliveryId = `discord:interaction:${interaction.id}`;
    const answerTo = { interactionToken: interaction.token };
    if (interaction.isChatInputCommand() && interaction.commandName === 'op') {
      const event = { kind: 'command', actor: actorOf(interaction.user, interaction.member), text: commandText(interaction), channel: interaction.channelId } as const;
      await options.record(inboxDraft(deliveryId, { event, answerTo }));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } else if (interaction.isButton() && interaction.customId.startsWith('op:')) {
      const { actionId, value } = parseCustomId(interaction.customId);
      const event = { kind: 'button', actor: actorOf(interaction.user, interaction.member), actionId, value } as const;
      if (opensForm(actionId)) {
        // Discord opens a modal only as an interaction's first answer, never after a deferral:
        // the click waits (within Discord's 3 s) for the core to answer it with the form.
        await options.record(inboxDraft(deliveryId, { event }));
        const answer = await options.answerOf(deliveryId, FORM_WAIT_MS);
        // The inbox recorded the reply it built (src/bot/inbox.ts), as the workspace reads it.
        const reply = answer === null ? null : (JSON.parse(answer) as Reply | null);
        if (reply?.form) await interaction.showModal(toDiscordModal(reply.form));
        else await interaction.reply({ ...toDiscord(reply?.message ?? { text: 'Operator is busy; click the button again in a moment.' }), flags: MessageFlags.Ephemeral });
        return;
      }
      await options.record(inboxDraft(deliveryId, { event, answerTo }));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } else if (interaction.isModalSubmit() && interaction.customId.startsWith('op:form:')) {
      const [form = '', value = ''] = interaction.customId.split('|');
      const fields = Object.fromEntries([...interaction.fields.fields.keys()].map((name) => [name, interaction.fields.getTextInputValue(name)]));
      await options.record(inboxDraft(deliveryId, { event: { kind: 'form', actor: actorOf(interaction.user, interaction.member), form, value, fields }, answerTo }));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    }
  }

  async function onMessage(message: DiscordMessage): Promise<void> {
    // Only people's replies in threads can answer a plan's question; other chatter is ignored.
    if (message.author.bot || !message.channel.isThread() || !message.channel.parentId) return;
    const event = { kind: 'reply', actor: actorOf(message.author, message.member), threadKey: threadKeyOf({ platform: 'discord', channel: message.channel.parentId, threadId: message.channel.id }), text: message.content } as const;
    await options.record(inboxDraft(`discord:message:${message.id}`, { event, answerTo: { channelId: message.channel.id, messageId: message.id } }));
  }

  /** The answer to an inbox entry: the deferred interaction's reply, or a reply to the thread message. */
  async function answer(answerTo: Record<string, string>, reply: Reply | null): Promise<void> {
    if (answerTo.interactionToken) {
      const original = Routes.webhookMessage(options.applicationId, answerTo.interactionToken, '@original');
      // On success a click's prompt itself shows the outcome: the deferred reply goes away.
      if (reply) await client.rest.patch(original, { body: toDiscord(reply.message), auth: false });
      else await client.rest.delete(original, { auth: false });
      return;
    }
    if (!reply || !answerTo.channelId || !answerTo.messageId) return;
    await client.rest.post(Routes.channelMessages(answerTo.channelId), {
      body: { ...toDiscord(reply.message), message_reference: { message_id: answerTo.messageId }, allowed_mentions: { replied_user: true } },
    });
  }

  const connection = keepConnected({
    name: 'Discord',
    logger: log,
    describe: discordProblem,
    connect: async () => {
      if (!client.isReady()) {
        await client.destroy();
        client = createClient();
        await client.login(token);
      }
      await registerCommands(client, options.applicationId, options.guildId).catch((error: unknown) => {
        throw new CommandRegistrationFailed(error instanceof Error ? error.message : String(error));
      });
    },
  });

  async function channel(id: string): Promise<SendableChannels> {
    const found = await client.channels.fetch(id);
    if (!found?.isSendable()) throw new Error(`Discord channel ${id} cannot be written to`);
    return found;
  }

  /** Discord's 429 becomes RateLimited so the dispatcher waits as told. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof RateLimitError) throw new RateLimited(error.retryAfter);
      throw error;
    }
  }

  return {
    platform: 'discord',
    answer,
    start: () => connection.start(),
    stop: async () => {
      await connection.stop();
      await client.destroy();
    },
    check: async () => {
      if (connection.problem) throw new HealthProblem(connection.problem);
      if (!client.isReady()) throw new HealthProblem('the Discord gateway is reconnecting (discord.js retries by itself); if this lasts, check the network');
    },
    async updateCredentials({ token: next }) {
      if (next === token) return;
      token = next;
      client.rest.setToken(token);
      // Discord closes the sessions of a reset token; identify again with the new one, now.
      await client.destroy();
      connection.restart();
    },
    async post(target, message, delivery) {
      return call(async () => {
        const where = await channel(target.threadId ?? target.channel);
        // Discord drops a second message with the same nonce from the same author: a retried
        // notice is not posted twice.
        const sent = await where.send({ ...toDiscord(message), nonce: delivery.noticeId.slice(0, 25), enforceNonce: true });
        if (!delivery.startsThread) return { messageId: sent.id };
        const thread = sent.thread ?? (await sent.startThread({ name: (message.title ?? 'Plan').slice(0, 100) }));
        return { messageId: sent.id, threadId: thread.id };
      });
    },
    async update(target, messageId, message) {
      await call(async () => {
        const where = await channel(target.threadId ?? target.channel);
        await where.messages.edit(messageId, toDiscord(message));
      });
    },
    async direct(userId, message, delivery) {
      await call(async () => {
        const dm = await client.users.createDM(userId);
        await dm.send({ ...toDiscord(message), nonce: delivery.noticeId.slice(0, 25), enforceNonce: true });
      });
    },
  };
}
