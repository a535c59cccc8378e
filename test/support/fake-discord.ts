/**
 * A local server that plays Discord for a real discord.js Client: REST under `/api` (any version
 * prefix: discord.js calls `${restUrl}/v10/...`) and the gateway as a WebSocket on the same port.
 *
 *   const fake = await startFakeDiscord();
 *   const client = new Client({ intents, rest: { api: fake.restUrl } });
 *   await client.login(fake.token);
 *
 * discord.js learns the gateway URL from `GET /gateway/bot`. It speaks plain JSON to it: discord.js
 * only asks for zlib-stream when the optional `zlib-sync` package is installed (it is not, and the
 * Client has no option to turn it off); a connection asking for compression or ETF is refused.
 *
 * What it models, as Discord does: snowflake ids; messages kept per channel (newest first from
 * GET); the bot's own messages echoed back as MESSAGE_CREATE / MESSAGE_UPDATE; intents honoured
 * (MESSAGE_CREATE needs GuildMessages / DirectMessages, and other users' content is blank without
 * MessageContent unless the bot is mentioned); a thread started from a message has that message's
 * id; interactions must get their first answer within 3 s, and only one; follow-ups need that
 * answer first; sequence numbers, RESUME with replay of missed dispatches, INVALID_SESSION for an
 * unknown session; Discord's 429 body and headers; Discord's length limits on messages, embeds,
 * buttons and commands (400 / 50035 Invalid Form Body). Every REST call is recorded in order.
 * Nothing leaves 127.0.0.1. Destroy the Client before close(), or it keeps trying to reconnect.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { pollUntil } from './poll.ts';

type Json = Record<string, unknown>;

export interface DiscordCall {
  /** Upper case: GET, POST, PATCH, PUT, DELETE. */
  method: string;
  /** Without `/api/v10` and without the query: `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON; for multipart bodies (files), the parsed `payload_json` part. */
  body: unknown;
  /** Files of a multipart body. */
  files?: { field: string; filename: string; contentType: string; size: number }[];
  /** The status the fake answered with. */
  status: number;
  /** Date.now() when the call arrived. */
  at: number;
}

/**
 * 429 as Discord sends it (`retry-after` header, `x-ratelimit-*`, `{message, retry_after, global}`);
 * any other error status with a Discord error body; or `lostAnswer`: the work is done (message
 * stored, event dispatched) but the answer is a 500, as when the connection dies mid-call.
 */
export type DiscordFailure =
  | { status: 429; retryAfterSeconds: number; global?: boolean }
  | { status: number; code?: number; message?: string }
  | { lostAnswer: true };

export interface GatewayEvent {
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
}

export interface SlashCommandInput {
  /** Interaction id; a fresh snowflake by default. */
  id?: string;
  userId: string;
  username?: string;
  /** The default text channel unless given; may be a thread. */
  channelId?: string;
  /** Command name; `op` by default. */
  name?: string;
  /** Shorthand for `options`: one subcommand (type 1) with these typed options. */
  subcommand?: string;
  args?: Record<string, string | number | boolean>;
  /** Raw `data.options`, used as is when given. */
  options?: unknown[];
  /** Role ids or names. Unknown names / ids are created first (GUILD_ROLE_CREATE). */
  roles?: string[];
  /** The member's permission bitfield; computed from the roles by default. */
  permissions?: string;
  locale?: string;
}

/** A modal's submission (interaction type 5): its custom_id and each text input's value by custom_id. */
export interface ModalSubmitInput {
  id?: string;
  userId: string;
  channelId?: string;
  customId: string;
  values: Record<string, string>;
}

export interface ButtonClickInput {
  id?: string;
  userId: string;
  username?: string;
  channelId?: string;
  customId: string;
  /** The message carrying the component. A stored message is used as is; otherwise a bot message with this id is made up and stored. */
  messageId?: string;
  roles?: string[];
  permissions?: string;
  /** 2 = button (default), 3 = string select (give `values`). */
  componentType?: number;
  values?: string[];
  locale?: string;
}

export interface SendMessageInput {
  channelId?: string;
  userId: string;
  username?: string;
  content: string;
  /** Defaults to the fake guild (omitted for DM channels). */
  guildId?: string;
  roles?: string[];
  /** The message this one replies to. */
  replyTo?: string;
  bot?: boolean;
}

export interface FakeDiscordOptions {
  applicationId?: string;
  /** Defaults to applicationId, as for every application created since 2020. */
  botUserId?: string;
  guildId?: string;
  guildName?: string;
  /** Text channels of the guild; one `general` channel by default. */
  channels?: { id?: string; name: string; type?: number }[];
  /** Extra roles besides @everyone and the bot's managed role. */
  roles?: { id?: string; name: string; permissions?: string }[];
  /** HELLO's heartbeat_interval (discord.js sends the first heartbeat after a random fraction of it). */
  heartbeatIntervalMs?: number;
  /** How long an interaction may wait for its first answer before it is "Unknown interaction" (Discord: 3000). */
  interactionTimeoutMs?: number;
  /** The bot token it accepts (a random one by default). */
  token?: string;
  /** The port to listen on (a free one by default): a test can bring Discord up where a client already points. */
  port?: number;
  /** Whether the application may use the privileged Message Content intent (true by default); see FakeDiscord. */
  messageContentIntent?: boolean;
}

export interface FakeDiscord {
  restUrl: string;
  /** The gateway URL that GET /gateway/bot hands out. */
  gatewayUrl: string;
  token: string;
  applicationId: string;
  botUserId: string;
  guildId: string;
  /** The first text channel. */
  channelId: string;
  calls: DiscordCall[];
  callsTo(method: string, pathPattern: RegExp): DiscordCall[];
  waitFor<T>(predicate: (calls: DiscordCall[]) => T, timeoutMs?: number): Promise<NonNullable<T>>;
  /** The next call matching method and path fails. Queued in order; each is used once. */
  failNext(method: string, pathPattern: RegExp, failure: DiscordFailure): void;

  /**
   * The Developer Portal's "Message Content Intent" switch. Off, an IDENTIFY that asks for the
   * intent is closed with 4014 "Disallowed intent(s).", as Discord does; switch it on at any time.
   */
  messageContentIntent: boolean;
  /** IDENTIFYs accepted so far (each starts a new session). */
  readonly identifies: number;
  /** RESUMEs accepted so far. */
  readonly resumes: number;
  /** Is a client connected with a live session right now? */
  readonly connected: boolean;
  gateway: {
    /** Every payload the client sent (heartbeats included), with its arrival time. */
    received: (GatewayEvent & { at: number })[];
    /** Every dispatch made (replays are not repeated here). */
    dispatched: (GatewayEvent & { at: number; sessionId: string })[];
    /** Dispatches lost because no session could take them (after a non-resumable disconnect). */
    dropped: { t: string; d: unknown }[];
    /** URLs the client connected to, e.g. `/gateway?v=10&encoding=json`. */
    connections: { url: string; at: number }[];
  };

  slashCommand(input: SlashCommandInput): Json;
  buttonClick(input: ButtonClickInput): Json;
  modalSubmit(input: ModalSubmitInput): Json;
  /** Dispatch INTERACTION_CREATE; returns the payload (id, token). */
  sendInteraction(interaction: Json): Json;
  /** Store a user's message and dispatch MESSAGE_CREATE (subject to intents); returns the stored message. */
  sendMessage(input: SendMessageInput): Json;
  /** Dispatch any event on the current session. */
  dispatch(t: string, d: unknown): void;

  /**
   * Close the client's socket. resumable (default): code 4000, the session stays, and a RESUME
   * replays what was dispatched meanwhile. Not resumable: code 4009 and the session is forgotten,
   * so the client's RESUME gets INVALID_SESSION and it IDENTIFYs again; dispatches in between are dropped.
   */
  disconnect(options?: { resumable?: boolean }): Promise<void>;

