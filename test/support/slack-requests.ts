/**
 * Requests as Slack sends them to an app's HTTP endpoint: signed (v0 HMAC-SHA256 over
 * `v0:<timestamp>:<body>`), slash commands and block actions form-encoded, Events API JSON.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const triggerId = () => `${Date.now()}.1.${randomUUID().replaceAll('-', '')}`;

/** JSON bodies start with `{`; everything else Slack sends is form-encoded. */
function contentTypeOf(body: string): string {
  return body.trimStart().startsWith('{') ? JSON_TYPE : FORM;
}

/**
 * The headers Slack sends with `body`. Slack sends exactly `application/x-www-form-urlencoded`
 * (no charset): Bolt's HTTPReceiver compares the content type exactly, and parses anything else as JSON.
 */
export function signSlackRequest(signingSecret: string, body: string, timestampSeconds = nowSeconds()): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex');
  return {
    'content-type': contentTypeOf(body),
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': `v0=${signature}`,
  };
}

export interface SlashCommandOptions {
  command?: string;
  text?: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  triggerId?: string;
  responseUrl: string;
  teamId?: string;
}

export function slashCommandBody(options: SlashCommandOptions): string {
  const { command = '/op', text = '', userId = 'U1', channelId = 'C1', teamId = 'T1', responseUrl } = options;
  return new URLSearchParams({
    token: 'verification-token',
    team_id: teamId,
    team_domain: 'operator-test',
    channel_id: channelId,
    channel_name: 'ops',
    user_id: userId,
    user_name: options.userName ?? userId.toLowerCase(),
    command,
    text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: options.triggerId ?? triggerId(),
  }).toString();
}

export interface BlockActionOptions {
  userId?: string;
  channelId?: string;
  actionId: string;
  value?: string;
  messageTs: string;
  triggerId?: string;
  responseUrl: string;
  teamId?: string;
}

export function blockActionBody(options: BlockActionOptions): string {
  const { userId = 'U1', channelId = 'C1', teamId = 'T1', actionId, value = '', messageTs, responseUrl } = options;
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A1',
    token: 'verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: options.triggerId ?? triggerId(),
    team: { id: teamId, domain: 'operator-test' },
    is_enterprise_install: false,
    channel: { id: channelId, name: 'ops' },
    message: { type: 'message', ts: messageTs, user: 'UBOT', bot_id: 'BBOT', text: '' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: `${nowSeconds()}.000001` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ViewSubmissionOptions {
  userId?: string;
  teamId?: string;
  /** The view as views.open sent it (callback_id, private_metadata, blocks). */
  view: Record<string, unknown>;
  viewId: string;
  /** Changes with every submission of the view. */
  hash?: string;
  /** Each input block's value, by block id (plain_text_input under action id `value`). */
  values: Record<string, string>;
}

/** A modal's submission as Slack sends it (interactivity payload of type view_submission). */
export function viewSubmissionBody(options: ViewSubmissionOptions): string {
  const { userId = 'U1', teamId = 'T1', view, viewId, values } = options;
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: 'operator-test' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A1',
    token: 'verification-token',
    trigger_id: triggerId(),
    view: {
      ...view,
      id: viewId,
      team_id: teamId,
      type: 'modal',
      state: { values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value: { type: 'plain_text_input', value } }])) },
      hash: options.hash ?? `${nowSeconds()}.${randomUUID().slice(0, 8)}`,
      root_view_id: viewId,
      app_id: 'A1',
      bot_id: 'BBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface MessageEventOptions {
  eventId?: string;
  userId?: string;
  channelId?: string;
  text: string;
  ts: string;
  threadTs?: string;
  teamId?: string;
}

export function messageEventBody(options: MessageEventOptions): string {
  const { userId = 'U1', channelId = 'C1', teamId = 'T1', text, ts, threadTs } = options;
  return JSON.stringify({
    token: 'verification-token',
    team_id: teamId,
    api_app_id: 'A1',
    event: { type: 'message', user: userId, channel: channelId, text, ts, thread_ts: threadTs, channel_type: 'channel', event_ts: ts },
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Number(ts)) || nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export interface PostOptions {
  /** Defaults to JSON for a body starting with `{`, form-encoded otherwise. */
  contentType?: string;
  /** Signs with this timestamp (for staleness tests); now by default. */
  timestampSeconds?: number;
  /** Extra or overriding headers, e.g. `x-slack-retry-num`, or a forged `x-slack-signature`. */
  headers?: Record<string, string>;
  /** Aborts the request, e.g. AbortSignal.timeout(ms). */
  signal?: AbortSignal;
}

export async function postToSlackEndpoint(
  url: string,
  signingSecret: string,
  body: string,
  options: PostOptions = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const headers = {
    ...signSlackRequest(signingSecret, body, options.timestampSeconds),
    ...(options.contentType !== undefined ? { 'content-type': options.contentType } : {}),
    ...options.headers,
  };
  const response = await fetch(url, { method: 'POST', headers, body, signal: options.signal });
  return { status: response.status, text: await response.text(), headers: response.headers };
}
