// Discord's front door: the gateway connection (discord.js), run on the front door's thread
// (src/http/front-door.ts) like Slack's receiver. /op interactions, button clicks, modal
// submissions and thread replies are written to the inbox and only then deferred (Discord allows
// 3 seconds), so an acknowledgement never waits behind the conductor's work. Answers go out from
// wherever the entry is run, through Discord's REST API (discord-adapter.ts).
import { Client, DiscordjsError, DiscordjsErrorCodes, Events, GatewayIntentBits, MessageFlags, type GuildMember, type Interaction, type Message } from 'discord.js';
import { z } from 'zod';
import { inboxDraft } from '../../src/bot/inbox-event.ts';
import type { Actor } from '../../src/bot/operators.ts';
import type { Reply } from '../../src/bot/reply.ts';
import { opensForm, threadKeyOf } from '../../src/bot/messages.ts';
import type { FrontDoorReceiver, ReceiverFactory } from '../../src/http/front-door.ts';
import { keepConnected } from '../../src/net/keep-connected.ts';
import { parseCustomId, toDiscord, toDiscordModal } from './components.ts';
import { commandText, registerCommands } from './op-command.ts';

/** How long an Edit or Deny click waits for its form before answering that Operator is busy (Discord allows 3 s). */
const FORM_WAIT_MS = 2500;

const BOT_SETTINGS = 'Discord Developer Portal → your application → Bot';

/** /op could not be registered: the gateway works, the application's settings do not. */
class CommandRegistrationFailed extends Error {}

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

const RECONNECTING = 'the Discord gateway is reconnecting (discord.js retries by itself); if this lasts, check the network';

function actorOf(user: { id: string }, member: GuildMember | { roles?: unknown } | null): Actor {
  const roles = (member as GuildMember | null)?.roles;
  const roleIds = roles && 'cache' in roles ? [...roles.cache.keys()] : Array.isArray(roles) ? (roles as string[]) : [];
  return { platform: 'discord', userId: user.id, roleIds };
}

/** What the service passes to the front door for Discord (src/service.ts). */
const ReceiverSettings = z.object({ token: z.string(), applicationId: z.string(), guildId: z.string().optional(), apiUrl: z.string() });

/** The front door's entry point: Discord's gateway with its settings; `reconfigure({ token })` reconnects with a rotated token. */
export const createReceiver: ReceiverFactory = ({ settings, logger, record, answerOf, reportProblem }): FrontDoorReceiver => {
  const options = ReceiverSettings.parse(settings);
  const log = logger.child({ adapter: 'discord' });
  let token = options.token;

  /**
   * A Client with Operator's listeners. A client that failed to log in, or was destroyed, stays
   * destroyed in discord.js (it never reports ready again), so each new connection gets a new one.
   */
  function createClient(): Client {
    const fresh = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: options.apiUrl } });
    fresh.on(Events.InteractionCreate, (interaction) => {
      onInteraction(interaction).catch((error: unknown) => log.error({ err: error }, 'a Discord interaction failed'));
    });
    fresh.on(Events.MessageCreate, (message) => {
      onMessage(message).catch((error: unknown) => log.error({ err: error }, 'a Discord message failed'));
    });
    fresh.on(Events.ShardDisconnect, (event) => {
      log.warn({ code: event.code }, 'Discord gateway disconnected');
      if (connection.problem === null) reportProblem(RECONNECTING);
    });
    fresh.on(Events.ShardResume, () => {
      log.info('Discord gateway resumed');
      reportProblem(connection.problem);
    });
    // discord.js reconnects by itself, except after a close it cannot recover from (a token reset,
    // an intent switched off): then the connection is tried again with backoff.
    fresh.on(Events.ShardError, (error) => {
      // While an attempt runs, its own failure says the same; only a connection that held is restarted.
      if (connection.problem === null && !fresh.isReady()) connection.restart(discordProblem(error));
    });
    return fresh;
  }
  let client = createClient();

  async function onInteraction(interaction: Interaction): Promise<void> {
    const deliveryId = `discord:interaction:${interaction.id}`;
    const answerTo = { interactionToken: interaction.token };
    if (interaction.isChatInputCommand() && interaction.commandName === 'op') {
      const event = { kind: 'command', actor: actorOf(interaction.user, interaction.member), text: commandText(interaction), channel: interaction.channelId } as const;
      await record(inboxDraft(deliveryId, { event, answerTo }));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } else if (interaction.isButton() && interaction.customId.startsWith('op:')) {
      const { actionId, value } = parseCustomId(interaction.customId);
      const event = { kind: 'button', actor: actorOf(interaction.user, interaction.member), actionId, value } as const;
      if (opensForm(actionId)) {
        // Discord opens a modal only as an interaction's first answer, never after a deferral:
        // the click waits (within Discord's 3 s) for the core to answer it with the form.
        await record(inboxDraft(deliveryId, { event }));
        const answer = await answerOf(deliveryId, FORM_WAIT_MS);
        // The inbox recorded the reply it built (src/bot/inbox.ts), as the workspace reads it.
        const reply = answer === null ? null : (JSON.parse(answer) as Reply | null);
        if (reply?.form) await interaction.showModal(toDiscordModal(reply.form));
        else await interaction.reply({ ...toDiscord(reply?.message ?? { text: 'Operator is busy; click the button again in a moment.' }), flags: MessageFlags.Ephemeral });
        return;
      }
      await record(inboxDraft(deliveryId, { event, answerTo }));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } else if (interaction.isModalSubmit() && interaction.customId.startsWith('op:form:')) {
      const [form = '', value = ''] = interaction.customId.split('|');
      const fields = Object.fromEntries([...interaction.fields.fields.keys()].map((name) => [name, interaction.fields.getTextInputValue(name)]));
      await record(inboxDraft(deliveryId, { event: { kind: 'form', actor: actorOf(interaction.user, interaction.member), form, value, fields }, answerTo }));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    }
  }

  async function onMessage(message: Message): Promise<void> {
    // Only people's replies in threads can answer a plan's question; other chatter is ignored.
    if (message.author.bot || !message.channel.isThread() || !message.channel.parentId) return;
    const event = { kind: 'reply', actor: actorOf(message.author, message.member), threadKey: threadKeyOf({ platform: 'discord', channel: message.channel.parentId, threadId: message.channel.id }), text: message.content } as const;
    await record(inboxDraft(`discord:message:${message.id}`, { event, answerTo: { channelId: message.channel.id, messageId: message.id } }));
  }

  const connection = keepConnected({
    name: 'Discord',
    logger: log,
    describe: discordProblem,
    onProblem: reportProblem,
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

  return {
    requestListener: null,
    // Connects in the background: an unreachable Discord, a rejected token or a missing intent
    // leaves the service up and /healthz degraded with the fix.
    start: async () => {
      reportProblem(connection.problem);
      connection.start();
    },
    stop: async () => {
      await connection.stop();
      await client.destroy();
    },
    reconfigure: (next) => {
      if (!next.token || next.token === token) return;
      token = next.token;
      // Discord closes the sessions of a reset token; identify again with the new one, now.
      void client.destroy().then(() => connection.restart());
    },
  };
};