  /** Stored messages of a channel or thread, oldest first (ephemeral ones are not in a channel). */
  messagesIn(channelId: string): Json[];
  /** Any stored message, ephemeral ones included. */
  findMessage(messageId: string): Json | undefined;
  getChannel(channelId: string): Json | undefined;
  /** Add a text channel (dispatches CHANNEL_CREATE when a session is live). */
  addChannel(input: { id?: string; name: string; type?: number }): Json;
  /** The id of a role by name, creating it (GUILD_ROLE_CREATE) if needed. */
  roleId(nameOrId: string): string;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Ids, permissions

const DISCORD_EPOCH = 1_420_070_400_000n;
let lastMs = 0n;
let increment = 0n;
/** A real-looking snowflake: creation time, worker 1, a per-millisecond increment. Unique per process. */
function snowflake(): string {
  let ms = BigInt(Date.now()) - DISCORD_EPOCH;
  if (ms <= lastMs) {
    ms = lastMs;
    increment += 1n;
    if (increment > 4095n) {
      ms += 1n;
      increment = 0n;
    }
  } else {
    increment = 0n;
  }
  lastMs = ms;
  return String((ms << 22n) | (1n << 17n) | increment);
}

const bit = (n: number) => 1n << BigInt(n);
const ADMINISTRATOR = bit(3);
const EVERYONE_PERMISSIONS = String(
  bit(6) | bit(10) | bit(11) | bit(14) | bit(15) | bit(16) | bit(18) | bit(31) | bit(35) | bit(38), // reactions, view, send, embed, attach, history, external emoji, app commands, public threads, send in threads
);
const BOT_PERMISSIONS = String(BigInt(EVERYONE_PERMISSIONS) | bit(13) | bit(34) | bit(36)); // + manage messages, manage threads, private threads
const ALL_PERMISSIONS = String((1n << 51n) - 1n);

const MESSAGE_FLAG_EPHEMERAL = 64;
const MESSAGE_FLAG_LOADING = 128;
const MESSAGE_FLAG_COMPONENTS_V2 = 32768;

const INTENT_GUILD_MESSAGES = 1 << 9;
const INTENT_DIRECT_MESSAGES = 1 << 12;
const INTENT_MESSAGE_CONTENT = 1 << 15;

const THREAD_TYPES = new Set([10, 11, 12]);

class DiscordError extends Error {
  status: number;
  code: number;
  errors: Json | undefined;
  constructor(status: number, code: number, message: string, errors?: Json) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}
const unknownResource = (what: 'Channel' | 'Message' | 'Member' | 'User' | 'Role' | 'Webhook' | 'interaction' | 'Application' | 'Guild') => {
  const codes = { Channel: 10003, Message: 10008, Member: 10007, User: 10013, Role: 10011, Webhook: 10015, interaction: 10062, Application: 10002, Guild: 10004 };
  return new DiscordError(404, codes[what], `Unknown ${what}`);
};

// ---------------------------------------------------------------------------------------------
// Validation of what the bot sends, to Discord's limits (only the common ones)

type FormErrors = { path: (string | number)[]; code: string; message: string }[];

function formError(errors: FormErrors): DiscordError {
  const tree: Json = {};
  for (const { path, code, message } of errors) {
    let node = tree;
    for (const key of path) node = (node[String(key)] ??= {}) as Json;
    ((node._errors ??= []) as unknown[]).push({ code, message });
  }
  return new DiscordError(400, 50035, 'Invalid Form Body', tree);
}

function checkLength(errors: FormErrors, path: (string | number)[], value: unknown, max: number, min = 0) {
  if (typeof value !== 'string') return;
  if (value.length > max) errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  else if (value.length < min) errors.push({ path, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${min} or more in length.` });
}

function validateComponents(errors: FormErrors, components: unknown, v2: boolean) {
  if (!Array.isArray(components)) return;
  if (!v2 && components.length > 5) errors.push({ path: ['components'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
  components.forEach((row: Json, r) => {
    if (row?.type !== 1) return;
    const children = Array.isArray(row.components) ? (row.components as Json[]) : [];
    if (children.length > 5) errors.push({ path: ['components', r, 'components'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
    children.forEach((child, c) => {
      const path = ['components', r, 'components', c];
      checkLength(errors, [...path, 'custom_id'], child.custom_id, 100, 1);
      checkLength(errors, [...path, 'label'], child.label, 80);
      if (child.type === 2 && child.style !== 5 && child.style !== 6 && typeof child.custom_id !== 'string') {
        errors.push({ path: [...path, 'custom_id'], code: 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', message: 'A custom id is required' });
      }
      if (child.type === 2 && child.style === 5 && typeof child.url !== 'string') {
        errors.push({ path: [...path, 'url'], code: 'BUTTON_COMPONENT_URL_REQUIRED', message: 'A url is required' });
      }
    });
  });
}

/** Check a message body (create or edit). `creating`: empty messages are refused. */
function validateMessage(body: Json, creating: boolean, hasFiles: boolean) {
  const errors: FormErrors = [];
  checkLength(errors, ['content'], body.content, 2000);
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Json[]) : [];
  if (embeds.length > 10) errors.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  let total = 0;
  embeds.forEach((embed, e) => {
    const text = (value: unknown) => (typeof value === 'string' ? value.length : 0);
    checkLength(errors, ['embeds', e, 'title'], embed.title, 256);
    checkLength(errors, ['embeds', e, 'description'], embed.description, 4096);
    checkLength(errors, ['embeds', e, 'footer', 'text'], (embed.footer as Json | undefined)?.text, 2048);
    checkLength(errors, ['embeds', e, 'author', 'name'], (embed.author as Json | undefined)?.name, 256);
    const fields = Array.isArray(embed.fields) ? (embed.fields as Json[]) : [];
    if (fields.length > 25) errors.push({ path: ['embeds', e, 'fields'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    fields.forEach((field, f) => {
      checkLength(errors, ['embeds', e, 'fields', f, 'name'], field.name, 256, 1);
      checkLength(errors, ['embeds', e, 'fields', f, 'value'], field.value, 1024, 1);
      total += text(field.name) + text(field.value);
    });
    total += text(embed.title) + text(embed.description) + text((embed.footer as Json | undefined)?.text) + text((embed.author as Json | undefined)?.name);
  });
  if (total > 6000) errors.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  validateComponents(errors, body.components, ((Number(body.flags) || 0) & MESSAGE_FLAG_COMPONENTS_V2) !== 0);
  if (errors.length > 0) throw formError(errors);
  if (creating) {
    const empty =
      (typeof body.content !== 'string' || body.content === '') &&
      embeds.length === 0 &&
      !(Array.isArray(body.components) && body.components.length > 0) &&
      !(Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) &&
      body.poll === undefined &&
      !hasFiles;
    if (empty) throw new DiscordError(400, 50006, 'Cannot send an empty message');
  }
}

function validateCommands(commands: unknown): void {
  if (!Array.isArray(commands)) throw formError([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
  const errors: FormErrors = [];
  if (commands.length > 100) errors.push({ path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
  const checkOptions = (options: unknown, path: (string | number)[]) => {
    if (!Array.isArray(options)) return;
    if (options.length > 25) errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    (options as Json[]).forEach((option, o) => {
      if (typeof option.name !== 'string' || !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(option.name)) {
        errors.push({ path: [...path, o, 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
      }
      checkLength(errors, [...path, o, 'description'], option.description, 100, 1);
      checkOptions(option.options, [...path, o, 'options']);
    });
  };
  (commands as Json[]).forEach((command, i) => {
    const type = command.type ?? 1;
    if (typeof command.name !== 'string' || (type === 1 ? !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(command.name) : command.name.length > 32)) {
      errors.push({ path: [i, 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    if (type === 1) checkLength(errors, [i, 'description'], command.description ?? '', 100, 1);
    checkOptions(command.options, [i, 'options']);
  });
  if (errors.length > 0) throw formError(errors);
}

// ---------------------------------------------------------------------------------------------
// Request bodies

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: NonNullable<DiscordCall['files']>; fileData: Buffer[] }> {
  if (raw.length === 0) return { body: undefined, files: [], fileData: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', { method: 'POST', body: raw, headers: { 'content-type': contentType } }).formData();
    let body: unknown = {};
    const files: NonNullable<DiscordCall['files']> = [];
    const fileData: Buffer[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
        fileData.push(Buffer.from(await value.arrayBuffer()));
      }
    }
    return { body, files, fileData };
  }
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return { body: JSON.parse(text), files: [], fileData: [] };
  return { body: text, files: [], fileData: [] };
}

// ---------------------------------------------------------------------------------------------

interface Session {
  id: string;
  seq: number;
  buffer: GatewayEvent[];
  socket: WebSocket | null;
  intents: number;
  valid: boolean;
}

interface InteractionRecord {
  id: string;
  token: string;
  /** 2 application command, 3 component, ... */
  type: number;
  channelId: string;
  user: Json;
  createdAt: number;
  responded: boolean;
  originalMessageId?: string;
  componentMessageId?: string;
  commandName?: string;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? '1100000000000000001';
  const botUserId = options.botUserId ?? applicationId;
  const guildId = options.guildId ?? '1200000000000000001';
  const heartbeatInterval = options.heartbeatIntervalMs ?? 41_250;
  const interactionTimeoutMs = options.interactionTimeoutMs ?? 3000;
  const token = options.token ?? `${Buffer.from(botUserId).toString('base64').replace(/=+$/, '')}.ZmFrZQ.${randomBytes(20).toString('base64url')}`;
  const ownerId = '1400000000000000001';

  const calls: DiscordCall[] = [];
  const failures: { method: string; pattern: RegExp; failure: DiscordFailure }[] = [];
  const gateway: FakeDiscord['gateway'] = { received: [], dispatched: [], dropped: [], connections: [] };
  let identifies = 0;
  const portal = { messageContentIntent: options.messageContentIntent ?? true };
  let resumes = 0;
  let session: Session | undefined;
  const sessions = new Map<string, Session>();

  const botUser: Json = { id: botUserId, username: 'operator', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0, public_flags: 0 };
  const users = new Map<string, Json>([[botUserId, botUser]]);
  const members = new Map<string, Json>();
  const roles = new Map<string, Json>();
  const channels = new Map<string, Json>();
  const messages = new Map<string, Json[]>(); // channel id -> oldest first
  const ephemeral = new Map<string, Json>(); // message id -> message
  const attachments = new Map<string, Buffer>(); // attachment id -> bytes
  const interactions = new Map<string, InteractionRecord>(); // token -> record
  const globalCommands: Json[] = [];
  const guildCommands: Json[] = [];
  const guildCreatedAt = new Date(Date.now() - 86_400_000).toISOString();

  const role = (id: string, name: string, permissions: string, extra: Json = {}): Json => ({
    id, name, permissions, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null,
    unicode_emoji: null, position: roles.size, managed: false, mentionable: false, flags: 0, ...extra,
  });
  roles.set(guildId, role(guildId, '@everyone', EVERYONE_PERMISSIONS));
  const botRoleId = snowflake();
  roles.set(botRoleId, role(botRoleId, 'Operator', BOT_PERMISSIONS, { managed: true, tags: { bot_id: botUserId } }));
  for (const extra of options.roles ?? []) {
    const id = extra.id ?? snowflake();
    roles.set(id, role(id, extra.name, extra.permissions ?? EVERYONE_PERMISSIONS));
  }

  const member = (user: Json, roleIds: string[]): Json => ({
    user, roles: roleIds, nick: null, avatar: null, banner: null, joined_at: guildCreatedAt, premium_since: null, deaf: false, mute: false,
    flags: 0, pending: false, communication_disabled_until: null,
  });
  members.set(botUserId, member(botUser, [botRoleId]));

  const textChannel = (id: string, name: string, type: number, position: number): Json => ({
    id, type, guild_id: guildId, name, position, permission_overwrites: [], topic: null, nsfw: false, last_message_id: null,
    rate_limit_per_user: 0, parent_id: null, flags: 0, default_thread_rate_limit_per_user: 0,
  });
  for (const [i, spec] of (options.channels ?? [{ name: 'general' }]).entries()) {
    const id = spec.id ?? (i === 0 && options.channels === undefined ? '1300000000000000001' : snowflake());
    channels.set(id, textChannel(id, spec.name, spec.type ?? 0, i));
    messages.set(id, []);
  }
  const channelId = [...channels.keys()][0]!;

  // ----- gateway ---------------------------------------------------------------------------

  const send = (socket: WebSocket, payload: GatewayEvent) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };
  const dispatchTo = (target: Session, t: string, d: unknown) => {
    target.seq += 1;
    const event: GatewayEvent = { op: 0, t, s: target.seq, d };
    target.buffer.push(event);
    if (target.buffer.length > 1000) target.buffer.shift();
    gateway.dispatched.push({ ...event, at: Date.now(), sessionId: target.id });
    if (target.socket !== null) send(target.socket, event);
  };
  /** Dispatch on the current session (live or waiting for a RESUME). */
  const dispatch = (t: string, d: unknown) => {
    if (session === undefined) throw new Error(`fake Discord: cannot dispatch ${t}: no gateway session yet (has the client logged in?)`);
    if (!session.valid) {
      gateway.dropped.push({ t, d });
      return;
    }
    dispatchTo(session, t, d);
  };
  const dispatchIfLive = (t: string, d: unknown) => {
    if (session !== undefined) dispatch(t, d);
  };
  const intentAllows = (intent: number) => session === undefined || (session.intents & intent) !== 0;

  const guildPayload = (): Json => ({
    id: guildId, name: options.guildName ?? 'Operator Test', icon: null, icon_hash: null, splash: null, discovery_splash: null, owner_id: ownerId,
    afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 1, explicit_content_filter: 0,
    roles: [...roles.values()], emojis: [], stickers: [], features: [], mfa_level: 0, application_id: null, system_channel_id: channelId,
    system_channel_flags: 0, rules_channel_id: null, max_presences: null, max_members: 500_000, vanity_url_code: null, description: null,
    banner: null, premium_tier: 0, premium_subscription_count: 0, preferred_locale: 'en-US', public_updates_channel_id: null,
    max_video_channel_users: 25, max_stage_video_channel_users: 50, nsfw_level: 0, premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null, incidents_data: null, nsfw: false, hub_type: null, latest_onboarding_question_id: null,
  });
  const guildCreatePayload = (): Json => {
    const all = [...channels.values()].filter((c) => c.guild_id === guildId);
    const strip = ({ guild_id: _guildId, ...rest }: Json) => rest; // GUILD_CREATE channels carry no guild_id
    return {
      ...guildPayload(), unavailable: false, joined_at: guildCreatedAt, large: false, member_count: members.size,
      members: [members.get(botUserId)], voice_states: [], presences: [], guild_scheduled_events: [], stage_instances: [], soundboard_sounds: [],
      channels: all.filter((c) => !THREAD_TYPES.has(c.type as number)).map(strip),
      threads: all.filter((c) => THREAD_TYPES.has(c.type as number) && !(c.thread_metadata as Json).archived),
      application_command_counts: {}, embedded_activities: [], activity_instances: [],
    };
  };

  function onIdentify(socket: WebSocket, d: Json) {
    if (d.token !== token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    if ((Number(d.intents) & INTENT_MESSAGE_CONTENT) !== 0 && !portal.messageContentIntent) {
      socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    identifies += 1;
    if (session !== undefined) session.valid = false;
    const fresh: Session = { id: randomBytes(16).toString('hex'), seq: 0, buffer: [], socket, intents: Number(d.intents) || 0, valid: true };
    sessions.set(fresh.id, fresh);
    session = fresh;
    const shard = Array.isArray(d.shard) ? d.shard : [0, 1];
    dispatchTo(fresh, 'READY', {
      v: 10, user: botUser, guilds: [{ id: guildId, unavailable: true }], session_id: fresh.id, session_type: 'normal',
      resume_gateway_url: `${base.replace(/^http/, 'ws')}/gateway-resume`, shard, application: { id: applicationId, flags: 0 },
      private_channels: [], relationships: [], presences: [], guild_join_requests: [], geo_ordered_rtc_regions: [], user_settings: {}, auth: {},
    });
    dispatchTo(fresh, 'GUILD_CREATE', guildCreatePayload());
  }

  function onResume(socket: WebSocket, d: Json) {
    const target = sessions.get(String(d.session_id));
    if (d.token !== token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    if (target === undefined || !target.valid || target !== session) {
      // Discord waits a moment before INVALID_SESSION; 1 s would only slow the tests down.
      send(socket, { op: 9, d: false, s: null, t: null });
      return;
    }
    resumes += 1;
    if (target.socket !== null && target.socket !== socket) target.socket.close(4000, 'Resumed elsewhere');
    target.socket = socket;
    const since = Number(d.seq) || 0;
    for (const event of target.buffer) if ((event.s ?? 0) > since) send(socket, event);
    dispatchTo(target, 'RESUMED', null);
  }

  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (socket: WebSocket, request: http.IncomingMessage) => {
    gateway.connections.push({ url: request.url ?? '/', at: Date.now() });
    send(socket, { op: 10, d: { heartbeat_interval: heartbeatInterval, _trace: ['["fake-discord",{"micros":0}]'] }, s: null, t: null });
    socket.on('message', (data) => {
      let payload: Json;
      try {
        payload = JSON.parse(String(data)) as Json;
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      const d = (payload.d ?? null) as Json;
      gateway.received.push({ op: Number(payload.op), t: null, s: null, d, at: Date.now() });
      switch (payload.op) {
        case 1:
          send(socket, { op: 11, d: null, s: null, t: null });
          break;
        case 2:
          onIdentify(socket, d);
          break;
        case 6:
          onResume(socket, d);
          break;
        default: // presence (3), voice (4), request members (8): recorded only
          break;
      }
    });
    socket.on('close', () => {
      for (const s of sessions.values()) if (s.socket === socket) s.socket = null;
    });
  });

  // ----- resources -------------------------------------------------------------------------

  const userFor = (userId: string, username?: string, isBot = false): Json => {
    const existing = users.get(userId);
    if (existing !== undefined && username === undefined) return existing;
    const user: Json = {
      id: userId, username: username ?? `user${userId.slice(-4)}`, discriminator: '0', global_name: username ?? null, avatar: null,
      avatar_decoration_data: null, public_flags: 0, flags: 0, ...(isBot ? { bot: true } : {}), primary_guild: null, collectibles: null,
    };
    users.set(userId, user);
    return user;
  };

  const roleId = (nameOrId: string): string => {
    if (roles.has(nameOrId)) return nameOrId;
    for (const [id, r] of roles) if (r.name === nameOrId) return id;
    const id = /^\d{17,20}$/.test(nameOrId) ? nameOrId : snowflake();
    const created = role(id, /^\d{17,20}$/.test(nameOrId) ? `role-${id.slice(-4)}` : nameOrId, EVERYONE_PERMISSIONS);
    roles.set(id, created);
    dispatchIfLive('GUILD_ROLE_CREATE', { guild_id: guildId, role: created });
    return id;
  };

  const memberFor = (user: Json, roleNames: string[] | undefined): Json => {
    const ids = (roleNames ?? []).map(roleId);
    const id = String(user.id);
    const existing = members.get(id);
    if (existing !== undefined && roleNames === undefined) return { ...existing, user };
    const created = member(user, ids);
    members.set(id, created);
    return created;
  };

  const permissionsOf = (roleIds: string[]): string => {
    let bits = BigInt(String(roles.get(guildId)?.permissions ?? '0'));
    for (const id of roleIds) bits |= BigInt(String(roles.get(id)?.permissions ?? '0'));
    return (bits & ADMINISTRATOR) !== 0n ? ALL_PERMISSIONS : String(bits);
  };

  const channelOr404 = (id: string): Json => {
    const channel = channels.get(id);
    if (channel === undefined) throw unknownResource('Channel');
    return channel;
  };
  const channelMessages = (id: string): Json[] => {
    let list = messages.get(id);
    if (list === undefined) {
      list = [];
      messages.set(id, list);
    }
    return list;
  };
  const findMessage = (id: string): Json | undefined => {
    for (const list of messages.values()) {
      const found = list.find((m) => m.id === id);
      if (found !== undefined) return found;
    }
    return ephemeral.get(id);
  };
  const isGuildChannel = (channel: Json) => channel.guild_id === guildId;

  const mentionsIn = (content: string): Json[] =>
    [...content.matchAll(/<@!?(\d+)>/g)].map((m) => users.get(m[1]!)).filter((u): u is Json => u !== undefined);

  function newMessage(channel: Json, author: Json, body: Json, extra: Json = {}): Json {
    const content = typeof body.content === 'string' ? body.content : '';
    const reference = body.message_reference as Json | undefined;
    return {
      id: snowflake(), channel_id: channel.id, author, content, timestamp: new Date().toISOString(), edited_timestamp: null, tts: body.tts === true,
      mention_everyone: false, mentions: mentionsIn(content), mention_roles: [], attachments: [], embeds: body.embeds ?? [], components: body.components ?? [],
      pinned: false, type: reference !== undefined ? 19 : 0, flags: Number(body.flags ?? 0) & ~MESSAGE_FLAG_EPHEMERAL, nonce: body.nonce,
      ...(reference !== undefined ? { message_reference: { type: 0, channel_id: channel.id, guild_id: channel.guild_id, ...reference } } : {}),
      ...extra,
    };
  }

  function addAttachments(message: Json, files: NonNullable<DiscordCall['files']>, data: Buffer[]) {
    const list = (message.attachments as Json[]).slice();
    files.forEach((file, i) => {
      const id = snowflake();
      attachments.set(id, data[i]!);
      const url = `${base}/attachments/${message.channel_id}/${id}/${encodeURIComponent(file.filename)}`;
      list.push({ id, filename: file.filename, size: file.size, url, proxy_url: url, content_type: file.contentType });
    });
    message.attachments = list;
  }

  /** The gateway form of a message: with guild_id and member for guild channels. */
  const gatewayMessage = (message: Json): Json => {
    const channel = channels.get(String(message.channel_id));
    if (channel === undefined || !isGuildChannel(channel)) return { ...message, channel_type: channel?.type };
    const m = members.get(String((message.author as Json).id));
    const { user: _user, ...partialMember } = m ?? member(message.author as Json, []);
    return { ...message, guild_id: guildId, member: partialMember, channel_type: channel.type };
  };

  /** MESSAGE_CREATE for a stored message, if the session's intents let it through. */
  function echoCreate(message: Json) {
    const channel = channels.get(String(message.channel_id));
    const dm = channel !== undefined && !isGuildChannel(channel);
    if (!intentAllows(dm ? INTENT_DIRECT_MESSAGES : INTENT_GUILD_MESSAGES)) return;
    let payload = gatewayMessage(message);
    const fromBot = (message.author as Json).id === botUserId;
    const mentioned = (message.mentions as Json[]).some((u) => u.id === botUserId);
    if (!fromBot && !dm && !mentioned && !intentAllows(INTENT_MESSAGE_CONTENT)) {
      payload = { ...payload, content: '', embeds: [], attachments: [], components: [] };
    }
    dispatchIfLive('MESSAGE_CREATE', payload);
    if (channel !== undefined) {
      channel.last_message_id = message.id;
      if (THREAD_TYPES.has(channel.type as number)) {
        channel.message_count = Number(channel.message_count ?? 0) + 1;
        channel.total_message_sent = Number(channel.total_message_sent ?? 0) + 1;
      }
    }
  }
  function echoUpdate(message: Json) {
    if (!ephemeral.has(String(message.id)) && intentAllows(INTENT_GUILD_MESSAGES)) dispatchIfLive('MESSAGE_UPDATE', gatewayMessage(message));
  }

  function applyEdit(message: Json, body: Json, files: NonNullable<DiscordCall['files']>, data: Buffer[]) {
    for (const field of ['content', 'embeds', 'components', 'allowed_mentions'] as const) if (body[field] !== undefined) message[field] = body[field];
    if (typeof body.content === 'string') message.mentions = mentionsIn(body.content);
    if (Array.isArray(body.attachments)) {
      const keep = new Set((body.attachments as Json[]).map((a) => String(a.id)));
      message.attachments = (message.attachments as Json[]).filter((a) => keep.has(String(a.id)));
    }
    if (files.length > 0) addAttachments(message, files, data);
    if (body.flags !== undefined) message.flags = (Number(message.flags) & (MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)) | (Number(body.flags) & ~MESSAGE_FLAG_EPHEMERAL);
    message.flags = Number(message.flags) & ~MESSAGE_FLAG_LOADING;
    message.edited_timestamp = new Date().toISOString();
  }

  const threadChannel = (id: string, parent: Json, body: Json, type: number): Json => {
    const now = new Date().toISOString();
    return {
      id, type, guild_id: guildId, parent_id: parent.id, owner_id: botUserId, name: body.name, last_message_id: null, rate_limit_per_user: Number(body.rate_limit_per_user ?? 0),
      flags: 0, message_count: 0, member_count: 1, total_message_sent: 0,
      thread_metadata: { archived: false, auto_archive_duration: Number(body.auto_archive_duration ?? 4320), archive_timestamp: now, locked: false, create_timestamp: now, ...(type === 12 ? { invitable: body.invitable ?? true } : {}) },
      member: { id, user_id: botUserId, join_timestamp: now, flags: 0 },
    };
  };
  function createThread(parent: Json, id: string, body: Json, type: number): Json {
    if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 100) {
      throw formError([{ path: ['name'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }]);
    }
    const thread = threadChannel(id, parent, body, type);
    channels.set(id, thread);
    messages.set(id, []);
    dispatchIfLive('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  // ----- interactions ----------------------------------------------------------------------

  function interactionBase(type: number, input: { id?: string; userId: string; username?: string; channelId?: string; roles?: string[]; permissions?: string; locale?: string }) {
    const channel = channelOr404Input(input.channelId ?? channelId);
    const user = userFor(input.userId, input.username);
    const m = memberFor(user, input.roles);
    const memberRoles = m.roles as string[];
    const id = input.id ?? snowflake();
    const interactionToken = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url'); // as Discord's: base64 of interaction:<id>:<secret>
    const { permission_overwrites: _overwrites, ...channelView } = channel;
    return {
      id, application_id: applicationId, type, token: interactionToken, version: 1, guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channel.id, channel: { ...channelView, permissions: input.permissions ?? permissionsOf(memberRoles) },
      member: { ...m, user, roles: memberRoles, permissions: input.permissions ?? permissionsOf(memberRoles) },
      app_permissions: BOT_PERMISSIONS, locale: input.locale ?? 'en-US', guild_locale: 'en-US', entitlements: [],
      authorizing_integration_owners: { '0': guildId }, context: 0, attachment_size_limit: 10_485_760,
    } satisfies Json;
  }
  function channelOr404Input(id: string): Json {
    const channel = channels.get(id);
    if (channel === undefined) throw new Error(`fake Discord: unknown channel ${id}; known: ${[...channels.keys()].join(', ')}`);
    return channel;
  }

  const optionType = (value: string | number | boolean) => (typeof value === 'boolean' ? 5 : typeof value === 'number' ? (Number.isInteger(value) ? 4 : 10) : 3);

  function slashCommand(input: SlashCommandInput): Json {
    const name = input.name ?? 'op';
    const registered = [...guildCommands, ...globalCommands].find((c) => c.name === name);
    const args = Object.entries(input.args ?? {}).map(([key, value]) => ({ type: optionType(value), name: key, value }));
    const commandOptions = input.options ?? (input.subcommand !== undefined ? [{ type: 1, name: input.subcommand, options: args }] : args);
    return {
      ...interactionBase(2, input),
      data: { id: registered?.id ?? snowflake(), name, type: 1, options: commandOptions, ...(registered?.guild_id !== undefined ? { guild_id: guildId } : {}) },
    };
  }

  function buttonClick(input: ButtonClickInput): Json {
    const common = interactionBase(3, input);
    let message = input.messageId !== undefined ? findMessage(input.messageId) : undefined;
    if (message === undefined) {
      message = newMessage(channelOr404Input(String(common.channel_id)), botUser, { content: '', components: [] }, input.messageId !== undefined ? { id: input.messageId } : {});
      channelMessages(String(message.channel_id)).push(message);
    }
    const componentType = input.componentType ?? (input.values !== undefined ? 3 : 2);
    return {
      ...common,
      message: { ...message },
      data: { custom_id: input.customId, component_type: componentType, ...(input.values !== undefined ? { values: input.values } : {}) },
    };
  }

  function modalSubmit(input: ModalSubmitInput): Json {
    return {
      ...interactionBase(5, input),
      data: {
        custom_id: input.customId,
        components: Object.entries(input.values).map(([customId, value]) => ({ type: 1, components: [{ type: 4, custom_id: customId, value }] })),
      },
    };
  }

  function sendInteraction(interaction: Json): Json {
    const user = ((interaction.member as Json | undefined)?.user ?? interaction.user) as Json;
    const data = interaction.data as Json | undefined;
    interactions.set(String(interaction.token), {
      id: String(interaction.id), token: String(interaction.token), type: Number(interaction.type), channelId: String(interaction.channel_id),
      user, createdAt: Date.now(), responded: false,
      componentMessageId: (interaction.message as Json | undefined)?.id as string | undefined,
      commandName: data?.name as string | undefined,
    });
    dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  /** The message an interaction's answer creates (type 4 / 5) or a follow-up. */
  function interactionMessage(record: InteractionRecord, body: Json, extra: Json = {}): Json {
    const channel = channels.get(record.channelId) ?? { id: record.channelId };
    const message = newMessage(channel, botUser, body, {
      webhook_id: applicationId, application_id: applicationId,
      interaction_metadata: { id: record.id, type: record.type, user: record.user, authorizing_integration_owners: { '0': guildId }, ...(record.commandName ? { name: record.commandName } : {}) },
      ...(record.type === 2 ? { type: 20 } : {}),
      ...extra,
    });
    if ((Number(body.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL) !== 0) {
      message.flags = Number(message.flags) | MESSAGE_FLAG_EPHEMERAL;
      ephemeral.set(String(message.id), message);
    } else {
      channelMessages(record.channelId).push(message);
      echoCreate(message);
    }
    return message;
  }

  function interactionCallback(id: string, interactionToken: string, body: Json, query: Record<string, string>, files: NonNullable<DiscordCall['files']>, data: Buffer[]) {
    const record = interactions.get(interactionToken);
    if (record === undefined || record.id !== id) throw unknownResource('interaction');
    if (record.responded) throw new DiscordError(400, 40060, 'Interaction has already been acknowledged.');
    if (Date.now() - record.createdAt > interactionTimeoutMs) throw unknownResource('interaction');
    const type = Number(body.type);
    const answer = (body.data ?? {}) as Json;
    let message: Json | undefined;
    switch (type) {
      case 4:
        validateMessage(answer, true, files.length > 0);
        message = interactionMessage(record, answer);
        if (files.length > 0) addAttachments(message, files, data);
        break;
      case 5:
        message = interactionMessage(record, { flags: (Number(answer.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL) | MESSAGE_FLAG_LOADING }, { content: '' });
        message.flags = Number(message.flags) | MESSAGE_FLAG_LOADING;
        break;
      case 6:
      case 7: {
        if (record.componentMessageId === undefined) throw formError([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Interaction response type is invalid for this interaction' }]);
        message = findMessage(record.componentMessageId);
        if (message !== undefined && type === 7) {
          validateMessage(answer, false, files.length > 0);
          applyEdit(message, answer, files, data);
          echoUpdate(message);
        }
        break;
      }
      case 9: {
        // A modal: answers a command or a component, never another modal; 1-5 rows of one text input each.
        if (record.type === 5) throw formError([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Interaction response type is invalid for this interaction' }]);
        const rows = answer.components as Json[] | undefined;
        const problems = [
          ...(typeof answer.custom_id !== 'string' || answer.custom_id.length === 0 || answer.custom_id.length > 100 ? [{ path: ['data', 'custom_id'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] : []),
          ...(typeof answer.title !== 'string' || answer.title.length === 0 || answer.title.length > 45 ? [{ path: ['data', 'title'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 45 in length.' }] : []),
          ...(!Array.isArray(rows) || rows.length === 0 || rows.length > 5 ? [{ path: ['data', 'components'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' }] : []),
          ...(Array.isArray(rows) ? rows : []).flatMap((row, i) => {
            const input = (row.components as Json[] | undefined)?.[0];
            return row.type === 1 && input?.type === 4 && typeof input.custom_id === 'string' && typeof input.label === 'string' && input.label.length <= 45 && (input.style === 1 || input.style === 2)
              ? []
              : [{ path: ['data', 'components', String(i)], code: 'COMPONENT_TYPE_INVALID', message: 'A modal row holds one text input with a custom_id, a label (max 45) and a style.' }];
          }),
        ];
        if (problems.length > 0) throw formError(problems);
        break;
      }
      case 8:
      case 10:
      case 12:
        break;
      default:
        throw formError([{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.` }]);
    }
    record.responded = true;
    if (message !== undefined) record.originalMessageId = String(message.id);
    if (query.with_response !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id, type: record.type, activity_instance_id: null, response_message_id: message?.id ?? null,
          response_message_loading: message !== undefined ? (Number(message.flags) & MESSAGE_FLAG_LOADING) !== 0 : null,
          response_message_ephemeral: message !== undefined ? (Number(message.flags) & MESSAGE_FLAG_EPHEMERAL) !== 0 : null,
        },
        resource: { type, ...(message !== undefined && (type === 4 || type === 7) ? { message } : {}) },
      },
    };
  }

  function webhookRecord(appId: string, interactionToken: string): InteractionRecord {
    const record = interactions.get(interactionToken);
    if (appId !== applicationId || record === undefined) throw unknownResource('Webhook');
    if (Date.now() - record.createdAt > 15 * 60_000) throw new DiscordError(401, 50027, 'Invalid Webhook Token');
    if (!record.responded) throw unknownResource('Webhook');
    return record;
  }
  function webhookMessage(record: InteractionRecord, messageId: string): Json {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    const message = id !== undefined ? findMessage(id) : undefined;
    if (message === undefined) throw unknownResource('Message');
    return message;
  }

  // ----- REST router -----------------------------------------------------------------------

  type Answer = { status: number; body?: unknown };
  type Route = {
    method: string;
    pattern: RegExp;
    auth: boolean;
    handle: (m: string[], req: { body: Json; query: Record<string, string>; files: NonNullable<DiscordCall['files']>; fileData: Buffer[] }) => Answer;
  };
  const ok = (body: unknown): Answer => ({ status: 200, body });
  const noContent: Answer = { status: 204 };

  const commandsPut = (list: Json[], forGuild: boolean, body: unknown): Json[] => {
    validateCommands(body);
    const next = (body as Json[]).map((command) => {
      const type = Number(command.type ?? 1);
      const previous = list.find((c) => c.name === command.name && c.type === type);
      return {
        id: previous?.id ?? snowflake(), application_id: applicationId, version: snowflake(), type, name: command.name, description: command.description ?? '',
        options: command.options ?? [], default_member_permissions: command.default_member_permissions ?? null, nsfw: command.nsfw ?? false,
        contexts: command.contexts ?? null, integration_types: command.integration_types ?? [0], name_localizations: command.name_localizations ?? null,
        description_localizations: command.description_localizations ?? null, ...(forGuild ? { guild_id: guildId } : { dm_permission: command.dm_permission ?? true }),
      };
    });
    list.splice(0, list.length, ...next);
    return next;
  };
  const checkApp = (appId: string) => {
    if (appId !== applicationId) throw new DiscordError(403, 50001, 'Missing Access');
  };
  const checkGuild = (id: string) => {
    if (id !== guildId) throw unknownResource('Guild');
  };

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/gateway\/bot$/, auth: true, handle: () => ok({ url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } }) },
    { method: 'GET', pattern: /^\/gateway$/, auth: false, handle: () => ok({ url: gatewayUrl }) },
    { method: 'GET', pattern: /^\/users\/@me$/, auth: true, handle: () => ok({ ...botUser, mfa_enabled: true, locale: 'en-US', verified: true, email: null }) },
    { method: 'GET', pattern: /^\/users\/(\d+)$/, auth: true, handle: ([, id]) => ok(users.get(id!) ?? (() => { throw unknownResource('User'); })()) },
    {
      method: 'GET', pattern: /^\/(?:oauth2\/)?applications\/@me$/, auth: true,
      handle: () => ok({
        id: applicationId, name: 'Operator', icon: null, description: '', summary: '', type: null, bot_public: false, bot_require_code_grant: false,
        verify_key: 'f'.repeat(64), flags: 0, hook: true, is_monetized: false, team: null, tags: [], install_params: null,
        owner: userFor(ownerId, 'owner'), bot: botUser, approximate_guild_count: 1, redirect_uris: [], interactions_endpoint_url: null,
      }),
    },
    { method: 'POST', pattern: /^\/users\/@me\/channels$/, auth: true, handle: (_m, { body }) => {
      const recipient = userFor(String(body.recipient_id));
      const existing = [...channels.values()].find((c) => c.type === 1 && (c.recipients as Json[])[0]?.id === recipient.id);
      if (existing !== undefined) return ok(existing);
      const dm: Json = { id: snowflake(), type: 1, last_message_id: null, flags: 0, recipients: [recipient] };
      channels.set(String(dm.id), dm);
      return ok(dm);
    } },

    // guild
    { method: 'GET', pattern: /^\/guilds\/(\d+)$/, auth: true, handle: ([, id]) => (checkGuild(id!), ok(guildPayload())) },
    { method: 'GET', pattern: /^\/guilds\/(\d+)\/channels$/, auth: true, handle: ([, id]) => (checkGuild(id!), ok([...channels.values()].filter((c) => isGuildChannel(c) && !THREAD_TYPES.has(c.type as number)))) },
    { method: 'GET', pattern: /^\/guilds\/(\d+)\/roles$/, auth: true, handle: ([, id]) => (checkGuild(id!), ok([...roles.values()])) },
    { method: 'GET', pattern: /^\/guilds\/(\d+)\/members\/(\d+)$/, auth: true, handle: ([, id, userId]) => (checkGuild(id!), ok(members.get(userId!) ?? (() => { throw unknownResource('Member'); })())) },
    { method: 'GET', pattern: /^\/guilds\/(\d+)\/threads\/active$/, auth: true, handle: ([, id]) => (checkGuild(id!), ok({ threads: [...channels.values()].filter((c) => THREAD_TYPES.has(c.type as number) && !(c.thread_metadata as Json).archived), members: [] })) },

    // commands
    { method: 'PUT', pattern: /^\/applications\/(\d+)\/commands$/, auth: true, handle: ([, app], { body }) => (checkApp(app!), ok(commandsPut(globalCommands, false, body))) },
    { method: 'GET', pattern: /^\/applications\/(\d+)\/commands$/, auth: true, handle: ([, app]) => (checkApp(app!), ok(globalCommands)) },
    { method: 'PUT', pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, auth: true, handle: ([, app, g], { body }) => (checkApp(app!), checkGuild(g!), ok(commandsPut(guildCommands, true, body))) },
    { method: 'GET', pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, auth: true, handle: ([, app, g]) => (checkApp(app!), checkGuild(g!), ok(guildCommands)) },
    {
      method: 'POST', pattern: /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/, auth: true,
      handle: ([, app, g], { body }) => {
        checkApp(app!);
        if (g !== undefined) checkGuild(g);
        const list = g !== undefined ? guildCommands : globalCommands;
        const others = list.filter((c) => c.name !== body.name);
        const [created] = commandsPut(list, g !== undefined, [...others, body]).slice(-1);
        return { status: 201, body: created };
      },
    },

    // channels and messages
    { method: 'GET', pattern: /^\/channels\/(\d+)$/, auth: true, handle: ([, id]) => ok(channelOr404(id!)) },
    {
      method: 'PATCH', pattern: /^\/channels\/(\d+)$/, auth: true,
      handle: ([, id], { body }) => {
        const channel = channelOr404(id!);
        for (const field of ['name', 'topic', 'rate_limit_per_user', 'nsfw', 'position', 'parent_id', 'flags'] as const) if (body[field] !== undefined) channel[field] = body[field];
        if (THREAD_TYPES.has(channel.type as number)) {
          const meta = channel.thread_metadata as Json;
          for (const field of ['archived', 'locked', 'auto_archive_duration', 'invitable'] as const) if (body[field] !== undefined) meta[field] = body[field];
          if (body.archived !== undefined) meta.archive_timestamp = new Date().toISOString();
        }
        dispatchIfLive(THREAD_TYPES.has(channel.type as number) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', channel);
        return ok(channel);
      },
    },
    {
      method: 'GET', pattern: /^\/channels\/(\d+)\/messages$/, auth: true,
      handle: ([, id], { query }) => {
        channelOr404(id!);
        const limit = Math.min(Math.max(Number(query.limit ?? 50) || 50, 1), 100);
        let list = channelMessages(id!).slice().reverse(); // newest first
        const before = query.before !== undefined ? BigInt(query.before) : undefined;
        const after = query.after !== undefined ? BigInt(query.after) : undefined;
        if (before !== undefined) list = list.filter((m) => BigInt(String(m.id)) < before);
        if (after !== undefined) list = list.filter((m) => BigInt(String(m.id)) > after).slice(-limit);
        return ok(list.slice(0, limit));
      },
    },
    {
      method: 'GET', pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/, auth: true,
      handle: ([, id, mid]) => ok(channelMessages(channelOr404(id!).id as string).find((m) => m.id === mid) ?? (() => { throw unknownResource('Message'); })()),
    },
    {
      method: 'POST', pattern: /^\/channels\/(\d+)\/messages$/, auth: true,
      handle: ([, id], { body, files, fileData }) => {
        const channel = channelOr404(id!);
        if (THREAD_TYPES.has(channel.type as number) && (channel.thread_metadata as Json).locked) throw new DiscordError(400, 50083, 'Thread is archived');
        validateMessage(body, true, files.length > 0);
        if (body.message_reference !== undefined) {
          const ref = body.message_reference as Json;
          if (channelMessages(id!).find((m) => m.id === ref.message_id) === undefined && ref.fail_if_not_exists !== false) {
            throw formError([{ path: ['message_reference'], code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
          }
        }
        // enforce_nonce: a second message with the same nonce within minutes returns the first one, as on Discord.
        if (body.enforce_nonce === true && body.nonce !== undefined && body.nonce !== null) {
          const twin = channelMessages(id!).find((m) => m.nonce === body.nonce && (m.author as Json).id === botUserId && Date.now() - Date.parse(String(m.timestamp)) < 5 * 60_000);
          if (twin !== undefined) return ok(twin);
        }
        const message = newMessage(channel, botUser, body);
        if (files.length > 0) addAttachments(message, files, fileData);
        channelMessages(id!).push(message);
        if (THREAD_TYPES.has(channel.type as number) && (channel.thread_metadata as Json).archived) {
          (channel.thread_metadata as Json).archived = false; // sending unarchives, as on Discord
          dispatchIfLive('THREAD_UPDATE', channel);
        }
        echoCreate(message);
        return ok(message);
      },
    },
    {
      method: 'PATCH', pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/, auth: true,
      handle: ([, id, mid], { body, files, fileData }) => {
        channelOr404(id!);
        const message = channelMessages(id!).find((m) => m.id === mid);
        if (message === undefined) throw unknownResource('Message');
        if ((message.author as Json).id !== botUserId && Object.keys(body).some((k) => k !== 'flags')) throw new DiscordError(403, 50005, 'Cannot edit a message authored by another user');
        validateMessage(body, false, files.length > 0);
        applyEdit(message, body, files, fileData);
        echoUpdate(message);
        return ok(message);
      },
    },
    {
      method: 'DELETE', pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/, auth: true,
      handle: ([, id, mid]) => {
        const list = channelMessages(channelOr404(id!).id as string);
        const index = list.findIndex((m) => m.id === mid);
        if (index < 0) throw unknownResource('Message');
        list.splice(index, 1);
        if (intentAllows(INTENT_GUILD_MESSAGES)) dispatchIfLive('MESSAGE_DELETE', { id: mid, channel_id: id, guild_id: guildId });
        return noContent;
      },
    },
    {
      method: 'POST', pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, auth: true,
      handle: ([, id, mid], { body }) => {
        const parent = channelOr404(id!);
        const starter = channelMessages(id!).find((m) => m.id === mid);
        if (starter === undefined) throw unknownResource('Message');
        if (channels.has(mid!)) throw new DiscordError(400, 160004, 'A thread has already been created for this message');
        if (THREAD_TYPES.has(parent.type as number)) throw new DiscordError(400, 50024, 'Cannot execute action on this channel type');
        const thread = createThread(parent, mid!, body, parent.type === 5 ? 10 : 11);
        starter.thread = thread;
        return { status: 201, body: thread };
      },
    },
    {
      method: 'POST', pattern: /^\/channels\/(\d+)\/threads$/, auth: true,
      handle: ([, id], { body }) => {
        const parent = channelOr404(id!);
        return { status: 201, body: createThread(parent, snowflake(), body, Number(body.type ?? 12)) };
      },
    },
    { method: 'PUT', pattern: /^\/channels\/(\d+)\/thread-members\/(@me|\d+)$/, auth: true, handle: ([, id]) => (channelOr404(id!), noContent) },
    { method: 'POST', pattern: /^\/channels\/(\d+)\/typing$/, auth: true, handle: ([, id]) => (channelOr404(id!), noContent) },
    { method: 'PUT', pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/[^/]+\/@me$/, auth: true, handle: ([, id]) => (channelOr404(id!), noContent) },
    { method: 'DELETE', pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/[^/]+\/(@me|\d+)$/, auth: true, handle: ([, id]) => (channelOr404(id!), noContent) },

    // interactions (no bot token: the interaction token is the credential)
    { method: 'POST', pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/, auth: false, handle: ([, id, t], { body, query, files, fileData }) => interactionCallback(id!, t!, body, query, files, fileData) },
    {
      method: 'POST', pattern: /^\/webhooks\/(\d+)\/([^/]+)$/, auth: false,
      handle: ([, app, t], { body, query, files, fileData }) => {
        const record = webhookRecord(app!, t!);
        validateMessage(body, true, files.length > 0);
        const message = interactionMessage(record, body, { type: 0 });
        if (files.length > 0) addAttachments(message, files, fileData);
        return query.wait === 'true' ? ok(message) : noContent;
      },
    },
    { method: 'GET', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, auth: false, handle: ([, app, t, mid]) => ok(webhookMessage(webhookRecord(app!, t!), mid!)) },
    {
      method: 'PATCH', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, auth: false,
      handle: ([, app, t, mid], { body, files, fileData }) => {
        const message = webhookMessage(webhookRecord(app!, t!), mid!);
        validateMessage(body, false, files.length > 0);
        const wasLoading = (Number(message.flags) & MESSAGE_FLAG_LOADING) !== 0;
        applyEdit(message, body, files, fileData);
        if (wasLoading) message.edited_timestamp = null; // the first edit of a deferred reply is its content, not an edit
        echoUpdate(message);
        return ok(message);
      },
    },
    {
      method: 'DELETE', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, auth: false,
      handle: ([, app, t, mid]) => {
        const message = webhookMessage(webhookRecord(app!, t!), mid!);
        ephemeral.delete(String(message.id));
        const list = channelMessages(String(message.channel_id));
        const index = list.indexOf(message);
        if (index >= 0) {
          list.splice(index, 1);
          dispatchIfLive('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: guildId });
        }
        return noContent;
      },
    },
  ];

  /** A stable per-route bucket hash, as Discord's x-ratelimit-bucket. */
  const bucketOf = (method: string, path: string) => createHash('sha1').update(`${method} ${path.replace(/\d{17,20}/g, ':id')}`).digest('hex').slice(0, 16);

  // ----- HTTP server -----------------------------------------------------------------------

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          if (payload === undefined) {
            res.writeHead(status, headers);
            res.end();
          } else {
            res.writeHead(status, { 'content-type': 'application/json', ...headers });
            res.end(JSON.stringify(payload));
          }
        };
        const url = new URL(req.url ?? '/', 'http://fake.invalid');
        const method = (req.method ?? 'GET').toUpperCase();

        const file = /^\/attachments\/\d+\/(\d+)\/[^/]+$/.exec(url.pathname);
        if (file !== null && method === 'GET' && attachments.has(file[1]!)) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(attachments.get(file[1]!));
          return;
        }
        const api = /^\/api(?:\/v\d+)?(\/.*)$/.exec(url.pathname);
        // Decoded: discord.js sends `@original` as `%40original` and emoji percent-encoded.
        const path = decodeURIComponent(api !== null ? api[1]! : url.pathname);
        const query = Object.fromEntries(url.searchParams);
        const call: DiscordCall = { method, path, query, body: undefined, status: 0, at: Date.now() };
        calls.push(call);
        const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
          call.status = status;
          reply(status, payload, headers);
        };
        if (api === null) return answer(404, { message: '404: Not Found', code: 0 });

        let parsed: Awaited<ReturnType<typeof parseBody>>;
        try {
          parsed = await parseBody(Buffer.concat(chunks), req.headers['content-type'] ?? '');
        } catch {
          return answer(400, { message: '400: Bad Request', code: 50109 }); // "The request body contains invalid JSON."
        }
        call.body = parsed.body;
        if (parsed.files.length > 0) call.files = parsed.files;

        const route = routes.find((r) => r.method === method && r.pattern.test(path));
        if (route === undefined) return answer(404, { message: '404: Not Found', code: 0 });
        if (route.auth && req.headers.authorization !== `Bot ${token}`) return answer(401, { message: '401: Unauthorized', code: 0 });

        const bucket = bucketOf(method, path);
        const resetAfter = 1;
        const limitHeaders = (remaining: number, after: number): Record<string, string> => ({
          'x-ratelimit-limit': '5', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset-after': String(after),
          'x-ratelimit-reset': String((Date.now() + after * 1000) / 1000), 'x-ratelimit-bucket': bucket,
        });

        const index = failures.findIndex((f) => f.method === method && f.pattern.test(path));
        const failure = index >= 0 ? failures.splice(index, 1)[0]!.failure : undefined;
        if (failure !== undefined && 'retryAfterSeconds' in failure) {
          const after = failure.retryAfterSeconds;
          return answer(429, { message: 'You are being rate limited.', retry_after: after, global: failure.global === true, ...(failure.global ? {} : { code: 0 }) }, {
            'retry-after': String(after), ...limitHeaders(0, after), 'x-ratelimit-scope': failure.global ? 'global' : 'user',
            ...(failure.global ? { 'x-ratelimit-global': 'true' } : {}),
          });
        }
        if (failure !== undefined && 'status' in failure) {
          return answer(failure.status, { message: failure.message ?? `${failure.status}: ${http.STATUS_CODES[failure.status] ?? 'Error'}`, code: failure.code ?? 0 });
        }

        try {
          const body = (parsed.body !== null && typeof parsed.body === 'object' ? parsed.body : {}) as Json;
          const result = route.handle(route.pattern.exec(path)!, { body, query, files: parsed.files, fileData: parsed.fileData });
          if (failure !== undefined) return answer(500, { message: '500: Internal Server Error', code: 0 }); // lostAnswer: done, but the answer is lost
          answer(result.status, result.body, route.auth ? limitHeaders(4, resetAfter) : {});
        } catch (error) {
          if (!(error instanceof DiscordError)) throw error;
          answer(error.status, { message: error.message, code: error.code, ...(error.errors !== undefined ? { errors: error.errors } : {}) });
        }
      })().catch((error: unknown) => {
        console.error('fake Discord: internal error', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const acceptable = !url.pathname.startsWith('/api') && url.searchParams.get('encoding') === 'json' && !url.searchParams.has('compress');
    if (!acceptable) {
      gateway.connections.push({ url: `REFUSED ${req.url ?? '/'}`, at: Date.now() });
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nfake Discord speaks uncompressed JSON only\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gatewayUrl = `${base.replace(/^http/, 'ws')}/gateway`;

  return {
    restUrl: `${base}/api`,
    gatewayUrl,
    token,
    applicationId,
    botUserId,
    guildId,
    channelId,
    calls,
    callsTo: (method, pathPattern) => calls.filter((call) => call.method === method.toUpperCase() && pathPattern.test(call.path)),
    waitFor: (predicate, timeoutMs = 5000) =>
      pollUntil(() => predicate(calls), timeoutMs, () => `fake Discord: calls so far: ${calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(', ') || '(none)'}`),
    failNext(method, pathPattern, failure) {
      failures.push({ method: method.toUpperCase(), pattern: pathPattern, failure });
    },
    get messageContentIntent() {
      return portal.messageContentIntent;
    },
    set messageContentIntent(enabled: boolean) {
      portal.messageContentIntent = enabled;
    },
    get identifies() {
      return identifies;
    },
    get resumes() {
      return resumes;
    },
    get connected() {
      return session !== undefined && session.valid && session.socket !== null;
    },
    gateway,
    slashCommand,
    buttonClick,
    modalSubmit,
    sendInteraction,
    sendMessage(input) {
      const channel = channelOr404Input(input.channelId ?? channelId);
      const author = userFor(input.userId, input.username, input.bot === true);
      if (isGuildChannel(channel)) memberFor(author, input.roles);
      const message = newMessage(channel, author, { content: input.content, ...(input.replyTo !== undefined ? { message_reference: { message_id: input.replyTo } } : {}) });
      channelMessages(String(channel.id)).push(message);
      echoCreate(message);
      return message;
    },
    dispatch,
    async disconnect({ resumable = true } = {}) {
      const live = session;
      if (live === undefined || live.socket === null) throw new Error('fake Discord: no client connected');
      if (!resumable) live.valid = false;
      const socket = live.socket;
      live.socket = null;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(resumable ? 4000 : 4009, resumable ? 'Unknown error' : 'Session timed out');
      });
    },
    messagesIn: (id) => (messages.get(id) ?? []).slice(),
    findMessage,
    getChannel: (id) => channels.get(id),
    addChannel(input) {
      const id = input.id ?? snowflake();
      const channel = textChannel(id, input.name, input.type ?? 0, channels.size);
      channels.set(id, channel);
      messages.set(id, []);
      dispatchIfLive('CHANNEL_CREATE', channel);
      return channel;
    },
    roleId,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
